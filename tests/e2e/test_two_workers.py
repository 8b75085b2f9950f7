"""Two bot processes share one PostgreSQL database: one receives, both process, and 50 members
voting on the same claims at once leave exact tallies and one verdict per claim; the verdicts
go back to the member who sent the article from the receiving process alone."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app.pump import wait_until_drained
from storage.db import Database
from storage.models import Notification, StatusChange
from tests.utils import load
from tests.utils.processes import Processes, SandboxControl

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

MEMBERS = 50


async def test_two_workers_share_the_store_and_count_every_vote_once(
    tmp_path: Path, shared_pg: str
) -> None:
    db = Database(shared_pg)
    async with Processes(tmp_path) as procs:
        control = await procs.sandbox()
        chat_id = (await control.add_chat("Fact desk"))["id"]
        members = [await control.add_user(f"Member{i}", chat_id) for i in range(MEMBERS)]
        quick = {"CARD_EDIT_DELAY_SECONDS": "0.5", "NOTIFY_DELAY_SECONDS": "0"}
        # Two slots for the receiver: it claims what it stores while it has room, so with its
        # default 64 it can take the whole burst before the helper's next look at the store
        # (seen once under a loaded suite: 151 updates, all worker-a's). With two, the burst
        # outlasts many of the helper's looks (every 0.2 s) and the helper must take a share.
        receiver = procs.bot(control, shared_pg, name="worker-a", UPDATES_AT_ONCE="2", **quick)
        helper = procs.bot(control, shared_pg, name="worker-b", RECEIVE_UPDATES="false", **quick)
        await asyncio.gather(receiver.start_and_wait(), helper.start_and_wait())
        assert "processing the shared update store only" in helper.log()

        article = load.article_text(7, random.Random(7))
        await control.send(chat_id, members[0], article, forward_origin={"channel": "N"})
        cards = await load.wait_until(
            lambda: _three_cards(db), timeout=60, what="three cards posted"
        )
        claim_a, claim_b, claim_c = sorted(cards)[:3]
        ratings = ["true", "false", "misleading", "unproven"]
        plan = [
            load.PlannedVote(member, claim, cards[claim], rating)
            for i, member in enumerate(members)
            for claim, rating in (
                (claim_a, "false"),
                (claim_b, "true"),
                (claim_c, ratings[i % 4]),
            )
        ]
        random.Random(3).shuffle(plan)
        await asyncio.gather(
            *(
                control.press(chat_id, v.user_id, v.message_id, f"v:{v.claim_id}:{v.rating}")
                for v in plan
            )
        )
        await load.wait_until(_no_pending(control), timeout=60, what="every update received")
        await wait_until_drained(db, timeout=60)
        told = await load.wait_until(
            lambda: _all_told(db), timeout=60, what="the verdicts told to the requester"
        )
        await control.post("/idle", {"timeout": 30})
        logs = receiver.log() + helper.log()
        receiver.terminate()
        helper.terminate()

    try:
        assert await load.stored_tallies(db) == load.expected_tallies(plan)
        async with db.read() as session:
            steps = list((await session.execute(select(StatusChange))).scalars())
        verdicts = Counter(s.claim_id for s in steps if s.to_status in {"true", "false"})
        assert verdicts[claim_a] == 1 and verdicts[claim_b] == 1
        assert await load.history_consistent(db) == []
        rows = await load.update_rows(db)
        assert {r.state for r in rows} == {"done"}
        assert all(r.attempts == 1 for r in rows), "an update was handed out twice"
        # The requester hears of both verdicts, from the receiving process (a group's messages
        # pace through one process's flood windows), whichever process reached them.
        assert {n.claim_id for n in told} >= {claim_a, claim_b}
        assert {n.worker for n in told} == {"worker-a"}, [(n.claim_id, n.worker) for n in told]
        share = Counter(r.worker for r in rows)
        assert set(share) == {"worker-a", "worker-b"}, share
        assert "OperationalError" not in logs and "Something went wrong" not in logs
        print(f"{len(rows)} updates; handled per worker: {dict(share)}")
    finally:
        await db.dispose()


async def _three_cards(db: Database) -> dict[int, int] | None:
    """Claim id → card message id once three cards are posted."""
    cards = await load.posted_cards(db)
    return cards if len(cards) >= 3 else None


async def _all_told(db: Database) -> list[Notification] | None:
    """The outbox's sent rows, once it has some and none is still waiting or being sent (a
    verdict that changed again before it was told is skipped)."""
    async with db.read() as session:
        rows = list((await session.execute(select(Notification))).scalars())
    if not rows or any(n.state in {"pending", "sending"} for n in rows):
        return None
    return [n for n in rows if n.state == "sent"]


def _no_pending(control: SandboxControl) -> Callable[[], Awaitable[bool]]:
    """A check that the sandbox has no unconfirmed update."""

    async def check() -> bool:
        return await control.pending_updates() == 0

    return check
