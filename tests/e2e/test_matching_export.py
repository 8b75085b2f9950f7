"""Already checked? A reworded claim is offered the earlier verdict; exports parse back."""

from __future__ import annotations

import csv
import io
import json

from tests.conftest import Desk

FIRST = (
    "Energy ministry update\n\n"
    "The energy ministry said on Tuesday that 38,000 households in the Kharkiv region were "
    "still without electricity after overnight strikes on two substations. Repair crews are "
    "working around the clock, officials added, and schools will stay closed."
)
REWORDED = (
    "Kharkiv blackout continues\n\n"
    "On Tuesday, 38000 households in the Kharkiv region were still without electricity after "
    "overnight strikes on two substations, the energy ministry said. Residents were told to "
    "charge their phones at heating points set up by the city."
)
CHANGED_NUMBER = (
    "Kharkiv blackout, new figure\n\n"
    "The energy ministry said on Tuesday that 83,000 households in the Kharkiv region were "
    "still without electricity after overnight strikes on two substations. Residents queued "
    "for water at the central square."
)


async def _checked_claim(desk: Desk) -> object:
    """Queue the first article and have an editor give its claim a verdict."""
    await desk.say(desk.alice, FIRST, forward_origin={"channel": "Daily News"})
    card = await desk.card("38,000 households")
    claim_id = card.content.split("#", 1)[1].split()[0]
    await desk.say(desk.alice, f"/verdict {claim_id} false Grid operator reports 8,000")
    await desk.sandbox.wait_for(lambda: "🔒" in desk.last("38,000 households").content)
    return claim_id


async def test_reworded_claim_gets_matches_card_and_accepts_verdict(desk: Desk) -> None:
    checked = await _checked_claim(desk)
    await desk.say(desk.bob, REWORDED, forward_origin={"channel": "Other Channel"})
    card = await desk.card("38000 households")
    assert f"Matches #{checked}" in card.content and "False" in card.content
    query = await desk.press(desk.alice, card, "Accept")
    assert "verdict" in desk.sandbox.answers_for(query)[0]["text"]
    await desk.sandbox.wait_for(lambda: "❌ false" in desk.last("38000 households").content)


async def test_changed_number_is_not_offered_the_verdict(desk: Desk) -> None:
    await _checked_claim(desk)
    await desk.say(desk.bob, CHANGED_NUMBER, forward_origin={"channel": "Other Channel"})
    card = await desk.card("83,000 households")
    assert "Matches" not in card.content


async def test_export_sends_csv_and_claimreview_files(desk: Desk) -> None:
    await _checked_claim(desk)
    await desk.say(desk.alice, "/export csv")
    document = desk.sandbox.calls(method="sendDocument")[-1]
    stored = desk.sandbox.state.files[document.result["document"]["file_id"]]
    rows = list(csv.DictReader(io.StringIO(stored.content.decode("utf-8-sig"))))
    assert any(
        "38,000 households" in row["claim"]
        and (row["status"], row["status_name"]) == ("false",) * 2
        for row in rows
    )

    await desk.say(desk.alice, "/export claimreview")
    document = desk.sandbox.calls(method="sendDocument")[-1]
    reviews = json.loads(desk.sandbox.state.files[document.result["document"]["file_id"]].content)
    items = reviews if isinstance(reviews, list) else reviews.get("@graph", reviews)
    assert items[0]["@type"] == "ClaimReview"
    assert items[0]["reviewRating"]["alternateName"].lower() == "false"


async def test_export_is_for_editors_only(desk: Desk) -> None:
    await desk.say(desk.bob, "/export")
    assert "Only editors" in desk.last("editors").content
    assert not desk.sandbox.calls(method="sendDocument")
