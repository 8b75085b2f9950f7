"""Links through the sandbox: pages fetched from a loopback server, refusals told in the chat."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bot.sandbox import Sandbox
from tests.conftest import Desk
from tests.e2e.test_desk import ask, open_desk
from tests.e2e.test_intake import template
from tests.utils.web import (
    PageServer,
    fixture_page,
    oversize_page,
    page,
    redirect_to,
    serve_pages,
    slow_page,
)

ROUTES = {
    "/wire": fixture_page("wire_story_en.html"),
    "/kyiv": fixture_page("ukrainian_news.html"),
    "/big": oversize_page(60_000),
    "/slow": slow_page(3.0),
    "/report.pdf": page(b"%PDF-1.7 binary", content_type="application/pdf", charset=None),
    "/inside": redirect_to("http://10.1.2.3/admin"),
}


@contextlib.asynccontextmanager
async def link_desk(sandbox: Sandbox, db_url: str) -> AsyncIterator[tuple[Desk, PageServer]]:
    """A desk whose fetcher may reach the loopback page server (and nothing else private)."""
    async with serve_pages(ROUTES) as server:
        async with open_desk(
            sandbox,
            db_url,
            fetch_allowed_hosts=frozenset({server.netloc}),
            fetch_timeout_seconds=0.5,
            fetch_max_bytes=20_000,
        ) as desk:
            yield desk, server


async def wait_cards(desk: Desk, needle: str) -> list[Any]:
    """Wait until a card contains `needle`; return all cards."""
    await desk.sandbox.wait_for(lambda: any(needle in c.content for c in desk.cards()))
    return desk.cards()


async def test_plain_link_is_fetched_with_title_author_and_date(
    sandbox: Sandbox, db_url: str
) -> None:
    async with link_desk(sandbox, db_url) as (desk, server):
        summary = await ask(desk, desk.bob, f"check this {server.url('/wire')}", "Queued")
        assert "Grain exports through Black Sea corridor rose 18% in April" in summary.content
        assert "2024-05-14" in summary.content and "✍️ by" in summary.content
        assert f'href="{server.url("/wire")}"' in (summary.html or "")
        await wait_cards(desk, "18")


async def test_text_link_entity_is_fetched(sandbox: Sandbox, db_url: str, shared_dir: Path) -> None:
    async with link_desk(sandbox, db_url) as (desk, server):
        text = "Can someone check this article?"
        entity = {"type": "text_link", "offset": 22, "length": 7, "url": server.url("/kyiv")}
        summary = await ask(desk, desk.bob, text, "Queued", entities=[entity])
        assert "12 нових укриттів" in summary.content

        raw = template(shared_dir, "text-link-entity", desk)
        raw["message"]["entities"][0]["url"] = server.url("/wire")
        desk.sandbox.push_update(raw)
        await desk.sandbox.wait_for(lambda: desk.sandbox.find_bot_message(desk.chat, "Grain"))


async def test_substantial_text_with_a_link_keeps_both_without_fetching(
    sandbox: Sandbox, db_url: str
) -> None:
    async with link_desk(sandbox, db_url) as (desk, server):
        text = (
            "Port authority: grain exports through the Black Sea corridor rose 18% in April to "
            "4.1 million tonnes, the highest monthly figure since the corridor opened, officials "
            "said on Tuesday. Ukraine's deputy minister said 412 ships had used the route. "
            f"Full story: {server.url('/wire')}"
        )
        summary = await ask(desk, desk.alice, text, "Queued")
        assert f'href="{server.url("/wire")}"' in (summary.html or "")
        await wait_cards(desk, "412 ships")
        assert server.hits == []  # the message text is the article; the link is its source


async def test_same_link_with_tracking_parameters_is_a_duplicate(
    sandbox: Sandbox, db_url: str
) -> None:
    async with link_desk(sandbox, db_url) as (desk, server):
        await ask(desk, desk.bob, server.url("/wire"), "Queued")
        tracked = server.url("/wire?utm_source=telegram&fbclid=abc#comments")
        reply = await ask(desk, desk.carol, tracked, "Already in the queue")
        assert "nothing new queued" in reply.content and "open" in reply.content


async def test_refused_links_get_the_reason_in_the_chat(sandbox: Sandbox, db_url: str) -> None:
    async with link_desk(sandbox, db_url) as (desk, server):
        cases = {
            "http://192.168.1.10/story": "private network address",
            "http://127.0.0.1/story": "private network address",
            "http://127.0.0.1:9/story": "standard ports",
            server.url("/inside"): "private network address",
            server.url("/big"): "larger than 20 KB",
            server.url("/slow"): "took too long",
            server.url("/report.pdf"): "I can only read web pages",
            "ftp://example.org/file": None,  # not a web link: plain chatter, no answer
        }
        for url, reason in cases.items():
            if reason is None:
                await desk.say(desk.bob, url)
                continue
            reply = await ask(desk, desk.bob, url, "⚠️")
            assert reason in reply.content, (url, reply.content)
        assert desk.cards() == []
        assert not desk.sandbox.find_bot_message(desk.chat, "ftp://")
