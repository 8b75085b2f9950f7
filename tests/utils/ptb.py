"""A throwaway python-telegram-bot application long-polling the sandbox (not the factcheck bot:
the sandbox's and the scenario player's own tests drive plain PTB handlers with it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import Application, ApplicationBuilder, BaseHandler

from bot.sandbox import Sandbox


@asynccontextmanager
async def polling_application(
    sandbox: Sandbox, *handlers: BaseHandler[object, object, object]
) -> AsyncIterator[Application]:
    """A real PTB Application with `handlers`, polling `sandbox` until the block ends."""
    app = (
        ApplicationBuilder()
        .token(sandbox.token)
        .base_url(sandbox.base_url)
        .base_file_url(sandbox.base_file_url)
        .build()
    )
    for handler in handlers:
        app.add_handler(handler)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
