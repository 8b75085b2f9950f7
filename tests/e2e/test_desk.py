"""The desk in the chat: cards, votes, consensus, coalesced edits, notes and assignment."""

from __future__ import annotations

import time
from typing import Any

from bot.sandbox import Sandbox
from tests.conftest import Desk, open_desk
from tests.e2e.test_loop import ARTICLE

POWER = "38,000 households"
DRONES = "14 drones"


async def queue_article(desk: Desk, text: str = ARTICLE, **kwargs: Any) -> list[Any]:
    """Alice forwards an article from a channel; return the cards once they are all posted."""
    kwargs.setdefault("forward_origin", {"channel": "Daily News", "signature": "J. Phillips"})
    before = len(desk.cards())
    await desk.say(desk.alice, text, **kwargs)
    await desk.published()
    return desk.cards()[before:]


async def ask(desk: Desk, user: Any, text: str | None, expect: str, **kwargs: Any) -> Any:
    """A member sends `text`; wait for the bot's new message containing `expect` and return it."""
    before = {m.message_id for m in desk.sandbox.bot_messages(desk.chat)}

    def answered() -> Any:
        for message in reversed(desk.sandbox.bot_messages(desk.chat)):
            if message.message_id not in before and expect.casefold() in message.content.casefold():
                return message
        return None

    desk.sandbox.send(desk.chat, user, text, **kwargs)
    try:
        return await desk.sandbox.wait_for(answered, timeout=10)
    except TimeoutError:
        said = " | ".join(m.content[:80] for m in desk.sandbox.bot_messages(desk.chat)[-5:])
        raise AssertionError(f"no answer with {expect!r} to {text!r}; last: {said}") from None


def claim_id(card: Any) -> int:
    """The claim id on a card ("Claim #17 · …")."""
    return int(card.content.split("#", 1)[1].split()[0])


async def answer(desk: Desk, query_id: str) -> str:
    """The text of the bot's answer to a button press (waiting for it)."""
    answers = await desk.sandbox.wait_for(lambda: desk.sandbox.answers_for(query_id), timeout=10)
    return answers[0].get("text") or ""


def card_of(desk: Desk, needle: str) -> Any:
    """The claim card whose text contains `needle`."""
    found = [card for card in desk.cards() if needle in card.content]
    assert found, f"no card contains {needle!r}"
    return found[-1]


async def card_shows(desk: Desk, needle: str, text: str) -> Any:
    """Wait until the card containing `needle` shows `text` (edits are coalesced)."""
    await desk.sandbox.wait_for(lambda: text in card_of(desk, needle).content, timeout=5)
    return card_of(desk, needle)


def first_line(card: Any) -> str:
    """The card's heading: id, status and lock."""
    return card.content.split("\n", 1)[0]


async def test_card_shows_claim_source_link_and_all_buttons(desk: Desk) -> None:
    cards = await queue_article(desk)
    card = card_of(desk, POWER)
    assert len(cards) == 3
    assert first_line(card).startswith("Claim #") and "open" in first_line(card)
    assert "channel Daily News (J. Phillips)" in card.content
    assert 'href="https://t.me/dailynews/4242"' in (card.html or "")
    assert card.button_labels == [
        "✅ True",
        "🟡 Misleading",
        "❌ False",
        "❓ Unproven",
        "🚫 Not a claim",
        "🙋 I'll check",
    ]
    assert all(len(b["callback_data"].encode()) <= 64 for row in card.buttons for b in row)
    assert "🗣 Regional governor Oleh Syniehubov" in card_of(desk, DRONES).content


async def test_votes_replace_and_withdraw_and_show_who_voted(desk: Desk) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    assert await answer(desk, await desk.press(desk.bob, card, "False")) == "Your vote: ❌ False"
    card = await card_shows(desk, POWER, "Bob ❌")
    assert "🔎 in review" in first_line(card)

    reply = await answer(desk, await desk.press(desk.bob, card, "Unproven"))
    assert reply == "Vote changed to ❓ Unproven"
    card = await card_shows(desk, POWER, "Bob ❓")
    assert "❌ 1" not in card.content and "❓ 1" in card.content

    assert await answer(desk, await desk.press(desk.bob, card, "Unproven")) == "Vote withdrawn"
    card = await card_shows(desk, POWER, "🆕 open")
    assert "Votes:" not in card.content


async def test_quorum_makes_a_verdict_that_later_votes_can_move(desk: Desk) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    await desk.press(desk.bob, card, "False")
    reply = await answer(desk, await desk.press(desk.carol, card, "False"))
    assert reply == "Your vote: ❌ False · claim now ❌ false"
    card = await card_shows(desk, POWER, "❌ false")
    # A settled card trades its votes for "🔒 Verdict"; an editor reopens it to vote again.
    await desk.press(desk.alice, card, "Reopen")
    card = await card_shows(desk, POWER, "🔎 in review")

    await desk.press(desk.bob, card, "True")  # False 1, True 1: disputed
    await desk.press(desk.alice, card, "True")  # now True 2, False 1: True leads at quorum
    card = await card_shows(desk, POWER, "✅ true")
    assert "✅ 2" in card.content and "❌ 1" in card.content


