"""Benchmark claim matching: find_match latency for a team with a long history.

Usage: python bench/bench_matching.py [--claims 100000] [--repeat 20] [--quick]

Builds a team with N synthetic claims (bulk-inserted) in a temporary SQLite file, plants one
checked claim, times the first lookup (which builds the team's in-memory BM25 index) and the
memory it takes, then find_match for a rewording (found), a changed number and a negation (both
refused), an unseen claim, and a claim made of the commonest words. Then the same with matching
by meaning on: an OpenAI-compatible embeddings endpoint (the tests' stub, tests/stubs/
embeddings_stub.py, served over HTTP from this process, 256 dimensions) embeds the team's claims
once (timed: the first pass a team pays after a start-up), and every lookup embeds its query
over HTTP and ranks by cosine too. Prints a table per pass, then one JSON line per figure. With
TEST_POSTGRES_URL set, runs on PostgreSQL too; `--offline` skips the pass with embeddings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from bot.matching.embeddings import EmbeddingsClient, vector_cache  # noqa: E402
from bot.matching.service import find_match, use_embeddings  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Article, Claim, QueueCount, Team, utcnow  # noqa: E402

PLANTED = "A total of 38,000 households in Zhytomyr region lost power after the strike on Tuesday."
QUERIES = {
    "reworded (found)": "After Tuesday's strike 38 000 Zhytomyr region households lost power",
    "tweet (found)": "BREAKING: 38k households in #Zhytomyr region lost power after the strike "
    "on Tuesday https://t.co/x @ukrenergo",
    "changed number": "A total of 83,000 households in Zhytomyr region lost power after a strike.",
    "negated": "Households in Zhytomyr region did not lose power after the strike on Tuesday.",
    "unseen claim": "The central bank of Moldova raised its key rate to 17 percent in March.",
    "common words": "The government said the army will increase spending on the region.",
}
ACTORS = (
    "The government",
    "The army",
    "The ministry",
    "Russia",
    "Ukraine",
    "Poland",
    "NATO",
    "The EU",
    "The mayor",
    "The president",
    "The central bank",
    "Germany",
    "The WHO",
    "Hungary",
    "The governor",
    "The parliament",
    "The police",
    "Turkey",
    "The UN",
    "Iran",
)
VERBS = (
    "said",
    "will increase",
    "cut",
    "spent",
    "lost",
    "received",
    "sent",
    "banned",
    "announced",
    "destroyed",
    "reported",
    "approved",
    "delivered",
    "evacuated",
)
THINGS = (
    "tanks",
    "drones",
    "schools",
    "households",
    "refugees",
    "spending",
    "troops",
    "grain",
    "gas",
    "power lines",
    "hospitals",
    "bridges",
    "vaccines",
    "pensions",
    "taxes",
    "loans",
    "shells",
    "jobs",
    "apartments",
    "trains",
)
PLACES = (
    "in the region",
    "in Kharkiv",
    "in Odesa",
    "in Lviv",
    "on the front",
    "in Kyiv",
    "in Dnipro",
    "in the south",
    "near the border",
    "in Crimea",
    "in Sumy",
    "in Mykolaiv",
)
WHEN = (
    "in March",
    "last year",
    "on Tuesday",
    "since February",
    "in 2023",
    "this week",
    "in the first quarter",
    "over the weekend",
    "in August 2022",
    "by the end of the year",
)


def synthetic_claim(rng: random.Random, i: int) -> str:
    """A plausible claim from a skewed vocabulary, with a number and a rare term or two."""
    pick = lambda seq: seq[min(int(rng.paretovariate(1.2)) - 1, len(seq) - 1)]  # noqa: E731
    number = rng.choice(
        (
            f"{rng.randint(2, 999)}",
            f"{rng.randint(1, 99)},{rng.randint(0, 999):03d}",
            f"{rng.randint(1, 40)} percent",
            f"{rng.randint(1, 9)}.{rng.randint(1, 9)} million",
        )
    )
    return (
        f"{pick(ACTORS)} {pick(VERBS)} {number} {pick(THINGS)} {pick(PLACES)} {pick(WHEN)}, "
        f"case {i:x} per report kx{i % 5003}."
    )


async def build_history(db: Database, claims: int, seed: int = 7) -> int:
    """Bulk-insert a team with `claims` claims; returns the team id."""
    rng = random.Random(seed)
    now = utcnow()
    async with db.engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.create_all)
        team_id = (
            await conn.execute(
                insert(Team)
                .values(chat_id=-100_999, title="Bench desk", created_at=now)
                .returning(Team.id)
            )
        ).scalar_one()
        per_article = 10
        await conn.execute(
            insert(Article),
            [
                {
                    "id": a + 1,
                    "team_id": team_id,
                    "text": f"article {a}",
                    "text_hash": f"h{a}",
                    "created_at": now,
                }
                for a in range(claims // per_article + 1)
            ],
        )
        for start in range(0, claims, 10_000):
            rows = []
            for i in range(start, min(start + 10_000, claims)):
                body = PLANTED if i == claims // 2 else synthetic_claim(rng, i)
                status = "false" if i == claims // 2 else rng.choice(("open", "true", "false"))
                rows.append(
                    {
                        "id": i + 1,
                        "team_id": team_id,
                        "article_id": i // per_article + 1,
                        "position": i % per_article,
                        "text": body,
                        "quote": "",
                        "status": status,
                        "created_at": now,
                        "status_changed_at": now,
                    }
                )
            await conn.execute(insert(Claim), rows)
        await conn.execute(insert(QueueCount).values(team_id=team_id, status="open", count=claims))
        if db.engine.dialect.name == "postgresql":
            await conn.execute(text("ANALYZE"))
    return team_id


def rss_mb() -> float:
    """This process's resident memory now, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def time_queries(
    db: Database, team_id: int, repeat: int
) -> dict[str, tuple[list[float], bool]]:
    """Wall times (ms) of find_match per query, and whether it found a match."""
    results = {}
    for name, query in QUERIES.items():
        await find_match(db, team_id=team_id, text=query)  # warm the pool and the caches
        times, found = [], False
        for _ in range(repeat):
            started = time.perf_counter()
            found = await find_match(db, team_id=team_id, text=query) is not None
            times.append((time.perf_counter() - started) * 1000)
        results[name] = (times, found)
    return results


