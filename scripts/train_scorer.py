"""Train the offline extractor's check-worthiness scorer and write scorer_weights.npz.

Usage: python scripts/train_scorer.py [--data DIR] [--out PATH] [--select]

Trains on the union of the debate-sentence training sets in DIR/claims: ClaimBuster, CheckThat!
2024 train and dev, de-duplicated by normalised text (CheckThat! 2024 contains most ClaimBuster
sentences; a sentence is kept once, with its CheckThat! label), plus the CLEF 2019 sentences the
union lacks at a lower weight (``CLEF_WEIGHT``). ``--select`` prints the cross-validated F1 of
each regularisation strength on the union instead (how FULL_C and HAND_C were chosen).
Needs scikit-learn and scipy (dev dependencies); the bot itself only needs numpy.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.extraction.features import HASH_SIZE, N_HAND, featurize  # noqa: E402
from bot.extraction.scorer import CHECKWORTHY_THRESHOLD, WEIGHTS_PATH, ScorerParams  # noqa: E402

# Chosen by --select (5-fold CV on the de-duplicated union); see docs/extraction.md.
FULL_C = 6.0
HAND_C = 1.0
C_GRID = (0.5, 1.0, 2.0, 4.0, 6.0, 12.0)
# CLEF 2019 sentences join the training at this weight: their label means "a fact-checking
# organisation chose it" (2.7 % of lines), a narrower notion than the debate sets' "check-worthy".
CLEF_WEIGHT = 0.3


@dataclass
class Featurized:
    """Hand feature matrix and hashed n-gram matrix of a list of sentences."""

    hand: np.ndarray
    ngrams: sparse.csr_matrix

    def take(self, rows: np.ndarray) -> Featurized:
        """The subset of rows."""
        return Featurized(self.hand[rows], self.ngrams[rows])


def shared_data_dir(arg: str | None) -> Path:
    """Resolve the shared data directory from --data, FACTCHECK_SHARED_DIR or ../shared/data."""
    path = Path(arg or os.environ.get("FACTCHECK_SHARED_DIR") or REPO.parent / "shared" / "data")
    if (path / "data" / "claims").is_dir():
        path = path / "data"  # FACTCHECK_SHARED_DIR may name shared/ rather than shared/data/
    if not (path / "claims" / "claimbuster-train.json").is_file():
        sys.exit(
            f"No claims data at {path}/claims: pass --data DIR or set FACTCHECK_SHARED_DIR "
            "to the folder holding claims/claimbuster-train.json."
        )
    return path


def load_claimbuster(data_dir: Path) -> tuple[list[str], np.ndarray]:
    """ClaimBuster sentences and 0/1 labels."""
    rows = json.loads((data_dir / "claims" / "claimbuster-train.json").read_text())
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])


def load_checkthat(data_dir: Path, split: str) -> tuple[list[str], np.ndarray]:
    """CheckThat! 2024 task 1 English sentences ("train" or "dev") and 0/1 labels."""
    path = data_dir / "claims" / f"checkthat2024-task1-en-{split}.tsv"
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r["Text"] for r in rows], np.array([int(r["class_label"] == "Yes") for r in rows])


def normal_text(text: str) -> str:
    """Lower-cased words only: two sentences that differ in case or punctuation are one."""
    return " ".join(re.findall(r"\w+", text.lower()))


def union(*sets: tuple[list[str], np.ndarray]) -> tuple[list[str], np.ndarray]:
    """Concatenate labelled sets, keeping the first copy of each normalised sentence."""
    seen: dict[str, tuple[str, int]] = {}
    for texts, labels in sets:
        for text, label in zip(texts, labels, strict=True):
            seen.setdefault(normal_text(text), (text, int(label)))
    return [t for t, _ in seen.values()], np.array([y for _, y in seen.values()], dtype=int)


def training_pool(data_dir: Path) -> tuple[list[str], np.ndarray]:
    """Every training sentence the shipped scorer learns from (CheckThat! first, see above)."""
    return union(
        load_checkthat(data_dir, "train"),
        load_checkthat(data_dir, "dev"),
        load_claimbuster(data_dir),
    )


def with_clef(
    pool: tuple[list[str], np.ndarray], clef: tuple[list[str], np.ndarray, np.ndarray]
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The pool plus the CLEF sentences it lacks, and each sentence's training weight."""
    texts, labels = union(pool, clef[:2])
    weights = np.ones(len(texts))
    weights[len(pool[0]) :] = CLEF_WEIGHT
    return texts, labels, weights


