"""Already checked, in the chat: a forward that says a settled claim again is answered at once
with the verdict, its date, who checked it and the link; a team that turns it on has known
claims answered in its group's chatter too, only when the matcher is sure (issue 15 item 5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from tests.conftest import Desk
from tests.e2e.test_tipline import THANKS, open_tipline, private_says

NHS = "The NHS waiting list has doubled since March to eight million people."
NHS_URL = "https://www.stopfake.example/en/nhs-waiting-list-eight-million/"
HEADLINE = "No, the NHS waiting list has not doubled to eight million"
FORWARD = "BREAKING: since March the NHS waiting list doubled to 8 million people!!"
CHANGED = "BREAKING: since March the NHS waiting list doubled to 9 million people!!"
CHATTER = "my aunt says the NHS waiting list has doubled to 8 million people since March"


def reviews() -> bytes:
    """A ClaimReview file with StopFake's check of the NHS claim (and one unrelated review)."""
    records = [
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": NHS_URL,
            "headline": HEADLINE,
            "claimReviewed": NHS,
            "author": {"@type": "Organization", "name": "StopFake"},
            "datePublished": "2026-11-20",
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
        },
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": "https://www.stopfake.example/en/bridge/",
            "claimReviewed": "The Crimean bridge was closed for a month in October.",
            "author": {"@type": "Organization", "name": "StopFake"},
            "datePublished": "2026-10-02",
            "reviewRating": {"@type": "Rating", "alternateName": "Misleading"},
        },
    ]
    return json.dumps(records).encode()


async def import_reviews(desk: Desk) -> None:
    """An editor imports the file with /import."""
    desk.sandbox.send(
        desk.chat, desk.alice, caption="/import", document=("r.json", reviews(), "application/json")
    )
    await desk.settle()
    assert "Imported 2 fact-checks" in desk.last("Imported").content


def answers(desk: Desk) -> list[object]:
    """The bot's "Already checked" messages in the group, oldest first."""
    return [m for m in desk.sandbox.bot_messages(desk.chat) if "Already checked" in m.content]


def linked(message: object, url: str) -> bool:
    """Whether the message links to `url`."""
    return any(e.get("url") == url for e in message.entities)  # type: ignore[attr-defined]


async def test_forwarded_rewording_of_an_imported_check_is_answered_at_once(desk: Desk) -> None:
    await import_reviews(desk)
    forward = await desk.say(desk.bob, FORWARD, forward_origin={"channel": "Health Leaks"})
    card = await desk.card("8 million")
    (answer,) = answers(desk)
    assert "Already checked: ❌ False, 20 Nov — StopFake: " + HEADLINE in answer.content
    assert linked(answer, NHS_URL), answer.entities
    # The answer is the summary of the member's forward: one message, a reply to it.
    assert answer.reply_to is not None and answer.reply_to.message_id == forward.message_id
    assert "Matches #" in card.content and "the fact-check" in card.content
    assert linked(card, NHS_URL)
    (button,) = [b for row in card.buttons for b in row if "fact-check" in b["text"]]
    assert button["url"] == NHS_URL


POPE = "Pope Francis endorsed Donald Trump for president."
POPE_URL = "https://www.factcheck.example/pope-trump-endorsement/"
POPE_POST = "The Pope just endorsed Trump for president. Wow, what a day for the campaign 🇺🇸"
POPE_DENIED = "The Pope never endorsed Trump for president. Stop sharing this 🇺🇸"
COCAINE = "Bricks of cocaine washed ashore in Florida after Hurricane Dorian."
COCAINE_URL = "https://www.factcheck.example/dorian-cocaine-bricks/"
COCAINE_POST = (
    "Bricks of cocaine washing ashore in Florida after Hurricane Dorian, insane 😳 Stay safe out "
    "there folks"
)


async def import_posts_reviews(desk: Desk) -> None:
    """FactCheck's reviews of the Pope and the cocaine claims, imported with /import."""
    records = [
        {
            "@context": "https://schema.org", "@type": "ClaimReview", "url": url,
            "claimReviewed": claim, "author": {"@type": "Organization", "name": "FactCheck"},
            "datePublished": "2026-11-20",
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
        }
        for claim, url in ((POPE, POPE_URL), (COCAINE, COCAINE_URL))
    ]  # fmt: skip
    desk.sandbox.send(
        desk.chat, desk.alice, caption="/import",
        document=("r.json", json.dumps(records).encode(), "application/json"),
    )  # fmt: skip
    await desk.settle()
    assert "Imported 2 fact-checks" in desk.last("Imported").content


