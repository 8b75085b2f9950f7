"""Shortening Telegram HTML to a length limit without ever cutting inside a tag or an entity.

Telegram refuses a whole message ("can't parse entities") when a cut leaves half an
`<a href="…&am`, half an entity or an unclosed tag, and the fallback that resends the same text
fails the same way. So the text is cut, never the markup: tags and entities are kept whole or
left out, every tag still open at the cut is closed, and a link whose tag alone would not fit
loses its href but keeps its visible text.
"""

from __future__ import annotations

import re

# One piece of Telegram HTML: a tag, an entity Telegram decodes, a line break, a run of text,
# or a stray "<"/"&" (never produced by the renderers, which escape everything).
_PIECE = re.compile(r"<[^<>]*>|&(?:#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|\n|[^<&\n]+|[<&]")
_TAG = re.compile(r"<(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")
ELLIPSIS = "…"
# When a message is too long, links whose opening tag is longer than this (a 4,000-character
# URL full of "&amp;") give up their href first: the content is worth more than the address.
LONG_LINK = 200


def units(text: str) -> int:
    """Telegram's length: UTF-16 code units (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def shorten_html(html: str, limit: int) -> str:
    """`html` if it fits in `limit` UTF-16 units; else a shorter, still valid, version of it.

    The whole markup counts towards the limit (Telegram's own count is of the visible text,
    so this is on the safe side).
    """
    if units(html) <= limit:
        return html
    pieces = _PIECE.findall(html)
    pairs = _tag_pairs(pieces)
    _drop_long_links(pieces, pairs, limit)
    if units("".join(pieces)) <= limit:
        return "".join(pieces)
    return _cut(pieces, pairs, limit)


def _tag_name(piece: str) -> tuple[bool, str] | None:
    """(is a closing tag, lower-case name) of a tag piece, or None for anything else."""
    if not piece.startswith("<") or len(piece) < 3:
        return None
    match = _TAG.match(piece)
    return (match.group(1) == "/", match.group(2).lower()) if match else None


def _tag_pairs(pieces: list[str]) -> dict[int, int]:
    """Index of each opening tag → index of its closing tag (unmatched ones are left out)."""
    pairs: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    for index, piece in enumerate(pieces):
        tag = _tag_name(piece)
        if tag is None:
            continue
        closing, name = tag
        if not closing:
            stack.append((name, index))
        elif stack and stack[-1][0] == name:
            pairs[stack.pop()[1]] = index
    return pairs


def _is_link(piece: str) -> bool:
    """Whether a piece is an opening <a> tag."""
    return _tag_name(piece) == (False, "a")


def _drop_long_links(pieces: list[str], pairs: dict[int, int], limit: int) -> None:
    """Unlink the longest links (keeping their text) until the message fits or none is long."""
    long_links = sorted(
        (i for i in pairs if _is_link(pieces[i]) and len(pieces[i]) > LONG_LINK),
        key=lambda i: -len(pieces[i]),
    )
    total = units("".join(pieces))
    for index in long_links:
        if total <= limit:
            return
        total -= units(pieces[index]) + units(pieces[pairs[index]])
        pieces[index] = pieces[pairs[index]] = ""


def _cut(pieces: list[str], pairs: dict[int, int], limit: int) -> str:
    """Keep whole pieces while they fit, then close what is open and add an ellipsis."""
    closers = {close: pieces[close] for close in pairs.values()}
    reserve = units("\n" + ELLIPSIS)
    out: list[str] = []
    used = 0
    stack: list[str] = []  # closing tags still owed, innermost last
    owed = 0  # their total length
    dropped: set[int] = set()  # closing tags of links that lost their href
    line_end: tuple[int, int, list[str]] | None = None  # (pieces kept, used, stack) at a "\n"
    partial = ""
    for index, piece in enumerate(pieces):
        room = limit - reserve - used - owed
        if not piece or index in dropped:
            continue
        if index in closers:
            out.append(piece)  # its length was reserved in `owed` when the tag opened
            used, owed = used + units(piece), owed - units(stack.pop())
            continue
        if index in pairs:
            close = closers[pairs[index]]
            if units(piece) + units(close) <= room:
                out.append(piece)
                used, owed = used + units(piece), owed + units(close)
                stack.append(close)
                continue
            if _is_link(piece):
                dropped.add(pairs[index])  # keep the link's text, without its href
                continue
            break
        if _tag_name(piece) is not None:
            continue  # a tag without its pair would make the message unparsable: leave it out
        if piece == "\n":
            line_end = (len(out), used, list(stack))
        if units(piece) <= room:
            out.append(piece)
            used += units(piece)
            continue
        if not piece.startswith("&") and piece not in ("<", "\n"):
            partial = _prefix(piece, room)
        break
    if line_end is not None and line_end[1] >= (limit - reserve) // 2:
        # Prefer ending at a line break when that keeps at least half of the room.
        kept, _, stack = line_end
        return "".join(out[:kept]) + "".join(reversed(stack)) + "\n" + ELLIPSIS
    return "".join(out) + partial.rstrip() + "".join(reversed(stack)) + ELLIPSIS


def _prefix(text: str, room: int) -> str:
    """The longest start of `text` within `room` UTF-16 units."""
    size = 0
    for index, char in enumerate(text):
        size += 2 if ord(char) > 0xFFFF else 1
        if size > room:
            return text[:index]
    return text
