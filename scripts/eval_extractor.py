"""Evaluate the offline extractor's scorer against the README baselines, with the same code.

Usage: python scripts/eval_extractor.py [--data DIR] [--json] [--jobs N]

The shipped scorer learns from the union of ClaimBuster, CheckThat! 2024 train and dev
(``train_scorer.training_pool``), so every figure here comes from a model that never saw the
sentences it is judged on (sentences are matched by normalised text, because the sets share
thousands of them):

- one 5-fold cross-validation over the de-duplicated union gives ClaimBuster P/R/F1 (on its
  rows) and CheckThat! 2024 train F1 (on its rows), from the checkworthy decision;
- CheckThat! 2024 dev, held out: trained on the union without the dev sentences;
- CLEF 2019: mean average precision over debates, trained on the union without any CLEF sentence
  (unseen debates).

The baselines are computed by the same code: everything positive, "has a digit", TF-IDF
1-2-grams + balanced logistic regression trained as the README says (on ClaimBuster by CV, on
CheckThat! 2024 train for dev, by CV over CLEF debates) and on the same union as the scorer.

When the optional extra is installed (``pip install '.[embeddings]'``), the embeddings scorer
(``CLAIM_SCORER=embeddings``) is trained and judged in the same folds, by the runtime's own
scoring code; its sentence vectors are cached in .cache/embeddings/ (first run: a few minutes).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold, StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_embedding_head as train_head
import train_scorer as ts
from embedding_cache import cached_embeddings

from bot.extraction.embeddings import EmbeddingScorer, extra_installed
from bot.extraction.scorer import ScorerParams, is_checkworthy, score_sentence

FOLDS = 5
SEED = 0
JOBS = 2  # the development machine has two cores shared with other work
OFFLINE = "offline extractor (English model)"
LANG = "offline, language-independent model (uk/ru)"
TFIDF_UNION = "TF-IDF 1-2-grams + LR, trained on the same union"
EMBEDDINGS = "embeddings scorer (CLAIM_SCORER=embeddings)"


@dataclass(frozen=True)
class Datasets:
    """Every labelled set, and the union the scorer learns from."""

    cb: tuple[list[str], np.ndarray]
    ct_train: tuple[list[str], np.ndarray]
    ct_dev: tuple[list[str], np.ndarray]
    clef: tuple[list[str], np.ndarray, np.ndarray]
    pool: tuple[list[str], np.ndarray]


def load_datasets(data_dir: Path) -> Datasets:
    """Read the four files and build the training union."""
    cb = ts.load_claimbuster(data_dir)
    ct_train = ts.load_checkthat(data_dir, "train")
    ct_dev = ts.load_checkthat(data_dir, "dev")
    return Datasets(cb, ct_train, ct_dev, ts.load_clef(data_dir), ts.union(ct_train, ct_dev, cb))


def has_digit(texts: list[str]) -> np.ndarray:
    """1.0 for sentences containing a digit."""
    return np.array([float(any(ch.isdigit() for ch in t)) for t in texts])


def tfidf_lr(
    train: list[str], y: np.ndarray, test: list[str], weights: np.ndarray | None = None
) -> np.ndarray:
    """The README baseline: TF-IDF 1-2-grams + balanced logistic regression; P(positive)."""
    vectorizer = TfidfVectorizer(ngram_range=(1, 2))
    model = LogisticRegression(class_weight="balanced", max_iter=2000)
    model.fit(vectorizer.fit_transform(train), y, sample_weight=weights)
    return model.predict_proba(vectorizer.transform(test))[:, 1]


def offline_scores(params: ScorerParams, texts: list[str], *, hand_only: bool) -> np.ndarray:
    """Scores of the offline scorer; hand_only forces the language-independent model."""
    return np.array([score_sentence(t, params, language_independent=hand_only) for t in texts])


def decisions(scores: np.ndarray) -> np.ndarray:
    """The scorer's checkworthy decision for each score."""
    return np.array([is_checkworthy(s) for s in scores], dtype=float)


