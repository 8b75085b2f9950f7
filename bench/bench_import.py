"""Importing fact-checks at scale: time and peak memory of `factcheck-bot import` (issue 15).

Writes a ClaimReview file of N reviews (a JSON array, or JSON Lines with --jsonl; one in a
hundred records bad), imports it into a fresh database with the real command in a child process,
then imports it again (everything already known), and reports each run's time and the child's
peak resident memory (getrusage's ru_maxrss). Sizes 1,000 / 10,000 / 100,000 by default: a
streaming import keeps the same peak whatever the size.

    .venv/bin/python bench/bench_import.py [--sizes 1000,10000,100000] [--jsonl]
        [--db sqlite|postgresql] [--tracemalloc]

With --tracemalloc the import runs in this process instead, under tracemalloc, and the figure
is the peak of the Python heap above where it started. One JSON line per figure on stdout.
PostgreSQL uses TEST_POSTGRES_URL (a scratch database).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from storage import teams as team_q  # noqa: E402
from storage.db import Database  # noqa: E402

CHAT_ID = -1001000000001
PUBLISHERS = ("StopFake", "VoxCheck", "PolitiFact", "Full Fact", "AFP Fact Check", "Проверено")
SCALE = {"bestRating": 5, "worstRating": 1}
RATINGS = (
    {"@type": "Rating", "ratingValue": 1, **SCALE, "alternateName": "Фейк"},
    {"@type": "Rating", "alternateName": "Misleading"},
    {"@type": "Rating", "ratingValue": 5, **SCALE},
    {"@type": "Rating", "alternateName": "Labeled Satire"},
)
WORDS = (
    "grain", "exports", "blackout", "Kharkiv", "pensions", "metro", "evacuation", "schools",
    "prices", "tariffs", "ministry", "households", "substations", "Odesa", "Lviv", "ports",
)  # fmt: skip


def review(number: int) -> dict[str, object]:
    """A ClaimReview of the shape publishers use, different for every number."""
    words = " ".join(WORDS[(number * k) % len(WORDS)] for k in (1, 3, 5, 7, 11))
    return {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "url": f"https://factcheck.example/{number // 1000}/{number}-claim",
        "datePublished": f"2026-{1 + number % 12:02d}-{1 + number % 28:02d}",
        "claimReviewed": f"Claim {number}: officials said {number % 997} {words} were affected.",
        "author": {"@type": "Organization", "name": PUBLISHERS[number % len(PUBLISHERS)]},
        "itemReviewed": {
            "@type": "Claim", "author": {"@type": "Person", "name": f"Person {number % 50}"},
            "appearance": {"@type": "CreativeWork",
                           "url": f"https://t.me/channel_{number % 40}/{number}"},
        },
        "reviewRating": RATINGS[number % len(RATINGS)],
    }  # fmt: skip


def write_file(path: Path, count: int, jsonl: bool) -> None:
    """Write `count` records, one in a hundred bad (no claim text), streamed to disk."""
    with path.open("w", encoding="utf-8") as out:
        out.write("" if jsonl else "[\n")
        for number in range(count):
            item = review(number)
            if number % 100 == 99:
                item.pop("claimReviewed")
            line = json.dumps(item, ensure_ascii=False)
            out.write(line + "\n" if jsonl else ("" if number == 0 else ",\n") + line)
        out.write("" if jsonl else "\n]\n")


@asynccontextmanager
async def database(kind: str, folder: Path) -> AsyncIterator[str]:
    """A fresh migrated database with the team, as a URL."""
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'import.db'}"
        scratch = None
    else:
        from storage.scratch import scratch_database

        scratch = scratch_database(os.environ["TEST_POSTGRES_URL"])
        url = await scratch.__aenter__()
    db = Database(url)
    try:
        await db.upgrade()
        async with db.write() as session:
            await team_q.ensure_team(
                session, chat_id=CHAT_ID, title="Bench desk", chat_type="supergroup"
            )
        await db.dispose()
        yield url
    finally:
        if scratch is not None:
            await scratch.__aexit__(None, None, None)


def run_import(url: str, path: Path) -> tuple[float, float, int, str]:
    """Run `factcheck-bot import` in a child: seconds, peak RSS in MiB, exit status, summary."""
    command = [str(Path(sys.executable).parent / "factcheck-bot"), "import", "--chat",
               str(CHAT_ID), "--quiet", str(path)]  # fmt: skip
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, cwd=path.parent)
    assert child.stderr is not None
    err = child.stderr.read().decode()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, child.returncode, err.strip()


async def traced_import(url: str, path: Path) -> tuple[float, int]:
    """Import in this process under tracemalloc: the Python heap's peak above its start, MiB."""
    import tracemalloc

    from bot.desk.imports import import_reviews

    db = Database(url)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    try:
        with path.open("rb") as stream:
            report = await import_reviews(db, stream, chat_id=CHAT_ID)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        await db.dispose()
    return (peak - base) / 2**20, report.imported


def figure(name: str, value: float, unit: str, **extra: object) -> None:
    """One JSON line, as bench/__main__.py reads them."""
    print(json.dumps({"bench": "import", "name": name, "value": round(value, 2), "unit": unit,
                      **extra}, ensure_ascii=False), flush=True)  # fmt: skip


async def main() -> None:
    """Measure each size."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--jsonl", action="store_true")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="import in-process and trace the Python heap"
    )
    args = parser.parse_args()
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="fcb-import-") as folder_name:
            folder = Path(folder_name)
            path = folder / ("reviews.jsonl" if args.jsonl else "reviews.json")
            write_file(path, size, args.jsonl)
            megabytes = path.stat().st_size / 2**20
            async with database(args.db, folder) as url:
                if args.tracemalloc:
                    peak, imported = await traced_import(url, path)
                    figure(f"{size:,} reviews, {args.db}: Python heap peak (tracemalloc)", peak,
                           "MiB", imported=imported)  # fmt: skip
                    continue
                for run in ("first", "again"):
                    seconds, rss, status, summary = await asyncio.to_thread(run_import, url, path)
                    label = f"{size:,} reviews ({megabytes:.0f} MB), {run}, {args.db}"
                    first = summary.splitlines()[0]
                    rate = round(size / seconds)
                    figure(f"{label}: time", seconds, "s", status=status, per_second=rate,
                           summary=first)  # fmt: skip
                    figure(f"{label}: peak RSS", rss, "MiB")


if __name__ == "__main__":
    asyncio.run(main())
