"""The "Matches #45" offer on a card: accept the earlier verdict, or keep checking."""

from __future__ import annotations

from telegram import Update

from bot.errors import DeskError
from bot.matching_service import accept_match, decline_match
from handlers import render
from handlers.context import DeskContext


def _ids(data: str) -> tuple[int, int] | None:
    """(claim id, matched claim id) from 'ma:12:45'; None when malformed."""
    parts = data.split(":")
    if len(parts) != 3 or not (parts[1].isdigit() and parts[2].isdigit()):
        return None
    return int(parts[1]), int(parts[2])


async def on_match_button(update: Update, context: DeskContext) -> None:
    """Accept a matching claim's verdict for this claim (editors), or keep checking it."""
    query = update.callback_query
    ids = _ids(query.data or "")
    if ids is None:
        await query.answer("This button is no longer valid.", show_alert=True)
        return
    claim_id, matched_id = ids
    services = context.services
    chat = update.effective_chat
    try:
        if (query.data or "").startswith("ma:"):
            is_editor = await services.editors.is_editor(
                context.bot, chat, update.effective_user, update.effective_message
            )
            decision = await accept_match(
                services.db,
                chat_id=chat.id,
                claim_id=claim_id,
                matched_id=matched_id,
                member_id=update.effective_user.id,
                is_editor=is_editor,
            )
            status = render.status_label(decision.status)
            text = f"Claim #{claim_id} takes #{matched_id}'s verdict: {status}"
        else:
            await decline_match(
                services.db,
                chat_id=chat.id,
                claim_id=claim_id,
                matched_id=matched_id,
                member_id=update.effective_user.id,
            )
            text = f"Claim #{claim_id} stays in the queue"
    except DeskError as error:
        await query.answer(str(error), show_alert=True)
        return
    await query.answer(text)
    await services.cards.edit_now(claim_id)
