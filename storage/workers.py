"""The bot processes sharing a PostgreSQL database: each says it is alive, and counts the others.

Times are the database's own (`now()`), so processes on hosts whose clocks disagree still see
each other. Only for PostgreSQL: a SQLite file serves one process (`bot/app/dblock.py`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import WorkerProcess

# A process not heard of for this long has stopped (it says so every few seconds).
GONE_AFTER = timedelta(seconds=10)
# Rows of processes gone this long are deleted (a crashed process leaves its row behind).
FORGET_AFTER = timedelta(hours=1)


async def alive(session: AsyncSession, *, name: str, receives: bool) -> int:
    """Say that this process is alive; how many processes are, itself included."""
    now = func.now()
    stmt = insert(WorkerProcess).values(name=name, receives=receives, seen_at=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=["name"], set_={"receives": receives, "seen_at": now}
    )
    await session.execute(stmt)
    await session.execute(
        delete(WorkerProcess).where(col(WorkerProcess.seen_at) < now - FORGET_AFTER)
    )
    count = (
        select(func.count())
        .select_from(WorkerProcess)
        .where(col(WorkerProcess.seen_at) >= now - GONE_AFTER)
    )
    return int((await session.execute(count)).scalar_one())


async def leave(session: AsyncSession, *, name: str) -> None:
    """This process stops: the others may take its share at once."""
    await session.execute(delete(WorkerProcess).where(col(WorkerProcess.name) == name))
