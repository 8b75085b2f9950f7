"""Queries on notes and the evidence links they carry."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Note, utcnow


async def add_note(
    session: AsyncSession,
    *,
    claim_id: int,
    user_id: int,
    text: str,
    evidence_urls: list[str],
    message_id: int | None,
) -> Note:
    """Attach a note to a claim."""
    note = Note(
        claim_id=claim_id,
        user_id=user_id,
        text=text,
        evidence_urls="\n".join(evidence_urls),
        message_id=message_id,
        created_at=utcnow(),
    )
    session.add(note)
    await session.flush()
    return note


async def notes_of(session: AsyncSession, *, claim_id: int) -> list[Note]:
    """A claim's notes, oldest first."""
    rows = await session.execute(
        select(Note).where(col(Note.claim_id) == claim_id).order_by(col(Note.id))
    )
    return list(rows.scalars())


async def note_count(session: AsyncSession, *, claim_id: int) -> int:
    """How many notes a claim has."""
    stmt = select(func.count()).select_from(Note).where(Note.claim_id == claim_id)
    return int((await session.execute(stmt)).scalar_one())
