"""Progress messages of updates under way: which "Got it…" message an update already sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from storage.models import ProgressMessage
from storage.upsert import affected_rows, insert_for


async def remember_progress(
    session: AsyncSession, *, update_id: int, chat_id: int, message_id: int
) -> None:
    """Record the progress message an update sent (the first one stays)."""
    stmt = insert_for(session, ProgressMessage).values(
        update_id=update_id, chat_id=chat_id, message_id=message_id
    )
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["update_id"]))


async def progress_of(session: AsyncSession, *, update_id: int) -> ProgressMessage | None:
    """The progress message an earlier delivery of this update sent, if any."""
    return await session.get(ProgressMessage, update_id)


async def prune_progress(session: AsyncSession, *, before: datetime) -> int:
    """Forget progress messages older than `before` (their updates are long finished)."""
    result = await session.execute(
        delete(ProgressMessage).where(col(ProgressMessage.created_at) < before)
    )
    return affected_rows(result)
