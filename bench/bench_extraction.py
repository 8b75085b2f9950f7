"""Benchmark the offline extractor: throughput, latency by article size, peak memory.

Usage: python bench/bench_extraction.py [--repeat N]

Prints a table, then one JSON line per figure. Sample articles are tests/fixtures/articles/*.txt
(plus the seed article from ../shared/data when present); the 1,000- and 10,000-word articles
are built from their paragraphs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.extraction.offline import extract_claims  # noqa: E402
from bot.extraction.scorer import default_params  # noqa: E402

TARGET_MS_1000_WORDS = 100


def sample_articles() -> list[str]:
    """The fixture articles, and the shared seed article when it is there."""
    paths = sorted((REPO / "tests" / "fixtures" / "articles").glob("*.txt"))
    shared = Path(os.environ.get("FACTCHECK_SHARED_DIR", REPO.parent / "shared" / "data"))
    for seed in (
        shared / "article-seed-iran-crimea.txt",
        shared / "data" / "article-seed-iran-crimea.txt",
    ):
        if seed.is_file():
            paths.append(seed)
            break
    return [p.read_text(encoding="utf-8") for p in paths]


def article_of(words: int, articles: list[str]) -> str:
    """An article of about ``words`` words made of the samples' paragraphs, each made unique."""
    paragraphs = [p for a in articles for p in a.split("\n\n") if len(p.split()) > 8]
    out, count, i = [], 0, 0
    while count < words:
        paragraph = f"{paragraphs[i % len(paragraphs)]} (Item {i}.)"
        out.append(paragraph)
        count += len(paragraph.split())
        i += 1
    return "\n\n".join(out)


def best_ms(text: str, repeat: int) -> float:
    """Median wall time of extract_claims on a text, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        extract_claims(text)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def peak_kib(text: str) -> float:
    """Peak memory allocated while extracting claims from a text, in KiB (tracemalloc)."""
    tracemalloc.start()
    extract_claims(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024


def main() -> None:
    """Measure and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    default_params()
    load_ms = (time.perf_counter() - started) * 1000
    articles = sample_articles()
    for article in articles:
        extract_claims(article)  # warm-up
    started = time.perf_counter()
    for _ in range(args.repeat):
        for article in articles:
            extract_claims(article)
    per_second = args.repeat * len(articles) / (time.perf_counter() - started)
    words_1k, words_10k = article_of(1_000, articles), article_of(10_000, articles)
    figures = [
        ("weights load (first call)", load_ms, "ms"),
        (f"sample articles ({len(articles)})", per_second, "articles/s"),
        ("1,000-word article", best_ms(words_1k, args.repeat), "ms"),
        ("10,000-word article", best_ms(words_10k, max(args.repeat // 2, 1)), "ms"),
        ("peak memory, 1,000 words", peak_kib(words_1k), "KiB"),
        ("peak memory, 10,000 words", peak_kib(words_10k), "KiB"),
    ]
    print(f"| {'figure':<28} | {'value':>10} | unit       |\n|{'-' * 30}|{'-' * 12}|------------|")
    for name, value, unit in figures:
        print(f"| {name:<28} | {value:>10.1f} | {unit:<10} |")
    for name, value, unit in figures:
        line = {"bench": "extraction", "figure": name, "value": round(value, 2), "unit": unit}
        if name == "1,000-word article":
            line |= {"target": f"< {TARGET_MS_1000_WORDS} ms", "met": value < TARGET_MS_1000_WORDS}
        print(json.dumps(line))


if __name__ == "__main__":
    main()
