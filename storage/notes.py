"""Queries on notes and the evidence links they carry."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Note, utcnow
from storage.upsert import among


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


async def note_counts(session: AsyncSession, *, claim_ids: Sequence[int]) -> dict[int, int]:
    """How many notes each claim has (a claim without notes is left out)."""
    if not claim_ids:
        return {}
    rows = await session.execute(
        select(Note.claim_id, func.count())
        .where(among(session, col(Note.claim_id), claim_ids))
        .group_by(col(Note.claim_id))
    )
    return {claim_id: count for claim_id, count in rows.all()}
