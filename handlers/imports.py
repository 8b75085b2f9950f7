"""/import: an editor sends a file of published fact-checks (ClaimReview) into the team's history.

The file comes as a document with the caption /import, or /import is a reply to it. The import
itself is bot/desk/imports.py, the same code as `factcheck-bot import`.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Awaitable, Callable
from html import escape

from telegram import Document, Message, Update
from telegram.error import TelegramError

from bot.desk.errors import BadArguments, NotAnEditor
from bot.desk.imports import ImportFailed, ImportReport
from bot.i18n import N_, Words
from handlers import render
from handlers.context import DeskContext
from handlers.publish import NO_PREVIEW

log = logging.getLogger(__name__)

# A document whose caption is the command: Telegram marks commands in captions too, but
# python-telegram-bot's CommandHandler reads only a message's text.
CAPTION = r"^/import(?:@\w+)?(?:\s|$)"
# TRANSLATORS: how to use /import (ClaimReview, JSON Lines are names of formats).
USAGE = N_(
    "Send a file of published fact-checks — ClaimReview as JSON or JSON Lines, a saved "
    "fact-check page, or a JSON export of this bot — with the caption /import, or reply /import "
    "to it."
)
PROGRESS_SECONDS = 5.0  # a large file's import edits its "Importing…" message this often
# TRANSLATORS: the answer to /import sent in a private chat with the bot.
IN_PRIVATE = N_(
    "Send /import with the file in your team's group: it goes into that team's history."
)


async def on_import_document(update: Update, context: DeskContext) -> None:
    """Import the document this message carries (its caption is /import)."""
    message = update.effective_message
    if message is not None and message.document is not None:
        await import_document(update, context, message.document)


async def on_import(update: Update, context: DeskContext) -> None:
    """Import the document /import replies to; explain how otherwise."""
    message = update.effective_message
    if message is None:
        return  # commands always come as a message
    replied = message.reply_to_message
    if replied is None or replied.document is None:
        raise BadArguments(USAGE)
    await import_document(update, context, replied.document)


async def import_document(update: Update, context: DeskContext, document: Document) -> None:
    """Editors only: download the file, import it, and say what went in and what did not."""
    services = context.services
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or message is None:
        return  # registered for messages in a chat
    if chat.type == "private":
        raise BadArguments(IN_PRIVATE)
    if not await services.editors.is_editor(context.bot, chat, user, message):
        raise NotAnEditor(N_("import fact-checks"))
    words = context.words
    limit = services.imports.max_bytes
    if document.file_size and document.file_size > limit:
        await message.reply_text(render.import_too_big(limit, words))
        return
    # TRANSLATORS: shown while an /import runs; it becomes the import's summary.
    status = await message.reply_text(words._("📥 Importing fact-checks…"))
    data = await _download(document, status, words)
    if data is None:
        return
    if len(data) > limit:
        await _edit(status, render.import_too_big(limit, words))
        return
    await services.teams.joined(
        chat_id=chat.id,
        title=chat.title or "",
        chat_type=chat.type,
        is_forum=bool(chat.is_forum),
    )
    try:
        report = await services.imports.import_file(
            io.BytesIO(data), chat_id=chat.id, progress=_progress(status, words)
        )
    except ImportFailed as error:
        await _edit(status, f"⚠️ {escape(error.say(words))}\n{escape(words._(USAGE))}")
        return
    await _edit(status, render.import_summary(report, words))


def _progress(status: Message, words: Words) -> Callable[[ImportReport], Awaitable[None] | None]:
    """Edit "Importing…" with the count so far, at most every PROGRESS_SECONDS."""
    last = time.monotonic()

    def show(report: ImportReport) -> Awaitable[None] | None:
        nonlocal last
        if time.monotonic() - last < PROGRESS_SECONDS:
            return None
        last = time.monotonic()
        # TRANSLATORS: a large /import's progress; {read} and {imported} are numbers of records.
        text = words._(
            "📥 Importing fact-checks… {read} read, {imported} imported so far",
            read=words.number(report.seen),
            imported=words.number(report.imported),
        )
        return _edit(status, text)

    return show


async def _download(document: Document, status: Message, words: Words) -> bytes | None:
    """The file's bytes, or None after saying it could not be fetched."""
    try:
        file = await document.get_file()
        return bytes(await file.download_as_bytearray())
    except TelegramError as error:
        log.warning("Could not download an import file: %s", error)
        text = words._("⚠️ I could not download that file from Telegram; try again.")
        await _edit(status, text)
        return None


async def _edit(status: Message, text: str) -> None:
    """Edit the "Importing…" message; a failure here is logged, not raised."""
    try:
        await status.edit_text(text, parse_mode="HTML", link_preview_options=NO_PREVIEW)
    except TelegramError as error:
        log.warning("Could not edit the import message: %s", error)
