"""Command-line failures are one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import cli, extract_cli
from tests.conftest import REPO

UKRAINIAN = (
    "Уночі російські війська атакували Харків чотирнадцятьма дронами. За словами голови "
    "обласної адміністрації, без світла залишилися тридцять вісім тисяч родин у місті. "
    "Пошкоджено дві школи та лікарню, повідомили рятувальники.\n"
)


@pytest.fixture(autouse=True)
def command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder with no .env and no database; no key or endpoint in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "DATABASE_URL", "EXTRACTOR"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def one_line_error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    """Run the command; assert it failed with exactly one line on stderr; return that line."""
    code = cli.main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_extract_reads_a_windows_1251_file(
    command_line: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (command_line / "article.txt").write_bytes(UKRAINIAN.encode("cp1251"))
    assert cli.main(["extract", "article.txt"]) == 0
    out = capsys.readouterr().out
    assert "Харків" in out and "\ufffd" not in out


def test_extract_reads_an_html_file_in_its_declared_charset(
    command_line: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "".join(f"<p>{line}</p>" for line in UKRAINIAN.split(". "))
    page = f'<html><head><meta charset="koi8-u"><title>Харків</title></head><body>{body}</body>'
    (command_line / "page.html").write_bytes(page.encode("koi8-u"))
    assert cli.main(["extract", "page.html"]) == 0
    assert "Харків" in capsys.readouterr().out


def test_extract_of_a_binary_file_is_one_line(
    command_line: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (command_line / "photo.txt").write_bytes(bytes(range(256)) * 8)
    assert "binary" in one_line_error(capsys, ["extract", "photo.txt"])


def test_extract_of_a_missing_file_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_line_error(capsys, ["extract", "nowhere.txt"])
    assert line == "factcheck-bot extract: cannot read nowhere.txt: No such file or directory"


def test_extract_with_openai_without_a_key_is_one_line(
    command_line: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (command_line / "a.txt").write_text("The bridge cost 12 million euros, officials said.")
    line = one_line_error(capsys, ["extract", "--extractor", "openai", "a.txt"])
    assert "OPENAI_API_KEY" in line and "ValueError" not in line


def test_extract_of_a_loopback_url_hints_at_fetch_allowed_hosts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    line = one_line_error(capsys, ["extract", "http://127.0.0.1/story"])
    assert "loopback" in line and "FETCH_ALLOWED_HOSTS=127.0.0.1" in line
    assert "I only fetch" not in line  # the chat's wording, not a command line's
    line = one_line_error(capsys, ["extract", "http://127.0.0.1:8099/story"])
    assert "FETCH_ALLOWED_HOSTS=127.0.0.1:8099" in line


def test_export_before_any_database_exists_is_one_line_and_creates_none(
    command_line: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = one_line_error(capsys, ["export", "--chat", "-100123"])
    assert "no database at factcheck.db" in line and "db upgrade" in line
    assert not (command_line / "factcheck.db").exists()


def test_export_of_an_empty_database_file_is_one_line(
    command_line: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (command_line / "factcheck.db").touch()
    assert "cannot read the database" in one_line_error(capsys, ["export", "--chat", "-100123"])


def test_export_of_an_unknown_chat_speaks_to_a_command_line_user(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["db", "upgrade"]) == 0
    capsys.readouterr()
    line = one_line_error(capsys, ["export", "--chat", "-100123"])
    assert "no team has chat id -100123" in line
    assert "Add me" not in line and "group first" not in line


def test_an_unexpected_error_is_one_line_unless_a_traceback_is_asked_for(
    command_line: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object) -> int:
        raise RuntimeError("the scorer weights are missing\nsecond line")

    monkeypatch.setattr(extract_cli, "_extract", broken)
    line = one_line_error(capsys, ["extract", "a.txt"])
    assert line.startswith("factcheck-bot extract: RuntimeError: the scorer weights are missing")
    with pytest.raises(RuntimeError):
        cli.main(["--traceback", "extract", "a.txt"])


def test_the_installed_command_fails_in_one_line(command_line: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--chat", "-100123"],
        cwd=command_line,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_extract_reads_stdin_in_any_charset(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(UKRAINIAN.encode("cp1251"))))
    assert cli.main(["extract", "-"]) == 0
    assert "Харків" in capsys.readouterr().out


def test_db_upgrade_of_an_unreachable_server_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://checker:secret@127.0.0.1:1/desk")
    line = one_line_error(capsys, ["db", "upgrade"])
    assert line.startswith("factcheck-bot db: ") and "secret" not in line
