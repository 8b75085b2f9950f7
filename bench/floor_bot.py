"""The framework's floor: a bare python-telegram-bot Application that only answers callbacks.

Run by bench/bench_votes.py with the same environment as the real bot (TELEGRAM_BOT_TOKEN,
TELEGRAM_BASE_URL, TELEGRAM_BASE_FILE_URL): default ApplicationBuilder, default Updater polling.
"""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the button press, and nothing else."""
    await update.callback_query.answer()


def main() -> None:
    """Poll the sandbox until SIGTERM."""
    logging.basicConfig(level=logging.WARNING)
    application = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_BASE_URL"])
        .base_file_url(os.environ["TELEGRAM_BASE_FILE_URL"])
        .build()
    )
    application.add_handler(CallbackQueryHandler(answer))
    application.run_polling(timeout=int(os.environ.get("POLL_TIMEOUT", "10")))


if __name__ == "__main__":
    main()
