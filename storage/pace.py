"""Turns for the bot's messages, shared by every process on one PostgreSQL database.

Telegram's overall limit (about 30 messages a second) counts the bot, not a process. Each
message books the next free turn in one row (`FleetPace`): turns are `gap` seconds apart, by
the database's clock, and a message whose turn is later waits for it. One statement, run on its
own (autocommit): a round trip a message, at most a few dozen a second for the whole fleet.
"""

from __future__ import annotations

from sqlalchemy import Float, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

# A turn is booked at most this far ahead: a clock that jumped back, or a backlog, never makes
# a message wait longer than this.
MAX_AHEAD_SECONDS = 60.0

# The turn is the row's next free turn, or now if that has passed; the row then moves one gap
# past it. Returns the turn and the database's now (seconds since the epoch).
_BOOK = text(
    """
    WITH now AS (SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8 AS t)
    INSERT INTO fleetpace (id, next_at)
    SELECT 1, t + :gap FROM now
    ON CONFLICT (id) DO UPDATE SET next_at = GREATEST(
        LEAST(fleetpace.next_at, EXCLUDED.next_at + :ahead), EXCLUDED.next_at - :gap
    ) + :gap
    RETURNING fleetpace.next_at - :gap, (SELECT t FROM now)
    """
).bindparams(bindparam("gap", type_=Float()), bindparam("ahead", type_=Float()))


async def book(engine: AsyncEngine, *, gap: float) -> tuple[float, float]:
    """Book the next free turn: (the turn, the database's now), in seconds since the epoch.

    The statement runs on its own (autocommit): the row's lock is held for the statement only,
    and no BEGIN or COMMIT round trip goes with it.
    """
    async with engine.connect() as plain:
        connection = await plain.execution_options(isolation_level="AUTOCOMMIT")
        result = await connection.execute(_BOOK, {"gap": gap, "ahead": MAX_AHEAD_SECONDS})
        turn, now = result.one()
    return float(turn), float(now)


async def book_turn(engine: AsyncEngine, *, gap: float) -> float:
    """Book the next free turn; the seconds until it (0 when it is now)."""
    turn, now = await book(engine, gap=gap)
    return max(0.0, turn - now)
