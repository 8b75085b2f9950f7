"""The database: async engine, sessions, SQLite tuning and schema migrations."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

import migrations
from storage import sqlite_inline
from storage import updates as update_q

log = logging.getLogger(__name__)

# How long a SQLite writer waits for the lock before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000
# A pooled PostgreSQL connection idle longer than this is pinged before use (seconds).
PING_AFTER_IDLE_SECONDS = 5.0
# Pooled PostgreSQL connections, all kept open (the default of DATABASE_POOL_SIZE): a connection
# opened beyond the pool for a moment (SQLAlchemy's overflow) is closed again when handed back, and
# a busy bot then opened and closed connections all run long, preparing its statements again on
# each. Beyond the pool a transaction waits for a connection (the update pump applies up to 64
# updates at once; a vote's transaction holds one for a few round trips). A bot process runs its
# Python on one core, so a dozen transactions in flight keep it busy: a pool of 45 let a burst of
# 50 votes open 45 connections and run 45 transactions at once against the same rows, and measured
# slower than 12 in every vote run (full runs 0.51-0.56 of the floor against 0.60-0.72, p99
# 584-839 ms against 294-314, bot RSS 143-144 MiB against 137-138; docs/performance.md). The most
# recently used connection is handed out first (LIFO): a busy bot keeps reusing a warm few, whose
# prepared statements are cached, instead of cycling through all of them.
POOL_SIZE = 12
_IMMEDIATE = "factcheck_sqlite_immediate"


class UpdateAlreadyApplied(Exception):
    """The update being processed already had its effect (a re-delivery after a crash)."""


def is_passing_db_failure(error: BaseException | None) -> bool:
    """Worth retrying: deadlock, serialization conflict, lock or pool timeout, lost connection."""
    if isinstance(error, (exc.OperationalError, exc.TimeoutError)):
        return True
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    text = str(error).lower()
    return isinstance(error, exc.DBAPIError) and (
        "deadlock" in text or "could not serialize" in text or "database is locked" in text
    )


class Database:
    """One engine and its session factories; built by the app factory, closed in post_shutdown."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pool_size: int = POOL_SIZE,
        ping_after_idle: float = PING_AFTER_IDLE_SECONDS,
    ) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            _ensure_sqlite_dir(url)
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs.update(pool_size=pool_size, max_overflow=0, pool_use_lifo=True)
        # `engine` carries the writes (and migrations). On PostgreSQL it serves the reads too.
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if not self.is_sqlite:
            _ping_when_idle(self.engine, ping_after_idle)
        self._read_engine = self.engine
        writer = self.engine
        database = make_url(url).database or ""
        if self.is_sqlite and database and ":memory:" not in database:
            # On a SQLite file, writes run on the loop's own thread (storage.sqlite_inline):
            # a write transaction then holds SQLite's lock for microseconds a statement, not
            # for a turn of a busy event loop. Reads stay on aiosqlite's threads, where a long
            # one (/export, /status on a large queue) never stalls the loop.
            self._read_engine = self.engine
            self.engine = create_async_engine(
                url, echo=echo, async_creator=sqlite_inline.connector(database)
            )
            _tune_sqlite(self._read_engine)
            _tune_sqlite(self.engine, busy_timeout_ms=0)
            writer = self.engine.execution_options(**{_IMMEDIATE: True})
        elif self.is_sqlite:
            _tune_sqlite(self.engine)
            writer = self.engine.execution_options(**{_IMMEDIATE: True})
        # Inline writers need no queue of their own: a write transaction runs without giving the
        # loop up (its statements are plain sqlite3 calls), so two never interleave, and one that
        # did would only meet the other at BEGIN IMMEDIATE and retry (storage.sqlite_inline).
        # Writers through aiosqlite (a `:memory:` database) queue on a lock.
        inline = self.engine is not self._read_engine
        self._write_lock = asyncio.Lock() if self.is_sqlite and not inline else None
        self._reader = async_sessionmaker(self._read_engine, expire_on_commit=False)
        # Glances (a few indexed lookups: a card's view) run where writes do: on a SQLite file,
        # on the loop's thread, without aiosqlite's thread hop (three a statement); on
        # PostgreSQL outside a transaction (no BEGIN and ROLLBACK round trips around them).
        glancer = self.engine
        if not self.is_sqlite:
            glancer = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._glancer = async_sessionmaker(glancer, expire_on_commit=False)
        self._writer = async_sessionmaker(writer, expire_on_commit=False)
        # PostgreSQL: two connections of their own for single statements outside any transaction
        # (a message's shared turn, storage/pace.py), which must not wait behind a busy pool.
        self.solo: AsyncEngine | None = None
        if not self.is_sqlite:
            self.solo = create_async_engine(
                url, echo=echo, pool_size=2, max_overflow=0, isolation_level="AUTOCOMMIT"
            )
            _ping_when_idle(self.solo, ping_after_idle)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for queries that change nothing."""
        async with self._reader() as session:
            yield session

    @asynccontextmanager
    async def glance(self) -> AsyncIterator[AsyncSession]:
        """A session for a few small indexed reads (a card's view), never a scan.

        On a SQLite file its statements run on the event loop's thread, as writes do: a point
        lookup takes microseconds there, and a thread hop a statement cost the vote path more
        than its SQL (docs/performance.md). A WAL reader takes no lock, so it never waits for a
        writer. On PostgreSQL each statement runs on its own (autocommit): the lookups may see
        a vote more or less than each other, which a card refreshed after every change can
        bear, and they save the transaction's two round trips.
        """
        async with self._glancer() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction that commits on success; on SQLite it takes the write lock up front."""
        async with self._transaction(marking=None) as session:
            yield session

    def unit(self, update_id: int) -> UnitOfWork:
        """The unit of work of one stored update (the update pump makes one per update)."""
        return UnitOfWork(self, update_id)

    @asynccontextmanager
    async def _transaction(self, *, marking: int | None) -> AsyncIterator[AsyncSession]:
        """A write transaction; with `marking`, it also marks that stored update done.

        Marking comes first, so a re-delivered update whose effect already committed raises
        UpdateAlreadyApplied before anything else is written (and on PostgreSQL the row lock
        keeps a second worker from applying it at the same moment).

        Each effect has a transaction of its own. Group commit (effects of many updates in one
        transaction, each in a SAVEPOINT) was tried on SQLite and measured no faster; once
        SQLite writes ran on the loop's thread it was slower (docs/performance.md).
        """
        if marking is None:
            async with self._shared_transaction() as session:
                yield session
            return
        async with self._shared_transaction() as session:
            if not await update_q.mark_done(session, update_id=marking):
                raise UpdateAlreadyApplied(marking)
            yield session

    @asynccontextmanager
    async def _shared_transaction(self) -> AsyncIterator[AsyncSession]:
        """One write transaction: the write turn, a session, BEGIN (IMMEDIATE on SQLite)."""
        async with self._write_turn(), self._writer() as session:
            async with session.begin():
                yield session

    @asynccontextmanager
    async def _write_turn(self) -> AsyncIterator[None]:
        """Through aiosqlite, one writer at a time per process, queued here rather than in SQLite.

        SQLite's busy handler waits by sleeping in growing steps, so writers that collide on the
        file lock waste most of their time asleep; an asyncio lock hands the turn over at once.
        Inline writers (a SQLite file) take no turn: an asyncio lock there cost a turn of the busy
        event loop at every hand-over, which halved the votes a second (docs/performance.md).
        Other processes still meet at the file lock.
        """
        if self._write_lock is None:
            yield
            return
        async with self._write_lock:
            yield

    async def upgrade(self) -> None:
        """Bring the schema up to date with the Alembic migrations."""
        async with self.engine.begin() as conn:
            await conn.run_sync(_run_upgrade)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
        if self._read_engine is not self.engine:
            await self._read_engine.dispose()
        if self.solo is not None:
            await self.solo.dispose()


class UnitOfWork:
    """The database as the services see it while one stored update is applied.

    The update pump makes one per update and hands it down with the update (handlers never
    touch it; `context.services` are bound to it). Reads go to the database. The first write
    transaction is the update's effect: it also marks the stored update done, so the effect and
    "done" commit together or not at all, and a re-run of an update whose effect committed (a
    crash just after the commit, a second worker) raises UpdateAlreadyApplied instead of
    applying it twice. Later writes (card message ids, extraction, which the bot redoes on its
    own after a crash) are plain transactions. Once the pump has finished the update
    (`close`), every write is plain, so work the update left running can still write.
    """

    def __init__(self, db: Database, update_id: int) -> None:
        self.db = db
        self.update_id = update_id
        self.marked = False  # the effect's transaction committed and marked the update done
        self.retry = False  # a passing database failure interrupted the handler: run it again
        self._closed = False
        self._first = asyncio.Lock()

    def __getattr__(self, name: str) -> Any:
        """Everything else (engine, is_sqlite, url) is the database's."""
        return getattr(self.db, name)

    def read(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session for queries that change nothing."""
        return self.db.read()

    def glance(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A session for a few small indexed reads (Database.glance)."""
        return self.db.glance()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction; the unit's first one also marks the update done."""
        if not self.marked and not self._closed:
            async with self._first:  # two writes of one update at once: one is the effect
                if not self.marked and not self._closed:
                    async with self.db._transaction(marking=self.update_id) as session:
                        yield session
                    # Only once it committed: a rolled-back effect (the claim was not found,
                    # say) leaves the update to the pump, which records how it ended.
                    self.marked = True
                    return
        async with self.db.write() as session:
            yield session

    def close(self) -> None:
        """The pump is done with the update: later writes no longer mark it."""
        self._closed = True


def _ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file so a fresh checkout starts without set-up."""
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a pooled connection before use only when it sat idle for `idle_seconds`.

    SQLAlchemy's `pool_pre_ping` pings at every checkout, and through asyncpg a ping is three
    round trips (BEGIN, an empty query, ROLLBACK): on the vote path, more than the vote's own
    statements. A connection used a moment ago is almost surely alive; one that has sat idle
    (a server restart, a firewall dropping quiet connections) is pinged, and a dead one
    invalidates the pool, as pre-ping does. A connection that dies between uses fails its
    statement as a disconnect: SQLAlchemy invalidates the pool, and the update pump runs the
    update again (`is_passing_db_failure`).
    """
    pool_events = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    @event.listens_for(pool_events, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in"] = time.monotonic()

    @event.listens_for(pool_events, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in = record.info.get("checked_in")
        if checked_in is None or time.monotonic() - checked_in < idle_seconds:
            return  # fresh, or in use a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise exc.InvalidatePoolError(f"ping failed: {error!r}") from error
        if not alive:
            raise exc.InvalidatePoolError("ping failed")


def _tune_sqlite(engine: AsyncEngine, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
    """WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE for write transactions.

    pysqlite's own transaction handling begins lazily (DEFERRED), so two handlers that read then
    write can deadlock on the lock upgrade and one gets "database is locked" at once. Taking the
    write lock at BEGIN makes writers queue on the busy timeout instead.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _run_upgrade(sync_conn: Any) -> None:
    """Run `alembic upgrade head` on an open connection."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.attributes["connection"] = sync_conn
    command.upgrade(config, "head")
