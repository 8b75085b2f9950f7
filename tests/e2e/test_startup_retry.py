"""`factcheck-bot run` waits for an unreachable Bot API at start-up instead of exiting: it tries
again with a growing pause, logs one line per attempt, and stops on SIGTERM meanwhile."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import Sandbox
from tests.utils.processes import Processes, SandboxControl, free_port

pytestmark = pytest.mark.slow
RETRY_LINE = "Telegram is unreachable at start-up"


@pytest.fixture
async def procs(tmp_path: Path) -> AsyncIterator[Processes]:
    """Child processes in a scratch folder, all killed at the end."""
    async with Processes(tmp_path) as processes:
        yield processes


async def test_bot_started_before_the_bot_api_waits_for_it_and_then_answers(
    procs: Processes, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens here yet: every connection is refused
    bot = procs.bot(
        SandboxControl(f"http://127.0.0.1:{port}"), f"sqlite+aiosqlite:///{tmp_path / 'a.db'}"
    )
    bot.start()
    await bot.wait_for_log("(attempt 2)", timeout=30)
    sandbox = Sandbox()
    await sandbox.start(port=port)
    try:
        chat = sandbox.add_chat("Fact desk")
        alice = sandbox.add_user("Alice")
        sandbox.add_member(chat, alice, "administrator")
        await bot.wait_for_log("is running", timeout=60)
        sandbox.send(chat, alice, "/help")
        await sandbox.wait_for(lambda: sandbox.bot_messages(chat), timeout=20)
    finally:
        assert bot.terminate() == 0
        await sandbox.stop()
    log = bot.log()
    attempts = log.count(RETRY_LINE)
    assert attempts >= 2
    assert log.count("(attempt ") == attempts  # one line per attempt
    assert "Traceback" not in log


async def test_sigterm_stops_a_bot_that_is_waiting_for_telegram(
    procs: Processes, tmp_path: Path
) -> None:
    port = free_port()
    bot = procs.bot(
        SandboxControl(f"http://127.0.0.1:{port}"), f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    )
    bot.start()
    await bot.wait_for_log(RETRY_LINE, timeout=30)
    started = time.monotonic()
    assert bot.terminate(timeout=10) == 0
    assert time.monotonic() - started < 5
    assert "Stopped" in bot.log() and "Traceback" not in bot.log()