async def test_quorum_without_a_leader_is_disputed(desk: Desk) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    await desk.press(desk.bob, card, "True")
    await desk.press(desk.carol, card, "Misleading")
    card = await card_shows(desk, POWER, "⚖️ disputed")
    said = await ask(desk, desk.alice, "/status", "Queue of")
    assert "⚖️ disputed 1" in said.content


async def test_twenty_votes_within_a_second_edit_the_card_a_few_times(desk: Desk) -> None:
    sandbox = desk.sandbox
    await queue_article(desk)
    card = card_of(desk, POWER)
    voters = [sandbox.add_user(f"Voter{i}") for i in range(20)]
    for voter in voters:
        sandbox.add_member(desk.chat, voter)
    start = len(sandbox.calls())
    began = time.monotonic()
    for i, voter in enumerate(voters):
        sandbox.press(voter, card, "False" if i % 4 else "True")
    assert time.monotonic() - began < 1.0
    await sandbox.wait_for(lambda: "❌ 15" in card_of(desk, POWER).content, timeout=10)
    await desk.settle()
    edits = [
        call
        for call in sandbox.calls(start, method="editMessageText")
        if int(call.params.get("message_id", 0)) == card.message_id
    ]
    assert 1 <= len(edits) <= 4, f"{len(edits)} edits for 20 votes"
    assert "✅ 5" in card_of(desk, POWER).content
    assert "❌ false" in first_line(card_of(desk, POWER))


async def test_a_vote_on_an_idle_bot_shows_without_waiting_for_the_pause(
    sandbox: Sandbox, db_url: str
) -> None:
    # A pause of 5 s before an edit: a bot with nothing else to do edits at once instead.
    async with open_desk(sandbox, db_url, card_edit_delay_seconds=5.0) as desk:
        await queue_article(desk)
        card = card_of(desk, POWER)
        pressed = time.monotonic()
        desk.sandbox.press(desk.bob, card, "True")
        await sandbox.wait_for(lambda: "✅ 1" in card_of(desk, POWER).content, timeout=4.0)
        assert time.monotonic() - pressed < 4.0


async def test_only_cards_at_once_are_posted_and_the_rest_wait_in_queue(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, cards_at_once=2) as desk:
        cards = await queue_article(desk)
        assert len(cards) == 2
        summary = desk.last("Queued 3 claims")
        assert "Cards for the first 2 are below; the rest are in /queue." in summary.content
        assert "In 2023 the region lost power" in summary.content
        listing = await ask(desk, desk.bob, "/queue", "Open queue")
        assert "3 waiting" in listing.content and "In 2023 the region" in listing.content


async def test_reply_to_a_card_is_a_note_with_evidence_acknowledged_by_a_reaction(
    desk: Desk,
) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    messages_before = len(desk.sandbox.bot_messages(desk.chat))
    note = await desk.say(
        desk.carol, "Ukrenergo says 31,000: https://ukrenergo.example/outages", reply_to=card
    )
    await desk.sandbox.wait_for(lambda: note.reactions)  # fails with a timeout otherwise
    assert len(desk.sandbox.bot_messages(desk.chat)) == messages_before  # no card re-posted
    await card_shows(desk, POWER, "📝 1 note —")

    await desk.say(desk.bob, f"/note {claim_id(card)} The ministry repeated it on TV.")
    detail = await ask(desk, desk.bob, f"/claim {claim_id(card)}", "Notes")
    assert "Carol: Ukrenergo says 31,000" in detail.content
    assert "Bob: The ministry repeated it on TV." in detail.content
    assert "Evidence" in detail.content
    assert 'href="https://ukrenergo.example/outages"' in (detail.html or "")


async def test_ill_check_assigns_and_unassigns_and_mine_lists_it(desk: Desk) -> None:
    await queue_article(desk)
    card = card_of(desk, DRONES)
    number = claim_id(card)
    reply = await answer(desk, await desk.press(desk.bob, card, "I'll check"))
    assert reply == f"Claim #{number} is yours — see /mine"
    card = await card_shows(desk, DRONES, "🙋 Bob is checking")
    assert "in review" in first_line(card)
    said = await ask(desk, desk.bob, "/mine", "Your claims")
    assert f"#{number}" in said.content

    reply = await answer(desk, await desk.press(desk.bob, card, "I'll check"))
    assert reply == f"You gave back claim #{number}"
    card = await card_shows(desk, DRONES, "🆕 open")
    assert "is checking" not in card.content
    await ask(desk, desk.bob, "/mine", "You have not taken any claim")
