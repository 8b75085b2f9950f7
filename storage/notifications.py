"""Queries on the verdict outbox: queued when a claim settles, sent once by bot/app/notifier.py.

A row is one claim to tell one request (a submission message). It is queued in the very
transaction that settles the claim (storage/claims.py change_status), so a verdict that
committed is never without its notifications, and one that rolled back has none. The notifier
takes due rows as `sending` in a committed transaction before it calls Telegram and marks them
`sent` after: a crash in between leaves `sending` rows, which a restart marks `unknown` instead
of sending them again (never twice; docs/usage.md, "Verdicts go back to who asked").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    VERDICT_STATUSES,
    Claim,
    Notification,
    NotifyOptOut,
    Request,
    StatusChange,
    stored_id,
    utcnow,
)
from storage.requests import MATCH_SOURCE, requests_for
from storage.upsert import affected_rows, insert_for

PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, SKIPPED, UNKNOWN = "failed", "skipped", "unknown"


def _row(
    request: Request, claim: Claim, *, updated: bool, due_at: datetime, created_at: datetime
) -> Notification:
    """The outbox row telling one request one claim's verdict (a reply to its message)."""
    return Notification(
        request_id=stored_id(request),
        claim_id=stored_id(claim),
        chat_id=request.chat_id,
        reply_to=request.message_id,
        user_id=request.user_id,
        updated=updated,
        due_at=due_at,
        created_at=created_at,
    )


async def queue_verdict(session: AsyncSession, *, claim: Claim) -> int:
    """Queue the claim's verdict for everyone who asked; returns how many rows were queued.

    "updated" when an earlier verdict of the claim was already told (it was reopened).
    """
    requests = await requests_for(session, claim=claim)
    if not requests:
        return 0
    told = (
        await session.execute(
            select(Notification.id)
            .where(col(Notification.claim_id) == claim.id, col(Notification.state) == SENT)
            .limit(1)
        )
    ).scalar_one_or_none()
    waiting = set(
        (
            await session.execute(
                select(Notification.request_id).where(
                    col(Notification.claim_id) == claim.id, col(Notification.state) == PENDING
                )
            )
        ).scalars()
    )
    now = utcnow()
    rows = [
        _row(request, claim, updated=told is not None, due_at=now, created_at=now)
        for request in requests
        # already queued (a verdict changed before it went out); a match's copy is demand only
        if request.id not in waiting and request.source != MATCH_SOURCE
    ]
    session.add_all(rows)
    return len(rows)


async def queue_settled_for(session: AsyncSession, *, request: Request) -> int:
    """A request for an article whose claims were decided already: tell it those verdicts.

    Counted from the verdict's own time, so no digest delay holds it back; returns rows queued.
    """
    target = (
        col(Claim.id) == request.claim_id
        if request.claim_id is not None
        else col(Claim.article_id) == request.article_id
    )
    settled = (
        await session.execute(
            select(Claim).where(target, col(Claim.status).in_(list(VERDICT_STATUSES)))
        )
    ).scalars()
    now = utcnow()
    rows = [
        _row(
            request,
            claim,
            updated=False,
            due_at=now,
            created_at=min(claim.status_changed_at or now, now),
        )
        for claim in settled
    ]
    session.add_all(rows)
    return len(rows)


async def drop_unsent(session: AsyncSession, *, claim_id: int) -> None:
    """A claim left its verdict (reopened) before it was told: its queued rows are dropped."""
    await session.execute(
        update(Notification)
        .where(col(Notification.claim_id) == claim_id, col(Notification.state) == PENDING)
        .values(state=SKIPPED, error="reopened before it was sent")
    )


async def due(
    session: AsyncSession,
    *,
    now: datetime,
    settled_before: datetime,
    limit: int,
    exclude: set[int] | None = None,
) -> list[Notification]:
    """Pending rows whose time has come (and whose verdict is older than the digest delay)."""
    stmt = select(Notification).where(
        col(Notification.state) == PENDING,
        col(Notification.due_at) <= now,
        col(Notification.created_at) <= settled_before,
    )
    if exclude:
        stmt = stmt.where(col(Notification.chat_id).not_in(list(exclude)))
    stmt = stmt.order_by(col(Notification.due_at), col(Notification.id)).limit(limit)
    return list((await session.execute(stmt)).scalars())


async def pending_for(session: AsyncSession, *, chat_id: int, reply_to: int | None) -> list[int]:
    """Every pending row for one target message (they go out as one digest)."""
    target = (
        col(Notification.reply_to).is_(None)
        if reply_to is None
        else col(Notification.reply_to) == reply_to
    )
    stmt = select(Notification.id).where(
        col(Notification.state) == PENDING, col(Notification.chat_id) == chat_id, target
    )
    return list((await session.execute(stmt)).scalars())


