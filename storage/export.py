"""Batch queries behind exports: a page of claims by id, then everything about that page at once.

Pages are keyset-paginated on the claim id (`id > after_id ORDER BY id LIMIT n`), so a large
team's export reads a bounded number of rows per query however far it has got.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.matching import ClaimMatch
from storage.models import (
    VERDICT_STATUSES,
    Article,
    Claim,
    Note,
    StatusChange,
    User,
    Vote,
)


async def claims_page(
    session: AsyncSession,
    *,
    team_id: int,
    after_id: int,
    limit: int,
    since: datetime | None = None,
    verdicts_only: bool = False,
) -> list[tuple[Claim, Article]]:
    """The next page of a team's claims with their articles, by id.

    `since` keeps claims whose status changed at or after that moment; a new claim's status
    time is its creation, so this covers both "created since" and "decided since".
    """
    stmt = (
        select(Claim, Article)
        .join(Article, col(Article.id) == col(Claim.article_id))
        .where(col(Claim.team_id) == team_id, col(Claim.id) > after_id)
        .order_by(col(Claim.id))
        .limit(limit)
    )
    if since is not None:
        stmt = stmt.where(Claim.status_changed_at >= since)
    if verdicts_only:
        stmt = stmt.where(col(Claim.status).in_(sorted(VERDICT_STATUSES)))
    return [(claim, article) for claim, article in (await session.execute(stmt)).all()]


async def tallies(session: AsyncSession, *, claim_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Votes per rating for each claim, counted by the database."""
    result: dict[int, dict[str, int]] = defaultdict(dict)
    if claim_ids:
        rows = await session.execute(
            select(Vote.claim_id, Vote.rating, func.count())
            .where(col(Vote.claim_id).in_(list(claim_ids)))
            .group_by(col(Vote.claim_id), col(Vote.rating))
        )
        for claim_id, rating, count in rows.all():
            result[claim_id][rating] = count
    return dict(result)


async def votes_of(
    session: AsyncSession, *, claim_ids: Sequence[int]
) -> dict[int, list[tuple[Vote, User | None]]]:
    """Each claim's votes with the voters, in vote order."""
    result: dict[int, list[tuple[Vote, User | None]]] = defaultdict(list)
    if claim_ids:
        rows = await session.execute(
            select(Vote, User)
            .join(User, col(User.id) == col(Vote.user_id), isouter=True)
            .where(col(Vote.claim_id).in_(list(claim_ids)))
            .order_by(col(Vote.claim_id), col(Vote.created_at), col(Vote.id))
        )
        for vote, user in rows.all():
            result[vote.claim_id].append((vote, user))
    return dict(result)


async def notes_of(
    session: AsyncSession, *, claim_ids: Sequence[int]
) -> dict[int, list[tuple[Note, User | None]]]:
    """Each claim's notes with their authors, oldest first."""
    result: dict[int, list[tuple[Note, User | None]]] = defaultdict(list)
    if claim_ids:
        rows = await session.execute(
            select(Note, User)
            .join(User, col(User.id) == col(Note.user_id), isouter=True)
            .where(col(Note.claim_id).in_(list(claim_ids)))
            .order_by(col(Note.claim_id), col(Note.id))
        )
        for note, user in rows.all():
            result[note.claim_id].append((note, user))
    return dict(result)


async def histories(
    session: AsyncSession, *, claim_ids: Sequence[int]
) -> dict[int, list[tuple[StatusChange, User | None]]]:
    """Each claim's status changes with who made them, oldest first."""
    result: dict[int, list[tuple[StatusChange, User | None]]] = defaultdict(list)
    if claim_ids:
        rows = await session.execute(
            select(StatusChange, User)
            .join(User, col(User.id) == col(StatusChange.user_id), isouter=True)
            .where(col(StatusChange.claim_id).in_(list(claim_ids)))
            .order_by(col(StatusChange.claim_id), col(StatusChange.id))
        )
        for change, user in rows.all():
            result[change.claim_id].append((change, user))
    return dict(result)


async def matches_of(session: AsyncSession, *, claim_ids: Sequence[int]) -> dict[int, ClaimMatch]:
    """The earlier claim each of these claims was matched to, if any."""
    if not claim_ids:
        return {}
    rows = await session.execute(
        select(ClaimMatch).where(col(ClaimMatch.claim_id).in_(list(claim_ids)))
    )
    return {match.claim_id: match for match in rows.scalars()}
