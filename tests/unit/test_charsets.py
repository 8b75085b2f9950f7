"""Odd charsets: a page declaring a codec that is no character set is still read, as text;
a UTF-16 or UTF-32 document with a byte-order mark is text, not binary."""

from __future__ import annotations

import asyncio
import codecs

import pytest

from bot.intake.web.charsets import decode_document, decode_page, text_charset
from bot.intake.web.fetch import PageFetcher
from bot.sandbox import Sandbox
from tests.e2e.test_desk import ARTICLE, ask, open_desk
from tests.utils.web import page, serve_pages

BODY = "<html><head><title>Новини</title></head><body><p>Council votes on fares</p></body></html>"


def raw_page(body: bytes, content_type: str):
    """A page whose Content-Type header is sent exactly as given."""
    from aiohttp import web

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=body, headers={"Content-Type": content_type})

    return handler


@pytest.mark.parametrize(
    "declared", ["rot13", "base64", "idna", "undefined", "zlib", "hex", "utf-7", "no-such-one"]
)
async def test_a_page_declaring_a_non_text_codec_is_read_as_text(declared: str) -> None:
    routes = {
        "/header": raw_page(BODY.encode(), f"text/html; charset={declared}"),
        "/meta": page(BODY.replace("<head>", f"<head><meta charset={declared}>"), charset=None),
    }
    async with serve_pages(routes) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            for path in ("/header", "/meta"):
                fetched = await asyncio.wait_for(fetcher.fetch(server.url(path)), 5)
                assert fetched.charset == "utf-8"
                assert "Council votes on fares" in fetched.text and "Новини" in fetched.text


def test_only_real_text_encodings_are_taken() -> None:
    assert text_charset("windows-1251") == "cp1251"
    assert text_charset(" KOI8-U ") == "koi8-u"
    for name in ("rot13", "base64", "zlib", "bz2", "idna", "punycode", "undefined", "", None):
        assert text_charset(name) is None


def test_undeclared_single_byte_cyrillic_is_detected() -> None:
    text = (
        "Міська рада проголосувала за підвищення тарифів на проїзд у громадському транспорті. " * 8
    )
    charset, decoded = decode_page(text.encode("cp1251"), [None])
    assert decoded == text, charset


def test_a_bom_outweighs_the_declared_charset() -> None:
    charset, decoded = decode_page(codecs.BOM_UTF16_LE + BODY.encode("utf-16-le"), ["latin-1"])
    assert charset == "utf-16" and decoded == BODY


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-8"])
def test_a_document_with_a_byte_order_mark_is_text(encoding: str) -> None:
    bom = {
        "utf-16-le": codecs.BOM_UTF16_LE,
        "utf-16-be": codecs.BOM_UTF16_BE,
        "utf-32-le": codecs.BOM_UTF32_LE,
        "utf-32-be": codecs.BOM_UTF32_BE,
        "utf-8": codecs.BOM_UTF8,
    }[encoding]
    assert decode_document(bom + ARTICLE.encode(encoding)) == ARTICLE


def test_binary_is_still_refused() -> None:
    assert decode_document(b"\x00\x01\xffPK\x03\x04" * 50) is None
    assert decode_document(codecs.BOM_UTF16_LE + b"\x01\x00\x02\x00" * 50) is None  # controls
    assert decode_document(ARTICLE.encode("utf-16-le")) is None  # no BOM: NULs mean binary


async def test_a_utf16_document_is_queued_like_any_text(sandbox: Sandbox, tmp_path) -> None:
    data = codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le")
    async with open_desk(sandbox, f"sqlite+aiosqlite:///{tmp_path / 'doc.db'}") as desk:
        await ask(desk, desk.bob, None, "Queued", document=("notes.txt", data, "text/plain"))
