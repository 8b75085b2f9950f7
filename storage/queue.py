"""Queries behind /status, /queue and /mine: every one bounded by an index, none a full scan."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, exists, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import VERDICT_STATUSES, Claim, ClaimStatus, QueueCount, Vote
from storage.upsert import dialect_name, insert_in

WAITING = (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW)
UNSETTLED = (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW, ClaimStatus.DISPUTED)


# A team's count of a status is kept in this many rows (slots), summed when read. A transaction
# adds to one slot, chosen at random, and holds that row's lock until it commits: with one row,
# a burst of first votes on a team's cards (each moving a card from open to in review) queued
# on it, one commit after another (docs/performance.md, session 12).
COUNT_SLOTS = 8
_SLOT = "factcheck_count_slot"  # the session's slot, in session.info


def _bump_in(dialect: str) -> Any:
    """Add a delta to one count row, creating it: built once per dialect (bound parameters)."""
    stmt = insert_in(dialect, QueueCount).values(
        team_id=bindparam("team_id"),
        status=bindparam("status"),
        slot=bindparam("slot"),
        count=bindparam("delta"),
    )
    return stmt.on_conflict_do_update(
        index_elements=["team_id", "status", "slot"],
        set_={"count": col(QueueCount.count) + stmt.excluded.count},
    )


_BUMPS = {dialect: _bump_in(dialect) for dialect in ("sqlite", "postgresql")}


def count_slot(session: AsyncSession) -> int:
    """The count slot this session's transaction adds to (chosen at random, then kept)."""
    slot: int = session.info.setdefault(_SLOT, random.randrange(COUNT_SLOTS))
    return slot


async def bump_count(session: AsyncSession, *, team_id: int, status: str, delta: int) -> None:
    """Add `delta` to a team's count of claims in `status`, atomically in the database.

    Every bump of one transaction goes to the same slot: its rows are then taken in the order
    its callers take statuses (change_status sorts them), as with one row per status.
    """
    values = {"team_id": team_id, "status": status, "slot": count_slot(session), "delta": delta}
    await session.execute(_BUMPS[dialect_name(session)], values)


async def status_counts(session: AsyncSession, *, team_id: int) -> dict[str, int]:
    """Claims per status in a team."""
    rows = await session.execute(
        select(QueueCount.status, func.sum(QueueCount.count))
        .where(QueueCount.team_id == team_id)
        .group_by(col(QueueCount.status))
    )
    return {status: int(count) for status, count in rows.all() if count}


async def _first_by_status(
    session: AsyncSession,
    *,
    team_id: int,
    statuses: tuple[str, ...],
    limit: int,
    user_id: int | None = None,
) -> list[Claim]:
    """The oldest claims of each status (one index range each), merged oldest first."""
    found: list[Claim] = []
    for status in statuses:
        stmt = select(Claim).where(Claim.team_id == team_id, Claim.status == status)
        if user_id is not None:
            voted = exists().where(
                col(Vote.claim_id) == col(Claim.id), col(Vote.user_id) == user_id
            )
            stmt = stmt.where(~voted)
        stmt = stmt.order_by(col(Claim.created_at), col(Claim.id)).limit(limit)
        found.extend((await session.execute(stmt)).scalars())
    found.sort(key=lambda claim: (claim.created_at, claim.id))
    return found[:limit]


async def oldest_open(session: AsyncSession, *, team_id: int, limit: int = 5) -> list[Claim]:
    """The claims that have waited longest for a verdict."""
    return await _first_by_status(session, team_id=team_id, statuses=WAITING, limit=limit)


async def waiting_for_vote(
    session: AsyncSession, *, team_id: int, user_id: int, limit: int = 5
) -> list[Claim]:
    """Unsettled claims the member has not voted on yet, oldest first."""
    return await _first_by_status(
        session, team_id=team_id, statuses=UNSETTLED, limit=limit, user_id=user_id
    )


async def recent_verdicts(
    session: AsyncSession, *, team_id: int, since: datetime, limit: int = 5
) -> list[Claim]:
    """Claims that reached a verdict since a moment, newest first."""
    found: list[Claim] = []
    for status in sorted(VERDICT_STATUSES):
        stmt = (
            select(Claim)
            .where(
                Claim.team_id == team_id, Claim.status == status, Claim.status_changed_at >= since
            )
            .order_by(col(Claim.status_changed_at).desc())
            .limit(limit)
        )
        found.extend((await session.execute(stmt)).scalars())
    found.sort(key=lambda claim: claim.status_changed_at, reverse=True)
    return found[:limit]


async def queue_page(
    session: AsyncSession, *, team_id: int, page: int, size: int
) -> tuple[list[Claim], bool]:
    """One page of unsettled claims, oldest first, and whether a next page exists."""
    stmt = (
        select(Claim)
        .where(col(Claim.team_id) == team_id, col(Claim.status).in_(UNSETTLED))
        .order_by(
            col(Claim.created_at), col(Claim.id)
        )  # walks ix_claim_team_created; no sort of the queue
        .offset(max(page - 1, 0) * size)
        .limit(size + 1)
    )
    rows = list((await session.execute(stmt)).scalars())
    return rows[:size], len(rows) > size


async def count_unsettled(session: AsyncSession, *, team_id: int) -> int:
    """How many claims are still waiting for a verdict (from the kept counts)."""
    stmt = select(func.coalesce(func.sum(QueueCount.count), 0)).where(
        col(QueueCount.team_id) == team_id, col(QueueCount.status).in_(UNSETTLED)
    )
    return int((await session.execute(stmt)).scalar_one())
