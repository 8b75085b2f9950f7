"""Reading fact-check files: formats, positions of bad records, ratings mapped to our verdicts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.desk import review_files
from bot.desk.claimreview import (
    BadReview,
    claim_reviews,
    rating_from_number,
    rating_from_words,
    read_review,
)
from bot.desk.review_files import UnreadableFile, read_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "claimreview"


def records(data: bytes) -> list[review_files.Record]:
    """Every record of a file given as bytes."""
    return list(read_records(io.BytesIO(data)))


def review(number: int, **changes: object) -> dict[str, object]:
    """A small valid ClaimReview."""
    item: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://factcheck.example/{number}",
        "claimReviewed": f"Claim number {number} about the grain exports.",
        "author": {"@type": "Organization", "name": "Desk"},
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
    }
    item.update(changes)
    return item


@pytest.mark.parametrize(
    ("words", "verdict"),
    [
        ("False", "false"),
        ("Pants-on-Fire!", "false"),
        ("Фейк", "false"),
        ("Неправда", "false"),
        ("Ложь", "false"),
        ("Mostly False", "misleading"),
        ("Missing context", "misleading"),
        ("Маніпуляція", "misleading"),
        ("Скорее неправда", "misleading"),
        ("Half True", "misleading"),
        ("Mostly true", "true"),
        ("Правда", "true"),
        ("Unproven", "unproven"),
        ("Недостатньо доказів", "unproven"),
        ("Incorrect. The list stood at 7.4 million in September.", "false"),
        ("Labeled Satire", None),
        ("Explainer", None),
        ("", None),
    ],
)
def test_rating_words_map_to_our_verdicts(words: str, verdict: str | None) -> None:
    assert rating_from_words(words) == verdict


@pytest.mark.parametrize(
    ("value", "best", "worst", "verdict"),
    [
        (1, 5, 1, "false"),
        (2, 5, 1, "misleading"),
        (3, 5, 1, "misleading"),
        (4, 5, 1, "true"),
        (5, None, None, "true"),  # schema.org's defaults: best 5, worst 1
        (0, 10, 0, "false"),
        (10, 10, 0, "true"),
        (1, 1, 5, "true"),  # a scale where 1 is best
        (7, 5, 1, None),  # off the scale
        (-1, 5, 1, None),
        (3, 3, 3, None),  # no scale at all
        (None, 5, 1, None),
    ],
)
def test_rating_numbers_map_by_their_place_on_the_scale(
    value: float | None, best: float | None, worst: float | None, verdict: str | None
) -> None:
    assert rating_from_number(value, best, worst) == verdict


def test_words_win_over_a_number_that_disagrees_and_a_number_alone_is_kept_as_text() -> None:
    fields = read_review(
        review(1, reviewRating={"alternateName": "False", "ratingValue": 5, "bestRating": 5})
    )
    assert fields.verdict == "false" and fields.rating == "False"
    fields = read_review(review(2, reviewRating={"ratingValue": "4", "bestRating": "5"}))
    assert fields.verdict == "true" and fields.rating == "4 of 1–5"


def test_a_review_names_its_publisher_claimant_appearance_and_dates() -> None:
    fields = read_review(
        review(
            3,
            datePublished="2026-11-24T14:05:00+02:00",
            author=[
                {"@type": "Organization", "name": "StopFake", "url": "https://stopfake.example"}
            ],
            itemReviewed={
                "@type": "Claim",
                "author": {"@type": "Person", "name": "Депутат"},
                "datePublished": "2026-11-23",
                "appearance": [
                    {"@type": "CreativeWork", "url": "https://t.me/x/1", "headline": "H"}
                ],
            },
        )
    )
    assert (fields.publisher, fields.publisher_url) == ("StopFake", "https://stopfake.example")
    assert fields.claimant == "Депутат"
    assert (fields.appearance_url, fields.appearance_title) == ("https://t.me/x/1", "H")
    assert fields.reviewed_at is not None and fields.reviewed_at.isoformat() == (
        "2026-11-24T12:05:00+00:00"
    )
    assert fields.appeared_at is not None and fields.appeared_at.date().isoformat() == "2026-11-23"
    assert json.loads(fields.review)["author"][0]["name"] == "StopFake"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"claimReviewed": "  "}, "no claimReviewed"),
        ({"reviewRating": None}, "no reviewRating"),
        ({"reviewRating": {"@type": "Rating"}}, "neither words"),
    ],
)
def test_reviews_that_cannot_be_claims_say_why(changes: dict[str, object], reason: str) -> None:
    with pytest.raises(BadReview, match=reason):
        read_review(review(4, **changes))


def test_a_review_without_a_url_is_keyed_by_publisher_claim_and_date() -> None:
    bare = review(5, url=None, datePublished="2026-11-01")
    again = read_review(dict(bare)).key
    assert read_review(bare).key == again and again.startswith("nourl:")
    assert read_review(review(5, url=None, datePublished="2026-11-02")).key != again
    assert read_review(bare, page_url="https://page.example/a").key == "https://page.example/a"


def test_claim_reviews_are_found_in_graphs_lists_and_full_type_names() -> None:
    value = {
        "@graph": [
            {"@type": "WebPage"},
            {"@type": ["ClaimReview"], "claimReviewed": "a"},
            {"@type": "NewsArticle", "review": {"@type": "http://schema.org/ClaimReview"}},
        ]
    }
    assert [path for path, _ in claim_reviews(value)] == ["@graph[1]", "@graph[2].review"]


def test_a_json_array_reports_each_bad_element_by_item_and_line_and_reads_on() -> None:
    found = records((FIXTURES / "broken_array.json").read_bytes())
    assert [(r.position, r.error is None) for r in found] == [
        ("item 1 (line 2)", True),
        ("item 2 (line 3)", False),
        ("item 3 (line 4)", True),
        ("item 4 (line 5)", True),
        ("item 5 (line 6)", True),
    ]
    assert "Expecting ',' delimiter" in (found[1].error or "")
    assert "[bracket]" in found[2].value["claimReviewed"]


def test_a_large_array_streams_across_chunks_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(review_files, "CHUNK", 256)  # records straddle many chunk boundaries
    items = [json.dumps(review(n), ensure_ascii=False) for n in range(300)]
    items[150] = items[150].replace('"url":', '"url"')  # one broken record in the middle
    data = ("[\n" + ",\n".join(items) + "\n]").encode()
    found = records("\ufeff".encode() + data)  # with a byte-order mark
    assert len(found) == 300
    assert [r.position for r in found if r.error] == ["item 151 (line 152)"]
    assert found[299].value["url"] == "https://factcheck.example/299"
    assert found[299].position == "item 300 (line 301)"


def test_json_lines_report_line_numbers() -> None:
    found = records((FIXTURES / "reviews.jsonl").read_bytes())
    assert [(r.position, r.error is None) for r in found] == [
        ("line 1", True),
        ("line 2", True),
        ("line 4", False),
        ("line 5", True),
        ("line 6", True),
    ]


def test_a_saved_page_gives_its_blocks_with_the_page_address() -> None:
    found = records((FIXTURES / "page_graph.html").read_bytes())
    assert [r.position for r in found] == ["block 1 (line 8)", "block 2 (line 11)"]
    assert found[1].page_url == "https://www.stopfake.example/uk/fejk-zsu-zalyshyly-zaporizhzhya/"
    assert all(r.in_page for r in found)


def test_our_own_json_export_is_read_as_claims_of_its_team() -> None:
    export = {
        "format": "factcheck-bot/1",
        "team": {"id": 1, "chat_id": -100, "title": "Desk"},
        "claims": [{"id": 7, "text": "x", "verdict": "false"}, {"id": 8, "text": "y"}],
    }
    found = records(json.dumps(export, indent=1).encode())
    assert [r.position.split(" (")[0] for r in found] == ["claims item 1", "claims item 2"]
    assert found[0].export_team == {"id": 1, "chat_id": -100, "title": "Desk"}


@pytest.mark.parametrize("data", [b"", b"   \n", b"hello, world", b"\x00\x01binary"])
def test_files_of_no_accepted_format_are_refused(data: bytes) -> None:
    with pytest.raises(UnreadableFile):
        records(data)


def test_stray_and_trailing_commas_in_an_array_are_passed_over() -> None:
    one, two = (json.dumps(review(n)) for n in (1, 2))
    found = records(f"[ , {one},, {two}, ]".encode())
    assert [(r.position, r.error) for r in found] == [
        ("item 1 (line 1)", None),
        ("item 2 (line 1)", None),
    ]
