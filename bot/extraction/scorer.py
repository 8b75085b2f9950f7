"""Check-worthiness scoring: a small logistic model over the features in ``features.py``.

The parameters come from ``scripts/train_scorer.py`` (trained on ClaimBuster) and are stored in
``scorer_weights.npz`` next to this module. The bias of each model is shifted at training time so
that its F1-best threshold sits at ``CHECKWORTHY_THRESHOLD``. English sentences use the full model
(hand features and word n-grams); Ukrainian and Russian ones the hand-feature model alone, since
the n-grams only know English.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from bot.extraction.features import N_HAND, featurize, is_cyrillic

CHECKWORTHY_THRESHOLD = 0.5
WEIGHTS_PATH = Path(__file__).with_name("scorer_weights.npz")


@dataclass(frozen=True)
class ScorerParams:
    """Weights of the full model and of the language-independent (hand features) model."""

    hand_mean: np.ndarray
    hand_scale: np.ndarray
    full_hand: np.ndarray
    full_ngrams: np.ndarray
    full_bias: float
    lang_hand: np.ndarray
    lang_bias: float

    def save(self, path: Path) -> None:
        """Write the parameters as a compressed .npz file."""
        np.savez_compressed(
            path,
            hand_mean=self.hand_mean.astype(np.float32),
            hand_scale=self.hand_scale.astype(np.float32),
            full_hand=self.full_hand.astype(np.float32),
            full_ngrams=self.full_ngrams.astype(np.float16),
            full_bias=np.float32(self.full_bias),
            lang_hand=self.lang_hand.astype(np.float32),
            lang_bias=np.float32(self.lang_bias),
        )

    @classmethod
    def load(cls, path: Path) -> ScorerParams:
        """Read parameters written by ``save``."""
        with np.load(path) as data:
            params = cls(
                hand_mean=data["hand_mean"],
                hand_scale=data["hand_scale"],
                full_hand=data["full_hand"],
                # Kept as stored (float16, 0.5 MiB); score_sentence widens what it picks.
                full_ngrams=data["full_ngrams"],
                full_bias=float(data["full_bias"]),
                lang_hand=data["lang_hand"],
                lang_bias=float(data["lang_bias"]),
            )
        if params.full_hand.shape != (N_HAND,):
            raise ValueError(f"{path} was trained with other features; run scripts/train_scorer.py")
        return params


@cache
def default_params() -> ScorerParams:
    """The shipped parameters, loaded once."""
    return ScorerParams.load(WEIGHTS_PATH)


def _sigmoid(z: float) -> float:
    """Logistic function, safe for large |z|."""
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


def score_sentence(
    text: str, params: ScorerParams | None = None, *, language_independent: bool | None = None
) -> float:
    """Check-worthiness of one sentence, 0..1 (the hand-feature model for non-English text)."""
    params = params or default_params()
    hand, grams = featurize(text)
    hand = (hand - params.hand_mean) * params.hand_scale
    if language_independent is None:
        language_independent = is_cyrillic(text)
    if language_independent:
        return _sigmoid(float(hand @ params.lang_hand) + params.lang_bias)
    z = float(hand @ params.full_hand) + params.full_bias
    # The distinct n-grams in ascending order, as np.unique gives them (which, since numpy 2.3,
    # imports numpy.ma into the bot's process for the first sentence it scores).
    unique = np.fromiter(sorted(set(grams.tolist())), dtype=np.int64)
    if unique.size:
        picked = params.full_ngrams[unique]
        if picked.dtype == np.float16:
            picked = picked.astype(np.float32)  # the same sums as a float32 copy of them all
        z += float(picked.sum()) / math.sqrt(unique.size)
    return _sigmoid(z)


def is_checkworthy(score: float) -> bool:
    """Whether a score is high enough to put the sentence in the queue."""
    return score >= CHECKWORTHY_THRESHOLD


def score_lines(lines: Iterable[str]) -> list[tuple[float, bool]]:
    """Score many sentences: (score, checkworthy) for each."""
    params = default_params()
    results = []
    for line in lines:
        score = score_sentence(line, params)
        results.append((score, is_checkworthy(score)))
    return results
