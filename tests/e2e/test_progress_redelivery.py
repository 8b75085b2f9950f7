"""A fetch cut short by a crash: the update comes again and edits its own "Got it" message.

Before, every kill during a fetch left a "Got it — reading the article…" message that nobody
would ever edit (22 after 7 kills); the delivery after the restart sent a new one.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import web

from tests.utils.processes import Processes
from tests.utils.web import FIXTURE_PAGES, serve_pages

pytestmark = pytest.mark.slow


async def test_a_fetch_interrupted_by_a_crash_edits_its_first_progress_message(
    db_url: str, tmp_path: Path
) -> None:
    story = (FIXTURE_PAGES / "wire_story_en.html").read_bytes()
    first_hit = asyncio.Event()

    async def hangs_the_first_time(request: web.Request) -> web.StreamResponse:
        if not first_hit.is_set():
            first_hit.set()
            await asyncio.sleep(120)  # the bot is killed while it waits for this page
        return web.Response(body=story, content_type="text/html", charset="utf-8")

    async with (
        serve_pages({"/story": hangs_the_first_time}) as pages,
        Processes(tmp_path) as processes,
    ):
        sandbox = await processes.sandbox()
        chat = await sandbox.add_chat("Fact desk")
        alice = await sandbox.add_user("Alice", chat["id"], status="administrator")
        bot = processes.bot(sandbox, db_url, FETCH_ALLOWED_HOSTS=pages.netloc)
        await bot.start_and_wait()

        await sandbox.send(chat["id"], alice, f"Please check {pages.url('/story')}")
        await asyncio.wait_for(first_hit.wait(), timeout=30)
        bot.kill()  # in the middle of the fetch, after "Got it" was sent

        await bot.start_and_wait()
        deadline = asyncio.get_running_loop().time() + 60
        while True:
            messages = await sandbox.bot_messages(chat["id"])
            if any("Queued" in (m.get("text") or "") for m in messages):
                break
            assert asyncio.get_running_loop().time() < deadline, messages
            await asyncio.sleep(0.2)

    texts = [m.get("text") or "" for m in messages]
    assert not any(t.startswith("Got it") for t in texts), texts  # none left behind
    summaries = [t for t in texts if "Queued" in t]
    assert len(summaries) == 1, texts  # the first "Got it" message became the summary
