"""The database-backed cache of extraction results (the ExtractionCache protocol)."""

from __future__ import annotations

import logging

from pydantic import ValidationError

from bot.extraction.base import ExtractionResult
from storage.extraction_cache import StoredJsonCache

log = logging.getLogger(__name__)


class DatabaseExtractionCache:
    """Results by content hash in the `cachedextraction` table."""

    def __init__(self, store: StoredJsonCache) -> None:
        self.store = store

    async def get(self, key: str) -> ExtractionResult | None:
        """The cached result, or None (also when an old entry no longer parses)."""
        raw = await self.store.get_json(key)
        if raw is None:
            return None
        try:
            return ExtractionResult.model_validate_json(raw)
        except ValidationError:
            log.warning("Ignoring an unreadable cached extraction %s", key[:12])
            return None

    async def put(self, key: str, result: ExtractionResult) -> None:
        """Keep a result."""
        await self.store.put_json(key, result.model_dump_json())
