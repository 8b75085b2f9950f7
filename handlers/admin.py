"""Editors' commands: /verdict, /reopen, /dismiss and /settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.desk.desk import ClaimChange, TeamSettings
from bot.desk.errors import BadArguments, DeskError, NotAnEditor
from handlers import buttons, render
from handlers.arguments import parse_claim_id
from handlers.buttons import SettingButton, answer
from handlers.context import DeskContext
from handlers.membership import require_member
from handlers.status import reply
from handlers.votes import member_of

VERDICT_USAGE = (
    "Use /verdict <id> <true|misleading|false|unproven> [reason], "
    "for example /verdict 17 false The annexation is documented."
)


async def _is_editor(update: Update, context: DeskContext) -> bool:
    """Whether the sender may act as an editor in this chat."""
    if update.effective_chat is None:
        return False
    return await context.services.editors.is_editor(
        context.bot, update.effective_chat, update.effective_user, update.effective_message
    )


def _reason(update: Update, skip: int) -> str | None:
    """The free text after the first `skip` arguments."""
    message = update.effective_message
    parts = (message.text if message and message.text else "").split(maxsplit=skip + 1)
    return parts[skip + 1].strip()[:500] if len(parts) > skip + 1 else None


async def on_verdict(update: Update, context: DeskContext) -> None:
    """Set and lock a verdict."""
    args = context.args or []
    if len(args) < 2:
        raise BadArguments(VERDICT_USAGE)
    claim_id = parse_claim_id(args[0])
    rating = render.RATING_NAMES.get(args[1].lower())
    if rating is None or rating.value == "not_claim":
        raise BadArguments(f"“{args[1][:20]}” is not a verdict. {VERDICT_USAGE}")
    chat = update.effective_chat
    if chat is None:
        return  # commands always come in a chat
    await require_member(update, context, "set verdicts on its claims")
    change = await context.services.desk.set_verdict(
        chat_id=chat.id,
        claim_id=claim_id,
        member=member_of(update),
        rating=rating,
        reason=_reason(update, 2),
        is_editor=await _is_editor(update, context),
    )
    context.services.cards.refresh(claim_id)
    await reply(update, f"🔒 Claim #{claim_id}: verdict {render.status_label(change.status)}.")


async def _claim_action(
    update: Update, context: DeskContext, action: Callable[..., Awaitable[ClaimChange]], usage: str
) -> ClaimChange:
    """Run an editor's action on the claim named in the command, then refresh its card."""
    if not context.args:
        raise BadArguments(usage)
    claim_id = parse_claim_id(context.args[0])
    chat = update.effective_chat
    if chat is None:  # commands always come in a chat
        raise BadArguments(usage)
    await require_member(update, context, "change its claims")
    change = await action(
        chat_id=chat.id,
        claim_id=claim_id,
        member=member_of(update),
        reason=_reason(update, 1),
        is_editor=await _is_editor(update, context),
    )
    context.services.cards.refresh(claim_id)
    return change


async def on_reopen(update: Update, context: DeskContext) -> None:
    """Unlock a claim so votes decide again."""
    usage = "Use /reopen <id>, for example /reopen 17."
    change = await _claim_action(update, context, context.services.desk.reopen, usage)
    status = render.status_label(change.status)
    await reply(update, f"🔓 Claim #{change.claim_id} reopened: {status}.")


async def on_dismiss(update: Update, context: DeskContext) -> None:
    """Take a claim out of the queue."""
    usage = "Use /dismiss <id> [reason], for example /dismiss 17 duplicate."
    change = await _claim_action(update, context, context.services.desk.dismiss, usage)
    await reply(update, f"🚫 Claim #{change.claim_id} dismissed.")


def settings_text(settings: TeamSettings) -> str:
    """The team's settings as a message."""
    return (
        f"<b>Settings</b>\nQuorum: {settings.quorum} votes decide a verdict\n"
        f"Cards at once: {settings.cards_at_once} per article (the rest in /queue)\n"
        f"Extractor: {escape(settings.extractor)}\n"
        f"Answer known claims in the chat: {'on' if settings.auto_answer else 'off'} "
        "(only when sure it is a claim the desk has settled)"
    )


def settings_keyboard(settings: TeamSettings, extractors: list[str]) -> InlineKeyboardMarkup:
    """Buttons that change the quorum, the cards at once and, where offered, the extractor."""
    quorum, cards = settings.quorum, settings.cards_at_once

    def button(label: str, name: str, value: object) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=SettingButton(name, str(value)).encode())

    rows = [
        [
            button("Quorum −", "quorum", max(quorum - 1, 1)),
            button("Quorum +", "quorum", min(quorum + 1, 9)),
        ],
        [
            button("Cards −", "cards", max(cards - 1, 1)),
            button("Cards +", "cards", min(cards + 1, 20)),
        ],
    ]
    answers = "✓ Answer known claims: on" if settings.auto_answer else "Answer known claims: off"
    rows.append([button(answers, "answers", "off" if settings.auto_answer else "on")])
    # Only backends the operator configured are offered (OpenAI needs a key or an endpoint).
    if len(extractors) > 1:
        rows.append(
            [
                button(
                    ("✓ " if name == settings.extractor else "") + f"Extractor: {name}",
                    "extractor",
                    name,
                )
                for name in extractors
            ]
        )
    return InlineKeyboardMarkup(rows)


def _extractors(context: DeskContext) -> list[str]:
    """The extraction backends this bot has (the operator's choice)."""
    return sorted(context.services.intake.extractors)


async def on_settings(update: Update, context: DeskContext) -> None:
    """Show the team's settings; editors get buttons to change them."""
    if update.effective_chat is None:
        return  # commands always come in a chat
    settings = await context.services.desk.team_settings(chat_id=update.effective_chat.id)
    markup = None
    if await _is_editor(update, context):
        markup = settings_keyboard(settings, _extractors(context))
    text = settings_text(settings)
    if markup is None:
        text += "\n<i>Editors (the group's admins) can change these.</i>"
    await reply(update, text, reply_markup=markup)


async def on_settings_button(update: Update, context: DeskContext) -> None:
    """Apply a settings button pressed by an editor."""
    press = await buttons.press_in_chat(update, SettingButton, words=context.words)
    if press is None:
        return
    query, chat, button = press.query, press.chat, press.button
    try:
        await require_member(update, context, "change its settings")
        if not await _is_editor(update, context):
            raise NotAnEditor("change settings")
        settings = await context.services.desk.change_setting(
            chat_id=chat.id,
            name=button.name,
            value=button.value,
            extractors=frozenset(_extractors(context)),
        )
    except DeskError as error:
        await answer(query, str(error), alert=True)
        return
    await answer(query, "Saved")
    try:
        await query.edit_message_text(
            settings_text(settings),
            parse_mode="HTML",
            reply_markup=settings_keyboard(settings, _extractors(context)),
        )
    except BadRequest as error:
        # Quorum − at 1 changes nothing, and Telegram refuses an identical edit.
        if "not modified" not in str(error).lower():
            raise
