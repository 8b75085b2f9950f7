"""The evaluation helpers behind `make eval`: MAP, the F1 threshold, the data-dir check."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import eval_extractor
import train_scorer


def test_mean_average_precision_averages_over_debates() -> None:
    scores = np.array([0.9, 0.8, 0.1, 0.9, 0.2, 0.7])
    labels = np.array([1, 0, 1, 0, 0, 1])
    debates = np.array(["a", "a", "a", "b", "b", "b"])
    # Debate a: hits at ranks 1 and 3 -> (1 + 2/3) / 2; debate b: hit at rank 2 -> 1/2.
    expected = ((1 + 2 / 3) / 2 + 0.5) / 2
    assert eval_extractor.mean_average_precision(scores, labels, debates) == pytest.approx(expected)


def test_best_f1_threshold_separates_a_separable_set() -> None:
    scores = np.array([0.9, 0.8, 0.3, 0.2])
    labels = np.array([1, 1, 0, 0])
    assert train_scorer.best_f1_threshold(scores, labels) == pytest.approx(0.8)


def test_missing_data_dir_exits_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        train_scorer.shared_data_dir(str(tmp_path))
    assert "claimbuster-train.json" in str(exited.value)


def test_data_dir_may_name_the_shared_folder_or_its_data_folder(tmp_path: Path) -> None:
    claims = tmp_path / "data" / "claims"
    claims.mkdir(parents=True)
    (claims / "claimbuster-train.json").write_text("[]")
    assert train_scorer.shared_data_dir(str(tmp_path)) == tmp_path / "data"
    assert train_scorer.shared_data_dir(str(tmp_path / "data")) == tmp_path / "data"
