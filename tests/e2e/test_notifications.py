"""The verdict goes back: each requester's message gets one digest reply, once, paced, also
across a restart; a user who blocked the bot is skipped; /notify off is respected; a
re-decided claim is told again as an update (issue 16 item 2)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from types import SimpleNamespace
from typing import Any, TypeVar, cast

import pytest
from sqlalchemy import func, select
from telegram.error import RetryAfter

from bot.app.factory import running_bot, worker_name
from bot.app.notifier import Notifier
from bot.desk.notifications import Outbox
from bot.sandbox import Sandbox
from storage import notifications as outbox_q
from storage.db import Database
from storage.models import Notification
from tests.conftest import Desk, bot_settings, open_desk
from tests.e2e.test_demand import NHS, NHS_REWORDED
from tests.e2e.test_desk import DRONES, POWER, ask, card_of, claim_id
from tests.e2e.test_intake_private import said
from tests.e2e.test_loop import ARTICLE

CHANNEL = {"channel": "Daily News"}
TOLD = "on what you sent"
T = TypeVar("T")


@pytest.fixture
async def desk_now(sandbox: Sandbox, db_url: str) -> AsyncIterator[Desk]:
    """The team's group, with verdicts told as soon as they are reached (no digest delay)."""
    async with open_desk(sandbox, db_url, notify_delay_seconds=0) as desk:
        yield desk


async def until(check: Callable[[], Awaitable[T | None]], timeout: float = 30.0) -> T:  # noqa: ASYNC109
    """Wait for an async condition (the database's side), failing after `timeout`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (result := await check()) is None:
        if loop.time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.05)
    return result


async def outbox_states(desk: Desk) -> dict[str, int]:
    """How many outbox rows are in each state."""
    async with desk.app.bot_data.services.db.read() as session:
        rows = await session.execute(
            select(Notification.state, func.count()).group_by(Notification.state)
        )
    return {state: int(count) for state, count in rows.all()}


async def drained(desk: Desk, *, expect: int) -> dict[str, int]:
    """Wait until `expect` rows were queued and none is waiting or being sent; their states."""

    async def done() -> dict[str, int] | None:
        states = await outbox_states(desk)
        busy = states.get("pending", 0) + states.get("sending", 0)
        return states if sum(states.values()) >= expect and not busy else None

    states = await until(done)
    await desk.settle()
    return states


def told(sandbox: Sandbox, chat: Any) -> list[Any]:
    """The bot's verdict messages in a chat."""
    return [m for m in sandbox.bot_messages(chat) if TOLD in m.content]


async def three_requests(desk: Desk) -> tuple[Any, Any, Any]:
    """Alice and Bob forward the article in the group, Carol in private: three requests."""
    first = await desk.say(desk.alice, ARTICLE, forward_origin=CHANNEL)
    await desk.published()
    second = await desk.say(desk.bob, ARTICLE, forward_origin=CHANNEL)
    private = desk.sandbox.private_chat(desk.carol)
    third = desk.sandbox.send(private, desk.carol, ARTICLE, forward_origin=CHANNEL)
    await desk.sandbox.wait_for(said(desk.sandbox, private, "Already in the queue"))
    await desk.settle()
    return first, second, third


async def consensus(desk: Desk, needle: str, button: str = "False") -> None:
    """Bob and Carol vote the same rating on a claim: with quorum 2, it is settled."""
    card = card_of(desk, needle)
    await desk.press(desk.bob, card, button)
    await desk.press(desk.carol, card_of(desk, needle), button)


async def test_each_requester_gets_one_reply_to_their_own_message(desk_now: Desk) -> None:
    desk = desk_now
    first, second, third = await three_requests(desk)
    await consensus(desk, POWER)
    states = await drained(desk, expect=3)
    assert states == {"sent": 3}
    group = told(desk.sandbox, desk.chat)
    assert sorted(m.reply_to.message_id for m in group) == sorted(
        [first.message_id, second.message_id]
    )
    private = told(desk.sandbox, desk.sandbox.private_chat(desk.carol))
    assert [m.reply_to.message_id for m in private] == [third.message_id]
    for message in group + private:
        assert "🏁 Verdict on what you sent" in message.content
        assert "❌ false" in message.content and POWER in message.content
        assert "Decided by consensus of 2" in message.content


