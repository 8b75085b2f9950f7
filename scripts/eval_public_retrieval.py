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
from dataclasses import replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

from eval_matching import (  # noqa: E402
    CANDIDATES,
    FOLDS,
    Outcome,
    Query,
    build_bench,
    copies,
    decide,
    embedding_neighbours,
    map_at_5,
    pool_index,
    run_matcher,
    run_tfidf,
)

from bot.matching.scoring import (  # noqa: E402
    DEFAULT_THRESHOLD,
    SEMANTIC_THRESHOLD,
    about_score,
    pair_evidence,
    prepared,
)

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
        Query(row["tweet_text"], ids[gold[row["tweet_id"]]], row["split"], "en", number)
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
        for split in ("train", "dev"):  # the about-model was fitted on the train split
            part = [o for o in [*found, *unseen] if o.query.kind == split]
            s = decide(part, threshold)
            print(f"  {split} split ({sum(o.query.target is not None for o in part)} tweets): "
                  f"precision {s.precision:.3f}  recall {s.recall:.3f}  "
                  f"(right {s.tp}, false matches {s.fp})")  # fmt: skip
            figures |= {f"precision_{split}": s.precision, f"recall_{split}": s.recall}
    return figures


Rows = list[tuple[Query, list[tuple[int, float, str, list[float]]]]]


def evidence_rows(pool: dict[int, str], queries: Sequence[Query], *, unchecked: bool) -> Rows:
    """Per query, its BM25 candidates (as `run_matcher` takes them), each with its same-claim
    score, veto and `pair_evidence`; `unchecked` leaves the query's own fact-check out."""
    index = pool_index(pool)
    twins = copies(pool)
    rows: Rows = []
    for query in queries:
        form = prepared(query.text)
        left_out = twins.get(query.target or 0, {query.target}) if unchecked else set()
        hits = index.search(form.terms, limit=CANDIDATES + len(left_out))
        ids = [i for i, _ in hits if i not in left_out][:CANDIDATES]
        kept = [(i, *pair_evidence(form, prepared(pool[i]), index.idf)) for i in ids]
        rows.append((replace(query, target=None) if unchecked else query, kept))
    return rows


def about_of(rows: Rows, model: Any) -> list[list[float]]:
    """The about-model's probability for every candidate of every row (0 where no evidence)."""
    import numpy as np

    evidence = [e for _, kept in rows for _, _, _, e in kept if e]
    probs = iter(model.predict_proba(np.asarray(evidence))[:, 1] if evidence else [])
    return [[float(next(probs)) if e else 0.0 for _, _, _, e in kept] for _, kept in rows]


def decided(rows: Rows, about: list[list[float]] | None, threshold: float) -> list[Outcome]:
    """The decision's outcome per row: the best unvetoed candidate by its score, the higher of
    the same-claim score and, given `about` (from `about_of`), the about-model's probability
    on the score's scale with `threshold` as its own."""
    out = []
    for k, (query, kept) in enumerate(rows):
        best, best_score = None, 0.0
        for j, (claim_id, score, vetoed, _) in enumerate(kept):
            if about is not None:
                score = max(score, about_score(about[k][j], threshold))
            if not vetoed and score > best_score:
                best, best_score = claim_id, score
        out.append(Outcome(query, (), best, best_score))
    return out


def added_precision(rows: Rows, about: list[list[float]], threshold: float) -> tuple[float, int]:
    """Precision of the calls the about-model adds to the same-claim score's, and how many."""
    before = decided(rows, None, threshold)
    after = decided(rows, about, threshold)
    right = wrong = 0
    for old, new in zip(before, after, strict=True):
        if new.best_score >= DEFAULT_THRESHOLD and not (
            old.best_score >= DEFAULT_THRESHOLD and old.best == new.best
        ):
            if new.best == new.query.target:
                right += 1
            else:
                wrong += 1
    return (right / (right + wrong) if right + wrong else 1.0), right + wrong


ABOUT_PRECISION = 0.98  # what the calls the about-model adds must reach on the training folds
GRID = [round(0.5 + 0.005 * k, 3) for k in range(100)]


