"""The durable update store: raw updates kept before they are acknowledged, handed out once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Table,
    Text,
    any_,
    bindparam,
    delete,
    func,
    literal,
    or_,
    update,
)
from sqlalchemy import select as sa_select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from storage.models import StoredUpdate, utcnow
from storage.upsert import affected_rows, dialect_name, insert_in

_TABLE: Table = SQLModel.metadata.tables["storedupdate"]  # Core: none of the ORM's bookkeeping
# An update that was taken this many times without finishing is not tried again.
DEFAULT_MAX_ATTEMPTS = 10


def _store_on_postgresql() -> Any:
    """Keep a batch of raw updates on PostgreSQL: built once, the batch as two arrays.

    A multi-row VALUES list is a new statement text for every batch size, and each new text is
    prepared again on every pooled connection, pushing the vote's own statements out of
    asyncpg's statement cache; `unnest` of two arrays is one text for any batch.
    """
    rows = sa_select(
        func.unnest(bindparam("ids", type_=postgresql.ARRAY(BigInteger))),
        func.unnest(bindparam("payloads", type_=postgresql.ARRAY(Text))),
        literal("pending"),
        bindparam("now", type_=_TABLE.c.received_at.type),
        literal(0),
    )
    stmt = insert_in("postgresql", _TABLE).from_select(
        ["update_id", "payload", "state", "received_at", "attempts"], rows
    )
    return stmt.on_conflict_do_nothing(index_elements=["update_id"])


_STORE_PG = _store_on_postgresql()


async def store_updates(session: AsyncSession, raws: Sequence[tuple[int, str]]) -> int:
    """Keep raw updates (update_id, JSON); one already stored is ignored. Returns how many new."""
    if not raws:
        return 0
    now = utcnow()
    if dialect_name(session) == "postgresql":
        values = {"ids": [u for u, _ in raws], "payloads": [p for _, p in raws], "now": now}
        return affected_rows(await session.execute(_STORE_PG, values))
    stmt = insert_in("sqlite", StoredUpdate).values(
        [
            {
                "update_id": uid,
                "payload": payload,
                "state": "pending",
                "received_at": now,
                "attempts": 0,
            }
            for uid, payload in raws
        ]
    )
    result = await session.execute(stmt.on_conflict_do_nothing(index_elements=["update_id"]))
    return affected_rows(result)


def _claimable(stale_before: datetime | BindParameter[Any]) -> ColumnElement[bool]:
    """Pending updates, and taken ones whose worker has not finished them since `stale_before`."""
    return or_(
        col(StoredUpdate.state) == "pending",
        (col(StoredUpdate.state) == "processing") & (col(StoredUpdate.claimed_at) < stale_before),
    )


def _candidates_in(dialect: str) -> Any:
    """The oldest claimable updates with their attempts, built once per dialect.

    PostgreSQL skips rows another process is claiming at the same moment.
    """
    stmt = (
        select(StoredUpdate.update_id, StoredUpdate.attempts)
        .where(_claimable(bindparam("stale_before")))
        .order_by(col(StoredUpdate.update_id))
        .limit(bindparam("limit"))
    )
    return stmt.with_for_update(skip_locked=True) if dialect == "postgresql" else stmt


_CANDIDATES = {dialect: _candidates_in(dialect) for dialect in ("sqlite", "postgresql")}


def _take_in(dialect: str) -> Any:
    """Take updates by id and read them back, built once per dialect.

    The ids go as one array on PostgreSQL (`= ANY`): an expanding IN list is a new statement
    text for every count, prepared again on every connection (see `_store_on_postgresql`).
    """
    ids = col(StoredUpdate.update_id)
    if dialect == "postgresql":
        chosen = ids == any_(bindparam("ids", type_=postgresql.ARRAY(BigInteger)))
    else:
        chosen = ids.in_(bindparam("ids", expanding=True))
    return (
        update(StoredUpdate)
        .where(chosen)
        .values(
            state="processing",
            worker=bindparam("worker"),
            claimed_at=bindparam("now"),
            attempts=col(StoredUpdate.attempts) + 1,
        )
        .returning(StoredUpdate)
    )


_TAKES = {dialect: _take_in(dialect) for dialect in ("sqlite", "postgresql")}


async def claim_pending(
    session: AsyncSession,
    *,
    worker: str,
    limit: int,
    stale_before: datetime,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> list[StoredUpdate]:
    """Take up to `limit` updates to process, oldest first; each goes to exactly one worker.

    Pending ones, and ones whose worker took them before `stale_before` without finishing (it
    crashed). PostgreSQL skips rows another process is claiming at the same moment; SQLite's
    write transactions run one at a time anyway. An update tried `max_attempts` times (one that
    kills the process whenever it runs) is set aside as failed instead.
    """
    params = {"stale_before": stale_before, "limit": limit}
    while True:
        rows = (await session.execute(_CANDIDATES[dialect_name(session)], params)).all()
        ids = [update_id for update_id, attempts in rows if attempts < max_attempts]
        spent = [update_id for update_id, attempts in rows if attempts >= max_attempts]
        if spent:  # rare: the one statement more runs only when there is one to set aside
            await session.execute(
                update(StoredUpdate)
                .where(col(StoredUpdate.update_id).in_(spent))
                .values(state="failed", error=f"gave up after {max_attempts} attempts")
            )
        if ids or not spent:
            break
    if not ids:
        return []
    # One UPDATE … RETURNING takes them and reads them back (SQLite 3.35+, PostgreSQL).
    taken = await session.scalars(
        _TAKES[dialect_name(session)],
        {"ids": ids, "worker": worker, "now": utcnow()},
        execution_options={"synchronize_session": False},
    )
    return sorted(taken, key=lambda row: row.update_id)  # RETURNING keeps no order


# Marking an update done as its effect commits, built once: every effect runs it, and building
# the UPDATE each time cost more than running it.
_MARK_DONE = (
    update(_TABLE)
    .where(_TABLE.c.update_id == bindparam("marked_id"), _TABLE.c.state != "done")
    .values(state="done", done_at=bindparam("marked_at"))  # (a column's own name is reserved)
)


async def mark_done(session: AsyncSession, *, update_id: int) -> bool:
    """Mark an update done in its effect's transaction; False if it already was (re-delivered)."""
    result = await session.execute(_MARK_DONE, {"marked_id": update_id, "marked_at": utcnow()})
    return affected_rows(result) > 0


