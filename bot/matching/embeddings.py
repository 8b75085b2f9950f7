"""Matching by meaning: claim vectors from an OpenAI-compatible `/v1/embeddings` endpoint.

Optional (set `EMBEDDINGS_URL`, e.g. `http://localhost:11434/v1` for Ollama, and
`EMBEDDINGS_MODEL`). Each claim is embedded once per model and kept in memory per team (float16,
least recently used teams dropped past `MAX_VALUES`); a query is one request, then one matrix
product. A multilingual model finds a claim from its translations, which no lexical method can.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import httpx
import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from bot.matching.index import TermIndex
from storage import matching as match_q

BATCH = 64  # texts per request
TIMEOUT = 30.0
MAX_VALUES = 64_000_000  # vector components kept across teams (128 MB as float16)
QUERY_CACHE = 256


class EmbeddingsError(RuntimeError):
    """The embeddings endpoint failed or answered something unusable."""


class Embedder(Protocol):
    """Something that turns texts into vectors (one per text, same order)."""

    model: str

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text."""
        ...


class EmbeddingsClient:
    """An OpenAI-compatible `/v1/embeddings` client (OpenAI, Ollama, vLLM, llama.cpp)."""

    def __init__(self, base_url: str, model: str, *, api_key: str = "", timeout: float = TIMEOUT):
        self.url = base_url.rstrip("/") + "/embeddings"
        self.model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.AsyncClient(timeout=timeout, headers=headers)

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Vectors for the texts, in batches of `BATCH`."""
        out: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            out.extend(await self._batch(list(texts[start : start + BATCH])))
        return out

    async def _batch(self, texts: list[str]) -> list[list[float]]:
        try:
            response = await self._client.post(self.url, json={"model": self.model, "input": texts})
            response.raise_for_status()
            data = sorted(response.json()["data"], key=lambda item: item["index"])
            vectors = [list(map(float, item["embedding"])) for item in data]
        except (httpx.HTTPError, KeyError, TypeError, ValueError) as error:
            raise EmbeddingsError(f"embeddings endpoint {self.url}: {error}") from error
        if len(vectors) != len(texts):
            raise EmbeddingsError(f"{self.url} gave {len(vectors)} vectors for {len(texts)} texts")
        return vectors

    async def close(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()


def _unit(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


@dataclass
class TeamVectors:
    """One team's claim vectors for one model, in claim id order."""

    embedder: Embedder
    ids: list[int] = field(default_factory=list)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float16))
    last_id: int = 0
    _queries: OrderedDict[str, np.ndarray] = field(default_factory=OrderedDict)

    @classmethod
    async def of(
        cls, session: AsyncSession, *, team_id: int, embedder: Embedder, index: TermIndex
    ) -> TeamVectors:
        """The team's vectors, embedding the claims the index has and they lack yet."""
        key = (str(getattr(session.bind, "url", "")), team_id, embedder.model)
        kept = vector_cache()
        vectors = kept.get(key)
        if vectors is None or vectors.embedder is not embedder or vectors.last_id > index.last_id:
            vectors = cls(embedder)
        while vectors.last_id < index.last_id:
            page = await match_q.claims_page(
                session, team_id=team_id, after_id=vectors.last_id, limit=BATCH * 8
            )
            if not page:
                break
            vectors.extend(page, await embedder.embed([text for _, text in page]))
        kept[key] = vectors
        kept.move_to_end(key)
        while len(kept) > 1 and sum(v.matrix.size for v in kept.values()) > MAX_VALUES:
            kept.popitem(last=False)
        return vectors

    def extend(self, rows: Sequence[tuple[int, str]], vectors: list[list[float]]) -> None:
        """Add claims' vectors (normalised, float16)."""
        fresh = [(i, v) for (i, _), v in zip(rows, vectors, strict=True) if i > self.last_id]
        if not fresh:
            return
        block = _unit(np.asarray([v for _, v in fresh], dtype=np.float32)).astype(np.float16)
        self.matrix = block if self.matrix.size == 0 else np.vstack([self.matrix, block])
        self.ids.extend(i for i, _ in fresh)
        self.last_id = fresh[-1][0]

    async def query(self, text: str) -> np.ndarray:
        """The query's unit vector (a few recent queries are kept)."""
        if text not in self._queries:
            vector = np.asarray((await self.embedder.embed([text]))[0], dtype=np.float32)
            self._queries[text] = _unit(vector[None, :])[0]
            while len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return self._queries[text]

    async def nearest(
        self, text: str, *, limit: int, before_id: int | None = None
    ) -> dict[int, float]:
        """The `limit` claims nearest the text in meaning: {claim id: cosine}, best first."""
        if not self.ids:
            return {}
        sims = self.matrix.astype(np.float32) @ await self.query(text)
        if before_id is not None:
            sims[np.asarray(self.ids) >= before_id] = -1.0
        take = min(limit, len(self.ids))
        best = np.argpartition(-sims, take - 1)[:take]
        best = best[np.argsort(-sims[best], kind="stable")]
        return {self.ids[i]: float(sims[i]) for i in best if sims[i] > -1.0}

    async def similarity(self, text: str, claim_ids: Sequence[int]) -> dict[int, float]:
        """Cosine of the text with each of these claims (those with a vector)."""
        if not claim_ids or not self.ids:
            return {}
        row = {claim_id: i for i, claim_id in enumerate(self.ids)}
        wanted = [claim_id for claim_id in claim_ids if claim_id in row]
        if not wanted:
            return {}
        query = await self.query(text)
        sims = self.matrix[[row[c] for c in wanted]].astype(np.float32) @ query
        return {claim_id: float(s) for claim_id, s in zip(wanted, sims, strict=True)}


@cache
def vector_cache() -> OrderedDict[tuple[str, int, str], TeamVectors]:
    """The process's team vectors (bounded by `MAX_VALUES`)."""
    return OrderedDict()
