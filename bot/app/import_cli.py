"""`factcheck-bot import --chat ID FILE…`: published fact-checks in, as settled claims."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import BinaryIO, TextIO

from bot.app.config import Settings
from bot.desk.errors import NoTeam
from bot.desk.imports import ImportFailed, ImportReport, import_reviews
from storage.db import Database

SHOWN_BAD = 20  # bad records listed on stderr; the count says how many in all


def add_import_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    settings: Callable[[], Settings],
    missing_database: Callable[[str], str | None],
) -> None:
    """The `import` subcommand (cli.py hands in how it reads settings and finds no database)."""
    parser = sub.add_parser(
        "import",
        help="import fact-checks (ClaimReview JSON, JSON Lines, saved pages, our JSON export)",
    )
    parser.add_argument("--chat", type=int, required=True, help="the group's chat id")
    parser.add_argument("files", nargs="+", metavar="FILE", help="file to import, or - for stdin")
    parser.add_argument("--quiet", action="store_true", help="no progress counter")
    parser.set_defaults(func=lambda args: cmd_import(args, settings(), missing_database))


def cmd_import(
    args: argparse.Namespace, settings: Settings, missing_database: Callable[[str], str | None]
) -> int:
    """Import each file into the chat's team; 0 if every record went in or was known."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    missing = missing_database(settings.database_url)
    if missing:
        print(f"factcheck-bot import: {missing}", file=sys.stderr)
        return 1
    try:
        return asyncio.run(run_import(settings.database_url, args.chat, args.files, args.quiet))
    except (SQLAlchemyError, OSError) as error:
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        first = str(getattr(error, "orig", None) or error).splitlines()[0]
        print(f"factcheck-bot import: {where}: {first}", file=sys.stderr)
        return 1


class Counter:
    """A one-line progress counter on a terminal (nothing when stderr is a file or a pipe)."""

    def __init__(self, out: TextIO, name: str, *, enabled: bool) -> None:
        self.out, self.name = out, name
        self.enabled = enabled and out.isatty()

    def __call__(self, report: ImportReport) -> None:
        """Rewrite the line with the figures so far."""
        if self.enabled:
            self.out.write(f"\r{self.name}: {report.seen:,} read, {report.imported:,} imported")
            self.out.flush()

    def done(self) -> None:
        """End the counter's line."""
        if self.enabled:
            self.out.write("\r\x1b[K")
            self.out.flush()


def summary(name: str, report: ImportReport) -> list[str]:
    """What one file's import did, for stderr."""
    lines = [
        f"{name}: imported {report.imported}, skipped {report.known} already known, "
        f"{report.bad_count} bad"
        + (f", {report.unsettled} without a verdict (not imported)" if report.unsettled else "")
    ]
    lines += [f"  {name}: {bad.position}: {bad.reason}" for bad in report.bad[:SHOWN_BAD]]
    if report.bad_count > SHOWN_BAD:
        lines.append(f"  … and {report.bad_count - SHOWN_BAD} more bad record(s)")
    return lines


async def run_import(database_url: str, chat_id: int, files: list[str], quiet: bool) -> int:
    """Import the files one after another; 0 all good, 1 a file failed, 3 some records bad."""
    db = Database(database_url)
    status = 0
    try:
        for name in files:
            shown = Path(name).name if name != "-" else "stdin"
            counter = Counter(sys.stderr, shown, enabled=not quiet)
            try:
                with ExitStack() as stack:
                    stream: BinaryIO = sys.stdin.buffer
                    if name != "-":
                        stream = stack.enter_context(await asyncio.to_thread(open, name, "rb"))
                    report = await import_reviews(db, stream, chat_id=chat_id, progress=counter)
            except NoTeam:
                counter.done()
                print(
                    f"factcheck-bot import: no team has chat id {chat_id} in this database "
                    "(the bot must have been added to the group; a supergroup's id looks like "
                    "-1001234567890)",
                    file=sys.stderr,
                )
                return 1
            except (ImportFailed, OSError) as error:
                counter.done()
                reason = error.strerror if isinstance(error, OSError) else str(error)
                print(f"factcheck-bot import: {name}: {reason}", file=sys.stderr)
                status = 1
                continue
            counter.done()
            print("\n".join(summary(shown, report)), file=sys.stderr)
            if report.bad_count and status == 0:
                status = 3
    finally:
        await db.dispose()
    return status