def fit_about(data: Path) -> None:
    """Fit the about-model on the CLEF train split and the dev benchmark, choose its threshold
    by cross-validation, report out-of-fold and held-out (CLEF dev split) figures, and print
    the constants for bot/matching/scoring.py."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    pool, queries = load(data)
    train = [q for q in queries if q.kind == "train"]
    dev = [q for q in queries if q.kind == "dev"]
    bench_pool, bench = build_bench()
    bench = [q for q in bench if not q.kind.startswith("translation")]
    # (source, rows): each row one query, normal or with its fact-check left out
    sets = {
        "clef": evidence_rows(pool, train, unchecked=False)
        + evidence_rows(pool, train, unchecked=True),
        "bench": evidence_rows(bench_pool, bench, unchecked=False),
    }
    rows = [(name, row) for name, part in sets.items() for row in part]
    fact_check = {q.group: q.target for q in train}  # a tweet and its left-out twin share it
    groups = [f"{name}:{row[0].group if name == 'bench' else fact_check[row[0].group]}"
              for name, row in rows]  # fmt: skip

    def fit_on(part: list[tuple[str, tuple]]) -> Any:
        x, y = [], []
        for _, (query, kept) in part:
            for claim_id, _, _, e in [k for k in kept if not k[2] and k[3]][:10]:
                x.append(e)
                y.append(claim_id == query.target)
        return LogisticRegression(C=1.0, max_iter=5000).fit(np.asarray(x), np.asarray(y))

    def choose(model: Any, part: list[tuple[str, tuple]]) -> float:
        """The lowest threshold from which on the calls the about-model adds are precise enough
        on the tweets and on the dev benchmark, each."""
        by_source = [[row for name, row in part if name == source] for source in sets]
        abouts = [about_of(rows_, model) for rows_ in by_source]
        chosen = 1.0
        for threshold in reversed(GRID):
            if any(added_precision(rows_, about, threshold)[0] < ABOUT_PRECISION
                   for rows_, about in zip(by_source, abouts, strict=True)):  # fmt: skip
                break
            chosen = threshold
        return chosen

    oof: dict[str, list[Outcome]] = {"clef": [], "bench": []}
    chosen = []
    ids = sorted(set(groups))
    number = [ids.index(g) for g in groups]
    for fit_part, held_part in GroupKFold(FOLDS).split(rows, groups=number):
        fitted = [rows[k] for k in fit_part]
        model = fit_on(fitted)
        threshold = choose(model, fitted)
        chosen.append(threshold)
        for name in oof:
            held = [rows[k][1] for k in held_part if rows[k][0] == name]
            oof[name] += decided(held, about_of(held, model), threshold)
    print(f"thresholds chosen in the folds: {chosen}")
    for name, outcomes in oof.items():
        base = decided([row for n, row in rows if n == name], None, 1.0)
        s, b = decide(outcomes, DEFAULT_THRESHOLD), decide(base, DEFAULT_THRESHOLD)
        print(f"{name} out-of-fold: precision {s.precision:.3f} recall {s.recall:.3f} "
              f"(without: {b.precision:.3f} / {b.recall:.3f})")  # fmt: skip
    model = fit_on(rows)
    threshold = choose(model, rows)
    held_out = evidence_rows(pool, dev, unchecked=False) + evidence_rows(pool, dev, unchecked=True)
    s = decide(decided(held_out, about_of(held_out, model), threshold), DEFAULT_THRESHOLD)
    b = decide(decided(held_out, None, threshold), DEFAULT_THRESHOLD)
    print(f"held-out CLEF dev split ({len(dev)} tweets): precision {s.precision:.3f} "
          f"recall {s.recall:.3f} (without: {b.precision:.3f} / {b.recall:.3f})")  # fmt: skip
    print(f"ABOUT_WEIGHTS = {tuple(round(float(w), 3) for w in model.coef_[0])}")
    print(f"ABOUT_INTERCEPT = {round(float(model.intercept_[0]), 3)}")
    print(f"ABOUT_THRESHOLD = {threshold}")


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
    parser.add_argument(
        "--fit-about",
        action="store_true",
        help="refit the about-model (train split and dev benchmark) and say how",
    )
    args = parser.parse_args()
    if not (args.data / "verified_claims.tsv").is_file():
        sys.exit(f"No retrieval set in {args.data} (see tests/fixtures/clef2020_subset/SOURCE.md)")
    if args.fit_about:
        fit_about(args.data)
        return
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