def print_table(results: dict[str, tuple[list[float], bool]]) -> float:
    """One line per query; returns the worst query's p95 in ms."""
    print(f"{'query':20} {'found':>5} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}")
    worst = 0.0
    for name, (times, found) in results.items():
        p95 = sorted(times)[max(int(len(times) * 0.95) - 1, 0)]
        worst = max(worst, p95)
        print(
            f"{name:20} {'yes' if found else 'no':>5} {statistics.median(times):10.1f} "
            f"{p95:8.1f} {max(times):8.1f}"
        )
    return worst


async def run(
    backend: str, url: str, claims: int, repeat: int, *, embeddings: bool
) -> dict[str, float]:
    """Build, time and print one backend's tables; the worst-query p95 (ms) of each pass."""
    db = Database(url)
    started = time.perf_counter()
    team_id = await build_history(db, claims)
    print(f"\n{backend}: {claims:,} claims built in {time.perf_counter() - started:.1f} s")
    before, started = rss_mb(), time.perf_counter()
    await find_match(db, team_id=team_id, text=QUERIES["unseen claim"])
    print(
        f"first lookup (builds the team's index): {time.perf_counter() - started:.1f} s, "
        f"RSS +{rss_mb() - before:.0f} MB (now {rss_mb():.0f} MB)"
    )
    worst = {"offline": print_table(await time_queries(db, team_id, repeat))}
    if embeddings:
        from tests.stubs.embeddings_stub import EmbeddingsStub

        async with EmbeddingsStub() as stub:
            client = EmbeddingsClient(stub.base_url, "bench-stub")
            use_embeddings(db, client)
            vector_cache().clear()
            before, started = rss_mb(), time.perf_counter()
            await find_match(db, team_id=team_id, text=QUERIES["unseen claim"])
            print(
                f"\nwith embeddings: first lookup (embeds and stores {stub.texts_embedded:,} "
                f"claims): {time.perf_counter() - started:.1f} s, RSS +{rss_mb() - before:.0f} MB"
            )
            worst["embeddings"] = print_table(await time_queries(db, team_id, repeat))
            use_embeddings(db, None)
            await client.close()
    await db.dispose()
    return worst


async def main_async(claims: int, repeat: int, *, embeddings: bool) -> None:
    """SQLite always; PostgreSQL when TEST_POSTGRES_URL names a server."""
    figures: list[tuple[str, dict[str, float]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        figures.append(("sqlite", await run("sqlite", url, claims, repeat, embeddings=embeddings)))
    server = os.environ.get("TEST_POSTGRES_URL")
    if server:
        name = f"fc_bench_{uuid.uuid4().hex[:10]}"
        await _admin(server, f'CREATE DATABASE "{name}"')
        try:
            url = make_url(server).set(database=name).render_as_string(hide_password=False)
            worst = await run("postgresql", url, claims, repeat, embeddings=embeddings)
            figures.append(("postgresql", worst))
        finally:
            await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print()
    label = f"{claims // 1000}k" if claims >= 1000 else str(claims)
    for backend, worst in figures:
        for kind, p95 in worst.items():
            suffix = "" if kind == "offline" else "_with_embeddings"
            line = {
                "name": f"find_match_p95_{label}_claims_{backend}{suffix}",
                "value": round(p95, 2),
                "unit": "ms",
                "target": "< 100",
                "met": p95 < 100,
                "db": backend,
            }
            print(json.dumps(line))


async def _admin(server: str, statement: str) -> None:
    """Run one statement outside a transaction on the server's default database."""
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(statement))
    await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Parse the options and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="10,000 claims, 5 repeats")
    parser.add_argument("--offline", action="store_true", help="skip the pass with embeddings")
    args = parser.parse_args(argv)
    claims, repeat = (10_000, 5) if args.quick else (args.claims, args.repeat)
    asyncio.run(main_async(claims, repeat, embeddings=not args.offline))


if __name__ == "__main__":
    main()