async def test_verdicts_of_one_article_come_as_one_digest_once_after_a_restart(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, notify_delay_seconds=3600) as desk:
        await three_requests(desk)
        await consensus(desk, POWER)
        await consensus(desk, DRONES, "True")
        await desk.settle()
        assert await outbox_states(desk) == {"pending": 6}  # queued with the verdicts
        assert told(sandbox, desk.chat) == []
        chat, members = desk.chat, (desk.alice, desk.bob, desk.carol)
    # The bot stopped between the verdicts and their notifications; it starts again.
    settings = bot_settings(sandbox, db_url, notify_delay_seconds=0)
    async with running_bot(settings) as application:
        again = Desk(sandbox, chat, *members, settings, application)
        assert await drained(again, expect=6) == {"sent": 6}
        group = told(sandbox, chat)
        private = told(sandbox, sandbox.private_chat(again.carol))
        assert len(group) == 2 and len(private) == 1  # one digest per submission message
        for message in group + private:
            assert "🏁 Verdicts on what you sent" in message.content
            assert POWER in message.content and DRONES in message.content
    async with running_bot(settings) as application:  # and a second restart sends nothing
        again = Desk(sandbox, chat, *members, settings, application)
        await again.settle()
        assert await drained(again, expect=6) == {"sent": 6}
    assert len(told(sandbox, chat)) == 2


async def test_blocked_user_is_given_up_and_the_others_are_told(desk_now: Desk) -> None:
    desk = desk_now
    await three_requests(desk)
    desk.sandbox.block_bot(desk.carol)
    await consensus(desk, POWER)
    states = await drained(desk, expect=3)
    assert states == {"sent": 2, "failed": 1}
    assert len(told(desk.sandbox, desk.chat)) == 2
    async with desk.app.bot_data.services.db.read() as session:
        error = await session.scalar(
            select(Notification.error).where(Notification.state == "failed")
        )
    assert error is not None and "blocked" in error


async def test_notify_off_is_respected_and_on_brings_them_back(desk_now: Desk) -> None:
    desk = desk_now
    await three_requests(desk)
    private = desk.sandbox.private_chat(desk.carol)
    desk.sandbox.send(private, desk.carol, "/notify off")
    await desk.sandbox.wait_for(said(desk.sandbox, private, "No more verdict messages"))
    await consensus(desk, POWER)
    assert await drained(desk, expect=3) == {"sent": 2, "skipped": 1}
    assert told(desk.sandbox, private) == []
    desk.sandbox.send(private, desk.carol, "/notify on")
    await desk.sandbox.wait_for(said(desk.sandbox, private, "You will hear"))
    await consensus(desk, DRONES, "True")
    assert await drained(desk, expect=6) == {"sent": 5, "skipped": 1}
    assert len(told(desk.sandbox, private)) == 1


async def test_reopened_and_redecided_claim_is_told_again_as_updated(desk_now: Desk) -> None:
    desk = desk_now
    first = await desk.say(desk.alice, ARTICLE, forward_origin=CHANNEL)
    await desk.published()
    await consensus(desk, POWER)
    await drained(desk, expect=1)
    claim = card_of(desk, POWER).content.split("#", 1)[1].split()[0]
    await ask(desk, desk.alice, f"/verdict {claim} misleading The count is from March.", "")
    states = await drained(desk, expect=2)
    assert states == {"sent": 2}
    replies = told(desk.sandbox, desk.chat)
    assert [m.reply_to.message_id for m in replies] == [first.message_id] * 2
    assert "🔄 Updated verdict" in replies[-1].content
    assert "🟡 misleading" in replies[-1].content
    assert "Reason: The count is from March." in replies[-1].content
    assert "Decided by editor Alice" in replies[-1].content


