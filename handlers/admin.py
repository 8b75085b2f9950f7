"""Editors' commands: /verdict, /reopen, /dismiss and /settings."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot import i18n
from bot.desk.desk import ClaimChange, TeamSettings
from bot.desk.errors import BadArguments, DeskError, NotAnEditor
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, N_, Words
from bot.records import ClaimStatus, Rating
from handlers import buttons, render
from handlers.arguments import parse_claim_id
from handlers.buttons import AUTO_LANGUAGE, SettingButton, answer
from handlers.context import DeskContext
from handlers.membership import require_member
from handlers.status import VERDICTS, reply, verdict_words
from handlers.votes import member_of

# TRANSLATORS: how to use /verdict (plain text: keep "<id>" and "[reason]" in their brackets);
# {ratings} is "true|misleading|false|unproven" and {false} the word for "false", both as
# /verdict accepts them in your language.
VERDICT_USAGE = N_(
    "Use /verdict <id> <{ratings}> [reason], "
    "for example /verdict 17 {false} The annexation is documented."
)


def _normal(text: str) -> str:
    """A rating's name as /verdict compares it: lower case, single spaces."""
    return " ".join(text.casefold().split())


def verdict_names() -> dict[str, Rating]:
    """The names /verdict takes for each rating: the English codes, and the rating's name and
    its status's word in every language we speak ("false", "хибно", "ложь")."""
    names = {name: rating for name, rating in render.RATING_NAMES.items() if rating in VERDICTS}
    for language in LANGUAGES:
        said = i18n.words(language)
        for rating in VERDICTS:
            status = render.STATUS_WORD[ClaimStatus(rating.value)]
            for word in (render.RATING_WORD[rating], status):
                names.setdefault(_normal(said._(word)), rating)
    return names


def verdict_of(args: list[str]) -> tuple[Rating | None, int]:
    """The rating named after the claim id in /verdict's arguments, and how many words it took
    (a name may be more than one word); None and 1 when none is named."""
    names = verdict_names()
    longest = max(len(name.split()) for name in names)  # "вводит в заблуждение": three
    for size in range(min(longest, len(args) - 1), 0, -1):
        rating = names.get(_normal(" ".join(args[1 : 1 + size])))
        if rating is not None:
            return rating, size
    return None, 1


def verdict_usage(words: Words) -> BadArguments:
    """How to use /verdict, with the ratings as this chat names them."""
    false = words._(render.RATING_WORD[Rating.FALSE]).lower()
    return BadArguments(VERDICT_USAGE, ratings=verdict_words(words), false=false)


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
    """Set and lock a verdict; the rating in English or in the chat's words ("хибно")."""
    args = context.args or []
    usage = verdict_usage(context.words)  # the ratings in the chat's language
    if len(args) < 2:
        raise usage
    claim_id = parse_claim_id(args[0])
    rating, size = verdict_of(args)
    if rating is None:
        raise BadArguments(
            # TRANSLATORS: {word} is what was typed after /verdict's claim id; {usage} is how
            # to use /verdict.
            N_("“{word}” is not a verdict. {usage}"),
            word=args[1][:20],
            usage=usage.say(context.words),
        )
    chat = update.effective_chat
    if chat is None:
        return  # commands always come in a chat
    await require_member(update, context, N_("set verdicts on its claims"))
    change = await context.services.desk.set_verdict(
        chat_id=chat.id,
        claim_id=claim_id,
        member=member_of(update),
        rating=rating,
        reason=_reason(update, 1 + size),
        is_editor=await _is_editor(update, context),
    )
    context.services.cards.refresh(claim_id)
    words = context.words
    # TRANSLATORS: the answer to /verdict; {status} is the verdict with its icon ("❌ false").
    text = words._(
        "🔒 Claim #{id}: verdict {status}.",
        id=claim_id,
        status=render.status_label(change.status, words),
    )
    await reply(update, text)


