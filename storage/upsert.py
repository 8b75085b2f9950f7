"""Dialect-aware statements for SQLite and PostgreSQL alike: INSERT ... ON CONFLICT, row counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Result, any_, bindparam
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


def among(session: AsyncSession, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN values` as one statement text for any number of values on PostgreSQL.

    There an expanding IN list is a new text for every count, prepared again on every pooled
    connection and pushing the vote's own statements out of asyncpg's statement cache; the
    values go as one array (`= ANY`). SQLite takes the plain IN list.
    """
    values = list(values)
    if dialect_name(session) == "postgresql":
        return cast(
            "ColumnElement[bool]",
            column == any_(bindparam(None, values, type_=postgresql.ARRAY(column.type))),
        )
    return cast("ColumnElement[bool]", column.in_(values))
