"""The error handler: a short answer for the user's mistakes, a log line for ours."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.desk.errors import DeskError
from bot.i18n import ENGLISH, Words
from bot.records import UpdateAlreadyApplied, is_passing_db_failure
from handlers.context import DeskContext
from handlers.language import words_of

log = logging.getLogger(__name__)


async def on_error(update: object, context: DeskContext) -> None:
    """Tell the user what went wrong in one line; log unexpected errors (without the token)."""
    error = context.error
    if isinstance(error, UpdateAlreadyApplied):
        log.info("Update %s was already applied before a restart; skipped", error)
        return
    unit = context.unit
    if unit is not None and is_passing_db_failure(error):
        # The update goes back to the store and runs again; the user gets the answer then.
        log.warning("Update %s hit a passing database failure; retrying: %s", unit.update_id, error)
        unit.retry = True
        return
    if not isinstance(update, Update):
        if not isinstance(error, DeskError):
            log.error("Update %s failed", getattr(update, "update_id", "?"), exc_info=error)
        return
    words = await _words(update, context)
    if isinstance(error, DeskError):
        text = error.say(words)
    else:
        log.error("Update %s failed", update.update_id, exc_info=error)
        text = words._(
            "⚠️ Something went wrong on my side; the team's queue is unchanged. Try again."
        )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text[:200], show_alert=True)
        elif update.effective_message is not None and update.effective_chat is not None:
            await update.effective_message.reply_text(text)
    except TelegramError as reply_error:
        log.warning("Could not report an error to the chat: %s", reply_error)


async def _words(update: Update, context: DeskContext) -> Words:
    """The chat's language for the error (English when even that cannot be looked up)."""
    try:
        return await words_of(update, context)
    except Exception:  # the error report must not fail on the lookup
        log.warning("Could not look up the chat's language for an error report", exc_info=True)
        return ENGLISH
