"""The `factcheck-bot` command: run, demo, sandbox, extract, db upgrade, export."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.app.config import Settings, TokenError, check_token
from bot.app.logs import setup_logging


def _settings() -> Settings:
    """Settings from the environment and .env, or one clear line and exit 2."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(p) for p in first["loc"]).upper()
        sys.exit(f"factcheck-bot: setting {name} is invalid: {first['msg']}")


def cmd_run(args: argparse.Namespace) -> int:
    """Run the bot: long polling, or a webhook when WEBHOOK_URL is set."""
    from bot.app.runner import run_bot

    settings = _settings()
    try:
        check_token(settings)
    except TokenError as error:
        print(f"factcheck-bot: {error}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, [settings.telegram_bot_token.get_secret_value()])
    return run_bot(settings)


def cmd_demo(args: argparse.Namespace) -> int:
    """Play a scenario against a local sandbox and print the conversation."""
    from bot.sandbox.demo import DemoError, run_demo

    setup_logging("WARNING")
    keep_db = None if args.discard_db else args.keep_db
    try:
        return asyncio.run(run_demo(args.script, args.transcript, keep_db))
    except DemoError as error:
        print(f"factcheck-bot demo: {error}", file=sys.stderr)
        return 2


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Serve the Telegram stand-in on loopback until interrupted."""
    from bot.sandbox import serve_forever

    setup_logging("INFO")
    try:
        asyncio.run(serve_forever(args.host, args.port))
    except KeyboardInterrupt:
        pass
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    """Print the claims of a file, URL or stdin (or score lines with --lines)."""
    from bot.app.extract_cli import run_extract

    return asyncio.run(run_extract(args, _settings()))


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Apply the schema migrations to DATABASE_URL."""
    from storage.db import Database

    async def upgrade() -> None:
        db = Database(_settings().database_url)
        try:
            await db.upgrade()
        finally:
            await db.dispose()

    asyncio.run(upgrade())
    print("Database is up to date.")
    return 0


def missing_database(url: str) -> str | None:
    """Why there is no database to read at `url` yet (a SQLite file not created), else None."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.database.startswith("file:") or Path(parsed.database).expanduser().exists():
        return None
    return (
        f"no database at {parsed.database}: the bot creates it on its first run "
        "(or run `factcheck-bot db upgrade`); DATABASE_URL names another one"
    )


def cmd_export(args: argparse.Namespace) -> int:
    """Write a team's claims and verdicts as CSV, JSON or ClaimReview."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from bot.desk.export import run_export_cli

    settings = _settings()
    # Opening a SQLite URL creates an empty file: say there is nothing yet instead.
    missing = missing_database(settings.database_url)
    if missing:
        print(f"factcheck-bot export: {missing}", file=sys.stderr)
        return 1
    try:
        return _export(args, settings, run_export_cli)
    except (SQLAlchemyError, OSError) as error:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        first = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(
            f"factcheck-bot export: cannot read the database at {where} ({first}); "
            "run `factcheck-bot db upgrade` if it was never set up",
            file=sys.stderr,
        )
        return 1


def _export(
    args: argparse.Namespace,
    settings: Settings,
    run_export_cli: Callable[..., Coroutine[Any, Any, int]],
) -> int:
    """Run the export itself."""
    from bot.i18n import words
    from handlers.render import status_names

    return asyncio.run(
        run_export_cli(
            settings.database_url,
            args.chat,
            args.format,
            args.since,
            args.output,
            org_url=settings.export_org_url,
            review_url=settings.export_review_url,
            status_names=lambda language: status_names(words(language)),
        )
    )


def cmd_match(args: argparse.Namespace) -> int:
    """Look claims (one a line on stdin) up in a team's history."""
    from bot.app.match_cli import run_match

    settings = _settings()
    missing = missing_database(settings.database_url)
    if missing:
        print(f"factcheck-bot match: {missing}", file=sys.stderr)
        return 1
    return asyncio.run(run_match(args, settings))


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="factcheck-bot", description=__doc__)
    parser.add_argument(
        "--traceback", action="store_true", help="show the traceback of an unexpected error"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("run", help="run the bot (token from .env)").set_defaults(func=cmd_run)

    demo = sub.add_parser("demo", help="play a scenario in a local sandbox, no token needed")
    demo.add_argument("--script", type=Path, help="scenario JSON (default: the built-in demo)")
    demo.add_argument("--transcript", type=Path, help="write events as JSON lines to FILE")
    demo.add_argument(
        "--keep-db",
        type=Path,
        default=Path("demo.db"),
        metavar="PATH",
        help="keep the demo's SQLite database here afterwards (default: demo.db)",
    )
    demo.add_argument("--discard-db", action="store_true", help="do not keep the database")
    demo.set_defaults(func=cmd_demo)

    sandbox = sub.add_parser("sandbox", help="serve the local Telegram stand-in")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.set_defaults(func=cmd_sandbox)

    extract = sub.add_parser("extract", help="print the claims of a file, URL or - (stdin)")
    extract.add_argument("source", nargs="?", default="-", help="FILE, URL or - for stdin")
    extract.add_argument("--json", action="store_true", help="print JSON")
    extract.add_argument("--extractor", choices=["offline", "openai"])
    extract.add_argument("--max-claims", type=int)
    extract.add_argument("--lines", action="store_true", help="score one sentence per line")
    extract.set_defaults(func=cmd_extract)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    export = sub.add_parser("export", help="export a team's claims")
    export.add_argument("--chat", type=int, required=True, help="the group's chat id")
    export.add_argument("--format", choices=["csv", "json", "claimreview"], default="csv")
    export.add_argument("--since", help="only claims since this date (YYYY-MM-DD)")
    export.add_argument("--output", help="file to write (default: stdout)")
    export.set_defaults(func=cmd_export)

    match = sub.add_parser("match", help="look claims (one a line on stdin) up in a team's history")
    match.add_argument("--chat", type=int, required=True, help="the group's chat id")
    match.add_argument("--top", type=int, default=5, help="candidates per claim (default 5)")
    match.add_argument("--json", action="store_true", help="one JSON object a line")
    match.set_defaults(func=cmd_match)

    from bot.app.import_cli import add_import_parser

    add_import_parser(sub, _settings, missing_database)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `factcheck-bot` console script.

    An unexpected error is one line too; `--traceback` shows where it came from.
    """
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        if args.traceback:
            raise
        first = (str(error).splitlines() or [""])[0]
        print(
            f"factcheck-bot {args.command}: {type(error).__name__}: {first} "
            "(--traceback shows where)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
