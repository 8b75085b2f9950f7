"""The member's word counts: /check always queues, "Queue it anyway", and sources done right."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.sandbox import Sandbox
from storage.db import Database
from storage.models import Article
from tests.conftest import Desk
from tests.e2e.test_desk import answer, ask, card_of
from tests.e2e.test_intake_links import link_desk

CHATTER = (
    "Good morning everyone! Have a lovely weekend and stay safe out there, friends. "
    "Coffee is on me next time we meet."
)
CHANNEL = {"channel": "Morning Post"}
BIO_PASTE = (
    "Regional officials said on Monday that 412 ships used the Black Sea grain corridor in "
    "April, carrying 4.1 million tonnes of grain, the highest monthly figure since it opened. "
    "The port authority said exports rose 18 percent compared with March. "
    "Insurers have cut war-risk premiums by a third, according to two brokers in London.\n\n"
    "Olena Marchenko is a business reporter covering trade and shipping. "
    "Follow her on X: https://twitter.com/olena_reports"
)


def member_cards(desk: Desk) -> list[object]:
    """The cards marked as asked by a member."""
    return [c for c in desk.cards() if "asked by a member" in c.content]


async def test_check_vaccines_cause_autism_queues_one_claim_asked_by_a_member(desk: Desk) -> None:
    summary = await ask(desk, desk.bob, "/check Vaccines cause autism.", "Queued 1 claim")
    assert "No checkable claims" not in summary.content
    await desk.sandbox.wait_for(lambda: desk.cards())
    [card] = desk.cards()
    assert "“Vaccines cause autism.”" in card.content
    assert "🙋 asked by a member" in card.content
    assert "❌ False" in card.button_labels  # a claim like any other: members vote on it


async def test_check_putin_is_dead_is_queued_not_too_short(desk: Desk) -> None:
    await ask(desk, desk.bob, "/check Putin is dead", "Queued 1 claim")
    await desk.sandbox.wait_for(lambda: member_cards(desk))
    assert "“Putin is dead”" in member_cards(desk)[0].content


async def test_reply_check_to_a_short_message_queues_it(desk: Desk) -> None:
    short = await desk.say(desk.carol, "Putin is dead")
    assert desk.sandbox.bot_messages(desk.chat) == []  # chatter: the bot stays silent
    await ask(desk, desk.alice, "/check", "Queued 1 claim", reply_to=short)
    await desk.sandbox.wait_for(lambda: member_cards(desk))
    assert "Putin is dead" in member_cards(desk)[0].content


async def test_check_of_one_word_is_still_too_short(desk: Desk) -> None:
    await ask(desk, desk.bob, "/check lol", "too short")
    assert desk.cards() == []


async def test_check_of_a_long_text_without_claims_queues_it_whole(desk: Desk) -> None:
    await ask(desk, desk.bob, f"/check {CHATTER}", "Queued 1 claim")
    await desk.sandbox.wait_for(lambda: member_cards(desk))
    card = member_cards(desk)[0]
    assert "Coffee is on me next time we meet." in card.content and "…" not in card.content


async def test_forward_without_claims_offers_queue_it_anyway_and_queues_once(desk: Desk) -> None:
    await ask(desk, desk.alice, CHATTER, "No checkable claims", forward_origin=CHANNEL)
    summary = desk.last("No checkable claims")
    assert summary.button_labels == ["➕ Queue it anyway"]
    data = summary.buttons[0][0]["callback_data"]
    assert len(data.encode()) <= 64
    assert desk.cards() == []
    pressed = await desk.press(desk.bob, summary, "Queue it anyway")
    assert (await answer(desk, pressed)).startswith("Queued as claim #")
    await desk.sandbox.wait_for(lambda: member_cards(desk))
    assert "Coffee is on me" in member_cards(desk)[0].content
    edited = desk.last("Queued as one claim")
    assert edited.message_id == summary.message_id and edited.buttons == []
    # A stale copy of the button (the message has none now): refused or "already", never again.
    again = desk.sandbox.press_data(desk.carol, summary, data)
    assert not (await answer(desk, again)).startswith("Queued")
    await desk.settle()
    assert len(desk.cards()) == 1


async def test_two_members_pressing_queue_it_anyway_at_once_queue_one_claim(desk: Desk) -> None:
    await ask(desk, desk.alice, CHATTER, "No checkable claims", forward_origin=CHANNEL)
    summary = desk.last("No checkable claims")
    data = summary.buttons[0][0]["callback_data"]
    presses = [desk.sandbox.press_data(user, summary, data) for user in (desk.bob, desk.carol)]
    answers = sorted([await answer(desk, query) for query in presses])
    assert answers[0].startswith("Already queued as claim #")
    assert answers[1].startswith("Queued as claim #")
    await desk.settle()
    assert len(desk.cards()) == 1


async def test_duplicate_of_a_text_without_claims_offers_queue_it_anyway_again(
    desk: Desk,
) -> None:
    await ask(desk, desk.alice, CHATTER, "No checkable claims", forward_origin=CHANNEL)
    reply = await ask(desk, desk.bob, CHATTER, "Already in the queue", forward_origin=CHANNEL)
    assert "Queue it anyway" in reply.content
    assert reply.button_labels == ["➕ Queue it anyway"]
    await desk.press(desk.bob, reply, "Queue it anyway")
    await desk.sandbox.wait_for(lambda: member_cards(desk))
    assert len(desk.cards()) == 1


async def test_a_duplicate_sent_in_private_offers_no_button_there(desk: Desk) -> None:
    await ask(desk, desk.alice, CHATTER, "No checkable claims", forward_origin=CHANNEL)
    private = desk.sandbox.private_chat(desk.bob)
    desk.sandbox.send(private, desk.bob, CHATTER, forward_origin=CHANNEL)
    await desk.sandbox.wait_for(lambda: desk.sandbox.find_bot_message(private, "Already in"))
    await desk.settle()
    reply = desk.sandbox.find_bot_message(private, "Already in the queue")
    assert reply.buttons == [] and "Queue it anyway" not in reply.content


async def test_check_of_a_text_read_before_without_claims_queues_it(desk: Desk) -> None:
    await ask(desk, desk.alice, CHATTER, "No checkable claims", forward_origin=CHANNEL)
    await ask(desk, desk.bob, f"/check {CHATTER}", "Queued as one claim")
    await desk.sandbox.wait_for(lambda: member_cards(desk))
    assert len(desk.cards()) == 1


async def test_forged_queue_anyway_from_another_chat_is_refused(desk: Desk) -> None:
    await ask(desk, desk.alice, CHATTER, "No checkable claims", forward_origin=CHANNEL)
    other = desk.sandbox.add_chat("Other desk")
    desk.sandbox.add_member(other, desk.carol)
    desk.sandbox.send(other, desk.carol, "/help")
    there = await desk.sandbox.wait_for(lambda: desk.sandbox.bot_messages(other))
    forged = desk.sandbox.press_data(desk.carol, there[-1], "qa:1")
    assert await answer(desk, forged) == "This button is no longer valid."
    malformed = desk.sandbox.press_data(desk.carol, there[-1], "qa:1:x")
    assert await answer(desk, malformed) == "This button is no longer valid."
    await desk.settle()
    assert desk.cards() == []


async def test_pasted_text_with_a_bio_link_is_not_sourced_to_the_bio(desk: Desk) -> None:
    await ask(desk, desk.alice, BIO_PASTE, "Queued")
    await desk.sandbox.wait_for(lambda: desk.cards())
    await desk.settle()
    card = card_of(desk, "412 ships")
    assert "twitter.com" not in (card.html or "")
    assert "📰 sent by Alice" in card.content


async def test_pasted_text_with_its_link_at_the_top_keeps_it_as_the_source(desk: Desk) -> None:
    link = "https://news.example.org/2026/grain-corridor-april"
    await ask(desk, desk.alice, f"{link}\n\n{BIO_PASTE}", "Queued")
    await desk.sandbox.wait_for(lambda: desk.cards())
    await desk.settle()
    assert f'href="{link}"' in (card_of(desk, "412 ships").html or "")


async def test_pasted_seed_article_takes_no_source_from_the_author_bio(
    desk: Desk, shared_dir: Path
) -> None:
    seed = (shared_dir / "article-seed-iran-crimea.txt").read_text()
    assert "https://twitter.com/jackphillips5" in seed
    await ask(desk, desk.alice, seed, "Queued")
    await desk.sandbox.wait_for(lambda: desk.cards())
    await desk.settle()
    assert desk.cards()
    for card in desk.cards():
        assert "twitter.com" not in (card.html or ""), card.content
    assert "twitter.com" not in (desk.last("Queued").html or "")


async def test_a_fetched_page_keeps_its_outlets_name(sandbox: Sandbox, db_url: str) -> None:
    async with link_desk(sandbox, db_url) as (desk, server):
        await ask(desk, desk.bob, server.url("/wire"), "Queued")
    db = Database(db_url)
    try:
        async with db.read() as session:
            rows = await session.execute(select(Article.site_name, Article.language))
            assert rows.all() == [("Meridian Wire", "en")]
    finally:
        await db.dispose()