async def test_a_post_about_an_imported_check_is_matched_and_a_denial_is_not(desk: Desk) -> None:
    """The post's claim alone does not restate the fact-check's (75 of 100); the post, looked
    up whole as a post about a checked claim, does, and its claim is linked. The denial says
    the other claim: no match."""
    await import_posts_reviews(desk)
    forward = await desk.say(desk.bob, POPE_POST, forward_origin={"channel": "Vatican Leaks"})
    card = await desk.card("endorsed Trump")
    (answer,) = answers(desk)
    assert "Already checked: ❌ False, 20 Nov — FactCheck" in answer.content
    assert linked(answer, POPE_URL)
    assert answer.reply_to is not None and answer.reply_to.message_id == forward.message_id
    assert "Matches #" in card.content and linked(card, POPE_URL)

    await desk.say(desk.carol, POPE_DENIED, forward_origin={"channel": "Fact Watch"})
    denied = await desk.card("never endorsed")
    assert "Matches" not in denied.content
    assert len(answers(desk)) == 1


async def test_a_post_with_no_claim_to_queue_is_still_answered(desk: Desk) -> None:
    """Nothing in the post is a sentence the scorer would queue; it is about a checked claim,
    so the summary answers at once and still offers to queue it."""
    await import_posts_reviews(desk)
    forward = await desk.say(desk.bob, COCAINE_POST, forward_origin={"channel": "Florida Now"})
    await desk.published()
    (answer,) = answers(desk)
    assert "Already checked: ❌ False, 20 Nov — FactCheck" in answer.content
    assert linked(answer, COCAINE_URL)
    assert answer.reply_to is not None and answer.reply_to.message_id == forward.message_id
    assert any("Queue it anyway" in b["text"] for row in answer.buttons for b in row)
    assert not desk.cards()  # nothing queued unless a member asks for it


NATO = "NATO deployed 40,000 troops on the border with Russia."
NATO_URL = "https://www.factcheck.example/nato-40000-troops/"
SWAPPED_POST = (
    "Russia deployed 40,000 troops on the border with Finland, Finnish border guards say. "
    "Helsinki says there is no threat for now, but the situation is being watched 👀"
)
NATO_POST = (
    "NATO has deployed 40,000 troops on the border with Russia, the Kremlin says. Provocation!"
)


async def test_the_same_words_of_other_countries_get_no_answer(desk: Desk) -> None:
    """Who deployed troops where, the other way round: neither the post nor its claim is the
    checked claim, although every other word is the same (before the names guard the post
    scored 97 as a post about it). The checked claim itself, said again, is answered."""
    desk.sandbox.send(
        desk.chat, desk.alice, caption="/import",
        document=("r.json", json.dumps([{
            "@context": "https://schema.org", "@type": "ClaimReview", "url": NATO_URL,
            "claimReviewed": NATO, "author": {"@type": "Organization", "name": "FactCheck"},
            "datePublished": "2026-11-20",
            "reviewRating": {"@type": "Rating", "alternateName": "False"},
        }]).encode(), "application/json"),
    )  # fmt: skip
    await desk.settle()
    assert "Imported 1 fact-check" in desk.last("Imported").content
    await desk.say(desk.bob, SWAPPED_POST, forward_origin={"channel": "Border News"})
    card = await desk.card("border with Finland")
    assert "Matches" not in card.content
    assert answers(desk) == []

    await desk.say(desk.carol, NATO_POST, forward_origin={"channel": "Kremlin Wire"})
    await desk.card("border with Russia")
    (answer,) = answers(desk)
    assert "Already checked: ❌ False, 20 Nov — FactCheck" in answer.content
    assert linked(answer, NATO_URL)


async def test_a_changed_figure_gets_no_answer(desk: Desk) -> None:
    await import_reviews(desk)
    await desk.say(desk.bob, CHANGED, forward_origin={"channel": "Health Leaks"})
    card = await desk.card("9 million")
    assert "Matches" not in card.content
    assert answers(desk) == []


