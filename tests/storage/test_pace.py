"""Turns for the bot's messages shared by every process on one PostgreSQL database."""

from __future__ import annotations

import asyncio

import pytest

from storage import pace as pace_q
from storage.db import Database

SKIP = "the shared pace is kept in PostgreSQL: a bot on SQLite runs as one process"


def busiest(turns: list[float], window: float) -> int:
    """The most turns in any `window` seconds."""
    return max(sum(1 for t in turns if start <= t < start + window) for start in turns)


async def test_two_processes_booking_at_once_keep_to_the_window_together(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip(SKIP)
    first, second = Database(db_url), Database(db_url)  # as two bot processes would have
    try:
        await first.upgrade()
        engines = [db.solo for db in (first, second) if db.solo is not None]
        assert len(engines) == 2
        booked = await asyncio.gather(
            *(pace_q.book(engine, size=10, window=0.5) for _ in range(15) for engine in engines)
        )
        turns = sorted(turn for turn, _ in booked)
        start = min(now for _, now in booked)
        # Thirty messages asked for at once, from both processes: the first ten go now, the
        # next ten half a second after them, the last ten a second after; never more than ten
        # in any half second, whichever process asked.
        assert busiest(turns, 0.5) == 10
        assert turns[0] - start < 0.5 and turns[10] >= turns[0] + 0.5
        assert turns[20] >= turns[10] + 0.5
        waits = [await pace_q.book_turn(engines[0], size=10, window=0.5) for _ in range(2)]
        assert waits[0] > 0.2  # behind the thirty, however long booking them took
        # A changed limit starts again: the first turn of the new size is now.
        assert await pace_q.book_turn(engines[1], size=5, window=0.5) == 0.0
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_turn_is_never_booked_more_than_a_minute_ahead(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip(SKIP)
    db = Database(db_url)
    try:
        await db.upgrade()
        solo = db.solo
        assert solo is not None
        # A clock that jumped back left the turns far in the future.
        await pace_q.book(solo, size=3, window=1.0)
        async with db.engine.begin() as connection:
            await connection.exec_driver_sql(
                "UPDATE fleetpace SET turns = ARRAY[1e12, 1e12, 1e12]::float8[]"
            )
        wait = await pace_q.book_turn(solo, size=3, window=1.0)
        assert 59.0 < wait <= pace_q.MAX_AHEAD_SECONDS + 0.5
    finally:
        await db.dispose()
