"""What every benchmark shares: figures, fresh databases, timing and the machine's description."""

from __future__ import annotations

import json
import os
import platform
import socket
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from storage.scratch import connect_raw, scratch_database

REPO = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get(
    "BENCH_POSTGRES_URL",
    os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
)


@dataclass
class Figure:
    """One measured figure, printed as a table row and as one JSON line."""

    bench: str
    figure: str
    value: float | None
    unit: str
    target: str | None = None
    met: bool | None = None
    db: str | None = None

    def to_json(self) -> str:
        """The figure as one JSON line."""
        data = asdict(self)
        if isinstance(self.value, float):
            data["value"] = round(self.value, 3)
        return json.dumps(data, ensure_ascii=False)


def emit(figure: Figure) -> Figure:
    """Print a figure's JSON line at once (a long run shows progress) and return it."""
    print(figure.to_json(), flush=True)
    return figure


def format_table(figures: list[Figure]) -> str:
    """A Markdown table of figures, as docs/performance.md holds them."""
    rows = [
        "| bench | figure | db | value | unit | target | met |",
        "|---|---|---|---:|---|---|---|",
    ]
    for f in figures:
        value = "—" if f.value is None else f"{f.value:,.{_decimals(f.value)}f}"
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        rows.append(
            f"| {f.bench} | {f.figure} | {f.db or ''} | {value} | {f.unit} | {f.target or ''} "
            f"| {met} |"
        )
    return "\n".join(rows)


def _decimals(value: float) -> int:
    """Enough decimals to read a figure: none for big numbers, three for small ones."""
    if float(value).is_integer():
        return 0
    size = abs(value)
    return 0 if size >= 100 else 1 if size >= 10 else 2 if size >= 1 else 3


def log(message: str) -> None:
    """Progress on stderr, so stdout keeps only the table and the JSON lines."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- databases --------------------------------------------------------------------------------


def postgres_available() -> bool:
    """Whether the PostgreSQL server named by PG_URL answers."""
    url = make_url(PG_URL)
    try:
        socket.create_connection((url.host or "127.0.0.1", url.port or 5432), 1).close()
    except OSError:
        return False
    return True


@asynccontextmanager
async def fresh_database(kind: str) -> AsyncIterator[str]:
    """The URL of an empty database: a SQLite file in a temp dir, or a new PostgreSQL database."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="fcb-bench-") as folder:
            yield f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        return
    async with scratch_database(PG_URL, prefix="fcb_bench") as url:
        yield url


def database_kinds(only: str | None = None) -> list[str]:
    """SQLite always; PostgreSQL when its server answers."""
    kinds = ["sqlite"]
    if postgres_available():
        kinds.append("postgresql")
    else:
        log(f"PostgreSQL not reachable at {PG_URL}: its figures are skipped")
    return [k for k in kinds if only is None or k == only]


# -- timing -----------------------------------------------------------------------------------


async def median_ms(call: Callable[[], Awaitable[Any]], runs: int, warmup: int = 2) -> float:
    """Median wall time of an async call in milliseconds, after a few warm-up calls."""
    for _ in range(warmup):
        await call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


# -- the machine ------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": str(os.cpu_count()),
        "cpu": cpu,
        "ram": _ram(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": _pg_version(),
        "os": platform.platform(),
    }


def _ram() -> str:
    """Total memory from /proc/meminfo."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _pg_version() -> str:
    """The server's version string, or 'not available'."""
    if not postgres_available():
        return "not available"
    return _pg_version_asyncpg()


def _pg_version_asyncpg() -> str:
    """The server version through asyncpg when psql is not installed."""
    import asyncio

    async def ask() -> str:
        conn = await connect_raw(PG_URL)
        try:
            return str(await conn.fetchval("SHOW server_version"))
        finally:
            await conn.close()

    return asyncio.run(ask())
