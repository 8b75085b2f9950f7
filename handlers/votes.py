"""Button presses on cards: rating votes and "I'll check"."""

from __future__ import annotations

from telegram import Update

from bot.desk.errors import DeskError
from bot.desk.people import Member
from bot.records import ClaimStatus
from handlers import buttons, render
from handlers.buttons import TakeButton, VoteButton, answer
from handlers.context import DeskContext
from handlers.membership import require_member

UNDECIDED = (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW)
ACTION_TEXT = {
    "voted": "Your vote: {}",
    "changed": "Vote changed to {}",
    "withdrawn": "Vote withdrawn",
}


def member_of(update: Update) -> Member:
    """The acting user as the services need them."""
    user = update.effective_user
    if user is None:  # only channel posts come without one, and no handler takes those
        raise ValueError(f"update {update.update_id} has no user to act for")
    return Member.of(user)


def _card_message_id(update: Update) -> int:
    """The id of the message whose button was pressed (0 when Telegram did not include it)."""
    query = update.callback_query
    message = query.message if query is not None else None
    return message.message_id if message is not None else 0


async def on_vote(update: Update, context: DeskContext) -> None:
    """Record a rating from a card's button and refresh the card."""
    press = await buttons.press_in_chat(update, VoteButton, alert=True)
    if press is None:
        return
    query, chat, button = press.query, press.chat, press.button
    try:
        await require_member(update, context, "vote on its claims")
        outcome = await context.services.desk.cast_vote(
            chat_id=chat.id,
            claim_id=button.claim_id,
            member=member_of(update),
            rating=button.rating,
            card_message_id=_card_message_id(update),
        )
    except DeskError as error:
        await answer(query, str(error), alert=True)
        return
    # The card is refreshed whether or not the answer goes through (Telegram refuses late ones).
    context.services.cards.refresh(outcome.claim_id)
    label = render.rating_label(outcome.rating)
    text = ACTION_TEXT[outcome.action].format(label)
    if outcome.locked:
        text += " (an editor's verdict stands)"
    elif outcome.status_changed and outcome.status not in UNDECIDED:
        # Say so when votes reach (or leave for) a verdict or a dispute; open ↔ in review is noise.
        text += f" · claim now {render.status_label(outcome.status)}"
    await answer(query, text)


async def on_assign(update: Update, context: DeskContext) -> None:
    """Take a claim ("I'll check") or give it back."""
    press = await buttons.press_in_chat(update, TakeButton, alert=True)
    if press is None:
        return
    query, chat, button = press.query, press.chat, press.button
    try:
        await require_member(update, context, "take its claims")
        change = await context.services.desk.toggle_assignee(
            chat_id=chat.id,
            claim_id=button.claim_id,
            member=member_of(update),
            card_message_id=_card_message_id(update),
        )
    except DeskError as error:
        await answer(query, str(error), alert=True)
        return
    context.services.cards.refresh(change.claim_id)
    if change.detail == "assigned":
        await answer(query, f"Claim #{change.claim_id} is yours — see /mine")
    else:
        await answer(query, f"You gave back claim #{change.claim_id}")


async def on_unknown_button(update: Update, context: DeskContext) -> None:
    """Answer a button this bot does not know (old or forged), so the client stops spinning."""
    if update.callback_query is not None:
        await answer(update.callback_query, buttons.INVALID)
