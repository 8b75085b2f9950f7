"""Decoding what people send: web pages by their declared charset, documents by their BOM.

A page may declare any name Python knows as a codec, and many of those are not character
sets at all: `rot13`, `base64` and `zlib` transform bytes or str into their own kind (decoding
with them raises LookupError), `idna` and `undefined` raise UnicodeError whatever the error
handler. Only real text encodings are taken; anything else falls back to detection.
"""

from __future__ import annotations

import codecs
import logging

log = logging.getLogger(__name__)

# Text codecs by Python's reckoning that are no character set a page or file can be written
# in: they refuse errors="replace", always fail, or turn text into escape sequences.
NOT_CHARSETS = frozenset(
    {"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape", "utf-7"}
)
# Byte-order marks, longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Below this share of undecodable bytes, UTF-8 with replacement characters reads better
# than any guess (a page of UTF-8 with a stray Latin-1 byte).
MOSTLY_UTF8 = 0.01


def text_charset(name: str | None) -> str | None:
    """Python's name for a declared charset if it is a real text encoding, else None."""
    if not name:
        return None
    try:
        info = codecs.lookup(name.strip())
    except (LookupError, ValueError):
        log.debug("unknown charset %r", name)
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in NOT_CHARSETS:
        log.debug("charset %r is not a text encoding", name)
        return None
    return info.name


def bom_charset(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of `data` announces, if any."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    return None


def decode_with(data: bytes, name: str) -> str | None:
    """`data` decoded with `name`, undecodable bytes replaced; None if the codec refuses."""
    try:
        return data.decode(name, errors="replace")
    except (LookupError, UnicodeError, TypeError, ValueError):
        return None


def detect_charset(data: bytes) -> str:
    """The most likely encoding of undeclared bytes: UTF-8 unless they clearly are not."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8", errors="replace").count("\ufffd")
    if replaced <= max(1, len(data) * MOSTLY_UTF8):
        return "utf-8"
    from charset_normalizer import from_bytes  # loaded only for the rare undeclared page

    best = from_bytes(data[:65536]).best()
    guess = text_charset(best.encoding) if best is not None else None
    return guess or "utf-8"


def decode_page(data: bytes, declared: list[str | None]) -> tuple[str, str]:
    """(charset, text) of a page: a BOM first, then the declared names in order, then a guess."""
    for name in [bom_charset(data), *declared]:
        charset = text_charset(name)
        if charset is None:
            continue
        text = decode_with(data, charset)
        if text is not None:
            return charset, text
    charset = detect_charset(data)
    return charset, data.decode(charset, errors="replace")


def decode_document(data: bytes) -> str | None:
    """Decode an uploaded text file; None when it is binary, not text.

    A byte-order mark decides (UTF-16 text is full of NUL bytes, which would otherwise look
    binary); without one UTF-8 is tried, then Windows-1251 (common for Cyrillic text files).
    """
    bom = bom_charset(data)
    if bom is not None:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError:
            return None
        return None if _looks_binary(text[:4096]) else text
    if b"\x00" in data[:4096]:
        return None
    for encoding in ("utf-8", "cp1251"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _looks_binary(text[:4096]) else text
    return None


def _looks_binary(sample: str) -> bool:
    """Whether decoded text is mostly control characters (an image or archive renamed .txt)."""
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f")
    return bool(sample) and controls / len(sample) > 0.05
