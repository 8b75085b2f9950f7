"""Running the real bot until a signal: long polling, or a webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

from bot.app import running_bot
from bot.config import Settings

log = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM; returns the process exit code."""
    if settings.webhook_url and not settings.webhook_secret.get_secret_value():
        print(
            "factcheck-bot: WEBHOOK_URL is set but WEBHOOK_SECRET is empty; set a long random one."
        )
        return 2
    asyncio.run(_serve(settings))
    return 0


async def _serve(settings: Settings) -> None:
    """Start the bot and wait for a stop signal."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    receive = receives_updates(settings)
    async with running_bot(settings, receive=receive) as application:
        mode = "webhook" if settings.webhook_url else "long polling"
        if not receive:
            mode = "processing the shared update store only"
        log.info("Bot @%s is running (%s); Ctrl+C stops it", application.bot.username, mode)
        await stop.wait()
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
