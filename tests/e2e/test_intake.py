"""Intake through the sandbox: forwards, captions, documents, /check, pasted text, chat changes."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

from bot.sandbox import Sandbox
from tests.conftest import Desk
from tests.e2e.test_desk import ARTICLE, POWER, ask, card_of, open_desk, queue_article

SHORT_CLAIM = (
    "Over 3,000 dead starlings were found in Riverside in one weekend after 5G towers went live."
)
RAIL = (
    "The 212-kilometre Northern Rail Link was built in four years "
    "and came in 6 percent under budget."
)
WIRE_PAGE = (Path(__file__).parents[1] / "fixtures" / "pages" / "wire_story_en.html").read_text()


def template(shared_dir: Path, name: str, desk: Desk) -> dict[str, Any]:
    """A recorded Telegram update, re-addressed to the sandbox's group and members."""
    text = (shared_dir / "updates" / f"{name}.json").read_text()
    for old, new in (
        ("-1001987654321", desk.chat.id),
        ("111111", desk.alice.id),
        ("222222", desk.bob.id),
    ):
        text = text.replace(old, str(new))
    raw = json.loads(text)
    del raw["update_id"]
    return raw


async def settled(desk: Desk, expect: str) -> Any:
    """Wait for a bot message containing `expect` and for the bot to go quiet; return it."""
    found = await desk.sandbox.wait_for(lambda: desk.sandbox.find_bot_message(desk.chat, expect))
    await desk.settle()
    return desk.sandbox.find_bot_message(desk.chat, expect) or found


async def test_forward_from_channel_answers_at_once_then_shows_its_source(desk: Desk) -> None:
    start = len(desk.sandbox.calls())
    await queue_article(desk)
    first = desk.sandbox.calls(start, method="sendMessage")[0]
    assert first.params["text"] == "Got it — reading the article…"
    summary = desk.last("Queued 3 claims")
    assert summary.message_id == first.result["message_id"]  # the same message, edited
    assert "Source: channel Daily News (J. Phillips)" in summary.content
    assert 'href="https://t.me/dailynews/4242"' in (summary.html or "")


@pytest.mark.parametrize(
    ("origin", "shown"),
    [
        (
            {
                "type": "chat",
                "sender_chat": {"id": -1005555, "title": "Regional Updates", "type": "supergroup"},
                "author_signature": "admin",
                "date": 1666280000,
            },
            "forwarded from Regional Updates (admin)",
        ),
        ({"user": "Ivan"}, "forwarded from Ivan"),
        ({"hidden_user": "Oleh P."}, "forwarded from Oleh P."),
    ],
)
async def test_short_forward_of_any_origin_is_queued_with_its_source(
    desk: Desk, origin: dict[str, Any], shown: str
) -> None:
    cards = await queue_article(desk, SHORT_CLAIM, forward_origin=origin)
    assert len(cards) == 1 and "3,000 dead starlings" in cards[0].content
    assert f"Source: {shown}" in desk.last("Queued 1 claim.").content


async def test_photo_caption_forward_is_queued(desk: Desk) -> None:
    before = len(desk.cards())
    desk.sandbox.send(
        desk.chat, desk.bob, caption=SHORT_CLAIM, photo=True, forward_origin={"channel": "Pics"}
    )
    await desk.sandbox.wait_for(lambda: len(desk.cards()) > before)
    assert "channel Pics" in desk.last("Queued").content


async def test_video_caption_forward_from_a_raw_update_is_queued(desk: Desk) -> None:
    desk.sandbox.push_update(
        {
            "message": {
                "message_id": 9001,
                "from": {"id": desk.alice.id, "is_bot": False, "first_name": "Alice"},
                "chat": {"id": desk.chat.id, "type": "supergroup", "title": desk.chat.title},
                "date": int(time.time()),
                "forward_origin": {"type": "hidden_user", "sender_user_name": "Vid", "date": 1},
                "video": {
                    "file_id": "BAACAgIAAxkBvideo",
                    "file_unique_id": "AgADvid",
                    "width": 640,
                    "height": 360,
                    "duration": 12,
                },
                "caption": RAIL,
            }
        }
    )
    await desk.sandbox.wait_for(lambda: any("Northern Rail" in c.content for c in desk.cards()))
    assert "forwarded from Vid" in desk.last("Queued").content


