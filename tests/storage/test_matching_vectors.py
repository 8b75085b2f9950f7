"""Claim vectors kept in the database: embedded once per model, read back after a restart."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from sqlalchemy import func, select

from bot.matching import embeddings
from bot.matching.embeddings import EmbeddingsError, TeamVectors, vector_bytes, vector_cache
from bot.matching.service import look_up, team_index, use_embeddings, vector_store
from storage.db import Database
from storage.matching import ClaimEmbedding
from tests.storage.test_matching_service import _queue, _team

CLAIMS = (
    "The measles vaccine causes autism in children.",
    "Shops in Kyiv fine people who speak Russian.",
    "Ukraine's grain exports fell by half in March.",
)


class Counting:
    """A stand-in embedder: a fixed vector per text; counts the texts it was asked for."""

    same_claim = 0.86

    def __init__(self, model: str = "m1", dims: int = 8) -> None:
        self.model, self.dims, self.texts = model, dims, 0

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.texts += len(texts)
        return [
            np.random.default_rng(abs(hash(t)) % 2**32).standard_normal(self.dims).tolist()
            for t in texts
        ]


async def _vectors(db: Database, team_id: int, embedder: Counting) -> TeamVectors:
    async with db.read() as session:
        index = await team_index(session, team_id=team_id)
        return await TeamVectors.of(
            session, team_id=team_id, embedder=embedder, index=index, store=vector_store(db)
        )


async def _stored(db: Database) -> dict[str, int]:
    async with db.read() as session:
        rows = await session.execute(
            select(ClaimEmbedding.model, func.count()).group_by(ClaimEmbedding.model)
        )
        return {model: count for model, count in rows.all()}


async def test_a_restart_reads_the_vectors_and_a_new_model_embeds_again(db: Database) -> None:
    team_id = await _team(db)
    await _queue(db, team_id, *CLAIMS)
    first = Counting()
    built = await _vectors(db, team_id, first)
    assert first.texts == 3 and await _stored(db) == {"m1": 3}

    vector_cache().clear()  # what a restart loses; a new client, the same model
    again = Counting()
    reread = await _vectors(db, team_id, again)
    assert again.texts == 0
    assert reread.ids == built.ids and np.array_equal(reread.matrix, built.matrix)

    await _queue(db, team_id, "Kyiv's metro carried 1.2 million passengers on Monday.")
    vector_cache().clear()
    later = Counting()
    assert len((await _vectors(db, team_id, later)).ids) == 4
    assert later.texts == 1  # only the new claim

    vector_cache().clear()
    other = Counting("m2")
    await _vectors(db, team_id, other)
    assert other.texts == 4 and await _stored(db) == {"m1": 4, "m2": 4}


async def test_vectors_of_another_length_under_the_same_name_are_refused(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    team_id = await _team(db)
    await _queue(db, team_id, *CLAIMS)
    await _vectors(db, team_id, Counting(dims=8))
    await _queue(db, team_id, "Kyiv's metro carried 1.2 million passengers on Monday.")
    vector_cache().clear()
    with pytest.raises(EmbeddingsError, match="give it a new EMBEDDINGS_MODEL name"):
        await _vectors(db, team_id, Counting(dims=16))
    # The chat's lookup logs it and answers by the words alone.
    vector_cache().clear()
    use_embeddings(db, Counting(dims=16))
    try:
        lookup = await look_up(db, team_id=team_id, text=CLAIMS[0])
    finally:
        use_embeddings(db, None)
    assert lookup.is_match and lookup.matches[0].text == CLAIMS[0]
    assert "Matching by meaning skipped" in caplog.text


def test_a_vector_is_stored_as_little_endian_float16() -> None:
    vector = np.asarray([0.5, -0.25, 1.0], dtype=np.float32)
    data = vector_bytes(vector)
    assert len(data) == 6 and data == np.asarray(vector, dtype="<f2").tobytes()
    assert np.array_equal(embeddings.vector_of(data), vector.astype(np.float16))
