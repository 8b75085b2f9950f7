"""Queries on articles: adding them once per team, and their extraction state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Article, Claim, ExtractionState, utcnow
from storage.upsert import affected_rows, among, insert_for


async def find_duplicate(
    session: AsyncSession, *, team_id: int, text_hash: str, canonical_url: str | None
) -> Article | None:
    """The team's earlier article with the same normalized text or canonical URL."""
    condition = col(Article.text_hash) == text_hash
    if canonical_url:
        condition = or_(condition, col(Article.canonical_url) == canonical_url)
    stmt = (
        select(Article).where(col(Article.team_id) == team_id, condition).order_by(col(Article.id))
    )
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


async def add_article(session: AsyncSession, **values: Any) -> Article | None:
    """Insert an article; None when the team already has one with the same text."""
    values.setdefault("created_at", utcnow())
    stmt = (
        insert_for(session, Article)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["team_id", "text_hash"])
        .returning(Article.id)
    )
    new_id = (await session.execute(stmt)).scalar_one_or_none()
    if new_id is None:
        return None
    return await session.get(Article, new_id)


async def get_article(
    session: AsyncSession, *, article_id: int, for_update: bool = False
) -> Article | None:
    """An article by id; `for_update` locks its row until the transaction ends (PostgreSQL)."""
    if not for_update:
        return await session.get(Article, article_id)
    stmt = select(Article).where(Article.id == article_id).with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_articles(session: AsyncSession, *, article_ids: set[int]) -> dict[int, Article]:
    """Articles by id (ids with no article are left out)."""
    if not article_ids:
        return {}
    stmt = select(Article).where(among(session, col(Article.id), article_ids))
    rows = await session.execute(stmt)
    return {article.id: article for article in rows.scalars() if article.id is not None}


async def set_extraction_state(
    session: AsyncSession, *, article_id: int, state: ExtractionState, **values: Any
) -> None:
    """Record how far claim extraction for an article got."""
    await session.execute(
        update(Article)
        .where(col(Article.id) == article_id)
        .values(extraction_state=state, **values)
    )


def _unfinished() -> ColumnElement[bool]:
    """An article whose extraction is pending, or running (or was, when a restart cut it)."""
    return col(Article.extraction_state).in_([ExtractionState.PENDING, ExtractionState.RUNNING])


async def claim_extraction(session: AsyncSession, *, article_id: int) -> bool:
    """Take a pending (or interrupted) extraction; False if another worker already did."""
    result = await session.execute(
        update(Article)
        .where(
            col(Article.id) == article_id,
            _unfinished(),
        )
        .values(extraction_state=ExtractionState.RUNNING)
    )
    return bool(affected_rows(result))


async def unfinished_extractions(session: AsyncSession) -> list[int]:
    """Articles whose extraction is pending or was interrupted by a restart."""
    rows = await session.execute(select(Article.id).where(_unfinished()).order_by(col(Article.id)))
    return list(rows.scalars())


async def any_unfinished_extraction(session: AsyncSession) -> bool:
    """Whether some article is still being read (its extraction pending or running)."""
    rows = await session.execute(select(Article.id).where(_unfinished()).limit(1))
    return rows.first() is not None


async def article_progress(session: AsyncSession, *, article_id: int) -> dict[str, int]:
    """Claim counts by status for one article."""
    rows = await session.execute(
        select(Claim.status, func.count())
        .where(Claim.article_id == article_id)
        .group_by(Claim.status)
    )
    return {status: count for status, count in rows.all()}
