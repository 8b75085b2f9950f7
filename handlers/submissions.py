"""Reading a Telegram message as something to check: text, links, origin, documents."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from telegram import (
    Message,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)

from bot.intake import Draft, Origin
from bot.web.urls import find_urls, is_only_links, strip_links

TEXT_DOCUMENTS = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
}


@dataclass(frozen=True)
class Parsed:
    """A message read for intake: its text, the links in it, and where it came from."""

    text: str
    urls: list[str]
    origin: Origin | None
    only_links: bool


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
    return Parsed(
        text=text.strip(),
        urls=urls,
        origin=origin_of(message.forward_origin),
        only_links=is_only_links(text, urls, entities),
    )


def draft_from_text(parsed: Parsed, *, kind: str) -> Draft:
    """A draft whose article is the message text; a link in it is kept as the source."""
    return Draft(
        kind=kind,
        text=parsed.text,
        url=parsed.urls[0] if parsed.urls else None,
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


def decode_document(data: bytes) -> str | None:
    """Decode an uploaded text file; None when it is binary, not text."""
    if b"\x00" in data[:4096]:
        return None
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def words_outside_links(parsed: Parsed) -> str:
    """The message text without its links (the claim context around a link)."""
    return strip_links(parsed.text)
