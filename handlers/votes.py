"""Button presses on cards: rating votes and "I'll check"."""

from __future__ import annotations

from telegram import Update

from bot.desk import Member
from bot.errors import DeskError
from handlers import render
from handlers.context import DeskContext
from storage.models import ClaimStatus, Rating

UNDECIDED = (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW)
ACTION_TEXT = {
    "voted": "Your vote: {}",
    "changed": "Vote changed to {}",
    "withdrawn": "Vote withdrawn",
}


def member_of(update: Update) -> Member:
    """The acting user as the services need them."""
    user = update.effective_user
    return Member(user.id, user.first_name, user.last_name, user.username)


def parse_claim_data(data: str, parts: int) -> list[str] | None:
    """Split callback data like 'v:17:false'; None when it is malformed."""
    fields = data.split(":")
    if len(fields) != parts or not fields[1].isdigit():
        return None
    return fields


async def on_vote(update: Update, context: DeskContext) -> None:
    """Record a rating from a card's button and refresh the card."""
    query = update.callback_query
    fields = parse_claim_data(query.data or "", 3)
    if fields is None or fields[2] not in Rating.__members__.values():
        await query.answer("This button is no longer valid.", show_alert=True)
        return
    try:
        outcome = await context.services.desk.cast_vote(
            chat_id=update.effective_chat.id,
            claim_id=int(fields[1]),
            member=member_of(update),
            rating=Rating(fields[2]),
        )
    except DeskError as error:
        await query.answer(str(error), show_alert=True)
        return
    label = render.RATING_LABEL[Rating(outcome.rating)]
    text = ACTION_TEXT[outcome.action].format(label)
    if outcome.locked:
        text += " (an editor's verdict stands)"
    elif outcome.status_changed and outcome.status not in UNDECIDED:
        # Say so when votes reach (or leave for) a verdict or a dispute; open ↔ in review is noise.
        text += f" · claim now {render.status_label(outcome.status)}"
    await query.answer(text)
    context.services.cards.refresh(outcome.claim_id)


async def on_assign(update: Update, context: DeskContext) -> None:
    """Take a claim ("I'll check") or give it back."""
    query = update.callback_query
    fields = parse_claim_data(query.data or "", 2)
    if fields is None:
        await query.answer("This button is no longer valid.", show_alert=True)
        return
    try:
        change = await context.services.desk.toggle_assignee(
            chat_id=update.effective_chat.id, claim_id=int(fields[1]), member=member_of(update)
        )
    except DeskError as error:
        await query.answer(str(error), show_alert=True)
        return
    if change.detail == "assigned":
        await query.answer(f"Claim #{change.claim_id} is yours — see /mine")
    else:
        await query.answer(f"You gave back claim #{change.claim_id}")
    context.services.cards.refresh(change.claim_id)


async def on_unknown_button(update: Update, context: DeskContext) -> None:
    """Answer a button this bot does not know (old or forged), so the client stops spinning."""
    await update.callback_query.answer("This button is no longer valid.")
