"""What keeps the bot's process small (docs/performance.md, "Memory"): behaviour, not timings.

Heavy data lives elsewhere — the fastText model and pymorphy3's Ukrainian dictionary in the
helper process, `cryptography` nowhere (PDFs' AES goes through PyCryptodome, in the PDF child),
scikit-learn and SciPy never — and the answers stay the same as if it were all loaded here.
"""

from __future__ import annotations

import io
import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.app.runner import MemoryTrimmer
from bot.extraction import helper
from bot.extraction.helper import LanguageHelper
from bot.intake.media.pdf import PdfEncrypted, read_pdf_pages
from bot.matching.lemmas import Lemmatiser

REPO = Path(__file__).resolve().parents[2]
# Modules the bot's process must not hold, whatever it has done (their data is elsewhere, or
# they are not the bot's at all).
NEVER = ("cryptography", "Crypto", "pypdf", "sklearn", "scipy", "pymorphy3", "fasttext")
UKRAINIAN = "Міністерство енергетики заявило, що 38 тисяч домогосподарств залишилися без світла"
WORDS = ["домогосподарств", "залишилися", "світла", "заявило", "енергетики"]


def run_python(code: str, timeout: float = 120) -> Any:
    """Run `code` in a fresh interpreter of this venv; the JSON it printed last."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_bot_process_imports_no_heavy_module_it_does_not_use() -> None:
    loaded = run_python(
        "import json, sys\n"
        "import bot.app.cli, bot.app.factory, bot.app.runner\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({NEVER!r}))))"
    )
    assert loaded == [], f"the bot's process imports {loaded}"


def test_matching_and_language_detection_keep_their_data_out_of_the_bot_process() -> None:
    found = run_python(
        "import json, sys\n"
        "import bot.app.factory\n"
        "from bot.extraction.language import detect_language\n"
        "from bot.matching.text import analyze, analyze_many, cyrillic_language\n"
        f"text = {UKRAINIAN!r}\n"
        "terms = analyze(text)\n"
        "many = analyze_many([text, 'Households lost power', text])\n"
        "detected = detect_language(text).code\n"
        "short = cyrillic_language('домогосподарства залишилися')\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules} & {'pymorphy3', 'fasttext'})\n"
        "print(json.dumps([terms, many, detected, short, loaded]))"
    )
    terms, many, detected, short, loaded = found
    assert loaded == []
    assert detected == "uk"
    assert short == "uk"  # no letter only Ukrainian has: the dictionary knew the words
    assert "домогосподарство" in terms and "#38000" in terms
    assert many == [terms, ["household", "lost", "power"], terms]


def test_the_helper_answers_as_the_data_would_in_this_process() -> None:
    child = LanguageHelper()
    try:
        for op, items in (
            ("lemma", WORDS),
            ("known", [*WORDS, "qwertyйцукен"]),
            ("language", [UKRAINIAN, "The grid lost power", "Die Regierung hat beschlossen"]),
        ):
            expected = json.loads(json.dumps(helper.answer(op, items)))  # as JSON carries it
            assert child.ask(op, items) == expected
        assert child.started == 1  # one child for every request
    finally:
        child.close()
    assert child.child_pid is None


def test_an_idle_helper_exits_and_the_next_request_starts_another() -> None:
    child = LanguageHelper(idle_seconds=0.2)
    try:
        first = child.ask("lemma", WORDS[:2])
        pid = child.child_pid
        assert pid is not None
        deadline = time.monotonic() + 10
        while child.child_pid is not None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.child_pid is None, "the idle child did not exit"
        assert child.ask("lemma", WORDS[:2]) == first
        assert child.started == 2
        assert not child.in_process
    finally:
        child.close()


def test_without_a_helper_process_the_data_is_loaded_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("no processes today")

    monkeypatch.setattr(helper.subprocess, "Popen", refuse)
    child = LanguageHelper()
    assert child.ask("lemma", WORDS) == helper.answer("lemma", WORDS)
    assert child.in_process and child.started == 0


def _state(pid: int) -> str | None:
    """A process's state letter (Z for a zombie), or None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_the_helper_does_not_outlive_a_killed_bot() -> None:
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from bot.extraction import helper\n"
            "helper.ask('lemma', ['світла'])\n"
            "print(helper.helper().child_pid, flush=True)\n"
            "time.sleep(60)",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        assert _state(pid) not in (None, "Z")
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _state(pid) not in (None, "Z") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _state(pid) in (None, "Z"), "the helper kept running after the bot was killed"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_the_lemma_cache_asks_once_per_word_and_stays_bounded() -> None:
    asked: list[tuple[str, list[str]]] = []

    def ask(op: str, words: Sequence[str]) -> list[Any]:
        asked.append((op, list(words)))
        return [word.upper() if op == "lemma" else True for word in words]

    cache = Lemmatiser(ask, cache_size=3)
    assert cache.lemmas(["a", "b", "a"]) == ["A", "B", "A"]
    assert cache.lemmas(["b", "c"]) == ["B", "C"]
    assert asked == [("lemma", ["a", "b"]), ("lemma", ["c"])]
    cache.lemmas(["d"])  # a, the least recently used, is dropped
    cache.lemmas(["b", "c", "d"])
    assert len(asked) == 3
    cache.lemmas(["a"])
    assert asked[-1] == ("lemma", ["a"])
    assert cache.known(["a"]) == [True]
    assert len(cache) == 3 + 1


