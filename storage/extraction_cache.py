"""Extraction results kept by content hash, so the same article is never sent to a model twice.

Stored as JSON text; the caller (the extractor) turns it back into its own result model, which
keeps storage free of any import from bot/.
"""

from __future__ import annotations

from sqlmodel import select

from storage.db import Database
from storage.models import CachedExtraction, utcnow
from storage.upsert import insert_for


class StoredJsonCache:
    """get/put of JSON text by key, in the database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get_json(self, key: str) -> str | None:
        """The JSON stored under a key, if any."""
        async with self.db.read() as session:
            stmt = select(CachedExtraction.result).where(CachedExtraction.key == key)
            return (await session.execute(stmt)).scalar_one_or_none()

    async def put_json(self, key: str, value: str) -> None:
        """Store JSON under a key (the first result for a key wins)."""
        async with self.db.write() as session:
            stmt = insert_for(session, CachedExtraction).values(
                key=key, result=value, created_at=utcnow()
            )
            await session.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