async def test_forwarded_pdf_with_a_caption_queues_the_caption(desk: Desk) -> None:
    desk.sandbox.send(
        desk.chat,
        desk.alice,
        caption=RAIL,
        document=("report.pdf", b"%PDF-1.7 ...", "application/pdf"),
        forward_origin={"channel": "Rail Watch"},
    )
    await desk.sandbox.wait_for(lambda: any("Northern Rail" in c.content for c in desk.cards()))


async def test_documents_txt_md_html_are_read_and_others_not_supported(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, max_document_bytes=8_000) as desk:
        await ask(
            desk, desk.bob, None, "Queued 3", document=("power.txt", ARTICLE.encode(), "text/plain")
        )
        await ask(
            desk,
            desk.bob,
            None,
            "Queued 1",
            document=("rail.md", f"# Rail\n\n{RAIL}".encode(), "text/markdown"),
        )
        # Wait for the summary itself: the first card carries the headline's words too.
        summary = await ask(
            desk,
            desk.bob,
            None,
            "Queued",
            document=("wire.html", WIRE_PAGE.encode(), "text/html"),
        )
        assert "Grain exports" in summary.content
        await ask(
            desk,
            desk.bob,
            None,
            "can't read slides.pptx yet",
            document=("slides.pptx", b"PK\x03\x04 slides", "application/vnd.ms-powerpoint"),
        )
        big = ("big.txt", b"word " * 2_000, "text/plain")
        await ask(desk, desk.bob, None, "over the 8 kB limit", document=big)
        binary = ("photo.txt", bytes(range(256)) * 4, "text/plain")
        await ask(desk, desk.bob, None, "photo.txt is not a text file", document=binary)


async def test_long_pasted_text_is_queued_and_short_chatter_is_ignored(desk: Desk) -> None:
    await desk.say(desk.carol, "lol did anyone see the match yesterday?")
    assert desk.sandbox.bot_messages(desk.chat) == []
    cards = await queue_article(desk, ARTICLE, forward_origin=None)
    assert len(cards) == 3
    assert "Source: sent by Alice" in desk.last("Queued").content


async def test_check_with_text_with_reply_and_addressed_to_the_bot(desk: Desk) -> None:
    await ask(desk, desk.bob, f"/check {RAIL}", "Queued 1")
    chatter = await desk.say(desk.carol, SHORT_CLAIM)  # short: the bot stays silent
    assert not desk.sandbox.find_bot_message(desk.chat, "starlings")
    await ask(desk, desk.alice, "/check@factdesk_bot", "Queued 1", reply_to=chatter)
    await desk.sandbox.wait_for(lambda: any("starlings" in c.content for c in desk.cards()))
    await ask(desk, desk.alice, "/check", "Send /check with a text or a link")
    await ask(desk, desk.alice, "/check hi", "too short")  # one word; two are queued


async def test_check_reply_works_without_seeing_the_original(desk: Desk, shared_dir: Path) -> None:
    # Privacy mode: the replied-to message never reached the bot; the command carries it.
    desk.sandbox.push_update(template(shared_dir, "check-command-reply", desk))
    await desk.sandbox.wait_for(lambda: any("Northern Rail" in c.content for c in desk.cards()))


async def test_recorded_forwards_are_queued_with_their_origin(desk: Desk, shared_dir: Path) -> None:
    desk.sandbox.push_update(template(shared_dir, "forward-from-channel", desk))
    summary = await settled(desk, "World News Digest")
    assert 'href="https://t.me/worldnewsdigest/48211"' in (summary.html or "")
    assert "(J. Phillips)" in summary.content
    desk.sandbox.push_update(template(shared_dir, "forward-from-hidden-user", desk))
    await settled(desk, "forwarded from Oleh P.")
    desk.sandbox.push_update(template(shared_dir, "forward-photo-caption", desk))
    await settled(desk, "forwarded from Regional Updates (admin)")
    texts = lambda: " ".join(c.content for c in desk.cards())  # noqa: E731
    await desk.sandbox.wait_for(lambda: "тролейбусів" in texts() and "starlings" in texts())


