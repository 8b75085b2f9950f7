"""The chat's language: chosen for every update before its handlers run, and /language."""

from __future__ import annotations

from telegram import Update

from bot.desk.errors import BadArguments, NotAnEditor
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, N_, Words, supported, words
from handlers.context import DeskContext

AUTO = ("auto", "default", "members")


async def words_of(update: object, context: DeskContext) -> Words:
    """The words of the update's chat: its team's language in a group, the user's in private."""
    if not isinstance(update, Update):
        return context.words
    chat, user = update.effective_chat, update.effective_user
    languages = context.services.languages
    if chat is not None and chat.type in ("group", "supergroup"):
        return words(await languages.of_group(chat.id, user.language_code if user else None))
    if user is not None:
        return words(await languages.of_user(user.id, user.language_code))
    return context.words


async def resolve_words(update: Update, context: DeskContext) -> None:
    """Handler group -2: every handler of this update then speaks `context.words`."""
    context.words = await words_of(update, context)


def _choice(argument: str) -> str | None:
    """ "uk", "Українська", "auto" … → a language code, or None for "back to the default"."""
    value = argument.strip().lower()
    if value in AUTO:
        return None
    for code, name in LANGUAGE_NAMES.items():
        if value == name.lower():
            return code
    language = supported(value)
    if language is None:
        raise BadArguments(
            N_("I speak {languages}. Use /language {codes}, or /language auto."),
            languages=", ".join(LANGUAGE_NAMES.values()),
            codes="|".join(LANGUAGES),
        )
    return language


async def on_language(update: Update, context: DeskContext) -> None:
    """/language [uk|ru|en|auto]: show or choose the language the bot speaks in this chat."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or message is None or user is None:
        return  # commands always come from someone in a chat
    languages = context.services.languages
    group = chat.type in ("group", "supergroup")
    if not context.args:
        current = context.words
        shown = LANGUAGE_NAMES[current.language]
        codes = "|".join(LANGUAGES)
        if group:
            text = current._(
                "I speak {language} here. Editors choose with /language {codes}; /language auto "
                "speaks the language most members' Telegram is set to.",
                language=shown,
                codes=codes,
            )
        else:
            text = current._(
                "I speak {language} to you. Choose with /language {codes}; /language auto "
                "speaks the language your Telegram is set to.",
                language=shown,
                codes=codes,
            )
        await message.reply_text(text)
        return
    choice = _choice(context.args[0])
    if group:
        if not await context.services.editors.is_editor(context.bot, chat, user, message):
            raise NotAnEditor(N_("choose the team's language"))
        await languages.set_group(chat.id, choice)
        chosen = words(await languages.of_group(chat.id))
    else:
        await languages.set_user(user.id, choice)
        chosen = words(await languages.of_user(user.id, user.language_code))
    context.words = chosen
    shown = LANGUAGE_NAMES[chosen.language]
    if choice is not None:
        text = chosen._("From now on I speak {language} here.", language=shown)
    elif group:
        text = chosen._(
            "From now on I speak the language most members' Telegram is set to: {language}.",
            language=shown,
        )
    else:
        text = chosen._(
            "From now on I speak the language your Telegram is set to: {language}.",
            language=shown,
        )
    await message.reply_text(text)
