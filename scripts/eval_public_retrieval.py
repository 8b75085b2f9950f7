"""Measure claim matching on public data: tweets against Snopes fact-checks (CLEF 2020 CheckThat!).

.venv/bin/python scripts/eval_public_retrieval.py [--data DIR] [--errors] [--json]
    [--embeddings-url URL --embeddings-model NAME [--same-claim COSINE]]

The set (tests/fixtures/clef2020_subset/, its SOURCE.md says what was taken and from where) is a
slice of CLEF 2020 CheckThat! Task 2's English data: verified claims as Snopes wrote them (the
pool, what an imported ClaimReview's `claimReviewed` holds) and the tweets of the task's train
and dev splits whose fact-check is in the slice. It was never used to fit or tune the matcher:
these are held-out figures for it.

Reported, for the offline matcher and for plain TF-IDF cosine (the same baseline as
scripts/eval_matching.py):

- MAP@5 of the right fact-check among the pool;
- the decision "the first candidate is the same claim" at the product's threshold
  (MATCH_THRESHOLD, 86.5): recall (tweets matched to their fact-check) and precision, where the
  false matches are wrong fact-checks called the same *and* matches called when the tweet's
  fact-check is not in the pool (each tweet again, against the pool without its own fact-check:
  a desk that has not checked it yet must not be told it has, though it has checked the rest).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from eval_matching import (  # noqa: E402
    Outcome,
    Query,
    decide,
    embedding_neighbours,
    map_at_5,
    run_matcher,
    run_tfidf,
)

from bot.matching.scoring import DEFAULT_THRESHOLD, SEMANTIC_THRESHOLD  # noqa: E402

DATA = REPO / "tests" / "fixtures" / "clef2020_subset"


def read_tsv(path: Path) -> list[dict[str, str]]:
    """Rows of a tab-separated file with a header line."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def load(data: Path) -> tuple[dict[int, str], list[Query]]:
    """The pool (claim id → text) and the tweets, each with its fact-check as the target."""
    claims = read_tsv(data / "verified_claims.tsv")
    ids = {row["vclaim_id"]: number for number, row in enumerate(claims, 1)}
    pool = {ids[row["vclaim_id"]]: row["vclaim"].strip() for row in claims}
    gold: dict[str, str] = {}
    for row in read_tsv(data / "qrels.tsv"):
        gold.setdefault(row["tweet_id"], row["vclaim_id"])
    queries = [
        Query(row["tweet_text"], ids[gold[row["tweet_id"]]], "tweet", "en", number)
        for number, row in enumerate(read_tsv(data / "queries.tsv"))
        if row["tweet_id"] in gold and gold[row["tweet_id"]] in ids
    ]
    return pool, queries


def _called(o: Outcome, threshold: float) -> bool:
    return o.best is not None and o.best_score >= threshold


def measure(
    name: str,
    rank: Callable[..., list[Outcome]],
    pool: dict[int, str],
    queries: Sequence[Query],
    threshold: float | None,
) -> dict[str, float]:
    """Print and return one ranker's figures."""
    found = rank(pool, queries)
    figures = {"map5": map_at_5(found)}
    print(f"\n== {name}\nMAP@5 {figures['map5']:.3f} ({len(queries)} tweets, {len(pool)} claims)")
    hits = sum(1 for o in found if o.ranked and o.ranked[0] == o.query.target)
    print(f"right fact-check first: {hits}/{len(found)}")
    if threshold is not None:
        unseen = rank(pool, queries, unchecked=True)
        s = decide([*found, *unseen], threshold)  # a call on an unseen tweet is a false match
        wrong = sum(1 for o in found if _called(o, threshold) and o.best != o.query.target)
        called = sum(1 for o in unseen if _called(o, threshold))
        print(
            f"decision at {threshold:g}: precision {s.precision:.3f}  recall {s.recall:.3f}  "
            f"(right {s.tp}, wrong fact-check {wrong}, "
            f"called with no fact-check in the pool {called}/{len(unseen)})"
        )
        figures |= {"precision": s.precision, "recall": s.recall}
    return figures


def errors(outcomes: Sequence[Outcome], pool: dict[int, str]) -> list[str]:
    """The tweets whose fact-check is not first."""
    lines = []
    for o in outcomes:
        if not o.ranked or o.ranked[0] != o.query.target:
            first = pool.get(o.ranked[0], "") if o.ranked else ""
            want = pool[o.query.target or 0]
            lines.append(
                f"{o.best_score:5.1f} {o.query.text[:110]!r}\n      want {want[:110]!r}"
                f"\n      got  {first[:110]!r}"
            )
    return lines


def main() -> None:
    """Parse the options, run the rankers, print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--errors", action="store_true", help="list the tweets ranked wrong")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    parser.add_argument("--embeddings-url", help="an OpenAI-compatible /v1 base URL")
    parser.add_argument("--embeddings-model", default="text-embedding-3-small")
    parser.add_argument("--same-claim", type=float, default=SEMANTIC_THRESHOLD)
    args = parser.parse_args()
    if not (args.data / "verified_claims.tsv").is_file():
        sys.exit(f"No retrieval set in {args.data} (see tests/fixtures/clef2020_subset/SOURCE.md)")
    pool, queries = load(args.data)
    figures = {
        "offline": measure(
            "offline matcher (bot.matching)",
            lambda p, q, **how: run_matcher(p, q, lambda _: {}, **how),
            pool,
            queries,
            DEFAULT_THRESHOLD,
        ),
        "tfidf": measure("plain TF-IDF baseline", run_tfidf, pool, queries, None),
    }
    if args.embeddings_url:

        def with_meaning(p: dict[int, str], q: Sequence[Query], **how: bool) -> list[Outcome]:
            near = embedding_neighbours(args.embeddings_url, args.embeddings_model, p, q)
            return run_matcher(p, q, near, args.same_claim, **how)

        figures["embeddings"] = measure(
            f"with embeddings ({args.embeddings_model})", with_meaning, pool, queries,
            DEFAULT_THRESHOLD,
        )  # fmt: skip
    if args.errors:
        print("\n" + "\n".join(errors(run_matcher(pool, queries, lambda _: {}), pool)))
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
