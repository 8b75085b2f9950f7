"""/status and /queue as the queue grows: the service calls timed on 1k, 100k and 1M claims.

Each size gets a fresh database, migrated, then bulk-seeded (bench/seed.py). `Views.status`,
`Views.queue` (page 1) and, for demand (issue 16), `Requests.queue_top` (/queue top, page 1)
and `Requests.most_asked` (/status's most-asked list) are timed directly, median of N runs.
Before those two, every claim is given the demand of a real queue: asked once, and a handful
asked three times, so /queue top's first page breaks ties among claims asked equally often.
The statements they issue are captured with their own timings, and the slowest one of each
call is explained (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL) so a miss
names its query.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, text, update
from sqlmodel import col

from bench.common import Figure, database_kinds, emit, fresh_database, log, median_ms
from bench.seed import seed
from bot.desk.requests import Requests
from bot.desk.views import Views
from storage.db import Database
from storage.models import Claim

FULL_SIZES = (1_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 10_000, 100_000)
TARGET_RATIO = 3.0
MUCH_ASKED = 5  # claims of the team asked three times; the rest are asked once


@dataclass
class Statement:
    """One SQL statement a view issued, with its parameters and wall time."""

    sql: str
    params: Any
    ms: float


@dataclass
class Capture:
    """Statements issued while capturing is on."""

    statements: list[Statement] = field(default_factory=list)
    _started: float = 0.0


@contextmanager
def capturing(db: Database) -> Iterator[Capture]:
    """Record every statement the engine runs inside the block, with its duration."""
    capture = Capture()
    # On SQLite reads have an engine of their own (storage/db.py): listen to both.
    engines = {id(e): e for e in (db.engine.sync_engine, db._read_engine.sync_engine)}

    def before(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        capture._started = time.perf_counter()

    def after(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: bool) -> None:
        ms = (time.perf_counter() - capture._started) * 1000
        capture.statements.append(Statement(sql, params, ms))

    for engine in engines.values():
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
    try:
        yield capture
    finally:
        for engine in engines.values():
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)


async def give_demand(db: Database, team_id: int) -> None:
    """Every claim asked once by one person; the team's newest MUCH_ASKED three times by two."""
    async with db.write() as session:
        await session.execute(update(Claim).values(asked=1, askers=1))
        newest = (
            await session.execute(
                text("SELECT id FROM claim WHERE team_id = :team ORDER BY id DESC LIMIT :n"),
                {"team": team_id, "n": MUCH_ASKED},
            )
        ).scalars()
        await session.execute(
            update(Claim).where(col(Claim.id).in_(list(newest))).values(asked=3, askers=2)
        )
    if not db.is_sqlite:
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("VACUUM ANALYZE claim")


async def explain(db: Database, statement: Statement) -> str:
    """The plan of a captured statement, as the database prints it."""
    prefix = "EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
    async with db.engine.connect() as conn:
        result = await conn.exec_driver_sql(prefix + statement.sql, statement.params)
        rows = result.all()
    if db.is_sqlite:
        return "\n".join(f"  {row[-1]}" for row in rows)
    return "\n".join(f"  {row[0]}" for row in rows)


async def slowest(db: Database, call: Any) -> tuple[Statement, str]:
    """Run a view once while capturing; its slowest statement and that statement's plan."""
    with capturing(db) as capture:
        await call()
    worst = max(capture.statements, key=lambda s: s.ms)
    return worst, await explain(db, worst)


async def measure_size(kind: str, size: int, runs: int, out: list[Figure]) -> dict[str, float]:
    """Seed a fresh database with `size` claims and time /status and /queue on it."""
    figures: dict[str, float] = {}
    async with fresh_database(kind) as url:
        db = Database(url)
        try:
            await db.upgrade()
            seeded = await seed(url, size)
            others = seeded.total_claims - size
            label = f"seed {size:,} claims (+{others:,} in other teams)"
            out.append(emit(Figure("queue", label, seeded.seconds, "s", db=kind)))
            views = Views(db)

            async def status() -> object:
                return await views.status(chat_id=seeded.chat_id, user_id=seeded.user_id)

            async def queue() -> object:
                return await views.queue(chat_id=seeded.chat_id, page=1, size=10)

            await give_demand(db, seeded.team_id)
            requests = Requests(db)

            async def queue_top() -> object:
                return await requests.queue_top(chat_id=seeded.chat_id, page=1, size=10)

            async def most_asked() -> object:
                return await requests.most_asked(chat_id=seeded.chat_id)

            calls = (
                ("/status", status),
                ("/queue", queue),
                ("/queue top", queue_top),
                ("/status most asked", most_asked),
            )
            for name, call in calls:
                ms = await median_ms(call, runs)
                figures[name] = ms
                out.append(emit(Figure("queue", f"{name} at {size:,} claims", ms, "ms", db=kind)))
                worst, plan = await slowest(db, call)
                sql = " ".join(worst.sql.split())
                log(f"{kind} {name} at {size:,}: slowest statement {worst.ms:.2f} ms:")
                log(f"  {sql}\n  params {worst.params}\n{plan}")
        finally:
            await db.dispose()
    return figures


async def run(*, quick: bool = False, db: str | None = None) -> list[Figure]:
    """Every size on every database; the largest against the smallest is the target."""
    sizes = QUICK_SIZES if quick else FULL_SIZES
    runs = 10 if quick else 20
    out: list[Figure] = []
    for kind in database_kinds(db):
        by_size = {size: await measure_size(kind, size, runs, out) for size in sizes}
        small, large = sizes[0], sizes[-1]
        for name in ("/status", "/queue", "/queue top", "/status most asked"):
            ratio = by_size[large][name] / by_size[small][name]
            out.append(
                emit(
                    Figure(
                        "queue",
                        f"{name} {large:,} vs {small:,} claims",
                        ratio,
                        "× slower",
                        target=f"≤ {TARGET_RATIO:g}" + ("" if large == 1_000_000 else " (at 1M)"),
                        met=ratio <= TARGET_RATIO if large == 1_000_000 else None,
                        db=kind,
                    )
                )
            )
    return out
