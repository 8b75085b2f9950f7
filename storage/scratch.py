"""Throw-away PostgreSQL databases for tests and benchmarks, and raw asyncpg connections."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.engine import make_url


async def connect_raw(url: str) -> Any:
    """An asyncpg connection to the database an SQLAlchemy URL names (COPY, CREATE DATABASE)."""
    import asyncpg

    parts = make_url(url)
    return await asyncpg.connect(
        host=parts.host or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        database=parts.database,
    )


async def admin_sql(server_url: str, sql: str) -> None:
    """Run one statement on the server's maintenance database."""
    conn = await connect_raw(server_url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def scratch_database(
    server_url: str, *, prefix: str = "fcb", template: str | None = None
) -> AsyncIterator[str]:
    """A new database on the server of `server_url`, dropped (even if in use) at the end.

    Empty, or a copy of the database named `template` (PostgreSQL copies it file by file, far
    faster than running the migrations again; nobody may be connected to the template).
    """
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    await admin_sql(server_url, f'CREATE DATABASE "{name}"{copy}')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin_sql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
