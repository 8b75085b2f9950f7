"""The bot's processes on one PostgreSQL database share Telegram's overall flood limit.

Telegram counts a bot's messages per token, whichever process sends them: two processes each
pacing itself at 30 a second sent 60 in one second when the bot was added to 100 groups at once
(load run, 2026-12-07). So every process says it is alive every `PERIOD` seconds
(`storage/workers.py`, in the database's own clock), counts those heard of in the last ten
seconds, and paces its overall window at its share (`TelegramLimits.share`). A process that
stops says so, and the others take its share at their next beat; one that crashed drops out of
the count ten seconds later. SQLite serves one process, and a bot without a limiter has nothing
to share: neither runs this.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.app.ratelimit import TelegramLimits
from bot.records import Database
from storage import workers

log = logging.getLogger(__name__)

PERIOD = 2.0  # seconds between beats


class Fleet:
    """This process's beat in the shared database, and its share of the overall limit."""

    def __init__(
        self,
        db: Database,
        limits: TelegramLimits,
        *,
        worker: str,
        receives: bool,
        period: float = PERIOD,
    ) -> None:
        self.db = db
        self.limits = limits
        self.worker = worker
        self.receives = receives
        self.period = period
        self.processes = 1
        self._task: asyncio.Task[None] | None = None

    async def beat(self) -> int:
        """Say this process is alive and take its share; how many processes there are."""
        async with self.db.write() as session:
            count = await workers.alive(session, name=self.worker, receives=self.receives)
        if count != self.processes:
            log.info("%d bot processes share this database; pacing at 1/%d", count, count)
        self.processes = max(1, count)
        self.limits.share(self.processes)
        return self.processes

    async def start(self) -> None:
        """The first beat before any update is applied, then one every `period` seconds."""
        await self.beat()
        self._task = asyncio.create_task(self._loop(), name="fleet")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.period)
            try:
                await self.beat()
            except Exception as error:  # the database busy or away: keep the last share
                log.warning("could not tell the other bot processes this one is alive: %s", error)

    async def stop(self) -> None:
        """Stop beating and leave, so the others take the whole limit at their next beat."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        try:
            async with self.db.write() as session:
                await workers.leave(session, name=self.worker)
        except Exception as error:  # the row expires on its own in ten seconds
            log.warning("could not tell the other bot processes this one stops: %s", error)
