"""Tables and queries behind claim matching: a term index per team, and the links it finds.

`claim_term` is an inverted index (team, term) -> claim; `claim_term_count` keeps how many of a
team's claims carry each term, so a lookup can start from the rarest terms and read only short
posting lists. Plain B-tree tables: the same on SQLite and PostgreSQL (no FTS5, no pg_trgm).
`claim_embedding` keeps each claim's vector per embeddings model, so a restart reads vectors
instead of asking the endpoint again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import case, func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col, select

from storage.models import Claim, ClaimStatus, QueueCount, Request, _bigint, _ts, utcnow
from storage.requests import count_match, uncount_match
from storage.upsert import insert_for

TERM_LENGTH = 64
_INSERT_CHUNK = 500  # rows per multi-row INSERT, well under SQLite's bound-parameter limit


class ClaimTerm(SQLModel, table=True):
    """One term of one claim, for finding earlier claims that share rare terms."""

    __tablename__ = "claim_term"
    __table_args__ = (sa.Index("ix_claim_term_claim", "claim_id"),)

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    term: str = Field(primary_key=True, max_length=TERM_LENGTH)
    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")


class ClaimTermCount(SQLModel, table=True):
    """How many of a team's claims carry a term (never decremented: an upper bound)."""

    __tablename__ = "claim_term_count"

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    term: str = Field(primary_key=True, max_length=TERM_LENGTH)
    count: int = 0


MODEL_LENGTH = 200


class ClaimEmbedding(SQLModel, table=True):
    """A claim's vector from one embeddings model: unit length, little-endian float16 bytes.

    Keyed by model, so a new `EMBEDDINGS_MODEL` finds none and embeds again, and switching back
    finds the old ones. `team_id` lets a team's vectors be read in claim id order.
    """

    __tablename__ = "claim_embedding"
    __table_args__ = (sa.Index("ix_claim_embedding_team_model", "team_id", "model", "claim_id"),)

    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    model: str = Field(primary_key=True, max_length=MODEL_LENGTH)
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    vector: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    created_at: datetime = Field(sa_column=_ts())


async def stored_vectors(
    session: AsyncSession, *, team_id: int, model: str, after_id: int, up_to_id: int
) -> dict[int, bytes]:
    """The team's stored vectors of a model for claims in (after_id, up_to_id]."""
    rows = await session.execute(
        select(ClaimEmbedding.claim_id, ClaimEmbedding.vector).where(
            col(ClaimEmbedding.team_id) == team_id,
            col(ClaimEmbedding.model) == model[:MODEL_LENGTH],
            col(ClaimEmbedding.claim_id) > after_id,
            col(ClaimEmbedding.claim_id) <= up_to_id,
        )
    )
    return {claim_id: bytes(vector) for claim_id, vector in rows.all()}


async def store_vectors(
    session: AsyncSession, *, team_id: int, model: str, vectors: Sequence[tuple[int, bytes]]
) -> None:
    """Keep claims' vectors of a model (a vector stored again replaces the old one)."""
    now, model = utcnow(), model[:MODEL_LENGTH]
    for start in range(0, len(vectors), _INSERT_CHUNK):
        rows = [
            {"claim_id": claim_id, "model": model, "team_id": team_id, "vector": vector,
             "created_at": now}
            for claim_id, vector in vectors[start : start + _INSERT_CHUNK]
        ]  # fmt: skip
        stmt = insert_for(session, ClaimEmbedding).values(rows)
        stmt = stmt.on_conflict_do_update(
            index_elements=["claim_id", "model"],
            set_={"vector": stmt.excluded.vector, "created_at": stmt.excluded.created_at},
        )
        await session.execute(stmt)


class MatchState:
    """Where a suggested match stands."""

    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ClaimMatch(SQLModel, table=True):
    """A claim's link to the earlier claim it matches, and what the team made of it."""

    __tablename__ = "claim_match"

    claim_id: int = Field(foreign_key="claim.id", primary_key=True, ondelete="CASCADE")
    matched_id: int = Field(foreign_key="claim.id", index=True, ondelete="CASCADE")
    score: float = 0.0
    state: str = MatchState.SUGGESTED
    decided_by: int | None = Field(default=None, sa_column=_bigint())
    created_at: datetime = Field(sa_column=_ts())
    decided_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