async def test_edited_message_does_not_make_a_second_article(desk: Desk, shared_dir: Path) -> None:
    message = await desk.say(desk.alice, ARTICLE)
    await desk.sandbox.wait_for(lambda: len(desk.cards()) == 3)
    await desk.settle()
    count = len(desk.sandbox.bot_messages(desk.chat))
    desk.sandbox.edit(desk.chat, desk.alice, message, ARTICLE + "\n\nUpdated: 12 more towns hit.")
    desk.sandbox.push_update(template(shared_dir, "edited-message", desk))
    await desk.settle()
    assert len(desk.sandbox.bot_messages(desk.chat)) == count


async def test_duplicate_text_is_answered_with_the_existing_article(desk: Desk) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    await desk.press(desk.bob, card, "False")
    await desk.press(desk.carol, card, "False")
    again = ARTICLE.upper().replace("\n\n", "\n  ")  # same words, other case and spacing
    reply = await ask(desk, desk.bob, again, "Already in the queue", forward_origin={"user": "X"})
    assert "article #1 — nothing new queued" in reply.content
    assert "Claims: 2 open · 1 false" in reply.content
    assert len(desk.cards()) == 3


async def test_group_upgraded_to_supergroup_keeps_its_queue(
    sandbox: Sandbox, db_url: str, shared_dir: Path
) -> None:
    async with open_desk(sandbox, db_url, title="Checkers", chat_type="group") as desk:
        await queue_article(desk)
        new_chat = sandbox.migrate(desk.chat)
        await desk.settle()
        sandbox.send(new_chat, desk.bob, "/queue")
        listing = await sandbox.wait_for(lambda: sandbox.find_bot_message(new_chat, "Open queue"))
        assert "3 waiting" in listing.content and POWER in listing.content


async def test_recorded_migration_notice_moves_the_team(desk: Desk, shared_dir: Path) -> None:
    await queue_article(desk)
    raw = template(shared_dir, "group-migrated", desk)
    raw["message"]["chat"]["id"] = desk.chat.id
    new_chat = desk.sandbox.add_chat("Checkers 2")
    raw["message"]["migrate_to_chat_id"] = new_chat.id
    desk.sandbox.push_update(raw)
    await desk.settle()
    desk.sandbox.send(new_chat, desk.bob, "/status")
    status = await desk.sandbox.wait_for(
        lambda: desk.sandbox.find_bot_message(new_chat, "Queue of")
    )
    assert "3 claims" in status.content


async def test_removed_bot_keeps_the_data_and_finds_it_when_added_back(desk: Desk) -> None:
    await queue_article(desk)
    sandbox = desk.sandbox
    sandbox.remove_bot(desk.chat)
    await desk.settle()
    private = sandbox.private_chat(desk.bob)
    sandbox.send(private, desk.bob, SHORT_CLAIM, forward_origin={"user": "Ivan"})
    await sandbox.wait_for(lambda: sandbox.find_bot_message(private, "can't find a team"))
    sandbox.add_member(desk.chat, sandbox.bot_user, "member", notify=True, by=desk.alice)
    await settled(desk, "Hello, fact desk")
    status = await ask(desk, desk.bob, "/status", "Queue of")
    assert "3 claims" in status.content


async def test_forum_topic_gets_replies_and_cards_in_the_same_topic(
    sandbox: Sandbox, db_url: str, shared_dir: Path
) -> None:
    async with open_desk(sandbox, db_url, is_forum=True) as desk:
        cards = await queue_article(desk, thread_id=5001)
        assert cards and all(card.thread_id == 5001 for card in cards)
        assert desk.last("Queued").thread_id == 5001
        status = await ask(desk, desk.bob, "/status", "Queue of", thread_id=5001)
        assert status.thread_id == 5001
        raw = template(shared_dir, "status-in-forum-topic", desk)
        raw["message"]["chat"]["id"] = desk.chat.id
        sandbox.push_update(raw)
        await desk.settle()
        replies = [m for m in sandbox.bot_messages(desk.chat) if "Queue of" in m.content]
        assert len(replies) == 2 and replies[-1].thread_id == 5001
