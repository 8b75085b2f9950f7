"""Queries behind the per-group message budget: what the bot has sent into a group lately."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Claim, Team
from storage.upsert import dialect_name

DEFERRED = "deferred"


async def lock_team(session: AsyncSession, *, team_id: int) -> None:
    """Hold the team's row until the transaction ends (PostgreSQL), so budget decisions queue.

    SQLite needs no lock: its writers already take turns on the database's one write lock.
    """
    stmt = select(Team.id).where(Team.id == team_id)
    if dialect_name(session) == "postgresql":
        stmt = stmt.with_for_update()
    await session.execute(stmt)


async def cards_going_out_since(
    session: AsyncSession, *, team_id: int, since: datetime, other_than: int
) -> dict[int, int]:
    """Per article (except `other_than`): claims queued since a moment whose card is not deferred.

    Those are cards posted, being posted, or still to be posted: all count against the budget.
    """
    stmt = (
        select(Claim.article_id, func.count())
        .where(
            Claim.team_id == team_id,
            Claim.created_at >= since,
            Claim.article_id != other_than,
            Claim.card_state != DEFERRED,
        )
        .group_by(col(Claim.article_id))
    )
    return {article_id: int(count) for article_id, count in (await session.execute(stmt)).all()}


async def defer_cards(session: AsyncSession, *, claim_ids: Sequence[int]) -> None:
    """Leave these claims' cards unposted (the claims stay in /queue); posted ones stay."""
    if claim_ids:
        await session.execute(
            update(Claim)
            .where(col(Claim.id).in_(list(claim_ids)), col(Claim.card_state) == "unposted")
            .values(card_state=DEFERRED)
        )
