"""Telegram's HTML parse mode: turn bot HTML into plain text and entities, or refuse it."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
OTHER_TAGS = {"a", "span", "tg-emoji"}
ATTRIBUTE = re.compile(r"""\s*([a-zA-Z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
# Telegram decodes only these named entities; any other "&name;" stays as typed.
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")


class HtmlError(ValueError):
    """The HTML does not parse as Telegram would; the message follows Telegram's wording."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _decode(text: str) -> str:
    """Decode the HTML entities Telegram understands."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("#"):
            return unescape(match.group(0))
        return NAMED_ENTITIES.get(name, match.group(0))

    return ENTITY.sub(replace, text)


def _byte_offset(source: str, index: int) -> int:
    """Byte offset of a character index, as Telegram reports errors."""
    return len(source[:index].encode("utf-8"))


def _attributes(raw: str) -> dict[str, str]:
    """Parse a tag's attributes."""
    found: dict[str, str] = {}
    for match in ATTRIBUTE.finditer(raw):
        if match.group(1):
            value = next((g for g in match.groups()[1:] if g is not None), "")
            found[match.group(1).lower()] = _decode(value)
    return found


def _open_entity(name: str, attrs: dict[str, str], source: str, index: int) -> dict[str, Any]:
    """The entity an opening tag starts (offset and length filled in later)."""
    if name in SIMPLE_TAGS:
        entity: dict[str, Any] = {"type": SIMPLE_TAGS[name]}
        if name == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        if name == "code" and attrs.get("class", "").startswith("language-"):
            entity["language"] = attrs["class"].removeprefix("language-")
        return entity
    if name == "a":
        href = attrs.get("href", "")
        if href.startswith("tg://user?id="):
            return {"type": "text_mention", "user": {"id": int(href.split("=", 1)[1] or 0)}}
        return {"type": "text_link", "url": href}
    if name == "span":
        if attrs.get("class") != "tg-spoiler":
            raise HtmlError('Tag "span" must have class "tg-spoiler"')
        return {"type": "spoiler"}
    if name == "tg-emoji":
        if "emoji-id" not in attrs:
            raise HtmlError('Tag "tg-emoji" must have attribute "emoji-id"')
        return {"type": "custom_emoji", "custom_emoji_id": attrs["emoji-id"]}
    raise HtmlError(f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, index)}')


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) for Telegram HTML, or raise HtmlError."""
    text: list[str] = []
    length = 0  # UTF-16 length of the text so far
    stack: list[tuple[str, dict[str, Any], int]] = []
    entities: list[dict[str, Any]] = []
    index = 0
    while index < len(source):
        start = source.find("<", index)
        chunk = source[index:] if start < 0 else source[index:start]
        if chunk:
            decoded = _decode(chunk)
            text.append(decoded)
            length += utf16_len(decoded)
        if start < 0:
            break
        end = source.find(">", start)
        if end < 0:
            raise HtmlError(f"Unclosed start tag at byte offset {_byte_offset(source, start)}")
        body = source[start + 1 : end]
        index = end + 1
        if body.startswith("/"):
            name = body[1:].strip().lower()
            if not stack:
                raise HtmlError(f"Unexpected end tag at byte offset {_byte_offset(source, start)}")
            open_name, entity, offset = stack.pop()
            if name and name != open_name:
                raise HtmlError(
                    f"Unmatched end tag at byte offset {_byte_offset(source, start)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            _close(entity, offset, length, stack, entities)
            continue
        match = re.match(r"([a-zA-Z][a-zA-Z0-9-]*)", body)
        name = match.group(1).lower() if match else ""
        if name not in SIMPLE_TAGS and name not in OTHER_TAGS:
            raise HtmlError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(source, start)}'
            )
        entity = _open_entity(name, _attributes(body[len(name) :]), source, start)
        stack.append((name, entity, length))
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda item: (item["offset"], -item["length"]))
    return "".join(text), entities


def _close(
    entity: dict[str, Any],
    offset: int,
    end: int,
    stack: list[tuple[str, dict[str, Any], int]],
    entities: list[dict[str, Any]],
) -> None:
    """Finish an entity; a <code class=language-x> inside <pre> lends pre its language."""
    if entity["type"] == "code" and stack and stack[-1][1]["type"] == "pre":
        if "language" in entity:
            stack[-1][1]["language"] = entity["language"]
        return
    if entity["type"] == "code":
        entity.pop("language", None)
    if end > offset:
        entities.append({**entity, "offset": offset, "length": end - offset})
