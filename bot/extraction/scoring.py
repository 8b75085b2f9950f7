"""Which check-worthiness scorer the offline extractor uses (``CLAIM_SCORER``).

- ``offline`` (default): the light logistic model of ``scorer.py`` (numpy only).
- ``embeddings``: sentence embeddings plus the same features (``embeddings.py``), from the
  optional extra ``pip install '.[embeddings]'``.

The rest of the pipeline (cleaning, junk filter, attribution, validation, ranking) is the same
for both; only the score of each sentence differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

from bot.extraction.embeddings import MISSING_EXTRA, EmbeddingsUnavailableError, extra_installed
from bot.extraction.scorer import score_sentence

ScorerName = Literal["offline", "embeddings"]
SCORERS: tuple[ScorerName, ...] = ("offline", "embeddings")


class SentenceScorer(Protocol):
    """Scores sentences for check-worthiness, 0..1, many at a time."""

    name: str

    def score_many(self, texts: Sequence[str]) -> list[float]:
        """One score a sentence, in order."""
        ...


class OfflineScorer:
    """The default scorer: the logistic model shipped in ``scorer_weights.npz``."""

    name = "offline"

    def score_many(self, texts: Sequence[str]) -> list[float]:
        """Score each sentence on its own (microseconds each)."""
        return [score_sentence(text) for text in texts]


def check_scorer(name: str) -> None:
    """Raise ``EmbeddingsUnavailableError`` (a one-line message) when the scorer cannot load."""
    if name not in SCORERS:
        raise ValueError(f"CLAIM_SCORER must be one of {', '.join(SCORERS)}, not {name!r}.")
    if name == "embeddings" and not extra_installed():
        raise EmbeddingsUnavailableError(MISSING_EXTRA)


def make_scorer(name: str = "offline") -> SentenceScorer:
    """The scorer named by ``CLAIM_SCORER``; the embeddings one needs its extra installed."""
    check_scorer(name)
    if name == "embeddings":
        from bot.extraction.embeddings import EmbeddingScorer

        return EmbeddingScorer()
    return OfflineScorer()
