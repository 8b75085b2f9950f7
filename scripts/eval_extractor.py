"""Evaluate the offline extractor's scorer against the README baselines, with the same code.

Usage: python scripts/eval_extractor.py [--data DIR] [--json]

ClaimBuster: precision/recall/F1 of the positive class from the checkworthy decision, 5-fold
stratified cross-validation (the scorer is retrained on the other four folds each time).
CLEF 2019: mean average precision over debates. The offline scorer is trained on ClaimBuster
only, so CLEF is unseen data for it; the TF-IDF baseline is trained on CLEF itself by
cross-validation over debates (GroupKFold on file_name), which favours the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.model_selection import GroupKFold, StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_scorer as ts

from bot.extraction.scorer import ScorerParams, is_checkworthy, score_sentence

FOLDS = 5
SEED = 0


def has_digit(texts: list[str]) -> np.ndarray:
    """1.0 for sentences containing a digit."""
    return np.array([float(any(ch.isdigit() for ch in t)) for t in texts])


def tfidf_lr(train: list[str], y: np.ndarray, test: list[str]) -> np.ndarray:
    """The README baseline: TF-IDF 1-2-grams + balanced logistic regression; P(positive)."""
    vectorizer = TfidfVectorizer(ngram_range=(1, 2))
    model = LogisticRegression(class_weight="balanced", max_iter=2000)
    model.fit(vectorizer.fit_transform(train), y)
    return model.predict_proba(vectorizer.transform(test))[:, 1]


def offline_scores(params: ScorerParams, texts: list[str], *, hand_only: bool) -> np.ndarray:
    """Scores of the offline scorer; hand_only forces the language-independent model."""
    return np.array([score_sentence(t, params, language_independent=hand_only) for t in texts])


def prf(y: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall, F1 of the positive class."""
    p, r, f, _ = precision_recall_fscore_support(y, predicted, average="binary", zero_division=0)
    return float(p), float(r), float(f)


def _claimbuster_fold(
    feats: ts.Featurized, texts: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray
) -> dict[str, np.ndarray]:
    """Decisions on one held-out fold: TF-IDF baseline and both offline models."""
    params = ts.fit_scorer(feats.take(train), y[train])
    held_out = list(texts[test])
    return {
        "tfidf": tfidf_lr(list(texts[train]), y[train], held_out) >= 0.5,
        **{
            key: np.array(
                [is_checkworthy(s) for s in offline_scores(params, held_out, hand_only=h)]
            )
            for key, h in (("offline", False), ("offline_lang", True))
        },
    }


def evaluate_claimbuster(texts: list[str], y: np.ndarray) -> dict[str, tuple[float, float, float]]:
    """Cross-validated P/R/F1 for the baselines and the offline scorer (folds run in parallel)."""
    feats = ts.featurize_all(texts)
    arr = np.array(texts, dtype=object)
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(y, y))
    results = Parallel(n_jobs=min(FOLDS, os.cpu_count() or 1))(
        delayed(_claimbuster_fold)(feats, arr, y, train, test) for train, test in folds
    )
    decisions = {k: np.zeros(len(y)) for k in ("tfidf", "offline", "offline_lang")}
    for (_, test), fold in zip(folds, results, strict=True):
        for key, decided in fold.items():
            decisions[key][test] = decided
    return {
        "everything positive": prf(y, np.ones(len(y))),
        '"has a digit"': prf(y, has_digit(texts)),
        "TF-IDF 1-2-grams + LR (balanced)": prf(y, decisions["tfidf"]),
        "offline extractor (English model)": prf(y, decisions["offline"]),
        "offline, language-independent model": prf(y, decisions["offline_lang"]),
    }


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


def evaluate_clef(
    texts: list[str], y: np.ndarray, groups: np.ndarray, cb: tuple[list[str], np.ndarray]
) -> dict[str, float]:
    """MAP for the baselines and the offline scorer trained on ClaimBuster."""
    arr = np.array(texts, dtype=object)
    tfidf = np.zeros(len(y))
    for train, test in GroupKFold(FOLDS).split(arr, y, groups):
        tfidf[test] = tfidf_lr(list(arr[train]), y[train], list(arr[test]))
    params = ts.fit_scorer(ts.featurize_all(cb[0]), cb[1])
    scored: dict[str, Callable[[], np.ndarray]] = {
        "everything positive": lambda: np.ones(len(y)),
        '"has a digit"': lambda: has_digit(texts),
        "TF-IDF 1-2-grams + LR (balanced), CV on CLEF": lambda: tfidf,
        "TF-IDF 1-2-grams + LR, trained on ClaimBuster": lambda: tfidf_lr(cb[0], cb[1], texts),
        "offline extractor, trained on ClaimBuster": lambda: offline_scores(
            params, texts, hand_only=False
        ),
        "offline, language-independent model": lambda: offline_scores(
            params, texts, hand_only=True
        ),
    }
    return {name: mean_average_precision(fn(), y, groups) for name, fn in scored.items()}


def main() -> None:
    """Run both evaluations and print tables (and JSON lines with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="shared data dir (default: $FACTCHECK_SHARED_DIR)")
    parser.add_argument("--json", action="store_true", help="also print one JSON line a figure")
    args = parser.parse_args()
    data_dir = ts.shared_data_dir(args.data)
    started = time.perf_counter()
    cb_texts, cb_y = ts.load_claimbuster(data_dir)
    cb = evaluate_claimbuster(cb_texts, cb_y)
    print(f"ClaimBuster ({len(cb_y)} sentences, {FOLDS}-fold stratified CV), positive class")
    print(f"| {'method':<40} | precision | recall |   F1  |")
    print(f"|{'-' * 42}|-----------|--------|-------|")
    for name, (p, r, f) in cb.items():
        print(f"| {name:<40} |   {p:.3f}   |  {r:.3f} | {f:.3f} |")
    clef_texts, clef_y, groups = ts.load_clef(data_dir)
    clef = evaluate_clef(clef_texts, clef_y, groups, (cb_texts, cb_y))
    print(f"\nCLEF 2019 task 1 ({len(clef_y)} sentences, {len(set(groups))} debates), MAP")
    print(f"| {'method':<46} |  MAP  |\n|{'-' * 48}|-------|")
    for name, value in clef.items():
        print(f"| {name:<46} | {value:.3f} |")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    if args.json:
        for name, (p, r, f) in cb.items():
            print(json.dumps({"dataset": "claimbuster", "method": name, "p": p, "r": r, "f1": f}))
        for name, value in clef.items():
            print(json.dumps({"dataset": "clef2019", "method": name, "map": value}))


if __name__ == "__main__":
    main()
