"""Outgoing calls: Telegram's 429 is waited out by the rate limiter, and cards whose send failed
are posted again later, once each, even with two workers re-posting at the same moment."""

from __future__ import annotations

import asyncio
import random
import time

from sqlalchemy import update

from bot.app.factory import running_bot
from bot.sandbox import Sandbox
from handlers.retry import is_due, repost_unposted_cards
from storage.cards import posting_mark
from storage.db import Database
from storage.models import Claim, utcnow
from tests.conftest import bot_settings
from tests.utils import load


def set_up_chat(sandbox: Sandbox) -> tuple[object, object]:
    """A team group with one admin."""
    chat = sandbox.add_chat("Fact desk")
    alice = sandbox.add_user("Alice")
    sandbox.add_member(chat, alice, "administrator")
    return chat, alice


def cards_in(sandbox: Sandbox, chat: object) -> list[object]:
    """The claim cards the bot posted."""
    return [m for m in sandbox.bot_messages(chat) if m.content.startswith("Claim #")]


async def test_rate_limited_sends_wait_out_429_and_every_card_arrives(
    sandbox: Sandbox, db_url: str
) -> None:
    chat, alice = set_up_chat(sandbox)
    sandbox.set_rate_limit(10)
    # The group's minute is already full, with its oldest message 57.5 s ago: Telegram now
    # answers 429 "retry after 3" until that minute is over.
    sandbox.state.sent_times[chat.id] = [time.monotonic() - 57.5] * 10
    settings = bot_settings(sandbox, db_url, rate_limit=True)
    async with running_bot(settings) as application:
        sandbox.send(
            chat, alice, load.article_text(2, random.Random(2)), forward_origin={"channel": "N"}
        )
        db: Database = application.bot_data.services.db
        await load.wait_until(lambda: _states_are(db, {"posted"}), timeout=30, what="all posted")
        await sandbox.wait_idle(timeout=20)
        claims = sum((await load.card_states(db)).values())
    refused = [c for c in sandbox.calls(method="sendMessage") if c.error]
    assert refused and all(c.error["error_code"] == 429 for c in refused)
    assert len(cards_in(sandbox, chat)) == claims
    assert "Got it" not in " ".join(m.content for m in sandbox.bot_messages(chat))  # summary


async def test_cards_whose_send_failed_are_posted_again(sandbox: Sandbox, db_url: str) -> None:
    chat, alice = set_up_chat(sandbox)
    sandbox.set_rate_limit(1)  # "Got it" goes out; every card after it gets 429
    settings = bot_settings(sandbox, db_url, rate_limit=False)
    async with running_bot(settings) as application:
        db: Database = application.bot_data.services.db
        sandbox.send(
            chat, alice, load.article_text(3, random.Random(3)), forward_origin={"channel": "N"}
        )
        await load.wait_until(
            lambda: _states_are(db, {"unposted"}), timeout=30, what="claims queued"
        )
        claims = sum((await load.card_states(db)).values())
        await sandbox.wait_for(lambda: len(_refused(sandbox)) >= claims, timeout=20)
        await sandbox.wait_idle(timeout=20)
        assert cards_in(sandbox, chat) == []
        sandbox.set_rate_limit(None)
        posted = await repost_unposted_cards(
            application, worker="test", started_at=utcnow(), grace=0
        )
        assert posted == claims
        assert (
            await repost_unposted_cards(application, worker="test", started_at=utcnow(), grace=0)
            == 0
        )
        states = await load.card_states(db)
    assert states == {"posted": claims}
    assert len(cards_in(sandbox, chat)) == claims