async def test_a_429_puts_a_digest_back_and_fails_nothing_else(desk_now: Desk) -> None:
    desk = desk_now
    await three_requests(desk)
    desk.sandbox.set_rate_limit(1)  # one more message into the group this minute, then 429
    await consensus(desk, POWER)
    private = desk.sandbox.private_chat(desk.carol)
    await desk.sandbox.wait_for(lambda: told(desk.sandbox, private))

    async def put_back() -> list[Notification] | None:
        async with desk.app.bot_data.services.db.read() as session:
            rows = list(
                (
                    await session.execute(
                        select(Notification).where(Notification.chat_id == desk.chat.id)
                    )
                ).scalars()
            )
        retried = [r for r in rows if "retry in" in (r.error or "").lower()]
        return rows if retried else None

    rows = await until(put_back)
    assert sorted(r.state for r in rows) == ["pending", "sent"]  # waits; nothing given up
    waiting = next(r for r in rows if r.state == "pending")
    assert waiting.due_at > waiting.created_at  # until Telegram's retry_after
    assert len(told(desk.sandbox, desk.chat)) == 1
    desk.sandbox.set_rate_limit(None)


async def four_group_requests(desk: Desk) -> None:
    """The article forwarded four times in the group (Alice twice): four submission messages."""
    await desk.say(desk.alice, ARTICLE, forward_origin=CHANNEL)
    await desk.published()
    for member in (desk.bob, desk.carol, desk.alice):
        await desk.say(member, ARTICLE, forward_origin=CHANNEL)
    await desk.settle()


