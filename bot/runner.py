"""Running the real bot until a signal: long polling, or a webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import asyncio
import logging
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
    async with running_bot(settings) as application:
        mode = "webhook" if settings.webhook_url else "long polling"
        log.info("Bot @%s is running (%s); Ctrl+C stops it", application.bot.username, mode)
        await stop.wait()
    log.info("Stopped")
