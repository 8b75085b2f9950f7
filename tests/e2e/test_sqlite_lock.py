"""One `factcheck-bot run` per SQLite file: a second process is refused with one clear line,
the lock goes with the process however it ends (SIGKILL too), and code inside one process may
still open the same file twice."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app.dblock import DatabaseInUse, lock_database, sqlite_path
from storage.db import Database
from tests.utils.processes import Processes, SandboxControl

pytestmark = pytest.mark.slow


@pytest.fixture
async def procs(tmp_path: Path) -> AsyncIterator[Processes]:
    """A sandbox process and room for bots, all killed at the end."""
    async with Processes(tmp_path) as processes:
        yield processes


async def wait_exit(process, timeout: float = 30.0) -> int:  # noqa: ASYNC109
    """The exit code of a process expected to stop by itself."""
    for _ in range(int(timeout * 20)):
        code = process.popen.poll()
        if code is not None:
            return code
        await asyncio.sleep(0.05)
    raise TimeoutError(f"{process.name} still running")


async def test_a_second_bot_on_the_same_sqlite_file_is_refused(
    procs: Processes, tmp_path: Path
) -> None:
    control: SandboxControl = await procs.sandbox()
    url = f"sqlite+aiosqlite:///{tmp_path / 'desk.db'}"
    first = procs.bot(control, url, name="first")
    second = procs.bot(control, url, name="second")
    await first.start_and_wait()

    second.start()
    assert await wait_exit(second) == 2
    refused = [line for line in second.log().splitlines() if "in use" in line]
    assert refused == [
        f"factcheck-bot: {tmp_path / 'desk.db'} is in use by another factcheck-bot process "
        f"(pid {first.popen.pid}); SQLite is for one process: stop that one, or use "
        "PostgreSQL for several workers."
    ]
    assert "Traceback" not in second.log()
    assert first.running

    first.kill()  # SIGKILL: no clean-up ran, yet the kernel released the lock
    await second.start_and_wait()
    assert second.running


async def test_lock_is_per_sqlite_file_and_released_on_close(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    held = lock_database(url)
    assert held is not None
    assert (tmp_path / "x.db.lock").read_text().strip() == str(os.getpid())
    with pytest.raises(DatabaseInUse, match=r"x\.db is in use"):
        lock_database(url)
    # The lock is the process's (taken by `run`), not Database's: code in this process may
    # still open the file, as tests and benchmarks do.
    db = Database(url)
    try:
        await db.upgrade()
        async with db.read() as session:
            assert session is not None
    finally:
        await db.dispose()
    other = lock_database(f"sqlite+aiosqlite:///{tmp_path / 'y.db'}")
    assert other is not None
    held.close()
    other.close()
    again = lock_database(url)
    assert again is not None
    again.close()


@pytest.mark.parametrize(
    "url",
    ["postgresql+asyncpg://u@h/db", "sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:"],
)
def test_nothing_to_lock_for_postgresql_or_memory(url: str) -> None:
    assert sqlite_path(url) is None
    assert lock_database(url) is None
