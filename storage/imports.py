"""Queries behind imported fact-checks: which reviews a team has, and adding a batch of them.

An imported review becomes an ordinary settled claim of the team (its own article, a status
change into the verdict, the queue counts) plus an `imported_review` row keyed by the review's
URL, so that importing the same file again adds nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from storage.models import (
    Article,
    Claim,
    ClaimOrigin,
    ExtractionState,
    ImportedReview,
    StatusChange,
    utcnow,
)
from storage.queue import bump_count
from storage.upsert import dialect_name

# Imported claims get no card of their own (a team importing 100,000 reviews must not see
# 100,000 messages): "deferred" keeps them out of the re-posting and the card budget, and
# /claim <id> still brings one up like any other claim without a card.
NO_CARD = "deferred"
_KEYS_PER_QUERY = 500  # well under SQLite's bound-parameter limit
_ROWS_PER_INSERT = 500  # insertmanyvalues splits further to stay under the parameter limits


@dataclass(frozen=True)
class NewReview:
    """One review to add: the claim's fields, where it appeared, and the review row's fields."""

    key: str
    claim_text: str
    claimant: str | None
    status: str  # a verdict status: true, misleading, false, unproven
    reason: str  # the history entry's reason ("imported: StopFake rated it «Фейк»")
    decided_at: datetime  # the review's date, else the import's
    reviewed_at: datetime | None
    url: str | None
    publisher: str | None
    publisher_url: str | None
    rating: str
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    verdict: str | None
    language: str | None
    source_format: str
    review: str  # the original JSON
    appearance_url: str | None
    appearance_title: str | None
    appeared_at: datetime | None


async def known_keys(session: AsyncSession, *, team_id: int, keys: Sequence[str]) -> set[str]:
    """Which of these review keys the team has imported already."""
    found: set[str] = set()
    unique = sorted(set(keys))
    for start in range(0, len(unique), _KEYS_PER_QUERY):
        chunk = unique[start : start + _KEYS_PER_QUERY]
        rows = await session.execute(
            select(ImportedReview.key).where(
                col(ImportedReview.team_id) == team_id, col(ImportedReview.key).in_(chunk)
            )
        )
        found.update(rows.scalars())
    return found


async def add_reviews(session: AsyncSession, *, team_id: int, reviews: Sequence[NewReview]) -> int:
    """Add reviews as settled claims of the team (inside an open transaction); returns how many.

    Core multi-row INSERTs, not ORM objects: building 4 table objects per review was most of an
    import's time.
    """
    if not reviews:
        return 0
    now = utcnow()
    article_ids = await _insert_returning_ids(
        session,
        Article,
        [
            {
                "team_id": team_id, "kind": "import", "title": review.appearance_title,
                "text": review.claim_text,
                # The key, not the text: two publishers' reviews of the same words stay two
                # claims, and a member forwarding those words is matched, not told "already
                # queued".
                "text_hash": _fingerprint(review.key), "url": review.appearance_url,
                "author": review.claimant, "published_at": review.appeared_at,
                "extraction_state": ExtractionState.DONE.value, "extractor": "import",
                "site_name": review.publisher, "created_at": now,
            }
            for review in reviews
        ],
    )  # fmt: skip
    claim_ids = await _insert_returning_ids(
        session,
        Claim,
        [
            {
                "team_id": team_id, "article_id": article_id, "position": 0,
                "text": review.claim_text, "quote": review.claim_text,
                "claimant": review.claimant, "score": 1.0, "start": 0,
                "end": len(review.claim_text), "status": review.status, "locked": False,
                "card_state": NO_CARD, "origin": ClaimOrigin.IMPORTED.value,
                "review_url": review.url, "created_at": now,
                "status_changed_at": review.decided_at,
            }
            for article_id, review in zip(article_ids, reviews, strict=True)
        ],
    )  # fmt: skip
    pairs = list(zip(claim_ids, reviews, strict=True))
    await session.execute(
        insert(_table(StatusChange)),
        [
            {"claim_id": claim_id, "user_id": None, "from_status": "open",
             "to_status": review.status, "reason": review.reason,
             "created_at": review.decided_at}
            for claim_id, review in pairs
        ],
    )  # fmt: skip
    await session.execute(
        insert(_table(ImportedReview)), [_review_row(team_id, c, r, now) for c, r in pairs]
    )
    for status, count in sorted(Counter(review.status for review in reviews).items()):
        await bump_count(session, team_id=team_id, status=status, delta=count)
    return len(pairs)


async def _insert_returning_ids(
    session: AsyncSession, table: type[Article] | type[Claim], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert rows a chunk per statement; their new ids, in the rows' order."""
    if dialect_name(session) == "sqlite":
        # SQLite's RETURNING does not promise the rows' order, so SQLAlchemy would send one
        # INSERT per row. The transaction holds the database's one write lock (BEGIN IMMEDIATE):
        # the next ids are ours to give, and the rows go in as one executemany.
        top = await session.execute(select(func.coalesce(func.max(col(table.id)), 0)))
        first = int(top.scalar_one() or 0) + 1
        ids = list(range(first, first + len(rows)))
        rows = [{**row, "id": i} for row, i in zip(rows, ids, strict=True)]
        await session.execute(insert(_table(table)), rows)
        return ids
    found: list[int] = []
    stmt = insert(table).returning(col(table.id), sort_by_parameter_order=True)
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        result = await session.execute(stmt, rows[start : start + _ROWS_PER_INSERT])
        found.extend(int(row_id) for row_id in result.scalars() if row_id is not None)
    return found


def _table(model: type[SQLModel]) -> sa.Table:
    """A model's Core table: a Core INSERT of many rows is one executemany, where the ORM's bulk
    insert still sends SQLite one statement per row."""
    table = sa.inspect(model).local_table
    assert isinstance(table, sa.Table)
    return table


def _review_row(team_id: int, claim_id: int, review: NewReview, now: datetime) -> dict[str, Any]:
    """The imported_review row of one new claim."""
    return {
        "claim_id": claim_id, "team_id": team_id, "key": review.key, "url": review.url,
        "publisher": review.publisher, "publisher_url": review.publisher_url,
        "rating": review.rating, "rating_value": review.rating_value,
        "best_rating": review.best_rating, "worst_rating": review.worst_rating,
        "verdict": review.verdict, "reviewed_at": review.reviewed_at,
        "language": review.language, "source_format": review.source_format,
        "review": review.review, "imported_at": now,
    }  # fmt: skip


def _fingerprint(key: str) -> str:
    """The article's text hash for an imported review: a digest of its key."""
    return "import:" + hashlib.sha256(key.encode()).hexdigest()[:57]


async def review_of(session: AsyncSession, *, claim_id: int) -> ImportedReview | None:
    """The imported review behind a claim, if it was imported."""
    return await session.get(ImportedReview, claim_id)


async def reviews_of(
    session: AsyncSession, *, claim_ids: Sequence[int]
) -> dict[int, ImportedReview]:
    """The imported reviews behind these claims (claims not imported are left out)."""
    if not claim_ids:
        return {}
    rows = await session.execute(
        select(ImportedReview).where(col(ImportedReview.claim_id).in_(list(claim_ids)))
    )
    return {review.claim_id: review for review in rows.scalars()}
