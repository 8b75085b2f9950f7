"""Ranking: the claim the article is about comes first; worries and forecasts come last."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.extraction.base import ExtractedClaim
from bot.extraction.offline import extract_claims
from bot.extraction.ranking import headline_of, is_speculation

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def position(claims: list[ExtractedClaim], fragment: str) -> int | None:
    """0-based rank of the claim whose quote contains a fragment; None when it is not returned."""
    return next((i for i, c in enumerate(claims) if fragment in c.quote), None)


def assert_desk_order(text: str, top: tuple[str, ...], low: tuple[str, ...]) -> None:
    """The `top` fragments are in the first five claims; the `low` ones are not (or absent)."""
    claims = extract_claims(text, max_claims=10)
    for fragment in top:
        rank = position(claims, fragment)
        assert rank is not None and rank < 5, (fragment, [c.quote[:60] for c in claims])
    for fragment in low:
        rank = position(claims, fragment)
        assert rank is None or rank >= 5, (fragment, rank)


def test_seed_article_puts_the_crimea_personnel_and_drone_claims_in_the_top_five(
    shared_dir: Path,
) -> None:
    text = (shared_dir / "article-seed-iran-crimea.txt").read_text(encoding="utf-8")
    assert_desk_order(
        text,
        top=(
            "Iranian military personnel were on the ground in Crimea",
            "Russia is using Iranian drones launched from the Crimean Peninsula",
            "have been piloting Iranian UAVs",
        ),
        low=("is concerned that Russia may attempt", "It means that the Iranian government"),
    )


def test_briefing_article_puts_the_headline_claims_first_and_the_worries_low() -> None:
    text = (ARTICLES / "briefing-en.txt").read_text(encoding="utf-8")
    assert_desk_order(
        text,
        top=(
            "North Korean troops were at the front in Kursk",
            "have moved to the Kursk region to fight Ukrainian forces",
            "have been moved by train to the Kursk region",
        ),
        low=("is concerned that Russia may attempt", "It means that the North Korean government"),
    )


def test_the_sentence_that_supports_the_headline_outranks_earlier_figures() -> None:
    text = (
        "Air defence shot down 40 drones over Kyiv\n\n"
        "Prices of bread rose by 12% in October, the statistics office said.\n\n"
        "The city council approved a budget of 2 billion hryvnias for 2025.\n\n"
        "The air force said on Monday that 40 drones were shot down over Kyiv overnight.\n\n"
        "Schools in the region will reopen on 3 November."
    )
    claims = extract_claims(text)
    assert claims and "40 drones were shot down over Kyiv" in claims[0].quote


def test_of_two_near_duplicates_the_attributed_body_sentence_is_kept() -> None:
    text = (
        "Russia launched 40 drones at Kyiv overnight.\n\n"
        "Russia launched 40 drones at Kyiv overnight, the Ukrainian air force said on Monday.\n\n"
        "The city's metro stations were used as shelters by 12,000 people."
    )
    claims = extract_claims(text)
    drones = [c for c in claims if "40 drones" in c.quote]
    assert len(drones) == 1
    assert drones[0].claimant and "air force" in drones[0].claimant


@pytest.mark.parametrize(
    "sentence",
    [
        "The United States is concerned that Russia may attempt to obtain missiles.",
        "Russia will likely continue to receive additional shipments.",
        "The company plans to open 40 stores in 2025.",
        "Міністр висловив стурбованість тим, що Росія може отримати ракети.",
        "Уряд планує підвищити пенсії на 10%.",
        "Правительство намерено повысить налоги в 2025 году.",
        "Россия может получить новые ракеты.",
    ],
)
def test_worries_intentions_and_forecasts_are_speculation(sentence: str) -> None:
    assert is_speculation(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia annexed the Crimean Peninsula in 2014.",
        "The vote took place on 3 May 2024, the commission said.",
        "Росія випустила 40 ракет по Україні цієї ночі.",
        "Полиция задержала 15 человек в центре Москвы.",
    ],
)
def test_reported_facts_are_not_speculation(sentence: str) -> None:
    assert not is_speculation(sentence)


def test_headline_is_the_first_line_or_the_first_sentence_of_a_long_one() -> None:
    assert headline_of("\n  Iran sent troops to Crimea\n\nBody text here.") == (
        "Iran sent troops to Crimea"
    )
    long_line = "The ministry said 40 drones were shot down. " + "More words follow here. " * 20
    assert headline_of(long_line) == "The ministry said 40 drones were shot down."


def test_a_fetched_page_title_given_as_headline_steers_the_ranking() -> None:
    # A fetched page's text starts with its lede; the title arrives apart from it.
    text = (
        "Prices of bread rose by 12% in October, the statistics office said on Monday.\n\n"
        "The city council approved a budget of 2 billion hryvnias for 2025.\n\n"
        "The air force said that 40 drones were shot down over Kyiv overnight."
    )
    untitled = extract_claims(text)
    titled = extract_claims(text, headline="Air defence shot down 40 drones over Kyiv")
    assert "Prices of bread" in untitled[0].quote
    assert "40 drones were shot down over Kyiv" in titled[0].quote


@pytest.mark.parametrize(
    ("text", "lede"),
    [
        # one body sentence says most of the headline
        (
            "Russian drones struck Ukrainian grain ports in 2 regions overnight\n\n"
            "Russia sent 40 drones against Ukraine's grain ports overnight, the air force said."
            "\n\nThe city council approved a budget of 2 billion hryvnias for 2025.",
            "Russia sent 40 drones",
        ),
        # the lede's two sentences say half of it
        (
            "Guided bomb strike on Kharkiv apartment block kills 9, injures 43\n"
            "December 5, 2026 · Updated 1 hour ago\n\n"
            "A Russian guided bomb struck a residential block in Kharkiv late on Thursday, the "
            "regional governor said. Nine people were killed and 43 injured.\n\n"
            "Rescuers worked through the night to clear the rubble.",
            "A Russian guided bomb struck",
        ),
    ],
)
def test_a_headline_the_body_restates_gives_way_to_the_body(text: str, lede: str) -> None:
    claims = extract_claims(text)
    assert claims and claims[0].quote.startswith(lede)
    assert not any(c.start < text.index("\n") for c in claims)


def test_hearsay_from_nobody_in_particular_ranks_below_the_facts() -> None:
    text = (
        "The ozone hole is shrinking\n\n"
        "My inbox fills up with two kinds of emails every year. Half of them say the ozone "
        "hole has been solved for good. "
        "The Antarctic ozone hole reached 19.8 million square kilometres on September 14, "
        "according to NASA. The hole broke up on November 29, two weeks earlier than usual, the "
        "Copernicus service said."
    )
    quotes = [c.quote for c in extract_claims(text)]
    assert quotes[0].startswith("The Antarctic ozone hole"), quotes
    hearsay = [i for i, q in enumerate(quotes) if q.startswith("Half of them say")]
    assert all(i == len(quotes) - 1 for i in hearsay), quotes


def test_what_a_ministry_expects_is_a_forecast() -> None:
    assert is_speculation("The Ministry expects the average gas bill to fall by 120 lei a month.")
    assert not is_speculation("The ministry expected 40 drones and shot down 38.")


def test_an_appeal_is_not_a_fact() -> None:
    assert is_speculation(
        "The mission also urges the Government of Ukraine to ensure that "
        "people are not prosecuted for taking passports."
    )
    assert not is_speculation(
        "Весной на службу были призваны 160 тысяч человек, план призыва был выполнен полностью."
    )


def test_a_quoted_view_goes_after_the_facts_a_quoted_fact_does_not() -> None:
    text = (
        "Drone contracts hit record\n\n"
        '"We are buying at a scale that was unthinkable two years ago," the deputy minister '
        "said.\n\n"
        '"Iranian instructors were on the ground in Crimea and assisted with these operations," '
        "he added.\n\n"
        "Ukraine's defence ministry has signed contracts for 1.6 million drones since January, "
        "the deputy minister said."
    )
    quotes = [c.quote for c in extract_claims(text)]
    assert quotes[-1].startswith('"We are buying'), quotes
    assert any(q.startswith('"Iranian instructors') for q in quotes[:2]), quotes


def test_what_forecasters_expect_is_a_forecast() -> None:
    assert is_speculation("Forecasters expect a further 30 to 40mm of rain on Friday.")
    assert is_speculation("The agency warned that river levels were likely to rise again.")
