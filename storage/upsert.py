"""Dialect-aware statements for SQLite and PostgreSQL alike: INSERT ... ON CONFLICT, row counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_name(session: AsyncSession) -> str:
    """The session's database dialect: "sqlite" or "postgresql"."""
    return session.get_bind().dialect.name


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT construct that supports `on_conflict_do_*` on the session's database."""
    return insert_in(dialect_name(session), table)


def insert_in(dialect: str, table: Any) -> Any:
    """The same for a dialect by name, for a statement built once per dialect."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def affected_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE, DELETE or INSERT changed (0 when the driver cannot tell).

    `AsyncSession.execute` is typed to return a plain `Result`; for DML it is a `CursorResult`,
    the only kind that carries a row count.
    """
    if not isinstance(result, CursorResult):
        raise TypeError(f"not the result of a DML statement: {type(result).__name__}")
    return max(result.rowcount or 0, 0)
