"""Intake handlers: forwards, links, pasted articles, /check and documents."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Chat, Message, Update
from telegram.error import TelegramError

from bot.intake import Draft
from bot.views import article_source
from bot.web.errors import FetchError
from handlers import render
from handlers.context import DeskContext
from handlers.publish import NO_PREVIEW, publish_article
from handlers.submissions import (
    Parsed,
    command_argument,
    decode_document,
    document_kind,
    draft_from_text,
    parse_message,
)

log = logging.getLogger(__name__)

ReadDraft = Callable[[], Awaitable[Draft]]
MIN_CHECK_CHARS = 15


async def on_group_message(update: Update, context: DeskContext) -> None:
    """Queue a forward, a link or a long pasted text; ignore short chatter silently."""
    message = update.effective_message
    parsed = parse_message(message)
    if not parsed.text:
        return
    if parsed.only_links:
        await _queue(update, context, _link_reader(context, parsed, "link"))
    elif parsed.origin is not None:
        await _queue(update, context, _static(draft_from_text(parsed, kind="forward")))
    elif len(parsed.text) >= context.services.settings.min_article_chars:
        await _queue(update, context, _static(draft_from_text(parsed, kind="paste")))


async def on_check(update: Update, context: DeskContext) -> None:
    """Queue the text or link after /check, or the message /check replies to."""
    message = update.effective_message
    target = message.reply_to_message
    argument = command_argument(message)
    if target is not None and not argument:
        parsed = parse_message(target)
    elif argument:
        parsed = parse_message(message)
        parsed = Parsed(argument, parsed.urls, None, parsed.only_links)
    else:
        await message.reply_text(
            "Send /check with a text or a link, or reply /check to the message to check."
        )
        return
    if parsed.only_links:
        await _queue(update, context, _link_reader(context, parsed, "check"))
    elif len(parsed.text) < MIN_CHECK_CHARS:
        await message.reply_text("That is too short to hold a checkable claim.")
    else:
        await _queue(update, context, _static(draft_from_text(parsed, kind="check")))


async def on_document(update: Update, context: DeskContext) -> None:
    """Queue an uploaded .txt, .md or .html file."""
    message = update.effective_message
    document = message.document
    kind = document_kind(document.file_name)
    limit = context.services.settings.max_document_bytes
    if kind is None:
        await message.reply_text(
            f"I can't read {document.file_name or 'this file'} yet: send .txt, .md or .html "
            "(PDF is planned), or paste the text."
        )
        return
    if document.file_size and document.file_size > limit:
        await message.reply_text(
            f"That file is over the {limit // 1000} kB limit; send a shorter one."
        )
        return

    async def read() -> Draft:
        file = await document.get_file()
        data = bytes(await file.download_as_bytearray())
        if len(data) > limit:
            raise FetchError(f"That file is over the {limit // 1000} kB limit; send a shorter one.")
        text = decode_document(data)
        if text is None or not text.strip():
            raise FetchError("That file does not contain readable text.")
        if kind == "html":
            content = await context.services.intake.read_html(text)
            return Draft(
                kind="document",
                text=content.text,
                title=content.title,
                author=content.author,
                published=content.published,
            )
        return Draft(kind="document", text=text.strip(), title=document.file_name)

    await _queue(update, context, read)


def _static(draft: Draft) -> ReadDraft:
    """A reader for a draft that needs no fetching."""

    async def read() -> Draft:
        return draft

    return read


def _link_reader(context: DeskContext, parsed: Parsed, kind: str) -> ReadDraft:
    """A reader that fetches the first link and keeps the forward's origin."""

    async def read() -> Draft:
        url = parsed.urls[0]
        content = await context.services.intake.read_link(url)
        return Draft(
            kind=kind,
            text=content.text,
            title=content.title,
            url=content.url or url,
            author=content.author,
            published=content.published,
            origin=parsed.origin,
        )

    return read


async def _queue(update: Update, context: DeskContext, read: ReadDraft) -> None:
    """Answer at once, read the draft, queue it once, and extract claims in the background."""
    message: Message = update.effective_message
    chat: Chat = update.effective_chat
    status = await message.reply_text("Got it — reading the article…")
    try:
        draft = await read()
    except FetchError as error:
        await _edit(status, f"⚠️ {error}")
        return
    except TelegramError as error:
        log.warning("Could not download a document: %s", error)
        await _edit(status, "⚠️ I could not download that file from Telegram; try again.")
        return
    if not draft.text.strip():
        await _edit(status, "⚠️ There is no text in that message to check.")
        return
    services = context.services
    team = await services.intake.team_for_chat(
        chat_id=chat.id, title=chat.title or "", chat_type=chat.type, is_forum=bool(chat.is_forum)
    )
    member = update.effective_user
    received = await services.intake.submit(
        draft,
        team_id=team.id,
        submitted_by=member.id if member else 0,
        chat_id=chat.id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        status_message_id=status.message_id,
    )
    if received.duplicate:
        source = article_source(received.article)
        await _edit(
            status, render.duplicate_message(received, render.link(source.label, source.link))
        )
        return
    await _edit(status, "Got it — extracting claims…")
    context.application.create_task(
        publish_article(context.application, received.article.id), update=update
    )


async def _edit(status: Message, text: str) -> None:
    """Edit the "Got it…" message; a failure here is logged, not raised."""
    try:
        await status.edit_text(text, parse_mode="HTML", link_preview_options=NO_PREVIEW)
    except TelegramError as error:
        log.warning("Could not edit the status message: %s", error)
