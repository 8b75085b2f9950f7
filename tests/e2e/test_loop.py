"""The whole loop through the sandbox: forward an article, vote, change a vote, /status."""

from __future__ import annotations

from tests.conftest import Desk

ARTICLE = (
    "Ministry: 38,000 households still without power after strikes\n\n"
    "The energy ministry said on Tuesday that 38,000 households in the Kharkiv region were "
    "still without electricity after overnight strikes on two substations.\n\n"
    "Regional governor Oleh Syniehubov told reporters that 14 drones and 3 missiles had been "
    "launched at the city, and that air defence shot down 11 of the drones.\n\n"
    "In 2023 the region lost power for a total of 46 days, according to the grid operator "
    "Ukrenergo.\n\n"
    "We think the government should do more. Subscribe to our channel for updates!"
)


async def test_forwarded_article_becomes_cards_that_members_vote_on(desk: Desk) -> None:
    sandbox = desk.sandbox
    await desk.say(desk.alice, ARTICLE, forward_origin={"channel": "Daily News"})
    # The summary carries the headline too: wait for the cards, not for the first match.
    await desk.published()

    summary = desk.last("Queued")
    assert "Daily News" in summary.content
    cards = desk.cards()
    assert cards, "the bot posted no claim cards"
    card = desk.last("38,000 households")
    assert "✅ True" in card.button_labels and "🙋 I'll check" in card.button_labels
    assert not any("Subscribe" in c.content for c in cards)

    query = await desk.press(desk.bob, card, "False")
    assert sandbox.answers_for(query)[0]["text"].startswith("Your vote: ❌ False")
    await sandbox.wait_for(lambda: "❌ 1" in desk.last("38,000 households").content)

    query = await desk.press(desk.bob, card, "Misleading")
    assert "changed" in sandbox.answers_for(query)[0]["text"].lower()
    await desk.press(desk.carol, card, "Misleading")
    await sandbox.wait_for(lambda: "🟡 2" in desk.last("38,000 households").content)
    updated = desk.last("38,000 households")
    assert "❌ 1" not in updated.content
    assert "misleading" in updated.content.split("\n")[0].lower()

    await desk.say(desk.carol, "/status")
    status = desk.last("Queue of Fact desk")
    assert "🟡 misleading 1" in status.content
    assert f"{len(cards)}" in status.content


async def test_same_button_again_withdraws_the_vote(desk: Desk) -> None:
    await desk.say(desk.alice, ARTICLE, forward_origin={"channel": "Daily News"})
    await desk.sandbox.wait_for(lambda: desk.cards(), timeout=10)
    card = desk.cards()[0]
    await desk.press(desk.bob, card, "True")
    query = await desk.press(desk.bob, card, "True")
    assert desk.sandbox.answers_for(query)[0]["text"].startswith("Vote withdrawn")
