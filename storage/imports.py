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

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    Article,
    Claim,
    ClaimOrigin,
    ExtractionState,
    ImportedReview,
    StatusChange,
    stored_id,
    utcnow,
)
from storage.queue import bump_count

# Imported claims get no card of their own (a team importing 100,000 reviews must not see
# 100,000 messages): "deferred" keeps them out of the re-posting and the card budget, and
# /claim <id> still brings one up like any other claim without a card.
NO_CARD = "deferred"
_KEYS_PER_QUERY = 500  # well under SQLite's bound-parameter limit


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


async def add_reviews(
    session: AsyncSession, *, team_id: int, reviews: Sequence[NewReview]
) -> list[Claim]:
    """Add reviews as settled claims of the team (inside an open transaction); returns them."""
    if not reviews:
        return []
    now = utcnow()
    articles = [
        Article(
            team_id=team_id,
            kind="import",
            title=review.appearance_title,
            text=review.claim_text,
            # The key, not the text: two publishers' reviews of the same words stay two claims,
            # and a member forwarding those words is matched, not told "already queued".
            text_hash=_fingerprint(review.key),
            url=review.appearance_url,
            author=review.claimant,
            published_at=review.appeared_at,
            extraction_state=ExtractionState.DONE,
            extractor="import",
            site_name=review.publisher,
            created_at=now,
        )
        for review in reviews
    ]
    session.add_all(articles)
    await session.flush()
    claims = [
        Claim(
            team_id=team_id,
            article_id=stored_id(article),
            text=review.claim_text,
            quote=review.claim_text,
            claimant=review.claimant,
            score=1.0,
            end=len(review.claim_text),
            status=review.status,
            locked=False,
            card_state=NO_CARD,
            origin=ClaimOrigin.IMPORTED,
            review_url=review.url,
            created_at=now,
            status_changed_at=review.decided_at,
        )
        for article, review in zip(articles, reviews, strict=True)
    ]
    session.add_all(claims)
    await session.flush()
    session.add_all(
        [
            StatusChange(
                claim_id=stored_id(claim),
                user_id=None,
                from_status="open",
                to_status=review.status,
                reason=review.reason,
                created_at=review.decided_at,
            )
            for claim, review in zip(claims, reviews, strict=True)
        ]
        + [_review_row(team_id, stored_id(c), r, now) for c, r in zip(claims, reviews, strict=True)]
    )
    await session.flush()
    for status, count in sorted(Counter(review.status for review in reviews).items()):
        await bump_count(session, team_id=team_id, status=status, delta=count)
    return claims


def _review_row(team_id: int, claim_id: int, review: NewReview, now: datetime) -> ImportedReview:
    """The imported_review row of one new claim."""
    return ImportedReview(
        claim_id=claim_id,
        team_id=team_id,
        key=review.key,
        url=review.url,
        publisher=review.publisher,
        publisher_url=review.publisher_url,
        rating=review.rating,
        rating_value=review.rating_value,
        best_rating=review.best_rating,
        worst_rating=review.worst_rating,
        verdict=review.verdict,
        reviewed_at=review.reviewed_at,
        language=review.language,
        source_format=review.source_format,
        review=review.review,
        imported_at=now,
    )


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