async def test_the_desks_own_verdict_is_answered_with_its_reason(desk: Desk) -> None:
    await desk.say(desk.alice, f"/check {NHS}")
    card = await desk.card("eight million")
    claim_id = card.content.split("#", 1)[1].split()[0]
    await desk.say(desk.alice, f"/verdict {claim_id} false NHS England reports 7.6 million")
    await desk.sandbox.wait_for(lambda: "🔒" in desk.last("eight million").content)
    await desk.say(desk.carol, FORWARD, forward_origin={"channel": "Health Leaks"})
    reworded = await desk.card("8 million")
    chat = str(desk.chat.id)[4:]  # type: ignore[attr-defined]
    earlier = f"https://t.me/c/{chat}/{card.message_id}"  # type: ignore[attr-defined]
    assert f"Matches #{claim_id}" in reworded.content and "its card" in reworded.content
    assert linked(reworded, earlier)
    (answer,) = answers(desk)
    assert linked(answer, earlier)
    today = datetime.now(UTC)
    assert (
        f"Already checked: ❌ False, {today.day} {today:%b} — our desk, claim #{claim_id}: "
        "NHS England reports 7.6 million"
    ) in answer.content


async def test_known_claims_in_the_chat_are_answered_only_when_the_team_turned_it_on(
    desk: Desk,
) -> None:
    await import_reviews(desk)
    await desk.say(desk.bob, CHATTER)
    assert answers(desk) == []  # off by default: chatter stays chatter
    await desk.say(desk.alice, "/settings")
    panel = desk.last("Settings")
    assert "Answer known claims in the chat: off" in panel.content
    await desk.press(desk.bob, panel, "Answer known claims: off")
    assert "off" in desk.last("Settings").content.split("Answer known claims in the chat:")[1]
    await desk.press(desk.alice, panel, "Answer known claims: off")
    await desk.sandbox.wait_for(
        lambda: "Answer known claims in the chat: on" in desk.last("Settings").content
    )

    said = await desk.say(desk.bob, CHATTER)
    (answer,) = answers(desk)
    assert "Already checked: ❌ False, 20 Nov — StopFake" in answer.content
    assert linked(answer, NHS_URL)
    assert answer.reply_to is not None and answer.reply_to.message_id == said.message_id
    assert not desk.cards()  # nothing queued: an answer, not a submission

    await desk.say(desk.carol, CHATTER.replace("8 million", "9 million"))  # a changed figure
    await desk.say(desk.carol, "the NHS waiting list is getting longer every month, says my aunt")
    await desk.say(desk.carol, "the Crimean bridge is open again")  # too short to look up
    assert len(answers(desk)) == 1

    await desk.press(desk.alice, desk.last("Settings"), "✓ Answer known claims: on")
    await desk.sandbox.wait_for(
        lambda: "Answer known claims in the chat: off" in desk.last("Settings").content
    )
    await desk.say(desk.bob, CHATTER)
    assert len(answers(desk)) == 1


async def test_a_forward_sent_in_private_is_answered_there(desk: Desk) -> None:
    await import_reviews(desk)
    private = desk.sandbox.private_chat(desk.bob)
    forward = desk.sandbox.send(private, desk.bob, FORWARD, forward_origin={"user": "Ivan"})
    await desk.sandbox.wait_for(lambda: desk.sandbox.find_bot_message(private, "Sent to"))
    await desk.card("8 million")  # the card goes to the group, as for any private forward
    answer = await desk.sandbox.wait_for(
        lambda: desk.sandbox.find_bot_message(private, "Already checked")
    )
    assert "Already checked: ❌ False, 20 Nov — StopFake: " + HEADLINE in answer.content
    assert linked(answer, NHS_URL)
    assert answer.reply_to is not None and answer.reply_to.message_id == forward.message_id
    assert len(answers(desk)) == 1  # and the group's summary says it too


async def test_a_tipline_sender_hears_the_desks_verdict_without_a_way_into_the_group(
    desk: Desk,
) -> None:
    await desk.say(desk.alice, f"/check {NHS}")
    card = await desk.card("eight million")
    claim_id = card.content.split("#", 1)[1].split()[0]
    await desk.say(desk.alice, f"/verdict {claim_id} false NHS England reports 7.6 million")
    payload = await open_tipline(desk)
    dave = desk.sandbox.add_user("Dave")
    await private_says(desk, dave, f"/start {payload}", "tipline")
    await private_says(desk, dave, FORWARD, THANKS, forward_origin={"user": "Ivan"})
    private = desk.sandbox.private_chat(dave)
    answer = await desk.sandbox.wait_for(
        lambda: desk.sandbox.find_bot_message(private, "Already checked")
    )
    assert "❌ False" in answer.content
    assert "— the desk: NHS England reports 7.6 million" in answer.content
    assert "Alice" not in answer.content and "t.me" not in answer.html
