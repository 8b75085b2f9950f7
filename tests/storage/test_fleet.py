"""Bot processes on one PostgreSQL database split Telegram's overall limit between them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app.fleet import Fleet
from bot.app.ratelimit import TelegramLimits
from storage.db import Database
from tests.conftest import fresh_database_url

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh, migrated PostgreSQL database."""
    async with fresh_database_url("postgresql", tmp_path) as url:
        db = Database(url)
        await db.upgrade()
        try:
            yield db
        finally:
            await db.dispose()


def _fleet(db: Database, name: str, *, receives: bool) -> Fleet:
    return Fleet(db, TelegramLimits(overall_per_second=30), worker=name, receives=receives)


async def test_two_processes_each_send_half_and_one_left_alone_takes_the_whole(
    pg: Database,
) -> None:
    a = _fleet(pg, "desk-a", receives=True)
    b = _fleet(pg, "desk-b", receives=False)
    assert await a.beat() == 1
    assert a.limits.overall.limit == 30, "alone, the whole limit"
    await b.start()  # its first beat comes before it applies any update
    assert b.processes == 2 and b.limits.overall.limit == 15
    assert await a.beat() == 2
    assert a.limits.overall.limit == 15
    await b.stop()  # says it leaves: the other takes the whole limit at its next beat
    assert await a.beat() == 1
    assert a.limits.overall.limit == 30
    async with pg.read() as session:
        rows = (await session.execute(text("SELECT name, receives FROM worker_process"))).all()
    assert [tuple(r) for r in rows] == [("desk-a", True)]


async def test_a_process_not_heard_of_for_ten_seconds_no_longer_counts(pg: Database) -> None:
    a = _fleet(pg, "desk-a", receives=True)
    crashed = _fleet(pg, "desk-b", receives=False)
    await crashed.beat()
    assert await a.beat() == 2
    # desk-b was SIGKILLed: it never said it stopped, and its last beat grows old.
    async with pg.write() as session:
        await session.execute(
            text("UPDATE worker_process SET seen_at = now() - interval '11 seconds' "
                 "WHERE name = 'desk-b'")
        )  # fmt: skip
    assert await a.beat() == 1
    assert a.limits.overall.limit == 30
