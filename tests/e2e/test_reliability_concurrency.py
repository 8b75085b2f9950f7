"""Many members voting at the same moment in one bot process: exact tallies, one verdict,
no "database is locked" reaching anyone (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter

import pytest
from sqlalchemy import select, text

from bot.app.factory import running_bot
from bot.app.pump import wait_until_drained
from bot.sandbox import Sandbox
from storage import claims as claim_q
from storage import queue as queue_q
from storage.db import Database
from storage.models import Article, Claim, StatusChange, Team
from tests.conftest import bot_settings
from tests.utils import load

VOTERS = 40
GENERIC_ERROR = "Something went wrong"


async def test_simultaneous_votes_give_exact_tallies_and_one_verdict(
    sandbox: Sandbox, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    chat = sandbox.add_chat("Fact desk")
    alice = sandbox.add_user("Alice")
    sandbox.add_member(chat, alice, "administrator")
    voters = [sandbox.add_user(f"Voter{i}") for i in range(VOTERS)]
    for voter in voters:
        sandbox.add_member(chat, voter)
    settings = bot_settings(sandbox, db_url, card_edit_delay_seconds=0.5)
    async with running_bot(settings) as application:
        db: Database = application.bot_data.services.db
        sandbox.send(
            chat, alice, load.article_text(1, random.Random(1)), forward_origin={"channel": "N"}
        )
        cards = await sandbox.wait_for(lambda: _cards(sandbox, chat, 3), timeout=20)
        # Everyone presses at once: all updates wait in the sandbox, the bot takes them in
        # one getUpdates batch and runs them concurrently (one lane per user).
        unanimous = {cards[0].message_id: "False", cards[1].message_id: "True"}
        queries = [
            sandbox.press(voter, card, unanimous.get(card.message_id, rng_label(i)))
            for i, voter in enumerate(voters)
            for card in cards
        ]
        # Received (confirmed to the sandbox means stored), then processed, then quiet.
        await sandbox.wait_for(lambda: not sandbox.state.deliverable(), timeout=30)
        await wait_until_drained(db, timeout=60)
        await sandbox.wait_idle(timeout=30)
        tallies = await load.stored_tallies(db)
        async with db.read() as session:
            steps = list((await session.execute(select(StatusChange))).scalars())
        problems = await load.history_consistent(db)

    claim_ids = [int(card.content.split("#", 1)[1].split()[0]) for card in cards]
    assert tallies[claim_ids[0]] == Counter(false=VOTERS)
    assert tallies[claim_ids[1]] == Counter(true=VOTERS)
    assert sum(tallies[claim_ids[2]].values()) == VOTERS
    verdicts = Counter(s.claim_id for s in steps if s.to_status in {"true", "false"})
    assert verdicts[claim_ids[0]] == 1 and verdicts[claim_ids[1]] == 1
    assert problems == []
    answers = [a for query in queries for a in sandbox.answers_for(query)]
    assert len(answers) == len(queries)
    assert not [a for a in answers if GENERIC_ERROR in a["text"]]
    assert "database is locked" not in caplog.text
    assert "OperationalError" not in caplog.text
    assert "Claim #" in sandbox.find_bot_message(chat, f"#{claim_ids[0]}").content
    assert f"❌ {VOTERS}" in sandbox.find_bot_message(chat, f"#{claim_ids[0]}").content


def rng_label(index: int) -> str:
    """A spread of ratings for the third claim, the same on every run."""
    return ["True", "False", "Misleading", "Unproven"][index % 4]


def _cards(sandbox: Sandbox, chat: object, count: int) -> list[object] | None:
    """The first `count` claim cards, once that many are posted."""
    cards = [m for m in sandbox.bot_messages(chat) if m.content.startswith("Claim #")]
    return cards[:count] if len(cards) >= count else None


@pytest.mark.postgres
async def test_opposite_status_moves_at_the_same_moment_do_not_deadlock(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: change_status once bumped the counts in (from, to) order and deadlocked.

    A third transaction holds the "in_review" count row. The move in_review → disputed queues
    on it; then disputed → in_review starts. Taken in (from, to) order, the second takes the
    "disputed" row and queues on "in_review" too; when the holder lets go, the first gets
    "in_review" and waits for "disputed": a deadlock. In one order for both (alphabetical),
    each waits while holding nothing the other needs.
    """
    if db.is_sqlite:
        pytest.skip("SQLite runs one writer at a time: no row locks to deadlock on")
    monkeypatch.setattr(queue_q, "COUNT_SLOTS", 1)  # both moves on the same two count rows
    team = Team(chat_id=-100777, title="Desk")
    async with db.write() as session:
        session.add(team)
        await session.flush()
        article = Article(team_id=team.id, text="t", text_hash="h")
        session.add(article)
        await session.flush()
        claims = [
            Claim(team_id=team.id, article_id=article.id, text="a", status="in_review"),
            Claim(team_id=team.id, article_id=article.id, text="b", status="disputed"),
        ]
        session.add_all(claims)
        await session.flush()
        for status in ("in_review", "disputed"):
            await queue_q.bump_count(session, team_id=team.id, status=status, delta=1)

    async def waiting_on_locks() -> int:
        async with db.read() as session:
            return int(
                (
                    await session.execute(
                        text(
                            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                            " AND datname = current_database()"
                        )
                    )
                ).scalar_one()
            )

    async def until_waiting(count: int) -> None:
        for _ in range(500):  # a condition polled, at most 10 s
            if await waiting_on_locks() >= count:
                return
            await asyncio.sleep(0.02)
        raise AssertionError(f"fewer than {count} transactions waiting on a lock")

    async def move(claim_id: int, to_status: str) -> None:
        async with db.write() as session:
            claim = await claim_q.get_claim(session, claim_id=claim_id, for_update=True)
            assert claim is not None
            await claim_q.change_status(session, claim=claim, to_status=to_status, user_id=1)

    async with db.write() as holder:
        await holder.execute(
            text("SELECT 1 FROM queuecount WHERE team_id = :t AND status = 'in_review' FOR UPDATE"),
            {"t": team.id},
        )
        first = asyncio.create_task(move(claims[0].id, "disputed"))
        await until_waiting(1)
        second = asyncio.create_task(move(claims[1].id, "in_review"))
        await until_waiting(2)
    await asyncio.wait_for(asyncio.gather(first, second), timeout=30)
    async with db.read() as session:
        counts = await queue_q.status_counts(session, team_id=team.id)
    assert counts == {"in_review": 1, "disputed": 1}
