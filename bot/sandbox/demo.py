"""`factcheck-bot demo`: the real bot against the sandbox, playing a scenario, with a transcript."""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.sandbox.core import Sandbox
from bot.sandbox.scenario import ScenarioResult, play_scenario
from bot.sandbox.transcript import format_event

DEMO_SCENARIO = Path(__file__).parent / "demo_scenario" / "demo.json"


@dataclass
class PageServer:
    """Web pages a scenario links to, served on loopback."""

    base_url: str  # replaces "{pages}" in step texts, e.g. "http://127.0.0.1:41234"
    host_port: str  # what the bot's fetch allow-list needs, e.g. "127.0.0.1:41234"


@contextlib.asynccontextmanager
async def serve_pages(scenario: dict[str, Any], base_dir: Path) -> AsyncIterator[PageServer | None]:
    """Serve the scenario's "pages" (path -> file) until the block ends; None if it has none."""
    pages: dict[str, str] = scenario.get("pages") or {}
    if not pages:
        yield None
        return

    async def page(request: web.Request) -> web.Response:
        name = pages.get(request.path)
        if name is None:
            raise web.HTTPNotFound()
        body = (base_dir / name).read_bytes()
        kind = "text/html" if name.endswith((".html", ".htm")) else "text/plain"
        return web.Response(body=body, content_type=kind, charset="utf-8")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    try:
        yield PageServer(f"http://127.0.0.1:{port}", f"127.0.0.1:{port}")
    finally:
        await runner.cleanup()


def demo_settings(sandbox: Sandbox, workdir: Path, pages: PageServer | None) -> Any:
    """Settings for the demo bot: the sandbox, a throwaway SQLite file, the offline extractor."""
    from bot.config import Settings

    return Settings(
        telegram_bot_token=sandbox.token,
        telegram_base_url=sandbox.base_url,
        telegram_base_file_url=sandbox.base_file_url,
        database_url=f"sqlite+aiosqlite:///{workdir}/demo.db",
        extractor="offline",
        fetch_allowed_hosts=frozenset({pages.host_port} if pages else set()),
        poll_timeout=1,  # short long polls: the demo shuts down quickly
        rate_limit=False,  # the sandbox does not throttle unless asked
        card_edit_delay_seconds=0.2,
        _env_file=None,
    )


def write_transcript(path: Path, result: ScenarioResult) -> None:
    """Write the events as JSON lines."""
    with path.open("w", encoding="utf-8") as out:
        for event in result.events:
            out.write(json.dumps(event, ensure_ascii=False) + "\n")


def _print(event: dict[str, Any]) -> None:
    """Print one event as it happens (a blank line before each user action)."""
    if event.get("kind") == "user":
        print()
    print(format_event(event), flush=True)


async def run_demo(script: Path | None = None, transcript: Path | None = None) -> int:
    """Play a scenario (default: the built-in demo) against the real bot; 0 if all steps passed."""
    from bot.app import running_bot

    path = Path(script) if script else DEMO_SCENARIO
    scenario = json.loads(path.read_text(encoding="utf-8"))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    async with Sandbox() as sandbox, serve_pages(scenario, path.parent) as pages:
        with tempfile.TemporaryDirectory(prefix="factcheck-demo-") as workdir:
            settings = demo_settings(sandbox, Path(workdir), pages)
            async with running_bot(settings):
                result = await play_scenario(
                    sandbox,
                    scenario,
                    base_dir=path.parent,
                    on_event=_print,
                    pages_url=pages.base_url if pages else None,
                    quiet=0.5,
                )
    if transcript:
        write_transcript(Path(transcript), result)
    print()
    if result.ok:
        steps = len(scenario.get("steps", []))
        print(f"✔ Scenario {path.name}: all {steps} steps passed.")
        return 0
    print(f"✘ Scenario {path.name}: {result.failures[0]}", file=sys.stderr)
    return 1
