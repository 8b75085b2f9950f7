"""SQLite write connections that run on the event loop's own thread, without a thread hop.

aiosqlite runs every statement in a thread of its own and hands the result back through the
event loop, so a statement costs a full turn of the loop. A busy bot's loop turns slowly, and a
write transaction holds SQLite's one write lock across all of its turns: the vote path queued on
that lock (docs/performance.md). SQLite itself answers the bot's writes in microseconds (WAL,
synchronous=NORMAL: no fsync per commit), so calling it directly from the loop's thread costs
far less than the hop.

`connect` makes such a connection for SQLAlchemy's aiosqlite dialect (create_async_engine's
`async_creator`): the same coroutine API aiosqlite offers, carried out at once. The only wait
that could block the loop is SQLite's lock held by another process; these connections have no
busy timeout, and `BEGIN IMMEDIATE` that finds the lock taken retries with an asyncio sleep (up
to `busy_seconds`), so the loop goes on meanwhile. Inside the process, writers queue on the
database's asyncio write lock (storage.db) before they begin.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any, cast

# How long BEGIN IMMEDIATE keeps trying while another process holds the write lock.
DEFAULT_BUSY_SECONDS = 30.0
_RETRY_SLEEP = 0.005


class _Ready:
    """What SQLAlchemy awaits `cursor()` as: an async context that gives the cursor."""

    def __init__(self, cursor: InlineCursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self._cursor

    async def __aexit__(self, *exc: object) -> None:
        await self._cursor.close()


class InlineCursor:
    """A sqlite3 cursor behind aiosqlite's coroutine API."""

    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection
        self._cursor = connection._conn.cursor()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, operation: str, parameters: Any = ()) -> InlineCursor:
        if operation.lstrip()[:15].upper().startswith("BEGIN IMMEDIATE"):
            await self._connection._begin_immediate(self._cursor, operation)
        else:
            self._cursor.execute(operation, parameters)
        return self

    async def executemany(self, operation: str, seq: Iterable[Any]) -> InlineCursor:
        self._cursor.executemany(operation, seq)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *sizes: Any) -> None:
        return None


class _Immediate:
    """aiosqlite's task queue as SQLAlchemy's dialect uses it (to set isolation_level)."""

    @staticmethod
    def put_nowait(item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """A sqlite3 connection behind aiosqlite's coroutine API, used on the loop's thread."""

    def __init__(self, conn: sqlite3.Connection, *, busy_seconds: float) -> None:
        self._conn = conn
        self._connection: sqlite3.Connection | None = conn  # what the dialect checks
        self._tx = _Immediate()
        self.busy_seconds = busy_seconds

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = cast(Any, value)  # None: we emit BEGIN ourselves

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    def cursor(self) -> _Ready:
        return _Ready(InlineCursor(self))

    async def execute(self, operation: str, parameters: Any = ()) -> InlineCursor:
        return await InlineCursor(self).execute(operation, parameters)

    async def _begin_immediate(self, cursor: sqlite3.Cursor, operation: str) -> None:
        """Take the write lock; while another process holds it, wait without blocking the loop."""
        deadline = time.monotonic() + self.busy_seconds
        while True:
            try:
                cursor.execute(operation)
                return
            except sqlite3.OperationalError as error:
                locked = "locked" in str(error).lower() or "busy" in str(error).lower()
                if not locked or time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(_RETRY_SLEEP)

    async def commit(self) -> None:
        self._conn.commit()

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._conn.create_function(*args, **kw)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def connector(database: str, *, busy_seconds: float = DEFAULT_BUSY_SECONDS) -> Any:
    """An `async_creator` for create_async_engine: inline connections to this SQLite file."""

    async def connect() -> InlineConnection:
        # No busy timeout: SQLite's own handler would sleep on the loop's thread.
        conn = sqlite3.connect(
            database, timeout=0, check_same_thread=False, uri=database.startswith("file:")
        )
        return InlineConnection(conn, busy_seconds=busy_seconds)

    return connect
