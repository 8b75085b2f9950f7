"""A bot in its own process, as an operator runs it, and its resident memory (figure 4).

`BotProcess` starts `factcheck-bot run` (or the bare python-telegram-bot floor, bench/floor_bot.py)
against a sandbox, waits until it polls, reads VmRSS from /proc/<pid>/status and stops it with
SIGTERM. The vote benchmark (bench/bench_votes.py) drives it; the RSS figures come from there.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO, Figure, log
from bot.sandbox import Sandbox

TARGET_MB = 150.0
BOT_COMMAND = [str(Path(sys.executable).parent / "factcheck-bot"), "run"]
FLOOR_COMMAND = [sys.executable, str(REPO / "bench" / "floor_bot.py")]
# Variables a developer's shell may hold that must not leak into the measured bot.
SCRUBBED_PREFIXES = ("TELEGRAM_", "DATABASE_", "OPENAI_", "WEBHOOK_", "EXTRACTOR", "MAX_CLAIMS")


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


class BotProcess:
    """A bot process talking to the sandbox; use as `async with`."""

    def __init__(
        self, sandbox: Sandbox, command: list[str], *, database_url: str = "", **env: str
    ) -> None:
        self.sandbox = sandbox
        self.command = command
        self.env = {
            "TELEGRAM_BOT_TOKEN": sandbox.token,
            "TELEGRAM_BASE_URL": sandbox.base_url,
            "TELEGRAM_BASE_FILE_URL": sandbox.base_file_url,
            "DATABASE_URL": database_url,
            "POLL_TIMEOUT": "1",
            "RATE_LIMIT": "false",
            "LOG_LEVEL": "WARNING",
            **env,
        }
        self.process: subprocess.Popen[bytes] | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._log_path: Path | None = None

    async def __aenter__(self) -> BotProcess:
        self._folder = tempfile.TemporaryDirectory(prefix="fcb-bot-")
        self._log_path = Path(self._folder.name) / "bot.log"
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)
        } | self.env
        since = len(self.sandbox.calls())
        with self._log_path.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: ASYNC220  (returns at once; polled below)
                self.command, cwd=self._folder.name, env=env, stdout=out, stderr=out
            )
        await self._wait_polling(since)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
        if self._folder is not None:
            self._folder.cleanup()

    async def _wait_polling(self, since: int, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        """Wait until the bot's first getUpdates: it has started and is listening."""
        deadline = time.monotonic() + timeout
        while not self.sandbox.calls(since, "getUpdates"):
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"bot exited at start-up:\n{self.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"bot did not poll within {timeout}s:\n{self.output()[-3000:]}")
            await asyncio.sleep(0.05)

    def output(self) -> str:
        """What the bot wrote to stdout and stderr."""
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(errors="replace")

    def rss_mb(self) -> float:
        """The bot process's resident memory now."""
        assert self.process is not None
        return rss_mb(self.process.pid)

    async def stop(self) -> None:
        """SIGTERM, a graceful wait, then SIGKILL if it hangs."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        for _ in range(150):
            if process.poll() is not None:
                return
            await asyncio.sleep(0.1)
        log(f"bot pid {process.pid} ignored SIGTERM; killing it")
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(timeout=10)


def memory_figures(db: str, after_start: float, after_votes: float) -> list[Figure]:
    """The two RSS figures of one run, against the target."""
    return [
        Figure(
            "memory", name, value, "MiB", target=f"< {TARGET_MB:g}", met=value < TARGET_MB, db=db
        )
        for name, value in (
            ("bot RSS after start-up", after_start),
            ("bot RSS after the vote run", after_votes),
        )
    ]