async def finish(session: AsyncSession, *, update_id: int, error: str | None = None) -> None:
    """Mark an update processed (its effect, if any, was already marked in its own transaction)."""
    values: dict[str, object] = {"state": "done", "done_at": utcnow()}
    if error:
        values["error"] = error[:500]
    await session.execute(
        update(StoredUpdate).where(col(StoredUpdate.update_id) == update_id).values(**values)
    )


async def release_worker(session: AsyncSession, *, worker: str) -> int:
    """Hand back what a worker had taken but not finished (it restarted)."""
    result = await session.execute(
        update(StoredUpdate)
        .where(col(StoredUpdate.state) == "processing", col(StoredUpdate.worker) == worker)
        .values(state="pending")
    )
    return affected_rows(result)


async def pending_count(session: AsyncSession) -> int:
    """How many updates wait to be processed or are being processed."""
    stmt = (
        select(func.count())
        .select_from(StoredUpdate)
        .where(col(StoredUpdate.state).in_(["pending", "processing"]))
    )
    return int((await session.execute(stmt)).scalar_one())


async def last_update_id(session: AsyncSession) -> int | None:
    """The newest update id stored (to resume polling after it)."""
    return (await session.execute(select(func.max(StoredUpdate.update_id)))).scalar_one()


async def prune_done(session: AsyncSession, *, before: datetime) -> int:
    """Forget processed updates older than a moment (the id of the newest stays)."""
    newest = await last_update_id(session)
    result = await session.execute(
        delete(StoredUpdate)
        .execution_options(synchronize_session=False)
        .where(
            col(StoredUpdate.state) == "done",
            col(StoredUpdate.done_at) < before,
            col(StoredUpdate.update_id) != (newest or -1),
        )
    )
    return affected_rows(result)


async def state_counts(session: AsyncSession) -> dict[str, int]:
    """Stored updates per state (pending, processing, done, failed), for logs and tests."""
    rows = await session.execute(
        select(StoredUpdate.state, func.count()).group_by(StoredUpdate.state)
    )
    return {state: count for state, count in rows.all()}


async def retry_later(session: AsyncSession, *, update_id: int) -> None:
    """Put an update back in the queue after a passing failure (its attempts are counted)."""
    await session.execute(
        update(StoredUpdate)
        .where(col(StoredUpdate.update_id) == update_id, col(StoredUpdate.state) == "processing")
        .values(state="pending", error="retried after a database failure")
    )