async def take(session: AsyncSession, *, ids: Sequence[int], worker: str) -> list[Notification]:
    """Mark rows `sending` by this worker; only those still pending (another worker, a race)."""
    if not ids:
        return []
    await session.execute(
        update(Notification)
        .where(col(Notification.id).in_(list(ids)), col(Notification.state) == PENDING)
        .values(
            state=SENDING, worker=worker, attempts=col(Notification.attempts) + 1, sent_at=utcnow()
        )
    )
    stmt = select(Notification).where(
        col(Notification.id).in_(list(ids)),
        col(Notification.state) == SENDING,
        col(Notification.worker) == worker,
    )
    return list((await session.execute(stmt.execution_options(populate_existing=True))).scalars())


async def finish(
    session: AsyncSession,
    *,
    ids: Sequence[int],
    state: str,
    error: str | None = None,
    message_id: int | None = None,
) -> None:
    """Record how sending ended: sent (with the message), failed, skipped or unknown."""
    if ids:
        await session.execute(
            update(Notification)
            .where(col(Notification.id).in_(list(ids)))
            .values(state=state, error=error, sent_message_id=message_id, sent_at=utcnow())
        )


async def put_back(
    session: AsyncSession,
    *,
    ids: Sequence[int],
    until: datetime,
    error: str,
    chat_id: int | None = None,
) -> None:
    """Send these later (429, a network failure); `chat_id` when the group moved."""
    if ids:
        values: dict[str, object] = {"state": PENDING, "due_at": until, "error": error}
        if chat_id is not None:
            values["chat_id"] = chat_id
        await session.execute(
            update(Notification).where(col(Notification.id).in_(list(ids))).values(**values)
        )


async def sent_since(session: AsyncSession, *, chat_id: int, since: datetime) -> int:
    """Messages sent (or being sent, or maybe sent) into a chat since a moment, for the group's
    pace: a digest is one message however many claims (rows) it tells."""
    recent = (col(Notification.chat_id) == chat_id, col(Notification.sent_at) >= since)
    sent = select(func.count(func.distinct(Notification.sent_message_id))).where(
        *recent, col(Notification.state) == SENT
    )
    going = select(func.count(func.distinct(Notification.reply_to))).where(
        *recent, col(Notification.state).in_([SENDING, UNKNOWN])
    )
    return int((await session.execute(sent)).scalar_one()) + int(
        (await session.execute(going)).scalar_one()
    )


async def recover(session: AsyncSession, *, worker: str, stale_before: datetime) -> int:
    """Rows left `sending` by a crash: maybe sent, so never sent again (`unknown`)."""
    mine = col(Notification.worker) == worker
    stale = col(Notification.sent_at) < stale_before
    result = await session.execute(
        update(Notification)
        .where(col(Notification.state) == SENDING, mine | stale)
        .values(state=UNKNOWN, error="interrupted while sending: not sent again")
    )
    return affected_rows(result)


async def opted_out(session: AsyncSession, *, user_ids: set[int]) -> set[int]:
    """Which of these users said /notify off."""
    if not user_ids:
        return set()
    stmt = select(NotifyOptOut.user_id).where(col(NotifyOptOut.user_id).in_(user_ids))
    return set((await session.execute(stmt)).scalars())


async def set_opt_out(session: AsyncSession, *, user_id: int, off: bool) -> None:
    """/notify off (remember the user) or /notify on (forget the opt-out)."""
    if off:
        stmt = insert_for(session, NotifyOptOut).values(user_id=user_id, created_at=utcnow())
        await session.execute(stmt.on_conflict_do_nothing(index_elements=["user_id"]))
    else:
        await session.execute(delete(NotifyOptOut).where(col(NotifyOptOut.user_id) == user_id))


async def decision(session: AsyncSession, *, claim: Claim) -> StatusChange | None:
    """The history entry that brought the claim to its current status (who, why)."""
    stmt = (
        select(StatusChange)
        .where(col(StatusChange.claim_id) == claim.id, col(StatusChange.to_status) == claim.status)
        .order_by(col(StatusChange.id).desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def forget_private(session: AsyncSession, *, chat_id: int) -> None:
    """Drop the outbox rows of a private chat (a tipline sender who asked to be forgotten)."""
    await session.execute(delete(Notification).where(col(Notification.chat_id) == chat_id))


async def status_moved(session: AsyncSession, *, claim: Claim, from_status: str) -> None:
    """A claim changed status: a verdict is queued for its requesters, a reopening drops it."""
    if claim.status in VERDICT_STATUSES:
        await queue_verdict(session, claim=claim)
    elif from_status in VERDICT_STATUSES:
        await drop_unsent(session, claim_id=stored_id(claim))
