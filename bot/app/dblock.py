"""One bot process per SQLite file: a lock file next to the database, held while it runs.

SQLite is for one process (docs/reliability.md): two `factcheck-bot run` on one file would both
poll Telegram and, with the same WORKER_ID, hand each other's unfinished updates back. The lock
is `flock` on `<database>.lock`, so the kernel releases it when the process ends in any way,
SIGKILL included, and a stale file from a crash never blocks a restart. It is taken per process
by `factcheck-bot run`, not by `Database`: tests and tools that open the same file a second
time inside one process are not refused.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url


class DatabaseInUse(RuntimeError):
    """Another process holds the SQLite file's lock."""


def sqlite_path(database_url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return None
    name = url.database or ""
    if not name or name == ":memory:" or name.startswith("file::memory:"):
        return None
    return Path(name.removeprefix("file:").split("?", 1)[0])


def lock_database(database_url: str) -> IO[str] | None:
    """Take the lock of a SQLite file for this process, or raise DatabaseInUse.

    Returns the open lock file (keep it open while the bot runs; closing it releases the lock),
    or None when the database is not a SQLite file.
    """
    path = sqlite_path(database_url)
    if path is None:
        return None
    lock_path = path.with_name(path.name + ".lock")
    handle = lock_path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise DatabaseInUse(
            f"{path} is in use by another factcheck-bot process (pid {holder}); SQLite is for "
            "one process: stop that one, or use PostgreSQL for several workers."
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle
