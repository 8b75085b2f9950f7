"""Speed and memory of each check-worthiness scorer (CLAIM_SCORER), each in a fresh process.

Usage: python scripts/bench_scorers.py [--repeat N] [--json]

For each scorer that can load (the embeddings one needs ``pip install '.[embeddings]'``): the
process imports the bot's whole stack (``bot.app.factory``, as ``factcheck-bot run`` does), then
builds the scorer and extracts a 1,000-word article once; it reports the resident memory
(VmRSS) after the import and after that first extraction, the time to load the scorer, and the
median time of ``extract_claims`` on the 1,000-word article (made of the sample articles'
paragraphs, as in bench/bench_extraction.py) over ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def rss_mib() -> float:
    """This process's resident memory, MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(name: str, repeat: int) -> None:
    """Measure one scorer in this process and print one JSON line."""
    sys.path[:0] = [str(REPO), str(REPO / "bench")]
    from bench_extraction import article_of, sample_articles

    import bot.app.factory  # noqa: F401  (the bot's modules, as at start-up)
    from bot.extraction.offline import extract_claims
    from bot.extraction.scoring import make_scorer

    article = article_of(1000, sample_articles())
    before = rss_mib()
    started = time.perf_counter()
    scorer = make_scorer(name)
    extract_claims(article, scorer=scorer)
    load_s = time.perf_counter() - started
    loaded = rss_mib()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        extract_claims(article, scorer=scorer)
        times.append((time.perf_counter() - started) * 1000)
    print(
        json.dumps(
            {
                "scorer": name,
                "rss_bot_modules_mib": round(before, 1),
                "rss_with_scorer_mib": round(loaded, 1),
                "load_and_first_extract_s": round(load_s, 2),
                "extract_1000_words_ms": round(statistics.median(times), 1),
            }
        )
    )


def main() -> None:
    """Run each scorer in its own process and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return
    sys.path.insert(0, str(REPO))
    from bot.extraction.embeddings import extra_installed

    names = ["offline"] + (["embeddings"] if extra_installed() else [])
    rows = []
    for name in names:
        out = subprocess.run(
            [sys.executable, __file__, "--child", name, "--repeat", str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("| scorer | RSS, bot modules | RSS with the scorer | load | 1,000-word article |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['scorer']} | {r['rss_bot_modules_mib']} MiB | {r['rss_with_scorer_mib']} MiB"
            f" | {r['load_and_first_extract_s']} s | {r['extract_1000_words_ms']} ms |"
        )
    if "embeddings" not in names:
        print("(embeddings scorer not installed: pip install '.[embeddings]')")
    if args.json:
        for r in rows:
            print(json.dumps(r))


if __name__ == "__main__":
    main()