def load_clef(data_dir: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """CLEF 2019 sentences, 0/1 labels and debate names."""
    with (data_dir / "claims" / "clef2019-task1-train.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = [r["text"] for r in rows]
    labels = np.array([int(r["label"]) for r in rows])
    return texts, labels, np.array([r["file_name"] for r in rows])


def featurize_all(texts: list[str]) -> Featurized:
    """Featurize sentences into matrices laid out exactly as the runtime scorer reads them."""
    hand = np.zeros((len(texts), N_HAND), dtype=np.float64)
    indptr, indices, values = [0], [], []
    for i, text in enumerate(texts):
        hand[i], grams = featurize(text)
        unique = np.unique(grams)
        indices.append(unique)
        values.append(np.full(unique.size, 1.0 / math.sqrt(max(unique.size, 1))))
        indptr.append(indptr[-1] + unique.size)
    ngrams = sparse.csr_matrix(
        (np.concatenate(values), np.concatenate(indices), np.array(indptr)),
        shape=(len(texts), HASH_SIZE),
    )
    return Featurized(hand, ngrams)


def _logit(p: float) -> float:
    """Inverse of the logistic function."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def best_f1_threshold(scores: np.ndarray, labels: np.ndarray) -> float:
    """The score threshold that maximises F1 of the positive class."""
    order = np.argsort(-scores)
    hits = np.cumsum(labels[order])
    precision = hits / np.arange(1, len(scores) + 1)
    recall = hits / max(labels.sum(), 1)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    return float(scores[order][int(np.argmax(f1))])


def _fit_lr(
    x: np.ndarray | sparse.spmatrix, y: np.ndarray, c: float, weights: np.ndarray | None = None
) -> LogisticRegression:
    """Balanced logistic regression, optionally with per-sentence weights."""
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear")
    return model.fit(x, y, sample_weight=weights)


def _design(feats: Featurized, mean: np.ndarray, scale: np.ndarray, hand_only: bool):
    """The design matrix: standardised hand features, then (unless hand_only) n-grams."""
    hand = (feats.hand - mean) * scale
    return hand if hand_only else sparse.hstack([sparse.csr_matrix(hand), feats.ngrams]).tocsr()


def out_of_fold(
    feats: Featurized,
    y: np.ndarray,
    c: float,
    *,
    hand_only: bool,
    folds: int = 3,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """P(positive) of every sentence from a model that did not see it (k-fold)."""
    mean, scale = np.zeros(N_HAND), np.ones(N_HAND)
    scores = np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=7).split(y, y):
        w = None if weights is None else weights[train]
        model = _fit_lr(_design(feats.take(train), mean, scale, hand_only), y[train], c, w)
        scores[test] = model.predict_proba(_design(feats.take(test), mean, scale, hand_only))[:, 1]
    return scores


def _oof_threshold(
    feats: Featurized, y: np.ndarray, c: float, hand_only: bool, weights: np.ndarray | None
) -> float:
    """F1-best threshold from 3-fold out-of-fold predictions on the full-weight sentences.

    The threshold is a check-worthy/not decision, so it is set on the debate sets' labels only.
    """
    scores = out_of_fold(feats, y, c, hand_only=hand_only, weights=weights)
    judged = np.ones(len(y), dtype=bool) if weights is None else weights >= 1.0
    return best_f1_threshold(scores[judged], y[judged])


def best_f1(scores: np.ndarray, labels: np.ndarray) -> float:
    """F1 of the positive class at the F1-best threshold."""
    predicted = scores >= best_f1_threshold(scores, labels)
    hits = float((predicted & (labels == 1)).sum())
    return 2 * hits / max(float(predicted.sum() + labels.sum()), 1.0)


def select(feats: Featurized, y: np.ndarray) -> None:
    """Print the 5-fold cross-validated best F1 of each C for both models."""
    for hand_only in (False, True):
        for c in C_GRID:
            f1 = best_f1(out_of_fold(feats, y, c, hand_only=hand_only, folds=5), y)
            print(f"{'hand-feature' if hand_only else 'full'} model, C={c:g}: CV F1 {f1:.3f}")


def fit_scorer(
    feats: Featurized,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    full_c: float = FULL_C,
    hand_c: float = HAND_C,
) -> ScorerParams:
    """Fit both models and shift their biases so the F1-best threshold is the shipped one."""
    # Hand features are 0/1 flags or small log-counts: left unscaled, so a flag that is rare in
    # debates (and common in news) cannot get an outsized push from standardisation.
    mean = np.zeros(N_HAND)
    scale = np.ones(N_HAND)
    shift = _logit(CHECKWORTHY_THRESHOLD)
    full = _fit_lr(_design(feats, mean, scale, False), y, full_c, weights)
    full_t = _oof_threshold(feats, y, full_c, False, weights)
    lang = _fit_lr(_design(feats, mean, scale, True), y, hand_c, weights)
    lang_t = _oof_threshold(feats, y, hand_c, True, weights)
    coef = full.coef_[0]
    return ScorerParams(
        hand_mean=mean,
        hand_scale=scale,
        full_hand=coef[:N_HAND],
        full_ngrams=coef[N_HAND:],
        full_bias=float(full.intercept_[0]) - _logit(full_t) + shift,
        lang_hand=lang.coef_[0],
        lang_bias=float(lang.intercept_[0]) - _logit(lang_t) + shift,
    )


def main() -> None:
    """Train on the union of the training sets and write the weights file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="shared data dir (default: $FACTCHECK_SHARED_DIR)")
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--select", action="store_true", help="cross-validate C_GRID only")
    args = parser.parse_args()
    data_dir = shared_data_dir(args.data)
    pool = training_pool(data_dir)
    if args.select:
        select(featurize_all(pool[0]), pool[1])
        return
    texts, labels, weights = with_clef(pool, load_clef(data_dir))
    params = fit_scorer(featurize_all(texts), labels, weights=weights)
    params.save(args.out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB) from {len(texts)} sentences"
    )


if __name__ == "__main__":
    main()
