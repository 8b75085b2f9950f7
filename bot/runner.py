"""Running the real bot: long polling by default, a webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import logging

from telegram import Update

from bot.app import build_application
from bot.config import Settings

log = logging.getLogger(__name__)


def run_bot(settings: Settings) -> int:
    """Run until interrupted; returns the process exit code."""
    application = build_application(settings)
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value() or None,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=settings.poll_timeout)
    return 0
