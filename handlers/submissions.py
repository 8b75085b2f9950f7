"""Reading a Telegram message as something to check: text, links, origin, documents."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import TYPE_CHECKING, Protocol

from telegram import (
    Message,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)

from bot.desk.errors import BadArguments
from bot.i18n import N_, Words
from bot.intake.intake import Draft, Intake, Origin
from bot.intake.submission_text import article_link
from bot.intake.web.charsets import decode_document
from bot.intake.web.errors import FetchError
from bot.intake.web.urls import find_urls, is_only_links, strip_links, utf16_slice
from handlers.media_readers import HasOcr, Sent, media_reader

if TYPE_CHECKING:
    from bot.app.config import Settings

TEXT_DOCUMENTS = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
}


ReadDraft = Callable[[], Awaitable[Draft]]


@dataclass(frozen=True)
class Parsed:
    """A message read for intake: its text, the links in it, and where it came from."""

    text: str
    urls: list[str]
    origin: Origin | None
    only_links: bool
    positions: tuple[int, ...] = ()  # where each of `urls` is in the text (-1: not known)

    @property
    def source_link(self) -> str | None:
        """The link that is the text's own source (not a bio's, a signature's or a footer's)."""
        return article_link(self.text, list(zip(self.urls, self.positions, strict=True)))


def origin_of(origin: MessageOrigin | None) -> Origin | None:
    """Keep what Telegram tells about a forward's origin."""
    if origin is None:
        return None
    if isinstance(origin, MessageOriginChannel):
        return Origin(
            type="channel",
            name=origin.chat.title,
            username=origin.chat.username,
            chat_id=origin.chat.id,
            message_id=origin.message_id,
            signature=origin.author_signature,
            date=origin.date,
        )
    if isinstance(origin, MessageOriginChat):
        return Origin(
            type="chat",
            name=origin.sender_chat.title,
            username=origin.sender_chat.username,
            chat_id=origin.sender_chat.id,
            signature=origin.author_signature,
            date=origin.date,
        )
    if isinstance(origin, MessageOriginUser):
        user = origin.sender_user
        return Origin(
            type="user",
            name=user.full_name,
            username=user.username,
            chat_id=user.id,
            date=origin.date,
        )
    if isinstance(origin, MessageOriginHiddenUser):
        return Origin(type="hidden_user", name=origin.sender_user_name, date=origin.date)
    return Origin(type=origin.type, date=origin.date)


def parse_message(message: Message) -> Parsed:
    """The text (or caption) of a message, its links and its forward origin."""
    text = message.text or message.caption or ""
    raw_entities = message.entities if message.text else message.caption_entities
    entities = [(e.type, e.offset, e.length, e.url) for e in raw_entities or ()]
    urls = find_urls(text, entities)
    stripped = text.strip()
    anchors = {url: len(utf16_slice(text, 0, offset)) for kind, offset, _, url in entities if url}
    lead = len(text) - len(text.lstrip())
    return Parsed(
        text=stripped,
        urls=urls,
        origin=origin_of(message.forward_origin),
        only_links=is_only_links(text, urls, entities),
        positions=link_positions(stripped, urls, {u: i - lead for u, i in anchors.items()}),
    )


def link_positions(text: str, urls: list[str], anchors: dict[str, int]) -> tuple[int, ...]:
    """Where each link is in the text: as written (with or without its scheme), or its anchor."""
    found = []
    for url in urls:
        bare = url.split("://", 1)[-1]
        position = text.find(url)
        if position < 0:
            position = text.find(bare)
        found.append(position if position >= 0 else anchors.get(url, -1))
    return tuple(found)


def draft_from_text(parsed: Parsed, *, kind: str) -> Draft:
    """A draft whose article is the message text; its own link (if any) is kept as the source."""
    return Draft(
        kind=kind,
        text=parsed.text,
        url=parsed.source_link,
        origin=parsed.origin,
    )


def command_argument(message: Message) -> str:
    """The text after a /command (and its @botname)."""
    text = message.text or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def document_kind(file_name: str | None) -> str | None:
    """'text' or 'html' for supported documents, else None."""
    suffix = PurePath(file_name or "").suffix.lower()
    return TEXT_DOCUMENTS.get(suffix)


def words_outside_links(parsed: Parsed) -> str:
    """The message text without its links (the claim context around a link)."""
    return strip_links(parsed.text)


class Reading(Protocol):
    """What reading a submission needs of the services (`handlers.context.Services` has it)."""

    @property
    def intake(self) -> Intake: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def media(self) -> HasOcr: ...


