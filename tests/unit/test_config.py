"""Settings and the command line: clear one-line errors, lists parsed from the environment."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.app.config import Settings, TokenError, check_token


def test_missing_token_is_one_clear_line() -> None:
    with pytest.raises(TokenError, match="TELEGRAM_BOT_TOKEN is not set"):
        check_token(Settings(_env_file=None, telegram_bot_token=""))


def test_malformed_token_is_refused() -> None:
    with pytest.raises(TokenError, match="does not look like a bot token"):
        check_token(Settings(_env_file=None, telegram_bot_token='"123:abc"'))


def test_editor_ids_and_hosts_are_read_from_comma_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EDITOR_IDS", "111, 222")
    monkeypatch.setenv("FETCH_ALLOWED_HOSTS", "Intranet.local,127.0.0.1:8080")
    settings = Settings(_env_file=None)
    assert settings.editor_ids == {111, 222}
    assert settings.fetch_allowed_hosts == {"intranet.local", "127.0.0.1:8080"}


def _run(*args: str, env: dict[str, str], cwd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


def test_run_without_token_prints_one_line_and_no_traceback(tmp_path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    result = _run("run", env=env, cwd=str(tmp_path))
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_invalid_setting_is_reported_by_name(tmp_path) -> None:
    import os

    env = {**os.environ, "QUORUM": "lots"}
    result = _run("run", env=env, cwd=str(tmp_path))
    assert result.returncode != 0
    assert "QUORUM" in result.stderr and "Traceback" not in result.stderr


def test_env_example_lists_every_setting() -> None:
    from tests.conftest import REPO

    example = (REPO / ".env.example").read_text(encoding="utf-8")
    missing = [
        name.upper() for name in Settings.model_fields if f"\n{name.upper()}=" not in example
    ]
    assert missing == []