async def _claim_action(
    update: Update,
    context: DeskContext,
    action: Callable[..., Awaitable[ClaimChange]],
    usage: BadArguments,
) -> ClaimChange:
    """Run an editor's action on the claim named in the command, then refresh its card."""
    if not context.args:
        raise usage
    claim_id = parse_claim_id(context.args[0])
    chat = update.effective_chat
    if chat is None:  # commands always come in a chat
        raise usage
    await require_member(update, context, N_("change its claims"))
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
    # TRANSLATORS: how to use /reopen (plain text: keep "<id>").
    usage = BadArguments(N_("Use /reopen <id>, for example /reopen 17."))
    change = await _claim_action(update, context, context.services.desk.reopen, usage)
    words = context.words
    # TRANSLATORS: the answer to /reopen; {status} is where the votes put it ("🔎 in review").
    text = words._(
        "🔓 Claim #{id} reopened: {status}.",
        id=change.claim_id,
        status=render.status_label(change.status, words),
    )
    await reply(update, text)


async def on_dismiss(update: Update, context: DeskContext) -> None:
    """Take a claim out of the queue."""
    # TRANSLATORS: how to use /dismiss (plain text: keep "<id>" and "[reason]" in brackets).
    usage = BadArguments(N_("Use /dismiss <id> [reason], for example /dismiss 17 duplicate."))
    change = await _claim_action(update, context, context.services.desk.dismiss, usage)
    await reply(update, context.words._("🚫 Claim #{id} dismissed.", id=change.claim_id))


def settings_text(settings: TeamSettings, words: Words) -> str:
    """The team's settings as a message (`words`: the language the team is spoken to in)."""
    lines = [
        # TRANSLATORS: the heading of /settings, the team's settings.
        words._("<b>Settings</b>"),
        # TRANSLATORS: in /settings: how many votes for one rating settle a claim.
        words.ngettext(
            "Quorum: {n} vote decides a verdict", "Quorum: {n} votes decide a verdict",
            settings.quorum,
        ),
        # TRANSLATORS: in /settings: how many claims of an article get a card at once.
        words.ngettext(
            "Cards at once: {n} per article (the rest in /queue)",
            "Cards at once: {n} per article (the rest in /queue)",
            settings.cards_at_once,
        ),
        # TRANSLATORS: {name} is the claim extractor's name ("offline", "openai").
        words._("Extractor: {name}", name=escape(settings.extractor)),
    ]  # fmt: skip
    if settings.auto_answer:
        lines.append(
            # TRANSLATORS: in /settings: the bot answers by itself, in the group's chat, claims
            # the desk has already settled.
            words._(
                "Answer known claims in the chat: on (only when sure it is a claim the desk has "
                "settled)"
            )
        )
    else:
        lines.append(
            words._(
                "Answer known claims in the chat: off (only when sure it is a claim the desk has "
                "settled)"
            )
        )
    shown = LANGUAGE_NAMES[words.language]
    if settings.language:
        # TRANSLATORS: in /settings; {language} is a language's name in itself ("Українська").
        lines.append(words._("Language: {language}", language=shown))
    else:
        # TRANSLATORS: in /settings, when no editor chose a language; {language} is the one
        # most members' Telegram uses, by its name in itself ("Українська").
        auto = words._("Language: {language}, as most members' Telegram (auto)", language=shown)
        lines.append(auto)
    return "\n".join(lines)