def read_submission(
    services: Reading,
    message: Message,
    words: Words,
    *,
    min_chars: int | None = None,
    kind: str | None = None,
) -> ReadDraft | None:
    """`reader_for` with the operator's limits (MIN_ARTICLE_CHARS unless `min_chars` is given).

    `words`: the chat's, for the title of a recording or a PDF ("Voice message (0:42)").
    """
    settings = services.settings
    minimum = settings.min_article_chars if min_chars is None else min_chars
    # A caption stands in for an unreadable file only when it would be queued on its own.
    sent = media_sent(message, min_chars=settings.min_article_chars, kind=kind)
    media = media_reader(services, message, sent, words)
    if media is not None:
        return media  # a PDF, a voice message, a video (handlers/media_readers.py)
    return reader_for(
        services.intake,
        message,
        min_chars=minimum,
        max_document_bytes=settings.max_document_bytes,
        kind=kind,
    )


def media_sent(message: Message, *, min_chars: int, kind: str | None) -> Sent:
    """What came with a file: its caption, whether the caption would be queued on its own."""
    parsed = parse_message(message)
    stands = bool(parsed.text) and not parsed.only_links
    stands = stands and (parsed.origin is not None or len(parsed.text) >= min_chars)
    default = "forward" if parsed.origin is not None else "paste"
    alone = draft_from_text(parsed, kind=kind or default) if stands else None
    return Sent(caption=parsed.text, origin=parsed.origin, kind=kind, alone=alone)


def reader_for(
    intake: Intake,
    message: Message,
    *,
    min_chars: int,
    max_document_bytes: int,
    kind: str | None = None,
) -> ReadDraft | None:
    """How to read what a message asks to check; None when it is chatter, not an article.

    A supported document is read as a file; a message that is only a link is fetched; a
    forward, or a text of at least `min_chars`, is the article itself (a link in it is kept as
    its source). Raises BadArguments for a document the bot cannot read.
    """
    parsed = parse_message(message)
    if message.document is not None:
        file_reader = _document_reader(intake, message, max_document_bytes)
        if file_reader is not None:
            return file_reader
        if not parsed.text or (parsed.origin is None and len(parsed.text) < min_chars):
            name = message.document.file_name
            if name:
                raise BadArguments(
                    # TRANSLATORS: {name} is the file's name.
                    N_(
                        "I can't read {name} yet: send .txt, .md, .html or .pdf, or paste the text."
                    ),
                    name=name,
                )
            raise BadArguments(
                N_("I can't read this file yet: send .txt, .md, .html or .pdf, or paste the text.")
            )
    if not parsed.text:
        return None
    if parsed.only_links:
        return link_reader(intake, parsed, kind or "link")
    if parsed.origin is not None or len(parsed.text) >= min_chars:
        default = "forward" if parsed.origin is not None else "paste"
        return static_reader(draft_from_text(parsed, kind=kind or default))
    return None


def with_text(parsed: Parsed, text: str) -> Parsed:
    """The same message read as another text (the argument of /check)."""
    return replace(parsed, text=text, origin=None, positions=link_positions(text, parsed.urls, {}))


def static_reader(draft: Draft) -> ReadDraft:
    """A reader for a draft that needs no fetching."""

    async def read() -> Draft:
        return draft

    return read


def link_reader(intake: Intake, parsed: Parsed, kind: str) -> ReadDraft:
    """A reader that fetches the first link and keeps the forward's origin."""

    async def read() -> Draft:
        url = parsed.urls[0]
        content = await intake.read_link(url)
        return Draft(
            kind=kind,
            text=content.text,
            title=content.title,
            url=content.url or url,
            author=content.author,
            published=content.published,
            origin=parsed.origin,
            site_name=content.sitename,
        )

    return read


def _document_reader(intake: Intake, message: Message, limit: int) -> ReadDraft | None:
    """A reader for an uploaded .txt, .md or .html file; None for other kinds of file."""
    document = message.document
    if document is None:
        return None
    kind = document_kind(document.file_name)
    if kind is None:
        return None
    # TRANSLATORS: {size} is a number of kilobytes ("500").
    too_big = N_("That file is over the {size} kB limit; send a shorter one.")
    if document.file_size and document.file_size > limit:
        raise BadArguments(too_big, size=limit // 1000)
    origin = origin_of(message.forward_origin)

    async def read() -> Draft:
        file = await document.get_file()
        data = bytes(await file.download_as_bytearray())
        if len(data) > limit:
            raise FetchError(too_big, size=limit // 1000)
        text = decode_document(data)
        if text is None or not text.strip():
            raise FetchError(
                # TRANSLATORS: {name} is the file's name.
                N_(
                    "{name} is not a text file (it looks binary); "
                    "send plain text, Markdown or HTML."
                ),
                name=document.file_name,
            )
        if kind == "html":
            content = await intake.read_html(text)
            return Draft(
                kind="document",
                text=content.text,
                title=content.title or document.file_name,
                author=content.author,
                published=content.published,
                origin=origin,
                site_name=content.sitename,
            )
        return Draft(kind="document", text=text.strip(), title=document.file_name, origin=origin)

    return read
