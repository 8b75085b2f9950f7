"""Two bot processes on one PostgreSQL database keep Telegram's overall limit together.

Each process's own window keeps it to MESSAGES_PER_SECOND; without turns booked in the database
two processes answering at once sent up to twice that in a second (the load run's start-up
burst, 2026-12-07: 60 messages in one second against Telegram's ~30).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

from bot.app.pump import wait_until_drained
from storage.db import Database
from tests.utils import load
from tests.utils.processes import Processes

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

GROUPS = 30
PER_SECOND = 10


async def test_two_processes_together_send_no_more_than_the_overall_limit(
    tmp_path: Path,
    shared_pg: str,
) -> None:
    db = Database(shared_pg)
    async with Processes(tmp_path) as procs:
        control = await procs.sandbox()
        groups = []
        for g in range(GROUPS):
            chat_id = (await control.add_chat(f"Desk {g}"))["id"]
            groups.append((chat_id, await control.add_user(f"Editor{g}", chat_id, "administrator")))
        # Both apply updates (a few at a time each, so the receiver leaves work to the other),
        # and both pace their messages: the operator's limits, the overall one lowered.
        limits = {"RATE_LIMIT": "true", "MESSAGES_PER_SECOND": str(PER_SECOND),
                  "UPDATES_AT_ONCE": "3"}  # fmt: skip
        receiver = procs.bot(control, shared_pg, name="worker-a", **limits)
        helper = procs.bot(control, shared_pg, name="worker-b", RECEIVE_UPDATES="false", **limits)
        await asyncio.gather(receiver.start_and_wait(), helper.start_and_wait())
        since = len(await control.calls())
        for chat_id, editor in groups:  # every group asks at the same moment
            await control.send(chat_id, editor, "/status")
        await wait_until_drained(db, timeout=90)
        await control.post("/idle", {"timeout": 60})
        sends = await control.calls("sendMessage", since=since)
        logs = receiver.log() + helper.log()
        receiver.terminate()
        helper.terminate()
    try:
        rows = await load.update_rows(db)
    finally:
        await db.dispose()
    answered = Counter(int(call["params"]["chat_id"]) for call in sends)
    assert set(answered) == {chat_id for chat_id, _ in groups}, "a group got no answer"
    share = Counter(r.worker for r in rows)
    assert set(share) == {"worker-a", "worker-b"}, share  # both processes were sending
    times = sorted(call["time"] for call in sends)
    busiest = max(sum(1 for t in times if start <= t < start + 1) for start in times)
    assert busiest <= PER_SECOND, f"{busiest} messages in one second; per worker: {dict(share)}"
    assert "Could not book a shared turn" not in logs