async def test_a_group_gets_no_more_verdicts_a_minute_than_its_pace(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(
        sandbox, db_url, notify_delay_seconds=0, notify_per_group_per_minute=2
    ) as desk:
        await four_group_requests(desk)
        await consensus(desk, POWER)

        async def two_sent() -> dict[str, int] | None:
            states = await outbox_states(desk)
            return states if states.get("sent") == 2 else None

        await until(two_sent)
        await desk.sandbox.wait_idle(quiet=1.5)  # the notifier looks again every 0.5 s
        assert await outbox_states(desk) == {"sent": 2, "pending": 2}  # the rest wait their minute
        assert len(told(desk.sandbox, desk.chat)) == 2


async def test_verdicts_are_paced_per_second(sandbox: Sandbox, db_url: str) -> None:
    async with open_desk(
        sandbox, db_url, notify_delay_seconds=0, notify_per_group_per_minute=0, notify_per_second=4
    ) as desk:
        await four_group_requests(desk)
        await consensus(desk, POWER)
        assert await drained(desk, expect=4) == {"sent": 4}
        times = [
            call.time
            for call in desk.sandbox.calls(method="sendMessage")
            if TOLD in str(call.params.get("text", ""))
        ]
        assert len(times) == 4
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        # 4 a second: a quarter of a second apart (less a little for the HTTP round trip).
        assert min(gaps) >= 0.2 and times[-1] - times[0] >= 0.7, gaps


async def test_reopened_then_decided_again_by_votes_is_told_as_updated(desk_now: Desk) -> None:
    desk = desk_now
    first = await desk.say(desk.alice, ARTICLE, forward_origin=CHANNEL)
    await desk.published()
    await consensus(desk, POWER)
    assert await drained(desk, expect=1) == {"sent": 1}
    claim = claim_id(card_of(desk, POWER))
    await ask(desk, desk.alice, f"/reopen {claim}", "")
    await desk.sandbox.wait_for(lambda: "✅ True" in card_of(desk, POWER).button_labels)
    await desk.settle()
    assert await outbox_states(desk) == {"sent": 1}  # reopening tells nobody
    await desk.press(desk.bob, card_of(desk, POWER), "True")  # Bob changes his mind
    await desk.press(desk.alice, card_of(desk, POWER), "True")
    assert await drained(desk, expect=2) == {"sent": 2}
    replies = told(desk.sandbox, desk.chat)
    assert [m.reply_to.message_id for m in replies] == [first.message_id] * 2
    assert "🏁 Verdict on what you sent" in replies[0].content
    assert "🔄 Updated verdict" in replies[1].content and "✅ true" in replies[1].content


async def test_a_verdict_reopened_before_it_was_told_is_not_told(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, notify_delay_seconds=3600) as desk:
        await desk.say(desk.alice, ARTICLE, forward_origin=CHANNEL)
        await desk.published()
        await consensus(desk, POWER)
        claim = claim_id(card_of(desk, POWER))
        await desk.settle()
        assert await outbox_states(desk) == {"pending": 1}
        await ask(desk, desk.alice, f"/reopen {claim}", "")
        await desk.settle()
        assert await outbox_states(desk) == {"skipped": 1}
        await ask(desk, desk.alice, f"/verdict {claim} misleading Figures from March.", "")
        await desk.settle()
        assert await outbox_states(desk) == {"skipped": 1, "pending": 1}
        async with desk.app.bot_data.services.db.read() as session:
            waiting = await session.scalar(
                select(Notification).where(Notification.state == "pending")
            )
        assert waiting is not None and not waiting.updated  # never told: no "updated" either
        assert told(sandbox, desk.chat) == []


async def test_someone_who_asks_after_the_verdict_is_told_it_and_nobody_else_again(
    desk_now: Desk,
) -> None:
    desk = desk_now
    first = await desk.say(desk.alice, ARTICLE, forward_origin=CHANNEL)
    await desk.published()
    await consensus(desk, POWER)
    assert await drained(desk, expect=1) == {"sent": 1}
    late = await desk.say(desk.bob, ARTICLE, forward_origin=CHANNEL)  # after the verdict
    assert await drained(desk, expect=2) == {"sent": 2}
    replies = told(desk.sandbox, desk.chat)
    assert [m.reply_to.message_id for m in replies] == [first.message_id, late.message_id]
    assert "🏁 Verdict on what you sent" in replies[1].content  # news to Bob, not an update
    assert POWER in replies[1].content and DRONES not in replies[1].content  # only the decided
    await consensus(desk, DRONES, "True")  # the article's other claim: both askers hear it
    assert await drained(desk, expect=4) == {"sent": 4}
    later = told(desk.sandbox, desk.chat)[2:]
    assert sorted(m.reply_to.message_id for m in later) == sorted(
        [first.message_id, late.message_id]
    )
    assert all(DRONES in m.content and POWER not in m.content for m in later)


async def test_a_rewording_is_told_once_through_its_own_claim(desk_now: Desk) -> None:
    desk = desk_now
    first = await desk.say(desk.alice, f"/check {NHS}")
    earlier = await desk.card("eight million")
    second = await desk.say(desk.bob, f"/check {NHS_REWORDED}")
    await desk.card("8 million people")
    await ask(desk, desk.alice, f"/verdict {claim_id(earlier)} false Eight million is wrong.", "")
    assert await drained(desk, expect=1) == {"sent": 1}  # Alice, not Bob: his claim waits
    assert [m.reply_to.message_id for m in told(desk.sandbox, desk.chat)] == [first.message_id]
    reworded = await desk.sandbox.wait_for(
        lambda: next(
            (
                c
                for c in desk.cards()
                if "8 million people" in c.content and "Accept" in str(c.button_labels)
            ),
            None,
        )
    )
    await desk.press(desk.alice, reworded, "Accept")
    assert await drained(desk, expect=2) == {"sent": 2}
    replies = told(desk.sandbox, desk.chat)
    assert [m.reply_to.message_id for m in replies] == [first.message_id, second.message_id]


class FlakyBot:
    """A Bot API stand-in for one notifier: 429 (retry after 1 s) first, then it delivers."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int | None]] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        reply = kwargs.get("reply_parameters")
        self.calls.append((chat_id, reply.message_id if reply else None))
        if len(self.calls) == 1:
            raise RetryAfter(1)
        return SimpleNamespace(message_id=1000 + len(self.calls))


async def test_a_429_is_retried_after_retry_after_and_then_delivered(
    sandbox: Sandbox, db_url: str
) -> None:
    # The bot's own notifier holds verdicts for an hour; a second one, on a flaky Bot API and
    # without a delay, works the same outbox.
    async with open_desk(sandbox, db_url, notify_delay_seconds=3600) as desk:
        first = await desk.say(desk.alice, ARTICLE, forward_origin=CHANNEL)
        await desk.published()
        await consensus(desk, POWER)
        await desk.settle()
        assert await outbox_states(desk) == {"pending": 1}
        flaky = FlakyBot()
        notifier = Notifier(
            cast(Any, SimpleNamespace(bot=flaky)),
            Outbox(desk.app.bot_data.services.db, worker="flaky", delay=0),
            languages=desk.app.bot_data.services.languages,
            per_group_per_minute=8,
            per_second=20,
        )
        assert await notifier.run_once() == 0  # 429: put back, not given up
        assert await outbox_states(desk) == {"pending": 1}

        async def delivered() -> int | None:
            return await notifier.run_once() or None  # due again once retry_after passed

        assert await until(delivered, timeout=10) == 1
        assert await outbox_states(desk) == {"sent": 1}
        assert flaky.calls == [(desk.chat.id, first.message_id)] * 2


async def test_a_digest_of_several_verdicts_uses_one_message_of_the_groups_minute(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, notify_delay_seconds=3600) as desk:
        await desk.say(desk.alice, ARTICLE, forward_origin=CHANNEL)
        await desk.published()
        await desk.say(desk.bob, ARTICLE, forward_origin=CHANNEL)
        await consensus(desk, POWER)
        await consensus(desk, DRONES, "True")
        await desk.settle()
        assert await outbox_states(desk) == {"pending": 4}
        chat, members = desk.chat, (desk.alice, desk.bob, desk.carol)
    # Two messages a minute into the group: the two digests (two verdicts each) both fit.
    settings = bot_settings(sandbox, db_url, notify_delay_seconds=0, notify_per_group_per_minute=2)
    async with running_bot(settings) as application:
        again = Desk(sandbox, chat, *members, settings, application)
        assert await drained(again, expect=4) == {"sent": 4}
        assert len(told(sandbox, chat)) == 2


async def test_a_verdict_caught_mid_send_by_a_crash_is_not_sent_again(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, notify_delay_seconds=3600) as desk:
        await three_requests(desk)
        await consensus(desk, POWER)
        await desk.settle()
        assert await outbox_states(desk) == {"pending": 3}
        chat, members, settings = desk.chat, (desk.alice, desk.bob, desk.carol), desk.settings
    # The process died after taking Carol's verdict and calling Telegram, before it recorded
    # the answer: the row is left `sending` under this worker's name.
    db = Database(db_url)
    try:
        async with db.write() as session:
            rows = await session.execute(
                select(Notification.id).where(Notification.chat_id == desk.carol.id)
            )
            ids = list(rows.scalars())
            taken = await outbox_q.take(session, ids=ids, worker=worker_name(settings))
        assert len(taken) == 1
    finally:
        await db.dispose()
    restarted = bot_settings(sandbox, db_url, notify_delay_seconds=0)
    async with running_bot(restarted) as application:
        again = Desk(sandbox, chat, *members, restarted, application)
        assert await drained(again, expect=3) == {"sent": 2, "unknown": 1}
        assert told(sandbox, sandbox.private_chat(again.carol)) == []  # maybe sent: never twice
        assert len(told(sandbox, chat)) == 2
