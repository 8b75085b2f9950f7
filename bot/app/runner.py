"""Running the real bot until a signal: long polling, or a webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from telegram.error import BadRequest, InvalidToken, NetworkError

from bot.app.config import Settings
from bot.app.dblock import DatabaseInUse, lock_database
from bot.app.factory import running_bot
from bot.app.logs import install_redaction

log = logging.getLogger(__name__)

# Waiting for an unreachable Bot API at start-up: 1 s, doubling, at most this long between tries.
FIRST_RETRY_SECONDS = 1.0
MAX_RETRY_SECONDS = 30.0


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
    try:
        asyncio.run(_serve(settings))
    finally:
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
