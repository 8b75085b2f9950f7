"""Running the real bot until a signal: long polling, or a webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

from telegram.error import BadRequest, InvalidToken, NetworkError

from bot.app.config import Settings
from bot.app.dblock import DatabaseInUse, lock_database
from bot.app.factory import running_bot
from bot.app.logs import install_redaction

log = logging.getLogger(__name__)

# Waiting for an unreachable Bot API at start-up: 1 s, doubling, at most this long between tries.
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 30.0
# glibc gives each thread that allocates its own malloc arena (up to 8 per core); the bot's
# threads (database, extraction, images) then keep several partly used arenas resident. Two are
# enough for a process whose Python code runs one thread at a time (docs/performance.md,
# "Memory"). The operator's MALLOC_ARENA_MAX, when set, wins.
MALLOC_ARENAS = 2
M_ARENA_MAX = -8  # mallopt's parameter number for it (malloc.h)
# Freed memory inside the heap stays resident until malloc_trim hands it back: every few seconds
# after work (at most), never while idle. A trim takes 1–2 ms.
TRIM_SECONDS = 5.0
TRIM_AFTER_CPU_SECONDS = 0.05  # CPU time the process must have used since the last trim


def run_bot(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM; returns the process exit code."""
    if settings.webhook_url and not settings.webhook_secret.get_secret_value():
        print(
            "factcheck-bot: WEBHOOK_URL is set but WEBHOOK_SECRET is empty; set a long random one."
        )
        return 2
    try:
        lock = lock_database(settings.database_url)
    except DatabaseInUse as error:
        print(f"factcheck-bot: {error}", file=sys.stderr)
        return 2
    install_redaction(
        [settings.telegram_bot_token.get_secret_value(), settings.webhook_secret.get_secret_value()]
    )
    limit_malloc_arenas()
    trimmer = MemoryTrimmer()
    trimmer.start()
    try:
        asyncio.run(_serve(settings))
    finally:
        trimmer.stop()
        if lock is not None:
            lock.close()
    return 0


async def _serve(settings: Settings) -> None:
    """Start the bot (waiting for Telegram if need be) and run until a stop signal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    receive = receives_updates(settings)
    delay, attempt = FIRST_RETRY_SECONDS, 0
    while not stop.is_set():
        attempt += 1
        started = False
        try:
            async with running_bot(settings, receive=receive) as application:
                started = True
                freeze_start_up_objects()
                mode = "webhook" if settings.webhook_url else "long polling"
                if not receive:
                    mode = "processing the shared update store only"
                log.info("Bot @%s is running (%s); Ctrl+C stops it", application.bot.username, mode)
                await stop.wait()
        except (InvalidToken, BadRequest):
            raise  # Telegram answered, and refused (the token, the webhook): waiting won't help
        except NetworkError as error:
            if started:
                raise
            # Once running, the pump rides out Telegram's outages; at start-up, so does this.
            log.warning(
                "Telegram is unreachable at start-up (%s); trying again in %.0f s (attempt %d)",
                error,
                delay,
                attempt,
            )
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
            except TimeoutError:
                pass
            delay = min(delay * 2, MAX_RETRY_SECONDS)
            continue
        break
    log.info("Stopped")


def freeze_start_up_objects() -> None:
    """Keep what start-up built out of the garbage collector's full passes.

    Start-up leaves some 200,000 live objects (modules, the extraction lexicons, the models'
    weights, SQLAlchemy's and python-telegram-bot's tables) that are never freed, and every
    full collection walked them all: 12 passes of about 95 ms each in 3,000 presses, about a
    tenth of the bot's CPU, each one a pause in the answers. Frozen (after a collection, so no
    garbage is kept), a full pass walks only what was made since: about 28 ms. Objects made
    later are collected as before. Only the process that runs the bot does this: tests run
    many bots in one process, and freezing there would keep each test's leftovers
    (docs/performance.md).
    """
    gc.collect()
    gc.freeze()


def receives_updates(settings: Settings) -> bool:
    """Whether this process takes updates from Telegram, or only works off the shared store.

    RECEIVE_UPDATES=false makes a second worker on a shared PostgreSQL database (only one
    process may long-poll a token). Read from Settings when it has the field, else from the
    environment.
    """
    value = getattr(settings, "receive_updates", None)
    if value is None:
        value = os.environ.get("RECEIVE_UPDATES", "true").strip().lower() not in FALSE_WORDS
    return bool(value)


FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process, as MALLOC_ARENA_MAX would (before threads
    start allocating); whether the cap is in force. Nothing happens where the C library is not
    glibc, or when the operator set MALLOC_ARENA_MAX themselves."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    mallopt = _libc_function("mallopt")
    return mallopt is not None and mallopt(M_ARENA_MAX, arenas) == 1


def _libc_function(name: str) -> Callable[..., int] | None:
    """A function of glibc (None on musl, macOS, or a C library without it)."""
    try:
        function: Callable[..., int] = getattr(ctypes.CDLL("libc.so.6"), name)
    except (OSError, AttributeError):
        return None
    return function


class MemoryTrimmer:
    """A thread that gives the heap's freed pages back to the system after the process worked
    (glibc's malloc_trim), at most every `period` seconds; a no-op without glibc."""

    def __init__(
        self, period: float = TRIM_SECONDS, after_cpu: float = TRIM_AFTER_CPU_SECONDS
    ) -> None:
        self.period = period
        self.after_cpu = after_cpu
        self.trims = 0
        self._trim = _libc_function("malloc_trim")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="malloc-trim", daemon=True)

    def start(self) -> None:
        """Start trimming (nothing to do where there is no malloc_trim)."""
        if self._trim is not None:
            self._thread.start()

    def stop(self) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.period + 1)

    def _run(self) -> None:
        """Each period: trim if the process used CPU since the last trim."""
        assert self._trim is not None
        trimmed_at = time.process_time()
        while not self._stop.wait(self.period):
            if time.process_time() - trimmed_at >= self.after_cpu:
                self._trim(0)
                self.trims += 1
                trimmed_at = time.process_time()
