"""Matching by meaning: claim vectors from an OpenAI-compatible `/v1/embeddings` endpoint.

Optional (set `EMBEDDINGS_URL`, e.g. `http://localhost:11434/v1` for Ollama, and
`EMBEDDINGS_MODEL`). Each claim is embedded once per model and its vector stored
(`storage.matching.ClaimEmbedding`, float16), so a restart reads vectors instead of asking the
endpoint again; in memory they are kept per team (least recently used teams dropped past
`MAX_VALUES`). A query is one request, then one matrix product. A multilingual model finds a claim
from its translations, which no lexical method can.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import httpx
import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from bot.matching.index import TermIndex
from bot.matching.scoring import SEMANTIC_THRESHOLD
from storage import matching as match_q

BATCH = 64  # texts per request
PAGE = 2048  # claims read (and their vectors looked up) at a time
TIMEOUT = 30.0
# Vector components kept in memory across teams (128 MB): float32, because numpy widens float16
# slowly (64 ms for 100,000 claims of 256 dimensions, against 13 ms for the float32 product).
MAX_VALUES = 32_000_000
QUERY_CACHE = 256


# Where new vectors are kept: (team id, model, [(claim id, float16 bytes)]).
VectorStore = Callable[[int, str, list[tuple[int, bytes]]], Awaitable[None]]


class EmbeddingsError(RuntimeError):
    """The embeddings endpoint failed or answered something unusable."""


def vector_bytes(vector: np.ndarray) -> bytes:
    """A unit vector as stored: little-endian float16."""
    return np.asarray(vector, dtype="<f2").tobytes()


def vector_of(data: bytes) -> np.ndarray:
    """A stored vector back as float16."""
    return np.frombuffer(data, dtype="<f2").astype(np.float16)


class Embedder(Protocol):
    """Something that turns texts into vectors (one per text, same order)."""

    model: str
    same_claim: float  # the cosine at which this model's vectors say "the same claim"

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text."""
        ...


class EmbeddingsClient:
    """An OpenAI-compatible `/v1/embeddings` client (OpenAI, Ollama, vLLM, llama.cpp)."""

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "",
        timeout: float = TIMEOUT,
        same_claim: float = SEMANTIC_THRESHOLD,
    ):
        self.url = base_url.rstrip("/") + "/embeddings"
        self.model = model
        self.same_claim = same_claim
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
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    last_id: int = 0
    _queries: OrderedDict[str, np.ndarray] = field(default_factory=OrderedDict)
    # `ids` as an array (ascending, like the rows), for lookups by claim id
    _id_array: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    async def of(
        cls,
        session: AsyncSession,
        *,
        team_id: int,
        embedder: Embedder,
        index: TermIndex,
        store: VectorStore | None = None,
    ) -> TeamVectors:
        """The team's vectors for the claims the index has: read from the database where they
        are stored for this model, embedded (and handed to `store`) where not."""
        key = (str(getattr(session.bind, "url", "")), team_id, embedder.model)
        kept = vector_cache()
        vectors = kept.get(key)
        if vectors is None or vectors.embedder is not embedder or vectors.last_id > index.last_id:
            vectors = cls(embedder)
        after, ids, blocks = vectors.last_id, list[int](), list[np.ndarray]()
        while after < index.last_id:
            page = await match_q.claims_page(session, team_id=team_id, after_id=after, limit=PAGE)
            if not page:
                break
            blocks.append(await vectors._page(session, team_id, page, after, store))
            ids.extend(claim_id for claim_id, _ in page)
            after = page[-1][0]
        if blocks:  # one copy of the matrix, not one a page
            vectors._append(ids, _stacked(blocks, vectors.matrix, embedder.model))
        kept[key] = vectors
        kept.move_to_end(key)
        while len(kept) > 1 and sum(v.matrix.size for v in kept.values()) > MAX_VALUES:
            kept.popitem(last=False)
        return vectors

    async def _page(
        self,
        session: AsyncSession,
        team_id: int,
        page: Sequence[tuple[int, str]],
        after: int,
        store: VectorStore | None,
    ) -> np.ndarray:
        """A page of claims' vectors: stored ones as they are, the others embedded and stored."""
        model = self.embedder.model
        stored = await match_q.stored_vectors(
            session, team_id=team_id, model=model, after_id=after, up_to_id=page[-1][0]
        )
        known = {claim_id: vector_of(data) for claim_id, data in stored.items()}
        missing = [(claim_id, text) for claim_id, text in page if claim_id not in known]
        if missing:
            fresh = await self.embedder.embed([text for _, text in missing])
            block = _as_stored(_unit(np.asarray(fresh, dtype=np.float32)))
            made = {claim_id: row for (claim_id, _), row in zip(missing, block, strict=True)}
            known.update(made)
            if store is not None:
                await store(team_id, model, [(i, vector_bytes(v)) for i, v in made.items()])
        rows = [known[claim_id] for claim_id, _ in page]
        return _stacked([row[None, :] for row in rows], None, model).astype(np.float32)

    def _append(self, ids: list[int], block: np.ndarray) -> None:
        """Add unit vectors (float32) of claims with ids above `last_id`, in id order."""
        self.matrix = block if self.matrix.size == 0 else np.vstack([self.matrix, block])
        self.ids.extend(ids)
        self._id_array = np.concatenate([self._id_array, np.asarray(ids, dtype=np.int64)])
        self.last_id = ids[-1]

    def extend(self, rows: Sequence[tuple[int, str]], vectors: list[list[float]]) -> None:
        """Add claims' vectors (normalised, rounded as stored)."""
        fresh = [(i, v) for (i, _), v in zip(rows, vectors, strict=True) if i > self.last_id]
        if not fresh:
            return
        block = _as_stored(_unit(np.asarray([v for _, v in fresh], dtype=np.float32)))
        self._append([i for i, _ in fresh], block)

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
        sims = self.matrix @ await self.query(text)
        if before_id is not None:  # rows are in id order: the later claims are a tail
            sims[int(np.searchsorted(self._id_array, before_id)) :] = -1.0
        take = min(limit, len(self.ids))
        best = np.argpartition(-sims, take - 1)[:take]
        best = best[np.argsort(-sims[best], kind="stable")]
        return {self.ids[i]: float(sims[i]) for i in best if sims[i] > -1.0}

    async def similarity(self, text: str, claim_ids: Sequence[int]) -> dict[int, float]:
        """Cosine of the text with each of these claims (those with a vector)."""
        if not claim_ids or not self.ids:
            return {}
        asked = np.asarray(claim_ids, dtype=np.int64)
        rows = np.minimum(np.searchsorted(self._id_array, asked), len(self.ids) - 1)
        have = self._id_array[rows] == asked
        if not have.any():
            return {}
        query = await self.query(text)
        sims = self.matrix[rows[have]] @ query
        return {int(c): float(s) for c, s in zip(asked[have], sims, strict=True)}


def _as_stored(block: np.ndarray) -> np.ndarray:
    """Unit vectors rounded to float16 as the database keeps them (so a restart reads back the
    same cosines), held as float32 for the product."""
    return block.astype(np.float16).astype(np.float32)


def _stacked(blocks: list[np.ndarray], matrix: np.ndarray | None, model: str) -> np.ndarray:
    """The blocks as one matrix, refused when their widths (or the matrix's) differ."""
    widths = {block.shape[1] for block in blocks}
    if matrix is not None and matrix.size:
        widths.add(matrix.shape[1])
    if len(widths) > 1:
        raise EmbeddingsError(
            f"stored vectors of {model!r} differ in length from its new ones: the model behind "
            "that name changed; give it a new EMBEDDINGS_MODEL name"
        )
    return np.vstack(blocks)


@cache
def vector_cache() -> OrderedDict[tuple[str, int, str], TeamVectors]:
    """The process's team vectors (bounded by `MAX_VALUES`)."""
    return OrderedDict()
