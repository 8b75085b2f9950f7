"""Reading fact-check files record by record: a JSON array, JSON Lines, saved pages' JSON-LD.

Every reader is a generator of `Record`s, each with its position in the file (the line of a
JSON Lines file, the item of an array, the block of a page) so a bad one can be reported and the
rest still read. Arrays are read incrementally, one element at a time with the C JSON decoder
over a sliding text buffer: a file of 100,000 reviews never sits in memory at once.
"""

from __future__ import annotations

import codecs
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

CHUNK = 1 << 16  # characters read at a time
MAX_RECORD = 1 << 20  # one record (a review, a claim of our export) is never larger than this
MAX_PAGE = 20 << 20  # a saved page is read whole
# Arrays inside a top-level object that hold the records: our own export's claims, JSON-LD
# graphs, a Data Commons / Google fact-check feed, an ItemList.
STREAMED_KEYS = frozenset({"claims", "@graph", "dataFeedElement", "itemListElement"})
_SCRIPT = re.compile(
    r"<script\b[^>]*\btype\s*=\s*[\"']?application/ld\+json[\"']?[^>]*>(.*?)</script\s*>",
    re.IGNORECASE | re.DOTALL,
)
_CANONICAL = (
    re.compile(r"<link\b[^>]*\brel\s*=\s*[\"']?canonical[\"']?[^>]*>", re.IGNORECASE),
    re.compile(r"<meta\b[^>]*\bproperty\s*=\s*[\"']?og:url[\"']?[^>]*>", re.IGNORECASE),
)
_ATTRIBUTE = re.compile(r"\b(?:href|content)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_STRUCTURE = re.compile(r'["\\\[\]{},]')
_NON_SPACE = re.compile(r"\S")
_DECODER = json.JSONDecoder()


class UnreadableFile(Exception):
    """A file that cannot be read at all (not JSON, not a page); `str` says why."""


@dataclass(frozen=True)
class Record:
    """One JSON value of the file, or why it could not be read, and where it is."""

    position: str
    value: Any = None
    error: str | None = None
    page_url: str | None = None  # the saved page's own address (canonical link or og:url)
    export_team: dict[str, Any] | None = None  # set for a claim of our own JSON export
    in_page: bool = False  # a block of a page: one without a ClaimReview is not an error


def read_records(stream: BinaryIO) -> Iterator[Record]:
    """The records of a file, whichever of the accepted formats it is in."""
    text = _TextStream(stream)
    first = text.peek_char()
    if first == "":
        raise UnreadableFile("the file is empty")
    if first == "<":
        yield from _page_records(text.read_all(MAX_PAGE))
    elif first == "[":
        yield from _array_records(text, "item")
    elif first == "{":
        line = text.peek_line()
        if _is_json_line(line):
            yield from _line_records(text)
        else:
            yield from _object_records(text)
    else:
        raise UnreadableFile(
            "it is neither JSON (an array, JSON Lines, an object) nor an HTML page"
        )


def _is_json_line(line: str) -> bool:
    """Whether the first line is a whole JSON object: then the file is JSON Lines."""
    stripped = line.strip()
    try:
        return isinstance(json.loads(stripped), dict)
    except ValueError:
        # A broken first line of a JSON Lines file still looks like one object on one line.
        return stripped.startswith("{") and stripped.endswith("}") and len(stripped) > 2


