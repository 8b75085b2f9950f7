"""The "Queue it anyway" button: a text with no claims, or in another language, as one claim.

Callback data is 'qa:<article id>' (`handlers.buttons.QueueWholeButton`); it counts only on the
message that carries that article's button, and the service checks that the article belongs to
the chat's team, so a forged id from another team is refused.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from bot.desk.errors import DeskError
from bot.i18n import N_, Words
from handlers import buttons, render
from handlers.buttons import QueueWholeButton, answer
from handlers.context import DeskContext
from handlers.membership import require_member

log = logging.getLogger(__name__)

PATTERN = buttons.pattern(QueueWholeButton)


def queue_anyway_data(article_id: int) -> str:
    """The callback data of the button for one article."""
    return QueueWholeButton(article_id).encode()


def queue_anyway_keyboard(
    article_id: int, *, other_language: bool, words: Words
) -> InlineKeyboardMarkup:
    """One button that queues the article's text as one claim."""
    if other_language:
        # TRANSLATORS: a button under a text in a language the bot does not extract claims from.
        label = words.pgettext("button", "➕ Queue it as one claim")
    else:
        # TRANSLATORS: a button under a text with no claims found: check it whole, as one claim.
        label = words.pgettext("button", "➕ Queue it anyway")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=queue_anyway_data(article_id))]]
    )


async def on_queue_anyway(update: Update, context: DeskContext) -> None:
    """Queue the article's text as one claim, post its card, and take the button away."""
    press = await buttons.press_in_chat(update, QueueWholeButton, words=context.words, alert=True)
    if press is None:
        return
    query, chat, button = press.query, press.chat, press.button
    article_id = button.article_id
    services = context.services
    try:
        await require_member(update, context, N_("queue claims"))
        queued = await services.intake.queue_whole(article_id=article_id, chat_id=chat.id)
    except DeskError as error:
        await answer(query, error.say(context.words), alert=True)
        return
    if not queued.new:
        # TRANSLATORS: the answer to a second press of "Queue it anyway" (at most 200 characters).
        await answer(query, context.words._("Already queued as claim #{id}", id=queued.claim.id))
        return
    # TRANSLATORS: the answer to a press of "Queue it anyway" (at most 200 characters).
    await answer(query, context.words._("Queued as claim #{id}", id=queued.claim.id))
    source = await services.views.source_of(queued.article)
    text = render.queued_whole_message(
        queued.article,
        render.link(source.said(context.words), source.link),
        queued.claim,
        context.words,
    )
    try:
        await query.edit_message_text(text, parse_mode="HTML", disable_web_page_preview=True)
    except TelegramError as error:
        log.warning("Could not edit the message of article %s: %s", article_id, error)
    await services.cards.post(queued.claim, chat_id=chat.id, thread_id=queued.article.thread_id)
