"""The "Matches #45" offer on a card: accept the earlier verdict, or keep checking."""

from __future__ import annotations

from telegram import Update

from bot.desk.errors import DeskError, NotItsCard
from bot.i18n import N_
from handlers import buttons, render
from handlers.buttons import MatchButton, answer
from handlers.context import DeskContext
from handlers.membership import require_member


async def on_match_button(update: Update, context: DeskContext) -> None:
    """Accept a matching claim's verdict for this claim (editors), or keep checking it."""
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or chat is None or user is None:
        return  # registered for button presses, which come from a member in a chat
    said = context.words
    button = buttons.pressed(query, MatchButton)
    if button is None or query.message is None:
        await answer(query, said._(buttons.INVALID), alert=True)
        return
    claim_id, matched_id = button.claim_id, button.matched_id
    services = context.services
    try:
        # TRANSLATORS: completes "Only members of {team} can {action}."
        await require_member(update, context, N_("decide on its claims"))
        # A card button counts only on that claim's own card (the data could be forged).
        card_of = await services.desk.note_target(
            chat_id=chat.id, card_message_id=query.message.message_id
        )
        if card_of != claim_id:
            raise NotItsCard()
        if button.accept:
            is_editor = await services.editors.is_editor(
                context.bot, chat, user, update.effective_message
            )
            decision = await services.matches.accept(
                chat_id=chat.id,
                claim_id=claim_id,
                matched_id=matched_id,
                member_id=user.id,
                is_editor=is_editor,
            )
            # TRANSLATORS: the answer to "Accept #45's verdict" (at most 200 characters);
            # {status} is the verdict with its icon ("❌ false").
            text = said._(
                "Claim #{id} takes #{matched_id}'s verdict: {status}",
                id=claim_id,
                matched_id=matched_id,
                status=render.status_label(decision.status, said),
            )
        else:
            await services.matches.decline(
                chat_id=chat.id,
                claim_id=claim_id,
                matched_id=matched_id,
                member_id=user.id,
            )
            # TRANSLATORS: the answer to "Keep checking" (at most 200 characters).
            text = said._("Claim #{id} stays in the queue", id=claim_id)
    except DeskError as error:
        await answer(query, error.say(said), alert=True)
        return
    await answer(query, text)
    await services.cards.edit_now(claim_id)