class _TextStream:
    """UTF-8 text (a BOM dropped, bad bytes replaced) read in chunks into a sliding buffer."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
        self.buf = ""
        self.pos = 0
        self.line = 1  # the line at `pos`
        self.eof = False

    def fill(self, at_least: int = CHUNK) -> bool:
        """Read until `at_least` characters lie past `pos` or the file ends; False at the end."""
        if self.pos > MAX_RECORD:  # drop what was read, keeping the buffer small
            self.buf, self.pos = self.buf[self.pos :], 0
        while not self.eof and len(self.buf) - self.pos < at_least:
            data = self.stream.read(CHUNK)
            if not data:
                self.eof = True
                self.buf += self.decoder.decode(b"", final=True)
                break
            self.buf += self.decoder.decode(data)
        return len(self.buf) > self.pos

    def advance(self, to: int) -> None:
        """Move to `to`, counting the lines passed."""
        self.line += self.buf.count("\n", self.pos, to)
        self.pos = to

    def skip_space(self) -> str:
        """Skip whitespace; the next character, or '' at the end."""
        while True:
            if self.pos >= len(self.buf) and not self.fill():
                return ""
            match = _NON_SPACE.search(self.buf, self.pos)
            if match is not None:
                self.advance(match.start())
                return self.buf[self.pos]
            self.advance(len(self.buf))

    def peek_char(self) -> str:
        """The first character that is not whitespace ('' for an empty file)."""
        return self.skip_space()

    def peek_line(self) -> str:
        """The rest of the current line, without consuming it."""
        while "\n" not in self.buf[self.pos :] and not self.eof:
            self.fill(len(self.buf) - self.pos + CHUNK)
            if len(self.buf) - self.pos > MAX_RECORD:
                break
        return self.buf[self.pos :].split("\n", 1)[0]

    def read_all(self, limit: int) -> str:
        """Everything left, up to `limit` characters."""
        self.fill(limit + 1)
        if len(self.buf) - self.pos > limit:
            raise UnreadableFile(f"a page over {limit >> 20} MB is not a saved fact-check page")
        return self.buf[self.pos :]

    def decode_value(self) -> tuple[Any, str | None]:
        """The JSON value at `pos` (moving past it), or None and why it is not one."""
        self.fill()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as error:
                if not self.eof and len(self.buf) - self.pos <= MAX_RECORD:
                    self.fill(2 * (len(self.buf) - self.pos) + CHUNK)
                    continue
                if not self.eof:
                    return None, f"not valid JSON, or over {MAX_RECORD >> 20} MB ({error.msg})"
                return None, f"not valid JSON ({error.msg})"
            if end == len(self.buf) and not self.eof:  # a number may go on in the next chunk
                self.fill(len(self.buf) - self.pos + CHUNK)
                if len(self.buf) > end:
                    continue
            self.advance(end)
            return value, None

    def skip_value(self) -> bool:
        """Move past a malformed value to the ',' or closing bracket that ends it at its level."""
        depth, in_string = 0, False
        at = self.pos
        while True:
            match = _STRUCTURE.search(self.buf, at)
            if match is None:
                if self.eof or len(self.buf) - self.pos > MAX_RECORD:
                    return False
                offset = at - self.pos  # filling may move the buffer's start
                self.fill(len(self.buf) - self.pos + CHUNK)
                at = self.pos + offset
                continue
            char, at = match.group(), match.end()
            if in_string:
                if char == "\\":
                    at += 1
                elif char == '"':
                    in_string = False
            elif char == '"':
                in_string = True
            elif char in "[{":
                depth += 1
            elif char in "]}" and depth > 0:
                depth -= 1
            elif depth == 0 and char in ",]}":
                self.advance(match.start())
                return True


def _array_records(
    text: _TextStream, label: str, export_team: dict[str, Any] | None = None
) -> Iterator[Record]:
    """The elements of the JSON array at the current position, one at a time."""
    text.advance(text.pos + 1)  # the "["
    number = 0
    while True:
        char = text.skip_space()
        if char == "]":
            text.advance(text.pos + 1)
            return
        if char == "":
            yield Record(f"end of file after {label} {number}", error="the array is not closed")
            return
        if char == ",":  # between elements (a stray or trailing one is passed over too)
            text.advance(text.pos + 1)
            continue
        number += 1
        position = f"{label} {number} (line {text.line})"
        value, error = text.decode_value()
        if error is None and text.skip_space() not in (",", "]"):
            error = "not valid JSON (something follows the value)"
        if error is not None:
            yield Record(position, error=error)
            if not text.skip_value():
                yield Record(position, error="cannot tell where it ends: the rest was not read")
                return
            continue
        yield Record(position, value=value, export_team=export_team)


def _object_records(text: _TextStream) -> Iterator[Record]:
    """A top-level object: its big arrays streamed, else the object itself as one record."""
    text.advance(text.pos + 1)  # the "{"
    head: dict[str, Any] = {}
    streamed = False
    while True:
        char = text.skip_space()
        if char == "}":
            break
        if char == ",":
            text.advance(text.pos + 1)
            continue
        key, error = text.decode_value()
        if error is None and (not isinstance(key, str) or text.skip_space() != ":"):
            error = "not valid JSON (expected a key and a colon)"
        if error is not None:
            yield Record(f"line {text.line}", error=f"{error}: the rest was not read")
            return
        text.advance(text.pos + 1)  # the ":"
        if text.skip_space() == "[" and key in STREAMED_KEYS:
            ours = str(head.get("format", "")).startswith("factcheck-bot/") and key == "claims"
            team = head.get("team") if ours and isinstance(head.get("team"), dict) else None
            yield from _array_records(
                text, f"{key} item", export_team=team or ({} if ours else None)
            )
            streamed = True
            continue
        value, error = text.decode_value()
        if error is not None:
            yield Record(f"{key!r} (line {text.line})", error=f"{error}: the rest was not read")
            return
        head[key] = value
    if not streamed:
        yield Record("the document", value=head)


def _line_records(text: _TextStream) -> Iterator[Record]:
    """JSON Lines: one value a line; empty lines are skipped."""
    number = 0
    while text.fill() or text.pos < len(text.buf):
        end = text.buf.find("\n", text.pos)
        while end < 0 and not text.eof:
            text.fill(len(text.buf) - text.pos + CHUNK)
            end = text.buf.find("\n", text.pos)
        end = len(text.buf) if end < 0 else end
        line = text.buf[text.pos : end]
        number += 1
        text.pos = min(end + 1, len(text.buf))
        if not line.strip():
            continue
        try:
            yield Record(f"line {number}", value=json.loads(line))
        except ValueError as error:
            reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            yield Record(f"line {number}", error=f"not valid JSON ({reason})")


def _page_records(page: str) -> Iterator[Record]:
    """The JSON-LD blocks of a saved page, with the page's own address."""
    url = page_address(page)
    blocks = list(_SCRIPT.finditer(page))
    if not blocks:
        yield Record("the page", error='no JSON-LD block (<script type="application/ld+json">)')
    for number, match in enumerate(blocks, start=1):
        position = f"block {number} (line {page.count(chr(10), 0, match.start()) + 1})"
        body = match.group(1).strip()
        body = body.removeprefix("<!--").removesuffix("-->").strip()
        try:
            value = json.loads(body)
        except ValueError:
            try:  # a page that escaped its JSON-LD as HTML text
                value = json.loads(html.unescape(body))
            except ValueError as error:
                reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
                yield Record(position, error=f"not valid JSON ({reason})", in_page=True)
                continue
        yield Record(position, value=value, page_url=url, in_page=True)


def page_address(page: str) -> str | None:
    """The page's canonical address (<link rel=canonical>, else og:url), if it has one."""
    for pattern in _CANONICAL:
        tag = pattern.search(page)
        if tag is None:
            continue
        attribute = _ATTRIBUTE.search(tag.group())
        if attribute is not None:
            value = html.unescape(next(g for g in attribute.groups() if g is not None)).strip()
            if value.startswith(("http://", "https://")):
                return value
    return None