def _chunks(
    rows: Sequence[dict[str, Any]], size: int = _INSERT_CHUNK
) -> Iterable[Sequence[dict[str, Any]]]:
    """Slices of at most `size` rows."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def add_terms(
    session: AsyncSession, *, team_id: int, claim_terms: Mapping[int, Sequence[str]]
) -> int:
    """Index claims under their terms; re-indexing a claim adds nothing. Returns rows added."""
    rows = [
        {"team_id": team_id, "term": term[:TERM_LENGTH], "claim_id": claim_id}
        for claim_id, terms in claim_terms.items()
        for term in dict.fromkeys(t[:TERM_LENGTH] for t in terms)
    ]
    added: Counter[str] = Counter()
    for chunk in _chunks(rows):
        stmt = (
            insert_for(session, ClaimTerm)
            .values(list(chunk))
            .on_conflict_do_nothing(index_elements=["team_id", "term", "claim_id"])
            .returning(ClaimTerm.term)
        )
        added.update((await session.execute(stmt)).scalars())
    await _bump_term_counts(session, team_id=team_id, added=added)
    return sum(added.values())


async def _bump_term_counts(session: AsyncSession, *, team_id: int, added: Counter[str]) -> None:
    """Add to the per-term claim counts, atomically in the database."""
    rows = [{"team_id": team_id, "term": t, "count": n} for t, n in sorted(added.items())]
    for chunk in _chunks(rows):
        stmt = insert_for(session, ClaimTermCount).values(list(chunk))
        stmt = stmt.on_conflict_do_update(
            index_elements=["team_id", "term"],
            set_={"count": ClaimTermCount.count + stmt.excluded["count"]},
        )
        await session.execute(stmt)


async def term_counts(
    session: AsyncSession, *, team_id: int, terms: Sequence[str]
) -> dict[str, int]:
    """How many of the team's claims carry each of these terms (absent terms are left out)."""
    if not terms:
        return {}
    rows = await session.execute(
        select(ClaimTermCount.term, ClaimTermCount.count).where(
            col(ClaimTermCount.team_id) == team_id, col(ClaimTermCount.term).in_(list(terms))
        )
    )
    return {term: count for term, count in rows.all() if count > 0}


async def team_size(session: AsyncSession, *, team_id: int) -> int:
    """How many claims the team has (from the kept queue counts)."""
    stmt = select(func.coalesce(func.sum(QueueCount.count), 0)).where(QueueCount.team_id == team_id)
    return int((await session.execute(stmt)).scalar_one())


async def candidate_ids(
    session: AsyncSession,
    *,
    team_id: int,
    weights: Mapping[str, float],
    before_id: int | None,
    limit: int,
) -> list[int]:
    """Claims sharing the heaviest weighted terms with a query, best first (one indexed scan)."""
    if not weights:
        return []
    # Weights are rounded to integers so the SUM is exact and portable across dialects.
    weight = case(
        *((col(ClaimTerm.term) == term, round(w * 100)) for term, w in weights.items()), else_=0
    )
    total = func.sum(weight).label("total")
    stmt = (
        select(ClaimTerm.claim_id, total)
        .where(col(ClaimTerm.team_id) == team_id, col(ClaimTerm.term).in_(list(weights)))
        .group_by(col(ClaimTerm.claim_id))
        .order_by(total.desc(), col(ClaimTerm.claim_id).desc())
        .limit(limit)
    )
    if before_id is not None:
        stmt = stmt.where(ClaimTerm.claim_id < before_id)
    return [claim_id for claim_id, _ in (await session.execute(stmt)).all()]


async def claims_for_matching(
    session: AsyncSession, *, claim_ids: Sequence[int], exclude_article: int | None
) -> list[Claim]:
    """The candidate claims themselves, leaving out dismissed ones and the query's own article."""
    if not claim_ids:
        return []
    stmt = select(Claim).where(
        col(Claim.id).in_(list(claim_ids)), col(Claim.status) != ClaimStatus.DISMISSED
    )
    if exclude_article is not None:
        stmt = stmt.where(Claim.article_id != exclude_article)
    return list((await session.execute(stmt)).scalars())


async def record_match(
    session: AsyncSession, *, claim_id: int, matched_id: int, score: float
) -> None:
    """Link a claim to the earlier claim it matches (kept on the claim too, for its card)."""
    stmt = insert_for(session, ClaimMatch).values(
        claim_id=claim_id, matched_id=matched_id, score=score, created_at=utcnow()
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["claim_id"],
        set_={"matched_id": matched_id, "score": score, "state": MatchState.SUGGESTED},
    )
    await session.execute(stmt)
    await session.execute(
        update(Claim)
        .where(col(Claim.id) == claim_id)
        .values(match_claim_id=matched_id, match_score=score)
    )
    await count_match(session, claim_id=claim_id, matched_id=matched_id)  # demand (issue 16)


