"""`factcheck-bot demo`: the real bot against the sandbox, playing a scenario, with a transcript."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
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
# Where the demo leaves its database for the newcomer to explore (relative to where it runs);
# each demo replaces the previous one's.
DEMO_DATABASE = Path("demo.db")
# The sandbox numbers its groups from these (bot/sandbox/world.py): a database whose teams all
# live there was made by a demo, and may be replaced.
SANDBOX_CHAT_IDS = ((-1001987659999, -1001987650000), (-4012349999, -4012340000))


class DemoError(Exception):
    """The demo cannot run as asked (for instance, --keep-db names someone's real database)."""


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
    from bot.app.config import Settings

    return Settings(
        telegram_bot_token=sandbox.token,
        telegram_base_url=sandbox.base_url,
        telegram_base_file_url=sandbox.base_file_url,
        database_url=f"sqlite+aiosqlite:///{workdir}/demo.db",
        extractor="offline",
        fetch_allowed_hosts=frozenset({pages.host_port} if pages else set()),
        poll_timeout=1,  # short long polls: the demo shuts down quickly
        rate_limit=False,  # the sandbox does not throttle unless asked
        # Every claim gets a card, so the scenario's steps find theirs however the extractor
        # ranks them.
        cards_at_once=10,
        card_edit_delay_seconds=0.2,
        _env_file=None,
    )


def write_transcript(path: Path, result: ScenarioResult) -> None:
    """Write the events as JSON lines."""
    with path.open("w", encoding="utf-8") as out:
        for event in result.events:
            out.write(json.dumps(event, ensure_ascii=False) + "\n")


def _print(event: dict[str, Any]) -> None:
    """Print one event as it happens (a blank line before each user action or skip)."""
    if event.get("kind") in ("user", "skip"):
        print()
    print(format_event(event), flush=True)


def is_demo_database(path: Path) -> bool:
    """Whether a SQLite file holds only the sandbox's groups (a demo's, safe to replace)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            chat_ids = [row[0] for row in db.execute("SELECT chat_id FROM team")]
    except sqlite3.Error:
        return False
    return all(any(low <= i <= high for low, high in SANDBOX_CHAT_IDS) for i in chat_ids)


def check_keep_db(path: Path) -> None:
    """Refuse to replace a database the demo did not make (DemoError)."""
    if path.exists() and not is_demo_database(path):
        raise DemoError(
            f"{path} exists and is not a demo's database; "
            "pass --keep-db with another path, or remove that file"
        )


def keep_database(source: Path, target: Path) -> None:
    """Copy the demo's database to `target` (replacing an earlier demo's) in one piece."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    # The backup API copies a consistent database, WAL included, unlike copying the file.
    with contextlib.closing(sqlite3.connect(source)) as src:
        with contextlib.closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            # A plain rollback journal: the kept file is then the whole database, alone.
            dst.execute("PRAGMA journal_mode=DELETE")
    # A write-ahead log left by the database this replaces must never be replayed onto it.
    for stale in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    os.replace(partial, target)


def next_steps(database: Path, chat_id: int | None) -> str:
    """What to try after the demo: the export CLI on the database the demo kept."""
    shown = database if not database.is_absolute() else _relative(database)
    command = Path(sys.executable).parent / "factcheck-bot"
    program = _relative(command) if command.exists() else Path("factcheck-bot")
    chat = chat_id if chat_id is not None else "<chat id>"
    return (
        f"The demo's database is kept in {shown} (the next demo replaces it). "
        "Export what you just saw:\n"
        f"  DATABASE_URL=sqlite+aiosqlite:///{shown} {program} export --chat {chat} --format csv"
    )


def _relative(path: Path) -> Path:
    """The path relative to the working directory when it is inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


async def run_demo(
    script: Path | None = None,
    transcript: Path | None = None,
    keep_db: Path | None = DEMO_DATABASE,
) -> int:
    """Play a scenario (default: the built-in demo) against the real bot; 0 if all steps passed.

    The database is kept at `keep_db` afterwards (None: thrown away).
    """
    from bot.app.factory import running_bot
    from bot.app.pump import has_work

    path = Path(script) if script else DEMO_SCENARIO
    scenario = json.loads(path.read_text(encoding="utf-8"))
    if keep_db is not None:
        check_keep_db(Path(keep_db))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    async with Sandbox() as sandbox, serve_pages(scenario, path.parent) as pages:
        with tempfile.TemporaryDirectory(prefix="factcheck-demo-") as workdir:
            settings = demo_settings(sandbox, Path(workdir), pages)
            async with running_bot(settings) as application:
                db = application.bot_data.require_services().db
                result = await play_scenario(
                    sandbox,
                    scenario,
                    base_dir=path.parent,
                    on_event=_print,
                    pages_url=pages.base_url if pages else None,
                    quiet=0.5,
                    busy=lambda: has_work(db),
                )
            if keep_db is not None:
                keep_database(Path(workdir) / "demo.db", Path(keep_db))
    if transcript:
        write_transcript(Path(transcript), result)
    print()
    if not result.ok:
        print(f"✘ Scenario {path.name}: {result.failures[0]}", file=sys.stderr)
        return 1
    steps = len(scenario.get("steps", []))
    if result.skipped:
        played = steps - len(result.skipped)
        print(f"✔ Scenario {path.name}: {played} steps passed, {len(result.skipped)} skipped.")
    else:
        print(f"✔ Scenario {path.name}: all {steps} steps passed.")
    if keep_db is not None:
        print()
        print(next_steps(Path(keep_db), result.chat_id))
    return 0
