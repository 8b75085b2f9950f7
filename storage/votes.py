"""Queries on votes: one per member per claim, tallied by the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import BindParameter, Table, bindparam, delete, func, text
from sqlalchemy import select as sa_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from storage.models import User, Vote, utcnow
from storage.upsert import affected_rows, among, dialect_name, insert_for, insert_in


async def get_vote(session: AsyncSession, *, claim_id: int, user_id: int) -> str | None:
    """A member's current rating of a claim, if any."""
    stmt = select(Vote.rating).where(Vote.claim_id == claim_id, Vote.user_id == user_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def upsert_vote(session: AsyncSession, *, claim_id: int, user_id: int, rating: str) -> None:
    """Record a member's rating, replacing their earlier one (INSERT ... ON CONFLICT)."""
    now = utcnow()
    stmt = insert_for(session, Vote).values(
        claim_id=claim_id, user_id=user_id, rating=rating, created_at=now, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["claim_id", "user_id"], set_={"rating": rating, "updated_at": now}
    )
    await session.execute(stmt)


async def delete_vote(session: AsyncSession, *, claim_id: int, user_id: int) -> bool:
    """Withdraw a member's vote; False if there was none."""
    result = await session.execute(
        delete(Vote).where(col(Vote.claim_id) == claim_id, col(Vote.user_id) == user_id)
    )
    return bool(affected_rows(result))


# The vote table for Core statements: the vote path skips the ORM's per-row bookkeeping.
VOTES: Table = SQLModel.metadata.tables["vote"]

RatingChange = Literal["voted", "changed", "withdrawn"]


def _upsert(dialect: str) -> Any:
    """The vote upsert of one dialect, with bound parameters: built once."""
    now: BindParameter[datetime] = bindparam("now")
    return (
        insert_in(dialect, VOTES)
        .values(
            claim_id=bindparam("claim_id"),
            user_id=bindparam("user_id"),
            rating=bindparam("rating"),
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_update(
            index_elements=["claim_id", "user_id"],
            set_={"rating": bindparam("rating"), "updated_at": now},
        )
    )


# The vote path's statements, built once with bound parameters: SQLAlchemy then neither
# rebuilds them nor recomputes their cache keys on every press (a tenth of a press's CPU).
_VOTES_OF_CLAIM = select(VOTES.c.user_id, VOTES.c.rating).where(
    VOTES.c.claim_id == bindparam("claim_id")
)
_WITHDRAW = delete(VOTES).where(
    VOTES.c.claim_id == bindparam("claim_id"), VOTES.c.user_id == bindparam("user_id")
)
_UPSERT_ON_SQLITE = _upsert("sqlite")  # PostgreSQL presses in one statement (below)
# A press in one round trip on PostgreSQL: the claim's votes as they were, and the write (the
# member's vote withdrawn when it is the rating pressed, else given or replaced). Every part of
# the statement sees the votes as they were, so exactly one of the two writes happens. SQLite
# takes the same two steps as two statements (on the loop's thread, no round trip to save).
_PRESS_ON_POSTGRESQL = text(
    """
    WITH before AS (
        SELECT user_id, rating FROM vote WHERE claim_id = CAST(:claim_id AS INTEGER)
    ), withdrawn AS (
        DELETE FROM vote
        WHERE claim_id = CAST(:claim_id AS INTEGER) AND user_id = CAST(:user_id AS BIGINT)
            AND rating = CAST(:rating AS VARCHAR)
    ), given AS (
        INSERT INTO vote (claim_id, user_id, rating, created_at, updated_at)
        SELECT CAST(:claim_id AS INTEGER), CAST(:user_id AS BIGINT), CAST(:rating AS VARCHAR),
            CAST(:now AS TIMESTAMPTZ), CAST(:now AS TIMESTAMPTZ)
        WHERE NOT EXISTS (
            SELECT 1 FROM before
            WHERE user_id = CAST(:user_id AS BIGINT) AND rating = CAST(:rating AS VARCHAR)
        )
        ON CONFLICT (claim_id, user_id)
        DO UPDATE SET rating = EXCLUDED.rating, updated_at = EXCLUDED.updated_at
    )
    SELECT user_id, rating FROM before
    """
)


async def press_rating(
    session: AsyncSession, *, claim_id: int, user_id: int, rating: str
) -> tuple[RatingChange, dict[str, int]]:
    """A press of a rating button: record it, replace the member's other rating, or withdraw it
    when it is the one they gave. Returns what it did and the claim's tally after it.

    The claim's votes (the member's own and the tally at once; a claim has one vote per member)
    and the write: one statement on PostgreSQL, two on SQLite. The caller holds the claim (its
    row lock on PostgreSQL, SQLite's write lock), so no other press on the claim can come in
    between.
    """
    dialect = dialect_name(session)
    values = {"claim_id": claim_id, "user_id": user_id, "rating": rating, "now": utcnow()}
    if dialect == "postgresql":
        rows = await session.execute(_PRESS_ON_POSTGRESQL, values)
    else:
        rows = await session.execute(_VOTES_OF_CLAIM, {"claim_id": claim_id})
    tally: dict[str, int] = {}
    previous: str | None = None
    for voter, given in rows.all():
        tally[given] = tally.get(given, 0) + 1
        if voter == user_id:
            previous = given
    action: RatingChange
    if previous == rating:
        if dialect != "postgresql":
            await session.execute(_WITHDRAW, {"claim_id": claim_id, "user_id": user_id})
        action = "withdrawn"
    else:
        if dialect != "postgresql":
            await session.execute(_UPSERT_ON_SQLITE, values)
        action = "changed" if previous else "voted"
        tally[rating] = tally.get(rating, 0) + 1
    if previous is not None:
        tally[previous] -= 1
    return action, {given: count for given, count in tally.items() if count}


async def tally(session: AsyncSession, *, claim_id: int) -> dict[str, int]:
    """Votes per rating for a claim, counted by the database."""
    rows = await session.execute(
        select(Vote.rating, func.count()).where(Vote.claim_id == claim_id).group_by(Vote.rating)
    )
    return {rating: count for rating, count in rows.all()}


async def voters_of(
    session: AsyncSession, *, claim_ids: Sequence[int]
) -> dict[int, list[tuple[int, str, str]]]:
    """(user id, display name, rating) of everyone who voted on each claim, in vote order, in
    one query; a claim without votes is left out."""
    found: dict[int, list[tuple[int, str, str]]] = {}
    if not claim_ids:
        return found
    rows = await session.execute(
        sa_select(
            col(Vote.claim_id),
            col(Vote.user_id),
            col(User.first_name),
            col(User.username),
            col(Vote.rating),
        )
        .join(User, col(User.id) == col(Vote.user_id), isouter=True)
        .where(among(session, col(Vote.claim_id), claim_ids))
        .order_by(col(Vote.created_at), col(Vote.id))
    )
    for claim_id, uid, first, username, rating in rows:
        found.setdefault(claim_id, []).append((uid, first or username or str(uid), rating))
    return found


async def voted_on(session: AsyncSession, *, user_id: int, claim_ids: Sequence[int]) -> set[int]:
    """Which of these claims the member has voted on (for /status's 🗳 marks)."""
    if not claim_ids:
        return set()
    rows = await session.execute(
        select(Vote.claim_id).where(
            Vote.user_id == user_id, col(Vote.claim_id).in_(list(claim_ids))
        )
    )
    return set(rows.scalars())
