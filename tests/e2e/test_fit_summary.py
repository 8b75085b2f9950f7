"""A link 4,000 characters long, full of "&": the summary still arrives (shortened at text,
never inside its <a href>), and its title is shown."""

from __future__ import annotations

from bot.sandbox import Sandbox
from tests.e2e.test_desk import ask, open_desk
from tests.utils.web import fixture_page, serve_pages


async def test_a_4000_character_link_full_of_ampersands_still_gets_its_summary(
    sandbox: Sandbox, db_url: str
) -> None:
    async with serve_pages({"/wire": fixture_page("wire_story_en.html")}) as server:
        url = server.url("/wire?k0=v")
        while len(url) < 4000:
            url += f"&k{url.count('&') + 1}=v"
        assert 4000 <= len(url) < 4096
        async with open_desk(
            sandbox, db_url, fetch_allowed_hosts=frozenset({server.netloc})
        ) as desk:
            summary = await ask(desk, desk.bob, url, "Queued")
    assert "Grain exports through Black Sea corridor rose 18% in April" in summary.content
    assert len(summary.content) <= 4096
    failed = [c for c in sandbox.calls() if c.error and "parse entities" in str(c.error)]
    assert not failed, failed[:1]