async def private_asks(session: AsyncSession, *, article_id: int) -> list[tuple[int, int | None]]:
    """(chat id, message id) of the private messages an article was sent in (members' and
    tipline senders'), for answering there what the desk already knows about it."""
    rows = await session.execute(
        select(Request.chat_id, Request.message_id)
        .where(col(Request.article_id) == article_id, col(Request.private).is_(True))
        .where(col(Request.claim_id).is_(None), col(Request.user_id).is_not(None))
        .order_by(col(Request.id))
    )
    return list(dict.fromkeys((chat_id, message_id) for chat_id, message_id in rows.all()))


async def get_match(session: AsyncSession, *, claim_id: int) -> ClaimMatch | None:
    """The link a claim has to an earlier claim, if any."""
    return await session.get(ClaimMatch, claim_id)


async def decide_match(
    session: AsyncSession, *, claim_id: int, matched_id: int, state: str, user_id: int | None
) -> None:
    """Record that a suggested match was accepted or declined, and by whom."""
    stmt = insert_for(session, ClaimMatch).values(
        claim_id=claim_id,
        matched_id=matched_id,
        state=state,
        decided_by=user_id,
        created_at=utcnow(),
        decided_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["claim_id"],
        set_={"matched_id": matched_id, "state": state, "decided_by": user_id,
              "decided_at": utcnow()},
    )  # fmt: skip
    await session.execute(stmt)
    if state == MatchState.DECLINED:  # not the same claim: its askers do not count there
        await uncount_match(session, claim_id=claim_id, matched_id=matched_id)


async def linked_waiting(session: AsyncSession, *, claim_id: int) -> list[Claim]:
    """Claims linked to this one, either way, that still wait for a verdict."""
    waiting = (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW, ClaimStatus.DISPUTED)
    later = select(ClaimMatch.claim_id).where(
        ClaimMatch.matched_id == claim_id, ClaimMatch.state == MatchState.SUGGESTED
    )
    earlier = select(ClaimMatch.matched_id).where(
        ClaimMatch.claim_id == claim_id, ClaimMatch.state == MatchState.SUGGESTED
    )
    stmt = (
        select(Claim)
        .where(
            sa.or_(col(Claim.id).in_(later), col(Claim.id).in_(earlier)),
            col(Claim.status).in_(waiting),
        )
        .order_by(col(Claim.id))
    )
    return list((await session.execute(stmt)).scalars())


async def claims_page(
    session: AsyncSession, *, team_id: int, after_id: int, limit: int
) -> list[tuple[int, str]]:
    """(id, text) of a team's claims after an id, for indexing a history in batches."""
    rows = await session.execute(
        select(Claim.id, Claim.text)
        .where(col(Claim.team_id) == team_id, col(Claim.id) > after_id)
        .order_by(col(Claim.id))
        .limit(limit)
    )
    return [(claim_id, text) for claim_id, text in rows.all()]


async def claims_since(
    session: AsyncSession, *, team_id: int, since: datetime, after_id: int
) -> tuple[int, datetime | None]:
    """The highest id and newest creation time of a team's claims added after the claim
    `after_id`, created at `since`: (0, None) when there are none. Two seeks in the (team,
    created_at) index — later than `since`, or at `since` with a higher id — so it costs the
    same at 100 claims or 1,000,000, also when a bulk import gave thousands one timestamp (a
    count over the team's claims grows with them: `claims_extent`)."""
    created, team = col(Claim.created_at), col(Claim.team_id) == team_id
    later = (
        await session.execute(
            select(func.max(col(Claim.id)), func.max(created)).where(team, created > since)
        )
    ).one()
    if later[1] is not None:
        return int(later[0] or 0), later[1]
    same = (
        await session.execute(
            select(func.max(col(Claim.id))).where(team, created == since, col(Claim.id) > after_id)
        )
    ).scalar_one_or_none()
    return (int(same), since) if same else (0, None)


async def claims_extent(session: AsyncSession, *, team_id: int) -> tuple[int, int, datetime | None]:
    """How many claims a team has, its highest claim id and newest creation time.

    An in-memory index of the team's claims is current while these have not changed.
    """
    row = (
        await session.execute(
            select(
                func.count(col(Claim.id)), func.max(col(Claim.id)), func.max(Claim.created_at)
            ).where(col(Claim.team_id) == team_id)
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0), row[2]