async def test_two_workers_reposting_at_once_post_each_card_once(
    sandbox: Sandbox, db_url: str
) -> None:
    chat, alice = set_up_chat(sandbox)
    settings = bot_settings(sandbox, db_url, cards_at_once=2)
    async with running_bot(settings) as application:
        db: Database = application.bot_data.services.db
        sandbox.send(
            chat, alice, load.article_text(4, random.Random(4)), forward_origin={"channel": "N"}
        )
        await sandbox.wait_for(lambda: len(cards_in(sandbox, chat)) >= 2, timeout=30)
        await sandbox.wait_idle()
        # As if the process had died after extraction, before posting or deferring any card.
        async with db.write() as session:
            await session.execute(update(Claim).values(card_state="unposted"))
        for message in cards_in(sandbox, chat):
            message.deleted = True
        started = utcnow()
        results = await asyncio.gather(
            repost_unposted_cards(application, worker="a", started_at=started, grace=0),
            repost_unposted_cards(application, worker="b", started_at=started, grace=0),
        )
        states = await load.card_states(db)
    assert sum(results) == 2  # cards at once, not all of them, and each card once
    assert states["posted"] == 2 and set(states) == {"posted", "deferred"}
    assert len(cards_in(sandbox, chat)) == 2


def test_a_posting_mark_is_due_again_only_after_its_worker_died_or_its_lease_ran_out() -> None:
    now = utcnow()
    mark = posting_mark("a", now)
    assert is_due("unposted", worker="a", started_at=now, now=now)
    assert not is_due("posted", worker="a", started_at=now, now=now)
    assert not is_due("deferred", worker="a", started_at=now, now=now)
    assert not is_due(mark, worker="b", started_at=now, now=now)
    assert not is_due(mark, worker="a", started_at=now, now=now)
    later = now.replace(microsecond=0).timestamp() + 10
    restarted = now.fromtimestamp(later, tz=now.tzinfo)
    assert is_due(mark, worker="a", started_at=restarted, now=restarted)
    expired = now.fromtimestamp(later + 600, tz=now.tzinfo)
    assert is_due(mark, worker="b", started_at=now, now=expired)


async def _states_are(db: Database, wanted: set[str]) -> bool:
    """Whether every claim's card is in one of the wanted states (and there are claims)."""
    states = await load.card_states(db)
    return bool(states) and set(states) <= wanted


def _refused(sandbox: Sandbox) -> list[object]:
    """sendMessage calls the sandbox answered with an error."""
    return [call for call in sandbox.calls(method="sendMessage") if call.error]


async def test_in_a_group_whose_minute_is_spent_votes_are_answered_and_replies_go_first(
    sandbox: Sandbox, db_url: str
) -> None:
    """The card refreshes' share of the group's minute is spent: a vote is still checked
    (getChatMember) and answered at once, the card's refresh waits for the minute, and a reply
    to a command is not held behind it (refreshes leave replies room)."""
    from bot.app.ratelimit import Event
    from tests.conftest import open_desk, settle

    async with open_desk(sandbox, db_url, rate_limit=True, group_messages_per_minute=8) as desk:
        await desk.say(desk.alice, "/check Unemployment in Poland fell to 2.9% in October 2025.")
        await desk.published()
        card = desk.cards()[0]
        before = card.content
        limits = desk.app.bot.rate_limiter
        window = limits.group(desk.chat.id)
        # Card refreshes may use 6 of the 8; fill those 6 with messages sent just now.
        window.times.extend(Event(time.monotonic()) for _ in range(6 - len(window.times)))
        checks = len(sandbox.calls(method="getChatMember"))
        edits = len(sandbox.calls(method="editMessageText"))

        query = sandbox.press(desk.bob, card, "❌")
        await settle(sandbox, desk.app)
        answers = sandbox.answers_for(query)
        assert answers and "False" in (answers[0].get("text") or ""), answers
        assert len(sandbox.calls(method="getChatMember")) > checks  # the member was checked
        # The card's edit comes to the limiter and waits there for the minute.
        await sandbox.wait_for(lambda: window.waiting, timeout=20)
        assert len(sandbox.calls(method="editMessageText")) == edits
        assert sandbox.state.get_message(desk.chat.id, card.message_id).content == before

        await desk.say(desk.bob, "/status")
        assert "Queue of" in sandbox.bot_messages(desk.chat)[-1].content
        assert not [c for c in sandbox.calls() if c.error and c.error["error_code"] == 429]
