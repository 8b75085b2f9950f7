"""Turns for the bot's messages, shared by every process on one PostgreSQL database.

Telegram's overall limit (about 30 messages a second) counts the bot, not a process. One row
(`FleetPace`) holds the turns of the bot's last `size` messages, oldest first. A message's turn
is now, or one `window` after the oldest of them if that is later: so no `window` ever holds
more than `size` turns, a burst of up to `size` goes at once, and the row's lock puts the
processes' bookings in one order. One statement, run on its own (autocommit): a round trip a
message, at most a few dozen a second for the whole fleet.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

# A turn is never booked more than this far ahead: a clock that jumped back never makes a
# message wait longer.
MAX_AHEAD_SECONDS = 60.0

# The turns, by the database's clock (seconds since the epoch). A row of another size (the
# limit was changed) starts again with none booked.
_BOOK = text(
    """
    WITH now AS (SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8 AS t)
    INSERT INTO fleetpace (id, turns)
    SELECT 1, array_fill(0::float8, ARRAY[:size - 1]) || t FROM now
    ON CONFLICT (id) DO UPDATE SET turns = (
        SELECT CASE WHEN cardinality(fleetpace.turns) = :size
            THEN fleetpace.turns[2:]
                || GREATEST(now.t, LEAST(fleetpace.turns[1] + :window, now.t + :ahead))
            ELSE array_fill(0::float8, ARRAY[:size - 1]) || now.t
        END
        FROM now
    )
    RETURNING turns[cardinality(turns)], (SELECT t FROM now)
    """
).bindparams(
    bindparam("size", type_=Integer()),
    bindparam("window", type_=Float()),
    bindparam("ahead", type_=Float()),
)


async def book(engine: AsyncEngine, *, size: int, window: float) -> tuple[float, float]:
    """Book a turn: (the turn, the database's now), in seconds since the epoch.

    The statement runs on its own (autocommit): the row's lock is held for the statement only,
    and no BEGIN or COMMIT round trip goes with it.
    """
    async with engine.connect() as plain:
        connection = await plain.execution_options(isolation_level="AUTOCOMMIT")
        values = {"size": size, "window": window, "ahead": MAX_AHEAD_SECONDS}
        result = await connection.execute(_BOOK, values)
        turn, now = result.one()
    return float(turn), float(now)


async def book_turn(engine: AsyncEngine, *, size: int, window: float) -> float:
    """Book a turn; the seconds until it (0 when it is now)."""
    turn, now = await book(engine, size=size, window=window)
    return max(0.0, turn - now)
