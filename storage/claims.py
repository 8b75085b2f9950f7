"""Queries on claims: adding, finding within a team, status changes, cards and assignment."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from storage.models import (
    VERDICT_STATUSES,
    Claim,
    ClaimStatus,
    StatusChange,
    Team,
    stored_id,
    utcnow,
)
from storage.notifications import status_moved
from storage.queue import bump_count, count_slot
from storage.requests import count_new_claims
from storage.upsert import among, dialect_name


async def add_claims(
    session: AsyncSession, *, team_id: int, article_id: int, claims: Sequence[dict[str, Any]]
) -> list[Claim]:
    """Queue an article's claims in order (dicts of text, quote, claimant, score, start, end)."""
    now = utcnow()
    rows = [
        Claim(
            team_id=team_id,
            article_id=article_id,
            position=i,
            created_at=now,
            status_changed_at=now,
            **claim,
        )
        for i, claim in enumerate(claims)
    ]
    session.add_all(rows)
    await session.flush()
    if rows:
        await bump_count(session, team_id=team_id, status=ClaimStatus.OPEN, delta=len(rows))
        await count_new_claims(session, article_id=article_id)  # demand asked before extraction
    return rows


async def get_claim(
    session: AsyncSession, *, claim_id: int, for_update: bool = False
) -> Claim | None:
    """A claim by id; `for_update` locks its row until the transaction ends (PostgreSQL)."""
    stmt = select(Claim).where(Claim.id == claim_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_claims(session: AsyncSession, *, claim_ids: Sequence[int]) -> dict[int, Claim]:
    """Claims by id (ids with no claim are left out)."""
    if not claim_ids:
        return {}
    rows = await session.execute(select(Claim).where(among(session, col(Claim.id), claim_ids)))
    return {stored_id(claim): claim for claim in rows.scalars()}


async def claims_of_article(session: AsyncSession, *, article_id: int) -> list[Claim]:
    """An article's claims in their order."""
    rows = await session.execute(
        select(Claim).where(col(Claim.article_id) == article_id).order_by(col(Claim.position))
    )
    return list(rows.scalars())


# A status move in one statement on PostgreSQL: the claim's new status, its history entry, and
# the team's two counts in one multi-row upsert, whose rows are taken in the order given.
_MOVE_ON_POSTGRESQL = text(
    """
    WITH moved AS (
        UPDATE claim SET status = CAST(:to AS VARCHAR),
            status_changed_at = CAST(:now AS TIMESTAMPTZ)
        WHERE id = CAST(:claim_id AS INTEGER)
    ), logged AS (
        INSERT INTO statuschange (claim_id, user_id, from_status, to_status, reason, created_at)
        VALUES (CAST(:claim_id AS INTEGER), CAST(:user_id AS BIGINT), CAST(:from AS VARCHAR),
            CAST(:to AS VARCHAR), CAST(:reason AS VARCHAR), CAST(:now AS TIMESTAMPTZ))
    )
    INSERT INTO queuecount (team_id, status, slot, count)
    VALUES (CAST(:team_id AS INTEGER), CAST(:first AS VARCHAR), CAST(:slot AS INTEGER),
            CAST(:first_delta AS INTEGER)),
        (CAST(:team_id AS INTEGER), CAST(:second AS VARCHAR), CAST(:slot AS INTEGER),
            CAST(:second_delta AS INTEGER))
    ON CONFLICT (team_id, status, slot) DO UPDATE SET count = queuecount.count + EXCLUDED.count
    """
)


async def change_status(
    session: AsyncSession,
    *,
    claim: Claim,
    to_status: str,
    user_id: int | None,
    reason: str | None = None,
    locked: bool | None = None,
) -> StatusChange | None:
    """Move a claim to a new status and record who, when, from, to and why."""
    if locked is not None:
        claim.locked = locked
    if to_status == claim.status:
        if locked and reason and user_id is not None and to_status in VERDICT_STATUSES:
            # An editor confirms the verdict it has (with a reason): the card and the
            # notifications then name them and their reason (bot/desk/notifications.py).
            session.add(
                StatusChange(
                    claim_id=stored_id(claim),
                    user_id=user_id,
                    from_status=to_status,
                    to_status=to_status,
                    reason=reason,
                    created_at=utcnow(),
                )
            )
        session.add(claim)
        return None
    now = utcnow()
    entry = StatusChange(
        claim_id=stored_id(claim),
        user_id=user_id,
        from_status=claim.status,
        to_status=to_status,
        reason=reason,
        created_at=now,
    )
    # Always lock the two count rows in the same (alphabetical) order: two claims moving in
    # opposite directions at once (open→in_review, in_review→open) would otherwise deadlock.
    bumps = sorted([(claim.status, -1), (to_status, 1)])
    before = claim.status
    if dialect_name(session) == "postgresql":
        # One round trip: the claim, its history and both counts (the rows in `bumps` order).
        await session.execute(
            _MOVE_ON_POSTGRESQL,
            {"claim_id": entry.claim_id, "user_id": user_id, "from": before, "to": to_status,
             "reason": reason, "now": now, "team_id": claim.team_id,
             "slot": count_slot(session), "first": bumps[0][0], "first_delta": bumps[0][1],
             "second": bumps[1][0], "second_delta": bumps[1][1]},
        )  # fmt: skip
        set_committed_value(claim, "status", to_status)
        set_committed_value(claim, "status_changed_at", now)
        session.add(claim)  # for what else the caller changed on it (locked, assignee)
    else:
        for status, delta in bumps:
            await bump_count(session, team_id=claim.team_id, status=status, delta=delta)
        claim.status = to_status
        claim.status_changed_at = now
        session.add_all([claim, entry])
    await status_moved(session, claim=claim, from_status=before)  # verdicts to tell (issue 16)
    return entry


async def history(session: AsyncSession, *, claim_id: int) -> list[StatusChange]:
    """A claim's status changes, oldest first."""
    rows = await session.execute(
        select(StatusChange)
        .where(col(StatusChange.claim_id) == claim_id)
        .order_by(col(StatusChange.id))
    )
    return list(rows.scalars())


async def set_card(
    session: AsyncSession, *, claim_id: int, chat_id: int, message_id: int, thread_id: int | None
) -> None:
    """Remember the message that shows a claim's card."""
    await session.execute(
        update(Claim)
        .where(col(Claim.id) == claim_id)
        .values(
            card_chat_id=chat_id,
            card_message_id=message_id,
            card_thread_id=thread_id,
            card_state="posted",
        )
    )


async def set_assignee(session: AsyncSession, *, claim: Claim, user_id: int | None) -> None:
    """Give a claim to a member, or take it back."""
    claim.assignee_id = user_id
    session.add(claim)


async def claims_assigned(
    session: AsyncSession, *, team_id: int, user_id: int, limit: int = 20
) -> list[Claim]:
    """The claims a member took, newest first."""
    rows = await session.execute(
        select(Claim)
        .where(Claim.team_id == team_id, Claim.assignee_id == user_id)
        .order_by(col(Claim.id).desc())
        .limit(limit)
    )
    return list(rows.scalars())


async def touch_status_time(session: AsyncSession, *, claim: Claim, when: datetime) -> None:
    """Set when the claim's status last changed (tests and imports)."""
    claim.status_changed_at = when
    session.add(claim)


async def claim_by_card(session: AsyncSession, *, chat_id: int, message_id: int) -> Claim | None:
    """The claim whose card is this message (for notes written as replies)."""
    stmt = select(Claim).where(Claim.card_chat_id == chat_id, Claim.card_message_id == message_id)
    return (await session.execute(stmt.limit(1))).scalar_one_or_none()


# A claim with its team, by claim id and chat id: built once with bound parameters (every
# button press runs it; SQLAlchemy then reuses its cache key instead of recomputing it).
_TEAM_CLAIM = (
    select(Claim, Team)
    .join(Team, col(Team.id) == col(Claim.team_id))
    .where(col(Claim.id) == bindparam("claim_id"), col(Team.chat_id) == bindparam("chat_id"))
)
_TEAM_CLAIM_FOR_UPDATE = _TEAM_CLAIM.with_for_update(of=Claim)


async def get_team_claim(
    session: AsyncSession, *, chat_id: int, claim_id: int, for_update: bool = False
) -> tuple[Claim, Team] | None:
    """A claim with its team, in one query, only if it belongs to the chat's team."""
    stmt = _TEAM_CLAIM_FOR_UPDATE if for_update else _TEAM_CLAIM
    row = (await session.execute(stmt, {"claim_id": claim_id, "chat_id": chat_id})).first()
    return (row[0], row[1]) if row else None
