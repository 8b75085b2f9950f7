"""Notes on claims: a reply to a card, or /note <id> <text>."""

from __future__ import annotations

import logging

from telegram import ReactionTypeEmoji, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.desk.errors import BadArguments, DeskError
from bot.i18n import N_
from handlers.arguments import parse_claim_id
from handlers.context import DeskContext
from handlers.membership import require_member
from handlers.votes import member_of

log = logging.getLogger(__name__)


async def on_card_reply(update: Update, context: DeskContext) -> None:
    """Keep a reply to a claim's card as a note on that claim."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return  # registered for messages, which come in a chat
    target = message.reply_to_message
    if target is None or target.from_user is None or target.from_user.id != context.bot.id:
        return
    claim_id = await context.services.desk.note_target(
        chat_id=chat.id, card_message_id=target.message_id
    )
    if claim_id is None:
        return
    try:
        # TRANSLATORS: completes "Only members of {team} can {action}."
        await require_member(update, context, N_("add notes to its claims"))
    except DeskError as error:
        await message.reply_text(error.say(context.words), allow_sending_without_reply=True)
        raise ApplicationHandlerStop from None  # nor is a refused note an article
    await _add(update, context, claim_id, message.text or message.caption or "")
    raise ApplicationHandlerStop  # a note is not also an article to queue


async def on_note(update: Update, context: DeskContext) -> None:
    """Add a note to a claim by id."""
    args = context.args or []
    if len(args) < 2:
        raise BadArguments(
            # TRANSLATORS: keep "/note" and "<id> <text>" as they are; the example may be yours.
            N_("Use /note <id> <text>, for example /note 17 The ministry denied it.")
        )
    claim_id = parse_claim_id(args[0])
    message = update.effective_message
    if message is None or message.text is None:
        return  # a command always comes as a text message
    await require_member(update, context, N_("add notes to its claims"))
    text = message.text.split(maxsplit=2)[2]
    await _add(update, context, claim_id, text)


async def _add(update: Update, context: DeskContext, claim_id: int, text: str) -> None:
    """Store the note and acknowledge it with a reaction (a short reply if reactions fail)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return  # notes come as messages in a chat
    change = await context.services.desk.add_note(
        chat_id=chat.id,
        claim_id=claim_id,
        member=member_of(update),
        text=text,
        message_id=message.message_id,
    )
    context.services.cards.refresh(claim_id)
    try:
        await message.set_reaction(ReactionTypeEmoji("✍"))
    except TelegramError as error:
        log.info("Reaction refused (%s); acknowledging with a reply", error)
        await message.reply_text(
            context.words._("📝 Noted on claim #{id}.", id=change.claim_id),
            allow_sending_without_reply=True,
        )
