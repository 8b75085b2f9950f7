"""`python -m bench [--quick] [--only NAME] [--db sqlite|postgresql] [--json-out FILE]`.

Runs every benchmark, prints one JSON line per figure as it is measured, then a table of them
all; the 10-minute load run (bench/load_run.py) runs only with `--only load`. Helper
benchmarks written as scripts (bench/bench_extraction.py, bench/bench_matching.py) run as
subprocesses; their JSON lines are passed through.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bench import bench_ocr, bench_openai, bench_queue, bench_votes, load_run
from bench.common import REPO, Figure, format_table, log, machine

# Targets of figures that helper scripts print without one (from the issue).
SCRIPT_TARGETS: dict[tuple[str, str], tuple[str, Callable[[float], bool]]] = {
    ("extraction", "1,000-word article"): ("< 100 ms", lambda v: v < 100),
}
SCRIPTS = {
    "extraction": ["bench/bench_extraction.py", "bench/bench_extraction_fallback.py"],
    "matching": ["bench/bench_matching.py"],
}
Runner = Callable[..., Awaitable[list[Figure]]]
IN_PROCESS: dict[str, Runner] = {
    "votes": bench_votes.run,  # also measures the bot's memory (figure 4)
    "queue": bench_queue.run,
    "openai": bench_openai.run,
    "ocr": bench_ocr.run,  # screenshots read by Tesseract; skipped (one line) where it is missing
    "load": load_run.run,  # only when asked for: 100 teams for 10 minutes (--quick: 10 for 2)
}
ORDER = ("votes", "queue", "extraction", "matching", "openai", "ocr")
ON_REQUEST = ("load",)


def run_script(name: str, quick: bool) -> list[Figure]:
    """Run a helper's benchmark script (the first that exists) and read its JSON lines."""
    path = next((REPO / p for p in SCRIPTS[name] if (REPO / p).is_file()), None)
    if path is None:
        log(f"{name}: no benchmark script found ({', '.join(SCRIPTS[name])})")
        return []
    args = [sys.executable, str(path)]
    if quick and name == "extraction":
        args += ["--repeat", "2"]
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        log(f"{path.name} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    figures = []
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            figures.append(script_figure(name, json.loads(line)))
            print(figures[-1].to_json(), flush=True)
    return figures


def script_figure(name: str, data: dict) -> Figure:
    """A figure from a script's JSON line, with the issue's target where the script gave none."""
    figure = Figure(
        bench=data.get("bench", name),
        figure=str(data.get("figure") or data.get("name") or "?"),
        value=data.get("value"),
        unit=str(data.get("unit", "")),
        target=data.get("target"),
        met=data.get("met"),
        db=data.get("db"),
    )
    known = SCRIPT_TARGETS.get((figure.bench, figure.figure))
    if known and figure.target is None and isinstance(figure.value, int | float):
        figure.target, figure.met = known[0], known[1](figure.value)
    return figure


async def run_in_process(name: str, quick: bool, db: str | None) -> list[Figure]:
    """Run one of this package's benchmarks."""
    return await IN_PROCESS[name](quick=quick, db=db)


def main(argv: list[str] | None = None) -> int:
    """Parse the flags, run the benchmarks, print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run (about 2 minutes)")
    parser.add_argument("--only", choices=ORDER + ON_REQUEST, help="run one benchmark")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), help="one database only")
    parser.add_argument("--json-out", type=Path, help="also write the figures here (JSON lines)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    about = machine()
    log("machine: " + ", ".join(f"{k} {v}" for k, v in about.items()))
    figures: list[Figure] = []
    for name in ORDER + ON_REQUEST:
        if (args.only and name != args.only) or (not args.only and name in ON_REQUEST):
            continue
        log(f"running {name}{' (quick)' if args.quick else ''}")
        if name in IN_PROCESS:
            figures += asyncio.run(run_in_process(name, args.quick, args.db))
        else:
            figures += run_script(name, args.quick)
    print()
    print(format_table(figures))
    print(f"\n{len(figures)} figures in {time.perf_counter() - started:.0f} s")
    if args.json_out:
        args.json_out.write_text("".join(f.to_json() + "\n" for f in figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
