"""Fixtures of the end-to-end tests that run several bot processes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.db import Database
from tests.conftest import fresh_database_url


@pytest.fixture
async def shared_pg(tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, migrated PostgreSQL database for two bot processes to share."""
    async with fresh_database_url("postgresql", tmp_path) as url:
        db = Database(url)
        await db.upgrade()  # once, before two processes would race to migrate it
        await db.dispose()
        yield url
