"""Dialect-aware INSERT ... ON CONFLICT, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT construct that supports `on_conflict_do_*` on the session's database."""
    name = session.bind.dialect.name if session.bind is not None else "sqlite"
    if name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
