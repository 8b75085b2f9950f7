"""Button presses on cards: rating votes and "I'll check"."""

from __future__ import annotations

from telegram import Update

from bot.desk.errors import DeskError
from bot.desk.people import Member
from bot.i18n import N_, Words
from bot.records import ClaimStatus
from handlers import buttons, render
from handlers.buttons import TakeButton, VoteButton, answer
from handlers.context import DeskContext
from handlers.membership import require_member

UNDECIDED = (ClaimStatus.OPEN, ClaimStatus.IN_REVIEW)


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


def _voted(action: str, rating: str, words: Words) -> str:
    """What a vote press did, for its answer ("Your vote: ✅ True")."""
    # TRANSLATORS: answers to a vote button (at most 200 characters); {rating} is "✅ True".
    if action == "voted":
        return words._("Your vote: {rating}", rating=rating)
    if action == "changed":
        return words._("Vote changed to {rating}", rating=rating)
    return words._("Vote withdrawn")


async def on_vote(update: Update, context: DeskContext) -> None:
    """Record a rating from a card's button and refresh the card."""
    said = context.words  # resolved before this handler: the answer needs no lookup of its own
    press = await buttons.press_in_chat(update, VoteButton, words=said, alert=True)
    if press is None:
        return
    query, chat, button = press.query, press.chat, press.button
    try:
        # TRANSLATORS: completes "Only members of {team} can {action}."
        await require_member(update, context, N_("vote on its claims"))
        outcome = await context.services.desk.cast_vote(
            chat_id=chat.id,
            claim_id=button.claim_id,
            member=member_of(update),
            rating=button.rating,
            card_message_id=_card_message_id(update),
        )
    except DeskError as error:
        await answer(query, error.say(said), alert=True)
        return
    # The card is refreshed whether or not the answer goes through (Telegram refuses late ones).
    context.services.cards.refresh(outcome.claim_id)
    text = _voted(outcome.action, render.rating_label(outcome.rating, said), said)
    if outcome.locked:
        # TRANSLATORS: after "Your vote: ✅ True" when an editor has settled the claim.
        text += " " + said._("(an editor's verdict stands)")
    elif outcome.status_changed and outcome.status not in UNDECIDED:
        # Say so when votes reach (or leave for) a verdict or a dispute; open ↔ in review is noise.
        status = render.status_label(outcome.status, said)
        # TRANSLATORS: after "Your vote: ✅ True · "; {status} is the claim's status ("❌ false").
        text += " · " + said._("claim now {status}", status=status)
    await answer(query, text)


async def on_assign(update: Update, context: DeskContext) -> None:
    """Take a claim ("I'll check") or give it back."""
    said = context.words
    press = await buttons.press_in_chat(update, TakeButton, words=said, alert=True)
    if press is None:
        return
    query, chat, button = press.query, press.chat, press.button
    try:
        # TRANSLATORS: completes "Only members of {team} can {action}."
        await require_member(update, context, N_("take its claims"))
        change = await context.services.desk.toggle_assignee(
            chat_id=chat.id,
            claim_id=button.claim_id,
            member=member_of(update),
            card_message_id=_card_message_id(update),
        )
    except DeskError as error:
        await answer(query, error.say(said), alert=True)
        return
    context.services.cards.refresh(change.claim_id)
    if change.detail == "assigned":
        # TRANSLATORS: the answer to "I'll check" (at most 200 characters).
        await answer(query, said._("Claim #{id} is yours — see /mine", id=change.claim_id))
    else:
        # TRANSLATORS: the answer to "I'll check" pressed again (at most 200 characters).
        await answer(query, said._("You gave back claim #{id}", id=change.claim_id))


async def on_unknown_button(update: Update, context: DeskContext) -> None:
    """Answer a button this bot does not know (old or forged), so the client stops spinning."""
    if update.callback_query is not None:
        await answer(update.callback_query, context.words._(buttons.INVALID))
