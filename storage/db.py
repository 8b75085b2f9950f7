"""The database: async engine, sessions, SQLite tuning and schema migrations."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

import migrations
from storage.models import StoredUpdate, utcnow

log = logging.getLogger(__name__)

# How long a SQLite writer waits for the lock before giving up (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 30_000
_IMMEDIATE = "factcheck_sqlite_immediate"


class UpdateAlreadyApplied(Exception):
    """The update being processed already had its effect (a re-delivery after a crash)."""


@dataclass
class Applying:
    """The stored update whose handler is running; set by the update worker."""

    update_id: int
    marked: bool = False
    retry: bool = False  # set when a passing database failure interrupted the handler


# The update the current task is processing, so its effect and "done" commit together.
applying: ContextVar[Applying | None] = ContextVar("applying", default=None)


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

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            _ensure_sqlite_dir(url)
            kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        else:
            kwargs.update(pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        writer = self.engine
        if self.is_sqlite:
            _tune_sqlite(self.engine)
            writer = self.engine.execution_options(**{_IMMEDIATE: True})
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        self._reader = async_sessionmaker(self.engine, expire_on_commit=False)
        self._writer = async_sessionmaker(writer, expire_on_commit=False)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for queries that change nothing."""
        async with self._reader() as session:
            yield session

    @asynccontextmanager
    async def write(self, *, effect: bool = False) -> AsyncIterator[AsyncSession]:
        """A transaction that commits on success; on SQLite it takes the write lock up front.

        `effect=True` marks the transaction that carries the current update's effect (a vote,
        a queued article, a note): the stored update is marked done in the same transaction, and
        a re-delivered update whose effect already committed raises UpdateAlreadyApplied.
        """
        current = applying.get()
        marking = effect and current is not None and not current.marked
        async with self._write_turn(), self._writer() as session:
            async with session.begin():
                if marking:
                    result = await session.execute(
                        update(StoredUpdate)
                        .where(StoredUpdate.update_id == current.update_id)
                        .where(StoredUpdate.state != "done")
                        .values(state="done", done_at=utcnow())
                    )
                    if not result.rowcount:
                        raise UpdateAlreadyApplied(current.update_id)
                yield session
            # Only once the transaction committed: a rolled-back effect (the claim was not
            # found, say) leaves the update for the worker to finish.
            if marking:
                current.marked = True

    @asynccontextmanager
    async def _write_turn(self) -> AsyncIterator[None]:
        """On SQLite, one writer at a time per process, queued here rather than in SQLite.

        SQLite's busy handler waits by sleeping in growing steps, so writers that collide on the
        file lock waste most of their time asleep; an asyncio lock hands the turn over at once.
        Other processes still meet at the file lock and its busy timeout.
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


def _ensure_sqlite_dir(url: str) -> None:
    """Create the folder of a SQLite file so a fresh checkout starts without set-up."""
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)


def _tune_sqlite(engine: AsyncEngine) -> None:
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
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
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