def test_the_bot_caps_its_malloc_arenas_unless_the_operator_did() -> None:
    capped, left = run_python(
        "import json, os\n"
        "from bot.app.runner import limit_malloc_arenas\n"
        "capped = limit_malloc_arenas()\n"
        "os.environ['MALLOC_ARENA_MAX'] = '4'\n"
        "print(json.dumps([capped, limit_malloc_arenas()]))"
    )
    assert capped is (platform.libc_ver()[0] == "glibc")
    assert left is False


@pytest.mark.skipif(sys.platform != "linux", reason="glibc's malloc_trim")
def test_the_trimmer_trims_after_work_and_stops() -> None:
    trimmer = MemoryTrimmer(period=0.05, after_cpu=0.0)
    trimmer.start()
    try:
        deadline = time.monotonic() + 10
        while trimmer.trims == 0 and time.monotonic() < deadline:
            sum(range(100_000))  # some work to trim after
            time.sleep(0.01)
    finally:
        trimmer.stop()
    assert trimmer.trims > 0
    done = trimmer.trims
    time.sleep(0.2)
    assert trimmer.trims == done


def _aes_pdf(user_password: str, algorithm: str) -> bytes:
    """A one-page PDF encrypted with AES (pypdf's writer), openable with `user_password`."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="The national grid lost 12.4 percent of its capacity in 2025.")
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("algorithm", ["AES-128", "AES-256"])
async def test_an_aes_pdf_without_a_user_password_is_read(algorithm: str) -> None:
    pages = await read_pdf_pages(
        _aes_pdf("", algorithm), name="locked.pdf", max_pages=10, ocr_pages=0, seconds=60
    )
    assert "12.4 percent" in pages.texts[0]


async def test_an_aes_pdf_with_a_password_gets_the_plain_answer() -> None:
    with pytest.raises(PdfEncrypted):  # "… is protected with a password: I can't open it …"
        await read_pdf_pages(
            _aes_pdf("secret", "AES-256"), name="secret.pdf", max_pages=10, ocr_pages=0, seconds=60
        )


def test_start_up_objects_are_frozen_out_of_full_collections_and_garbage_is_not() -> None:
    frozen = run_python(
        "import gc, json, weakref\n"
        "import bot.app.cli, bot.app.factory\n"
        "from bot.app.runner import freeze_start_up_objects\n"
        "class Node: pass\n"
        "a, b = Node(), Node(); a.other, b.other = b, a  # a cycle only the collector frees\n"
        "dead = weakref.ref(a); del a, b\n"
        "freeze_start_up_objects()\n"
        "print(json.dumps([gc.get_freeze_count(), dead() is None]))"
    )
    count, garbage_freed = frozen
    assert count > 20_000, f"only {count} objects frozen"
    assert garbage_freed, "a garbage cycle from before start-up ended was frozen, not freed"
