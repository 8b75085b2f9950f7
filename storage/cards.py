"""Claim cards that still have to be posted: found, taken by one worker, and handed back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Article, Claim, ExtractionState, Team

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
        .join(Article, Article.id == Claim.article_id)
        .join(Team, Team.id == Claim.team_id)
        .where(
            or_(Claim.card_state == "unposted", Claim.card_state.startswith(POSTING_PREFIX)),
            Article.extraction_state == ExtractionState.DONE,
            Team.active.is_(True),
            Claim.created_at < created_before,
        )
        .order_by(Claim.article_id, Claim.position)
        .limit(limit)
    )
    return [(claim, article, team) for claim, article, team in (await session.execute(stmt)).all()]


async def take_card(session: AsyncSession, *, claim_id: int, seen: str, mark: str) -> bool:
    """Mark a card as being posted by this worker, if nobody changed it since it was `seen`."""
    result = await session.execute(
        update(Claim).where(Claim.id == claim_id, Claim.card_state == seen).values(card_state=mark)
    )
    return bool(result.rowcount)


async def hand_back_card(session: AsyncSession, *, claim_id: int, mark: str, state: str) -> None:
    """Set a card this worker had taken to `state` (unposted to retry, deferred to skip)."""
    await session.execute(
        update(Claim).where(Claim.id == claim_id, Claim.card_state == mark).values(card_state=state)
    )


async def shown_cards(session: AsyncSession, *, article_id: int) -> int:
    """How many of an article's cards are posted (they count against cards-at-once)."""
    stmt = select(func.count()).where(Claim.article_id == article_id, Claim.card_state == "posted")
    return int((await session.execute(stmt)).scalar_one())
