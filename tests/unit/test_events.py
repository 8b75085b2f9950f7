"""Event claims (bot/extraction/events.py): what spreads is often someone named doing something,
which the debate-trained scorer undervalues; the extractor queues it when stated flatly."""

from __future__ import annotations

import pytest

from bot.extraction.events import is_event_claim
from bot.extraction.offline import extract_claims


@pytest.mark.parametrize(
    "post",
    [
        "Zelensky bought a villa in Italy.",
        "Pope Francis endorsed Donald Trump for president.",
        "Moldova banned the sale of Russian newspapers.",
        "Президент України втік з країни.",
        "Російські війська захопили місто Куп'янськ.",
        "Зеленский купил виллу в Италии.",
    ],
)
def test_a_forwarded_event_claim_is_queued(post: str) -> None:
    assert [claim.quote for claim in extract_claims(post)] == [post]


@pytest.mark.parametrize(
    "sentence",
    [
        "He bought a coffee and sat down.",  # nobody named
        "I think Zelensky bought a villa.",  # the writer's view
        "Did Zelensky buy a villa in Italy?",
        "Zelensky will visit Italy next week.",  # not an event yet
        "They know the Democratic party won't do it.",  # "won't" is not "won"
        "But it can't be dismissed that easily.",
    ],
)
def test_views_questions_plans_and_nameless_acts_are_not_events(sentence: str) -> None:
    assert not is_event_claim(sentence)


def test_an_event_does_not_outrank_the_claims_with_figures() -> None:
    text = (
        "Russia launched 653 drones and 51 missiles overnight, Ukraine's Air Force said.\n\n"
        "Air defences shot down 585 drones and 43 missiles, the Air Force said.\n\n"
        "Poland deployed fighter jets near its border."
    )
    quotes = [claim.quote for claim in extract_claims(text)]
    assert quotes[-1] == "Poland deployed fighter jets near its border." and len(quotes) == 3
