"""Claim cards that still have to be posted: found, taken by one worker, and handed back."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Article, Claim, ExtractionState, Team
from storage.upsert import affected_rows, dialect_name

# A card being (re)posted by a worker is marked "posting:<worker>:<unix time>", so a second
# worker leaves it alone and a crashed worker's mark can be recognised and expire.
POSTING_PREFIX = "posting:"


def posting_mark(worker: str, at: datetime) -> str:
    """The card_state of a card one worker is posting now."""
    return f"{POSTING_PREFIX}{worker}:{int(at.timestamp())}"


def parse_posting_mark(state: str) -> tuple[str, int] | None:
    """(worker, unix time) of a posting mark; None for any other state."""
    if not state.startswith(POSTING_PREFIX):
        return None
    worker, _, stamp = state[len(POSTING_PREFIX) :].rpartition(":")
    return (worker, int(stamp)) if stamp.isdigit() else None


async def cards_to_post(
    session: AsyncSession, *, created_before: datetime, limit: int = 50
) -> list[tuple[Claim, Article, Team]]:
    """Claims of extracted articles in active teams whose card is unposted or being posted.

    Only claims queued before `created_before`, so cards the normal path is still posting are
    left to it.
    """
    stmt = (
        select(Claim, Article, Team)
        .join(Article, col(Article.id) == col(Claim.article_id))
        .join(Team, col(Team.id) == col(Claim.team_id))
        .where(*_awaiting_card(), col(Claim.created_at) < created_before)
        .order_by(col(Claim.article_id), col(Claim.position))
        .limit(limit)
    )
    return [(claim, article, team) for claim, article, team in (await session.execute(stmt)).all()]


class Taken(StrEnum):
    """What `take_card` did with a card."""

    TAKE = "take"  # this worker posts it
    DEFER = "defer"  # its article already shows cards-at-once cards: it waits in /queue


async def take_card(
    session: AsyncSession, *, claim: Claim, seen: str, mark: str, limit: int
) -> Taken | None:
    """Take a card to post (TAKE), or defer it when its article already shows `limit` cards
    (DEFER); None if another worker changed it since it was `seen`.

    The article's row is locked first (PostgreSQL), so two workers counting the same article's
    cards take turns and cannot both post the last one allowed.
    """
    lock = select(Article.id).where(Article.id == claim.article_id)
    if dialect_name(session) == "postgresql":
        lock = lock.with_for_update()
    await session.execute(lock)
    showing = await session.execute(
        select(func.count()).where(
            Claim.article_id == claim.article_id,
            Claim.id != claim.id,
            or_(
                col(Claim.card_state) == "posted", col(Claim.card_state).startswith(POSTING_PREFIX)
            ),
        )
    )
    outcome = Taken.TAKE if showing.scalar_one() < limit else Taken.DEFER
    result = await session.execute(
        update(Claim)
        .where(col(Claim.id) == claim.id, col(Claim.card_state) == seen)
        .values(card_state=mark if outcome is Taken.TAKE else "deferred")
    )
    return outcome if affected_rows(result) else None


async def hand_back_card(session: AsyncSession, *, claim_id: int, mark: str, state: str) -> None:
    """Set a card this worker had taken to `state` (unposted to retry, deferred to skip)."""
    await session.execute(
        update(Claim)
        .where(col(Claim.id) == claim_id, col(Claim.card_state) == mark)
        .values(card_state=state)
    )


async def any_card_to_post(session: AsyncSession) -> bool:
    """Whether an extracted article of an active team still has a card to post."""
    stmt = (
        select(Claim.id)
        .join(Article, col(Article.id) == col(Claim.article_id))
        .join(Team, col(Team.id) == col(Claim.team_id))
        .where(*_awaiting_card())
        .limit(1)
    )
    rows = await session.execute(stmt)
    return rows.first() is not None


def _awaiting_card() -> tuple[ColumnElement[bool], ...]:
    """Claims of extracted articles in active teams whose card is unposted or being posted
    (for a query that joins the claim's article and team)."""
    return (
        or_(col(Claim.card_state) == "unposted", col(Claim.card_state).startswith(POSTING_PREFIX)),
        col(Article.extraction_state) == ExtractionState.DONE,
        col(Team.active).is_(True),
    )
