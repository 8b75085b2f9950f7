"""The "Queue it anyway" button: a text with no claims, or in another language, as one claim.

Callback data is 'qa:<article id>' (far below Telegram's 64 bytes); the service checks that the
article belongs to the chat's team, so a forged id from another team is refused.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.errors import DeskError
from handlers import render
from handlers.context import DeskContext

log = logging.getLogger(__name__)

PATTERN = r"^qa:"
QUEUE_ANYWAY = "➕ Queue it anyway"
QUEUE_AS_ONE_CLAIM = "➕ Queue it as one claim"


def queue_anyway_data(article_id: int) -> str:
    """The callback data of the button for one article."""
    return f"qa:{article_id}"


def parse_queue_anyway(data: str) -> int | None:
    """The article id in 'qa:<id>'; None when the data is malformed."""
    prefix, _, rest = data.partition(":")
    if prefix != "qa" or not rest.isdigit() or len(rest) > 18:
        return None
    return int(rest)


def queue_anyway_keyboard(article_id: int, *, other_language: bool) -> InlineKeyboardMarkup:
    """One button that queues the article's text as one claim."""
    label = QUEUE_AS_ONE_CLAIM if other_language else QUEUE_ANYWAY
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=queue_anyway_data(article_id))]]
    )


async def on_queue_anyway(update: Update, context: DeskContext) -> None:
    """Queue the article's text as one claim, post its card, and take the button away."""
    query = update.callback_query
    article_id = parse_queue_anyway(query.data or "")
    if article_id is None:
        await query.answer("This button is no longer valid.", show_alert=True)
        return
    services = context.services
    chat = update.effective_chat
    try:
        queued = await services.intake.queue_whole(article_id=article_id, chat_id=chat.id)
    except DeskError as error:
        await query.answer(str(error), show_alert=True)
        return
    if not queued.new:
        await query.answer(f"Already queued as claim #{queued.claim.id}")
        return
    await query.answer(f"Queued as claim #{queued.claim.id}")
    source = await services.views.source_of(queued.article)
    text = render.queued_whole_message(
        queued.article, render.link(source.label, source.link), queued.claim
    )
    try:
        await query.edit_message_text(text, parse_mode="HTML", disable_web_page_preview=True)
    except TelegramError as error:
        log.warning("Could not edit the message of article %s: %s", article_id, error)
    await services.cards.post(queued.claim, chat_id=chat.id, thread_id=queued.article.thread_id)
