"""Benchmark stored claim vectors: a team's first pass (embed and store) and a restart (read back).

Usage: python bench/bench_vectors.py [--claims 100000] [--dims 384]

Builds a team with N synthetic claims (bench/bench_matching.py's history) in a temporary SQLite
file, and on PostgreSQL when TEST_POSTGRES_URL is set; an in-process stand-in for the embeddings
endpoint gives random vectors and counts the texts it was asked for, so the endpoint's own time is
not in the figures. Prints one line per pass.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.bench_matching import _admin, build_history  # noqa: E402
from bot.matching.embeddings import TeamVectors, vector_cache  # noqa: E402
from bot.matching.service import team_index, vector_store  # noqa: E402
from storage.db import Database  # noqa: E402


class StandIn:
    """Random vectors of `dims` dimensions; counts the texts embedded."""

    model = "stand-in"
    same_claim = 0.86

    def __init__(self, dims: int) -> None:
        self.dims = dims
        self.texts = 0
        self._rng = np.random.default_rng(1)

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One random vector per text."""
        self.texts += len(texts)
        vectors: list[list[float]] = self._rng.standard_normal((len(texts), self.dims)).tolist()
        return vectors


async def run(url: str, claims: int, dims: int) -> None:
    """Time the first pass and a restart's read-back on one database."""
    db = Database(url)
    team_id = await build_history(db, claims)
    embedder, store = StandIn(dims), vector_store(db)
    async with db.read() as session:
        index = await team_index(session, team_id=team_id)
    for label in ("first pass (embed and store)", "restart (read back)"):
        vector_cache().clear()  # what a restart loses
        before, started = embedder.texts, time.perf_counter()
        async with db.read() as session:
            vectors = await TeamVectors.of(
                session, team_id=team_id, embedder=embedder, index=index, store=store
            )
        seconds = time.perf_counter() - started
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(
            f"{db.engine.dialect.name}, {claims:,} claims, {dims} dimensions, {label}: "
            f"{seconds:.1f} s, {embedder.texts - before:,} texts embedded, "
            f"{len(vectors.ids):,} vectors, max RSS {rss} MB"
        )
    await db.dispose()


async def main_async(claims: int, dims: int) -> None:
    """SQLite always; PostgreSQL when TEST_POSTGRES_URL names a server."""
    with tempfile.TemporaryDirectory() as tmp:
        await run(f"sqlite+aiosqlite:///{Path(tmp) / 'vectors.db'}", claims, dims)
    server = os.environ.get("TEST_POSTGRES_URL")
    if server:
        name = f"fc_vectors_{uuid.uuid4().hex[:10]}"
        await _admin(server, f'CREATE DATABASE "{name}"')
        try:
            url = make_url(server).set(database=name).render_as_string(hide_password=False)
            await run(url, claims, dims)
        finally:
            await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--dims", type=int, default=384)
    args = parser.parse_args()
    asyncio.run(main_async(args.claims, args.dims))


if __name__ == "__main__":
    main()
