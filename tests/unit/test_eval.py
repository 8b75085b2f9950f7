"""The evaluation helpers behind `make eval`: MAP, the F1 threshold, the data-dir check."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import eval_extractor
import eval_pages
import train_scorer

from bot.extraction.base import ExtractedClaim


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


def test_union_keeps_one_copy_of_each_sentence_with_the_first_label() -> None:
    checkthat = (["Taxes rose 5% in 2019.", "I love this country!"], np.array([1, 0]))
    claimbuster = (["taxes rose 5% in 2019", "We spent $2 billion on roads."], np.array([0, 1]))
    texts, labels = train_scorer.union(checkthat, claimbuster)
    assert texts == [
        "Taxes rose 5% in 2019.",
        "I love this country!",
        "We spent $2 billion on roads.",
    ]
    assert labels.tolist() == [1, 0, 1]


def test_checkthat_files_are_read_with_their_quoting(tmp_path: Path) -> None:
    claims = tmp_path / "claims"
    claims.mkdir()
    (claims / "checkthat2024-task1-en-dev.tsv").write_text(
        'Sentence_id\tText\tclass_label\n1\t"You know, I saw a movie - ""Crocodile Dundee."""\tNo\n'
        "2\tWe're consuming 50 percent of the world's cocaine.\tYes\n",
        encoding="utf-8",
    )
    texts, labels = train_scorer.load_checkthat(tmp_path, "dev")
    assert texts == [
        'You know, I saw a movie - "Crocodile Dundee."',
        "We're consuming 50 percent of the world's cocaine.",
    ]
    assert labels.tolist() == [0, 1]


def test_held_out_rows_exclude_sentences_that_differ_only_in_case_or_punctuation() -> None:
    pool = ["Taxes rose 5% in 2019.", "We spent $2 billion on roads.", "Crime fell."]
    kept = eval_extractor.rows_without(pool, ["we spent $2 billion on roads", "Unrelated."])
    assert kept.tolist() == [0, 2]


def claim_at(
    text: str, fragment: str, *, claim: str | None = None, claimant=None
) -> ExtractedClaim:
    """A claim whose quote is `fragment` of `text`."""
    start = text.index(fragment)
    return ExtractedClaim(
        text=claim or fragment,
        quote=fragment,
        claimant=claimant,
        score=0.9,
        start=start,
        end=start + len(fragment),
    )


def test_a_claim_covers_an_annotation_when_most_of_either_overlaps() -> None:
    text = "Prices rose 5% in May. Wages rose 2%, the office said."
    claim = claim_at(text, "Wages rose 2%, the office said.")
    assert eval_pages.covers(claim, eval_pages.span_of(text, "Wages rose 2%"))
    assert not eval_pages.covers(claim, eval_pages.span_of(text, "Prices rose 5% in May."))


def test_claimants_match_by_containment_or_any_listed_name() -> None:
    assert eval_pages.same_claimant("John Kirby", "Kirby")
    assert eval_pages.same_claimant(None, None)
    assert eval_pages.same_claimant("the agency", ["the World Health Organization", "the agency"])
    assert not eval_pages.same_claimant("Moldova", None)
    assert not eval_pages.same_claimant(None, "the ONS")
    assert not eval_pages.same_claimant("Jo Grady", "UCEA")


def test_a_claim_ending_in_an_ellipsis_its_sentence_lacks_is_cut() -> None:
    text = "The ministry said 40 drones were shot down over Kyiv on Monday night."
    assert eval_pages.is_cut(claim_at(text, text, claim="The ministry said 40 drones were…"))
    assert not eval_pages.is_cut(claim_at(text, text))


def test_page_figures_count_recall_headline_junk_and_claimants() -> None:
    text = (
        "Air defence shot down 40 drones over Kyiv\n\n"
        "The air force said on Monday that 40 drones were shot down over Kyiv overnight.\n\n"
        "Prices of bread rose by 12% in October, the statistics office said.\n\n"
        "Subscribe to our channel: t.me/kyiv_news"
    )
    page = {
        "id": "synthetic",
        "text": text,
        "headline_claims": ["40 drones were shot down over Kyiv overnight"],
        "claims": [
            {"quote": "40 drones were shot down over Kyiv overnight", "claimant": "The air force"},
            {"quote": "Prices of bread rose by 12% in October", "claimant": "the ONS"},
        ],
        "junk": ["Subscribe to our channel: t.me/kyiv_news"],
    }
    figures = eval_pages.evaluate_pages([page]).figures()
    assert figures["recall"] == 1.0 and figures["headline_top5"] == 1.0
    assert figures["junk_share"] == 0.0 and figures["cut_claims"] == 0
    # The bread figure is credited to "the statistics office", not to the annotated "the ONS".
    assert figures["claimant_accuracy"] == 0.5


def test_every_annotated_page_is_consistent_with_its_text() -> None:
    pages = eval_pages.load_pages(eval_pages.PAGES_DIR)
    assert len(pages) >= 20
    for page in pages:
        fragments = page["headline_claims"] + page["junk"] + [c["quote"] for c in page["claims"]]
        for fragment in fragments:
            eval_pages.span_of(page["text"], fragment)
        assert page["claims"], page["id"]


def _synthetic_sets(n: int = 48) -> eval_extractor.Datasets:
    """Small labelled sets in the shapes of the real ones: figures are checkable, opinions not."""
    rng = np.random.default_rng(3)
    facts = [
        f"The state spent {k} million dollars on {k % 7 + 2} new schools in 19{k % 90 + 10}."
        for k in range(n)
    ]
    places = ("team", "town", "city", "future", "people", "idea")
    words = ("wonderful", "great", "beautiful", "amazing", "fantastic", "terrible", "sad", "proud")
    views = [f"I really think our {p} is the most {w} thing of all." for p in places for w in words]
    views = views[:n]
    texts = facts + views
    labels = np.array([1] * len(facts) + [0] * len(views))
    order = rng.permutation(len(texts))
    texts, labels = [texts[i] for i in order], labels[order]
    third = len(texts) // 3
    cb = (texts[:third], labels[:third])
    ct_train = (texts[third : 2 * third], labels[third : 2 * third])
    ct_dev = (texts[2 * third :], labels[2 * third :])
    # CLEF sentences are other sentences: the union-trained models must not have seen them.
    clef_texts = [f"The city hired {k} new nurses in 20{k % 20 + 10}." for k in range(n)]
    clef_texts += [f"Honestly, the {p} looks {w} to me today." for p in places for w in words][:n]
    clef_labels = np.array([1] * n + [0] * n)
    debates = np.array([f"debate{i % 6}" for i in range(2 * n)])
    order = rng.permutation(2 * n)
    clef = ([clef_texts[i] for i in order], clef_labels[order], debates)
    return eval_extractor.Datasets(
        cb, ct_train, ct_dev, clef, train_scorer.union(ct_train, ct_dev, cb)
    )


def test_evaluate_reports_every_dataset_from_models_that_did_not_see_it() -> None:
    figures = eval_extractor.evaluate(_synthetic_sets(), jobs=1)
    assert set(figures) == {"claimbuster", "checkthat2024_cv", "checkthat2024_dev", "clef2019"}
    for dataset in ("claimbuster", "checkthat2024_cv", "checkthat2024_dev"):
        rows = figures[dataset]
        assert rows[eval_extractor.OFFLINE][2] > rows["everything positive"][2], dataset
        assert eval_extractor.LANG in rows and eval_extractor.TFIDF_UNION in rows
    clef = figures["clef2019"]
    assert clef[eval_extractor.OFFLINE] > clef["everything positive (line order)"]