def prf(y: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall, F1 of the positive class."""
    p, r, f, _ = precision_recall_fscore_support(y, predicted, average="binary", zero_division=0)
    return float(p), float(r), float(f)


def mean_average_precision(scores: np.ndarray, y: np.ndarray, groups: np.ndarray) -> float:
    """MAP over groups: rank each group by score (ties keep line order), average precision."""
    aps = []
    for group in np.unique(groups):
        idx = np.flatnonzero(groups == group)
        ranked = y[idx][np.argsort(-scores[idx], kind="stable")]
        if ranked.sum() == 0:
            continue
        hits = np.cumsum(ranked)
        aps.append(float((hits / np.arange(1, len(ranked) + 1))[ranked == 1].mean()))
    return float(np.mean(aps))


def rows_without(pool_texts: list[str], excluded: list[str]) -> np.ndarray:
    """Indices of pool sentences whose normalised text is not among the excluded ones."""
    banned = {ts.normal_text(t) for t in excluded}
    kept = [i for i, t in enumerate(pool_texts) if ts.normal_text(t) not in banned]
    return np.array(kept, dtype=int)


@dataclass(frozen=True)
class TrainingSet:
    """The scorer's training sentences (the union, then the CLEF ones) with their weights."""

    texts: list[str]
    y: np.ndarray
    weights: np.ndarray
    feats: ts.Featurized
    pool_size: int  # the first rows are the union; the rest are CLEF sentences
    embeddings: np.ndarray | None = None  # one row a text, when the [embeddings] extra is there


class LookupEncoder:
    """Stands in for the sentence encoder: the vectors computed (and cached) beforehand."""

    def __init__(self, texts: list[str], vectors: np.ndarray) -> None:
        self.rows = {t: i for i, t in enumerate(texts)}
        self.vectors = vectors

    def encode(self, texts) -> np.ndarray:
        """The precomputed vector of each text."""
        return self.vectors[[self.rows[t] for t in texts]]


def held_out_scores(
    train_set: TrainingSet,
    train: np.ndarray,
    test_texts: list[str],
    test_embeddings: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Scores on unseen sentences: both offline models, TF-IDF and (with the extra) the
    embeddings scorer, all trained on `train` rows."""
    y, weights = train_set.y[train], train_set.weights[train]
    params = ts.fit_scorer(train_set.feats.take(train), y, weights=weights)
    texts = [train_set.texts[i] for i in train]
    scores = {
        OFFLINE: offline_scores(params, test_texts, hand_only=False),
        LANG: offline_scores(params, test_texts, hand_only=True),
        TFIDF_UNION: tfidf_lr(texts, y, test_texts, weights),
    }
    if train_set.embeddings is not None and test_embeddings is not None:
        head = train_head.fit_head(
            train_set.embeddings[train], train_set.feats.take(train), y, weights=weights
        )
        # The runtime scorer's own code, with the cached vectors standing in for the encoder.
        scorer = EmbeddingScorer(LookupEncoder(test_texts, test_embeddings), head)
        scores[EMBEDDINGS] = np.array(scorer.score_many(test_texts))
    return scores


def _decided(scores: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Checkworthy decisions: the scorer's threshold for the offline models, 0.5 for TF-IDF."""
    return {
        name: decisions(s) if name != TFIDF_UNION else (s >= 0.5).astype(float)
        for name, s in scores.items()
    }


def evaluate(data: Datasets, jobs: int = JOBS, embeddings: bool = False) -> dict[str, dict]:
    """All figures: ClaimBuster and CheckThat! 2024 by CV, CheckThat! dev held out, CLEF MAP.

    ``embeddings``: also train and judge the embeddings scorer (needs the extra).
    """
    pool_texts, pool_y = data.pool
    texts, y, weights = ts.with_clef(data.pool, data.clef)
    vectors = cached_embeddings(texts) if embeddings else None
    feats = ts.featurize_all(texts)
    train_set = TrainingSet(texts, y, weights, feats, len(pool_texts), vectors)
    extra = np.arange(len(pool_texts), len(texts))
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(pool_y, pool_y))
    # Every fold trains on the CLEF sentences too; each is judged on union sentences only.
    tasks = [
        (np.concatenate([train, extra]), [pool_texts[i] for i in test]) for train, test in folds
    ]
    tasks.append((rows_without(texts, data.ct_dev[0]), data.ct_dev[0]))
    clef_texts, clef_y, groups = data.clef
    clef_folds = list(GroupKFold(FOLDS).split(clef_texts, clef_y, groups))
    for _, test in clef_folds:  # leave debates out: their sentences leave the training too
        tasks.append(
            (rows_without(texts, [clef_texts[i] for i in test]), [clef_texts[i] for i in test])
        )
    row_of_text = {t: i for i, t in enumerate(texts)}

    def vectors_of(test: list[str]) -> np.ndarray | None:
        if vectors is None:
            return None
        rows = [row_of_text.get(t, -1) for t in test]
        if min(rows) >= 0:
            return vectors[rows]
        return cached_embeddings(test)  # texts the union keeps in another spelling

    results = Parallel(n_jobs=jobs)(
        delayed(held_out_scores)(train_set, train, test, vectors_of(test)) for train, test in tasks
    )
    oof = {name: np.zeros(len(pool_y)) for name in results[0]}
    for (_, test), fold in zip(folds, results[:FOLDS], strict=True):
        for name, decided in _decided(fold).items():
            oof[name][test] = decided
    clef_scores = {name: np.zeros(len(clef_y)) for name in results[0]}
    for (_, test), fold in zip(clef_folds, results[FOLDS + 1 :], strict=True):
        for name, scores in fold.items():
            clef_scores[name][test] = scores
    row_of = {ts.normal_text(t): i for i, t in enumerate(pool_texts)}
    return {
        "claimbuster": _claimbuster(data, oof, row_of),
        "checkthat2024_cv": _checkthat_cv(data, oof, row_of),
        "checkthat2024_dev": _checkthat_dev(data, _decided(results[FOLDS])),
        "clef2019": _clef(data, clef_scores),
    }


def _on_rows(
    texts: list[str], oof: dict[str, np.ndarray], row_of: dict[str, int]
) -> dict[str, np.ndarray]:
    """The cross-validated decisions for the sentences of one dataset."""
    rows = np.array([row_of[ts.normal_text(t)] for t in texts])
    return {name: decided[rows] for name, decided in oof.items()}


def _claimbuster(data: Datasets, oof: dict, row_of: dict) -> dict[str, tuple[float, ...]]:
    """ClaimBuster P/R/F1: baselines (TF-IDF by 5-fold CV on ClaimBuster alone) and the union CV."""
    texts, y = data.cb
    arr = np.array(texts, dtype=object)
    tfidf = np.zeros(len(y))
    for train, test in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(y, y):
        tfidf[test] = tfidf_lr(list(arr[train]), y[train], list(arr[test])) >= 0.5
    figures = {
        "everything positive": prf(y, np.ones(len(y))),
        '"has a digit"': prf(y, has_digit(texts)),
        "TF-IDF 1-2-grams + LR, CV on ClaimBuster": prf(y, tfidf),
    }
    return figures | {name: prf(y, d) for name, d in _on_rows(texts, oof, row_of).items()}


def _checkthat_cv(data: Datasets, oof: dict, row_of: dict) -> dict[str, tuple[float, ...]]:
    """CheckThat! 2024 train P/R/F1 from the union cross-validation."""
    texts, y = data.ct_train
    figures = {
        "everything positive": prf(y, np.ones(len(y))),
        '"has a digit"': prf(y, has_digit(texts)),
    }
    return figures | {name: prf(y, d) for name, d in _on_rows(texts, oof, row_of).items()}


def _checkthat_dev(data: Datasets, decided: dict) -> dict[str, tuple[float, ...]]:
    """CheckThat! 2024 dev P/R/F1, every model trained without the dev sentences."""
    texts, y = data.ct_dev
    lab = tfidf_lr(data.ct_train[0], data.ct_train[1], texts) >= 0.5
    return {
        "everything positive": prf(y, np.ones(len(y))),
        '"has a digit"': prf(y, has_digit(texts)),
        "TF-IDF 1-2-grams + LR, trained on CT24 train": prf(y, lab),
    } | {name: prf(y, d) for name, d in decided.items()}


def _clef(data: Datasets, scores: dict[str, np.ndarray]) -> dict[str, float]:
    """CLEF 2019 MAP over debates; the union-trained models never saw a CLEF sentence."""
    texts, y, groups = data.clef
    arr = np.array(texts, dtype=object)
    tfidf = np.zeros(len(y))
    for train, test in GroupKFold(FOLDS).split(arr, y, groups):
        tfidf[test] = tfidf_lr(list(arr[train]), y[train], list(arr[test]))
    figures = {
        "everything positive (line order)": np.ones(len(y)),
        '"has a digit"': has_digit(texts),
        "TF-IDF 1-2-grams + LR, CV over CLEF debates": tfidf,
    } | scores
    return {name: mean_average_precision(s, y, groups) for name, s in figures.items()}


def print_prf(title: str, figures: dict[str, tuple[float, ...]]) -> None:
    """One P/R/F1 table."""
    print(f"\n{title}\n| {'method':<48} | precision | recall |   F1  |")
    print(f"|{'-' * 50}|-----------|--------|-------|")
    for name, (p, r, f) in figures.items():
        print(f"| {name:<48} |   {p:.3f}   |  {r:.3f} | {f:.3f} |")


def main() -> None:
    """Run every evaluation and print tables (and JSON lines with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="shared data dir (default: $FACTCHECK_SHARED_DIR)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line a figure")
    parser.add_argument("--jobs", type=int, default=JOBS, help="folds run in parallel")
    parser.add_argument(
        "--no-embeddings", action="store_true", help="skip the embeddings scorer even if installed"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    data = load_datasets(ts.shared_data_dir(args.data))
    with_embeddings = extra_installed() and not args.no_embeddings
    figures = evaluate(data, args.jobs, with_embeddings)
    n_pool = len(data.pool[1])
    print(f"Training union: {n_pool} distinct sentences (ClaimBuster + CheckThat! 2024 train/dev)")
    if not with_embeddings:
        print(
            "Embeddings scorer: "
            + ("skipped (--no-embeddings)" if extra_installed() else "not installed")
            + " (pip install '.[embeddings]' to measure it too)"
        )
    print_prf(
        f"ClaimBuster ({len(data.cb[1])} sentences), {FOLDS}-fold CV over the union, class 1",
        figures["claimbuster"],
    )
    print_prf(
        f"CheckThat! 2024 train ({len(data.ct_train[1])} sentences), the same CV, Yes class",
        figures["checkthat2024_cv"],
    )
    print_prf(
        f"CheckThat! 2024 dev ({len(data.ct_dev[1])} sentences), held out, Yes class",
        figures["checkthat2024_dev"],
    )
    _, clef_y, groups = data.clef
    print(f"\nCLEF 2019 task 1 ({len(clef_y)} sentences, {len(set(groups))} debates), MAP")
    print(f"| {'method':<48} |  MAP  |\n|{'-' * 50}|-------|")
    for name, value in figures["clef2019"].items():
        print(f"| {name:<48} | {value:.3f} |")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    if args.json:
        for dataset in ("claimbuster", "checkthat2024_cv", "checkthat2024_dev"):
            for name, (p, r, f) in figures[dataset].items():
                print(json.dumps({"dataset": dataset, "method": name, "p": p, "r": r, "f1": f}))
        for name, value in figures["clef2019"].items():
            print(json.dumps({"dataset": "clef2019", "method": name, "map": value}))


if __name__ == "__main__":
    main()
