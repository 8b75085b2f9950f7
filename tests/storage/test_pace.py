"""Turns for the bot's messages shared by every process on one PostgreSQL database."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from storage import pace as pace_q
from storage.db import Database


async def test_two_processes_booking_at_once_get_turns_a_gap_apart(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("the shared pace is kept in PostgreSQL: a bot on SQLite runs as one process")
    first, second = Database(db_url), Database(db_url)  # as two bot processes would have
    try:
        await first.upgrade()
        engines = [db.solo for db in (first, second) if db.solo is not None]
        assert len(engines) == 2
        gap = 1 / 28
        booked = await asyncio.gather(
            *(pace_q.book(engine, gap=gap) for _ in range(30) for engine in engines)
        )
        turns = sorted(turn for turn, _ in booked)
        # Sixty messages asked for at the same moment: the first goes now, the others wait for
        # turns one gap apart, whichever process asked; so no second holds more than 28.
        assert min(booked)[0] == pytest.approx(min(now for _, now in booked), abs=0.5)
        assert all(b - a >= gap - 1e-6 for a, b in itertools.pairwise(turns))
        assert max(sum(1 for t in turns if start <= t < start + 1) for start in turns) <= 28
        waits = [await pace_q.book_turn(engines[0], gap=gap) for _ in range(2)]
        assert waits[0] > 58 * gap - 1.0  # behind the sixty, however long booking them took
        assert waits[1] - waits[0] == pytest.approx(gap, abs=0.05)
    finally:
        await first.dispose()
        await second.dispose()


async def test_a_turn_is_never_booked_more_than_a_minute_ahead(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("the shared pace is kept in PostgreSQL: a bot on SQLite runs as one process")
    db = Database(db_url)
    try:
        await db.upgrade()
        solo = db.solo
        assert solo is not None
        # A clock that jumped back, or a huge backlog, left the next turn far in the future.
        await pace_q.book(solo, gap=0.01)
        async with db.engine.begin() as connection:
            await connection.exec_driver_sql("UPDATE fleetpace SET next_at = next_at + 86400")
        wait = await pace_q.book_turn(solo, gap=0.01)
        assert 59.0 < wait <= pace_q.MAX_AHEAD_SECONDS + 0.5
    finally:
        await db.dispose()