def settings_keyboard(
    settings: TeamSettings, extractors: list[str], words: Words
) -> InlineKeyboardMarkup:
    """Buttons that change the quorum, the cards at once, the language and, where offered, the
    extractor."""
    quorum, cards = settings.quorum, settings.cards_at_once

    def button(label: str, name: str, value: object) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=SettingButton(name, str(value)).encode())

    def chosen(label: str, on: bool) -> str:
        return f"✓ {label}" if on else label

    # Buttons of /settings: one fewer or one more vote decides a verdict; one fewer or one
    # more card posted at once per article.
    # TRANSLATORS: a button of /settings: one vote fewer settles a claim.
    fewer_votes = words.pgettext("button", "Quorum −")
    # TRANSLATORS: a button of /settings: one vote more settles a claim.
    more_votes = words.pgettext("button", "Quorum +")
    # TRANSLATORS: a button of /settings: one card fewer posted at once per article.
    fewer_cards = words.pgettext("button", "Cards −")
    # TRANSLATORS: a button of /settings: one card more posted at once per article.
    more_cards = words.pgettext("button", "Cards +")
    rows = [
        [
            button(fewer_votes, "quorum", max(quorum - 1, 1)),
            button(more_votes, "quorum", min(quorum + 1, 9)),
        ],
        [
            button(fewer_cards, "cards", max(cards - 1, 1)),
            button(more_cards, "cards", min(cards + 1, 20)),
        ],
    ]
    if settings.auto_answer:
        # TRANSLATORS: a button of /settings: answering known claims is on; press to turn it off.
        answers = words.pgettext("button", "✓ Answer known claims: on")
    else:
        # TRANSLATORS: a button of /settings: answering known claims is off; press to turn it on.
        answers = words.pgettext("button", "Answer known claims: off")
    rows.append([button(answers, "answers", "off" if settings.auto_answer else "on")])
    # Each language by its own name; "auto" speaks the language most members' Telegram uses.
    languages = [
        button(chosen(LANGUAGE_NAMES[code], settings.language == code), "language", code)
        for code in LANGUAGES
    ]
    # TRANSLATORS: a button of /settings: speak the language most members' Telegram is set
    # to, not one an editor chose (short).
    auto = words.pgettext("button", "Auto")
    languages.append(button(chosen(auto, not settings.language), "language", AUTO_LANGUAGE))
    rows.append(languages)
    # Only backends the operator configured are offered (OpenAI needs a key or an endpoint).
    if len(extractors) > 1:
        rows.append(
            [
                button(
                    # TRANSLATORS: a button of /settings: use the claim extractor {name}.
                    chosen(words.pgettext("button", "Extractor: {name}", name=name),
                           name == settings.extractor),
                    "extractor",
                    name,
                )
                for name in extractors
            ]
        )  # fmt: skip
    return InlineKeyboardMarkup(rows)


def _extractors(context: DeskContext) -> list[str]:
    """The extraction backends this bot has (the operator's choice)."""
    return sorted(context.services.intake.extractors)


async def on_settings(update: Update, context: DeskContext) -> None:
    """Show the team's settings; editors get buttons to change them."""
    if update.effective_chat is None:
        return  # commands always come in a chat
    words = context.words
    settings = await context.services.desk.team_settings(chat_id=update.effective_chat.id)
    markup = None
    if await _is_editor(update, context):
        markup = settings_keyboard(settings, _extractors(context), words)
    text = settings_text(settings, words)
    if markup is None:
        text += "\n" + words._("<i>Editors (the group's admins) can change these.</i>")
    await reply(update, text, reply_markup=markup)


async def _change(context: DeskContext, chat_id: int, button: SettingButton) -> TeamSettings:
    """Apply one settings button; a new language is spoken from this answer on."""
    services = context.services
    if button.name == "language":
        choice = None if button.value == AUTO_LANGUAGE else button.value
        await services.languages.set_group(chat_id, choice)
        context.words = i18n.words(await services.languages.of_group(chat_id))
        return await services.desk.team_settings(chat_id=chat_id)
    return await services.desk.change_setting(
        chat_id=chat_id,
        name=button.name,
        value=button.value,
        extractors=frozenset(_extractors(context)),
    )


async def on_settings_button(update: Update, context: DeskContext) -> None:
    """Apply a settings button pressed by an editor."""
    press = await buttons.press_in_chat(update, SettingButton, words=context.words)
    if press is None:
        return
    query, chat, button = press.query, press.chat, press.button
    try:
        await require_member(update, context, N_("change its settings"))
        if not await _is_editor(update, context):
            raise NotAnEditor(N_("change settings"))
        settings = await _change(context, chat.id, button)
    except DeskError as error:
        await answer(query, error.say(context.words), alert=True)
        return
    words = context.words
    # TRANSLATORS: the answer to a press of a /settings button (at most 200 characters).
    await answer(query, words._("Saved"))
    try:
        await query.edit_message_text(
            settings_text(settings, words),
            parse_mode="HTML",
            reply_markup=settings_keyboard(settings, _extractors(context), words),
        )
    except BadRequest as error:
        # Quorum − at 1 changes nothing, and Telegram refuses an identical edit.
        if "not modified" not in str(error).lower():
            raise
