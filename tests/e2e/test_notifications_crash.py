"""A real bot process is SIGKILLed between a verdict and its notifications: after the restart
each requester is told exactly once, and later restarts tell nobody again (issue 16 item 2).

The bot runs as `factcheck-bot run` against the standalone sandbox, both real processes
(tests/utils/processes.py), on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import Claim, Notification
from tests.e2e.test_loop import ARTICLE
from tests.utils import load
from tests.utils.processes import BotProcess, Processes, SandboxControl, settle_bot

pytestmark = pytest.mark.slow

CHANNEL = {"channel": "Daily News"}
TOLD = "on what you sent"
POWER = "38,000 households"


async def outbox(db: Database) -> Counter[str]:
    """Outbox rows per state."""
    async with db.read() as session:
        rows = await session.execute(
            select(Notification.state, func.count()).group_by(Notification.state)
        )
    return Counter({state: int(count) for state, count in rows.all()})


async def told(control: SandboxControl, chat_id: int) -> list[dict[str, Any]]:
    """The bot's verdict messages in a chat."""
    return [m for m in await control.bot_messages(chat_id) if TOLD in (m.get("text") or "")]


async def restart(bot: BotProcess, **env: str) -> None:
    """SIGKILL the bot (no clean-up at all) and start it again with `env` changed."""
    bot.kill()
    bot.env.update(env)
    await bot.start_and_wait()


async def test_sigkill_between_verdict_and_notification_tells_each_requester_once(
    tmp_path: Path, db_url: str
) -> None:
    db = Database(db_url)
    try:
        async with Processes(tmp_path) as procs:
            control = await procs.sandbox()
            chat = (await control.add_chat("Fact desk"))["id"]
            alice = await control.add_user("Alice", chat, status="administrator")
            bob = await control.add_user("Bob", chat)
            carol = (await control.post("/users", {"first_name": "Carol", "private_chat": True}))[
                "id"
            ]
            await control.post("/members", {"chat_id": chat, "user_id": carol})
            # Verdicts wait an hour before they are told: the kill lands in between for sure.
            bot = procs.bot(
                control,
                db_url,
                CARD_EDIT_DELAY_SECONDS="0.2",
                MIN_ARTICLE_CHARS="200",
                NOTIFY_DELAY_SECONDS="3600",
            )
            await bot.start_and_wait()

            first = await control.send(chat, alice, ARTICLE, forward_origin=CHANNEL)
            await settle_bot(control, db)
            await load.wait_until(
                lambda: _cards_out(db), timeout=60, interval=0.05, what="cards posted"
            )
            second = await control.send(chat, bob, ARTICLE, forward_origin=CHANNEL)
            third = await control.send(carol, carol, ARTICLE, forward_origin=CHANNEL)
            await settle_bot(control, db)

            claim = await _claim_with(db, POWER)
            await control.send(chat, alice, f"/verdict {claim} false The grid counts 12,000.")
            await settle_bot(control, db)
            assert await outbox(db) == {"pending": 3}  # queued with the verdict, not yet told
            assert await told(control, chat) == [] and await told(control, carol) == []

            await restart(bot, NOTIFY_DELAY_SECONDS="0")

            async def all_sent() -> Counter[str] | None:
                states = await outbox(db)
                return states if states["sent"] == 3 else None

            await load.wait_until(all_sent, timeout=60, interval=0.05, what="verdicts told")
            await settle_bot(control, db)
            group, private = await told(control, chat), await told(control, carol)
            assert sorted(m["reply_to_message"]["message_id"] for m in group) == sorted(
                [first["message_id"], second["message_id"]]
            )
            assert [m["reply_to_message"]["message_id"] for m in private] == [third["message_id"]]
            for message in group + private:
                assert "❌ false" in message["text"]
                assert "The grid counts 12,000." in message["text"]

            # Killed again (and again) after the notifications: nobody hears it twice.
            for _ in range(2):
                await restart(bot)
                await settle_bot(control, db)
            assert await outbox(db) == {"sent": 3}
            assert len(await told(control, chat)) == 2 and len(await told(control, carol)) == 1
            sends = await control.calls("sendMessage")
            verdicts = [c for c in sends if TOLD in str(c["params"].get("text", ""))]
            assert len(verdicts) == 3, verdicts
            assert "Traceback" not in bot.log()
            bot.terminate()
    finally:
        await db.dispose()


async def _cards_out(db: Database) -> bool:
    """Whether the article's claims are queued and every card is posted."""
    states = await load.card_states(db)
    return bool(states) and set(states) <= {"posted", "deferred"}


async def _claim_with(db: Database, text: str) -> int:
    """The id of the claim whose text contains `text`."""
    async with db.read() as session:
        found = await session.scalar(select(Claim.id).where(Claim.text.contains(text)))
    assert found is not None
    return int(found)
