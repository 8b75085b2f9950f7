"""`factcheck-bot extract`: the claims of a file, URL or stdin, or per-line scores for analysts.

Every failure a user can cause (a missing or binary file, a refused link, no API key) is one
line on stderr and a non-zero exit, worded for someone at a command line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bot.app.config import Settings
from bot.extraction.base import ExtractionResult

HTML_START = ("<!doctype html", "<html")


class CliError(Exception):
    """A failure to report as one line: `str(error)` says what went wrong and what to do."""


def decode_file(data: bytes, *, html: bool) -> str:
    """Text of a file's bytes, decoded the way the bot decodes fetched pages.

    A byte-order mark first, then (for HTML) the charset its <meta> declares, then UTF-8 unless
    the bytes clearly are not, then a guess (Windows-1251, Latin-1…).
    """
    from bot.intake.web.charsets import decode_page
    from bot.intake.web.fetch import _declared_charsets

    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CliError("that file is binary, not text: give a .txt, .md or .html file")
    declared = _declared_charsets(None, data, "text/html" if html else "text/plain")
    return decode_page(data, declared)[1]


def looks_like_html(source: str, data: bytes) -> bool:
    """Whether a file is HTML: by its name, or by how it starts."""
    if source.lower().endswith((".html", ".htm")):
        return True
    return data.lstrip()[:15].lower().startswith(tuple(s.encode() for s in HTML_START))


def refused_link(url: str, error: Exception) -> str:
    """Why a link was not fetched, with how to allow a local or internal server on purpose."""
    from bot.intake.web.errors import ForbiddenAddress, UnsupportedUrl

    parts = urlsplit(url)
    host = parts.hostname or url
    where = f"{host}:{parts.port}" if parts.port else host
    if isinstance(error, ForbiddenAddress):
        return (
            f"{url}: refused, {host} is a {error.category} address (only public web pages are "
            f"fetched); to allow it, set FETCH_ALLOWED_HOSTS={where}"
        )
    if isinstance(error, UnsupportedUrl) and parts.port:
        return (
            f"{url}: refused, port {parts.port} is not a standard web port (80, 443); "
            f"to allow it, set FETCH_ALLOWED_HOSTS={where}"
        )
    return f"{url}: {error}"


async def read_source(source: str, settings: Settings) -> str:
    """The article text of a file (HTML cleaned like the bot does), a URL, or stdin."""
    from bot.intake.web.article import article_from_page_async, parse_article_async
    from bot.intake.web.errors import FetchError

    if source.startswith(("http://", "https://")):
        from bot.intake.web.fetch import PageFetcher

        try:
            async with PageFetcher.from_settings(settings) as fetcher:
                page = await fetcher.fetch(source)
            return (await article_from_page_async(page)).text
        except FetchError as error:
            raise CliError(refused_link(source, error)) from None
    if source == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            data = await asyncio.to_thread(Path(source).read_bytes)
        except OSError as error:
            raise CliError(f"cannot read {source}: {error.strerror or error}") from None
    html = looks_like_html(source, data)
    text = decode_file(data, html=html)
    if not html:
        return text
    try:
        return (await parse_article_async(text, None)).text
    except FetchError as error:  # NoArticleText: a page with no readable body
        raise CliError(f"{source}: {error}") from None


def print_claims(result: ExtractionResult, as_json: bool) -> None:
    """Claims as JSON (`{"claims": [...]}`) or as a readable list."""
    if as_json:
        claims = [c.model_dump() for c in result.claims]
        print(json.dumps({"claims": claims}, ensure_ascii=False, indent=2))
        return
    if result.fallback_reason:
        print(f"({result.fallback_reason})", file=sys.stderr)
    if not result.claims:
        print("No checkable claims found.")
    for number, claim in enumerate(result.claims, 1):
        who = f" — {claim.claimant}" if claim.claimant else ""
        print(f"{number:2}. [{claim.score:.2f}] {claim.text}{who}")


def score_lines(as_json: bool) -> int:
    """One sentence per line on stdin: its score and whether it is check-worthy."""
    from bot.extraction.scorer import score_lines as score

    text = decode_file(sys.stdin.buffer.read(), html=False)
    lines = [line for line in text.splitlines() if line.strip()]
    for line, (value, checkworthy) in zip(lines, score(lines), strict=True):
        if as_json:
            row = {"text": line, "score": round(value, 4), "checkworthy": checkworthy}
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{value:.3f}\t{'CHECK' if checkworthy else '-'}\t{line}")
    return 0


def check_openai(settings: Settings) -> None:
    """Refuse `--extractor openai` without a key or a server to send the text to."""
    if settings.extractor != "openai":
        return
    if not settings.openai_api_key.get_secret_value() and not settings.openai_base_url:
        raise CliError(
            "--extractor openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server) "
            "in the environment or .env"
        )


def warn_language(text: str) -> None:
    """Say so when the text is clearly in a language the extractor cannot read (the bot refuses)."""
    from bot.extraction.language import language_name, unsupported_language

    code = unsupported_language(text)
    if code:
        print(
            f"(this looks like {language_name(code)}; the extractor reads English, Ukrainian "
            "and Russian only)",
            file=sys.stderr,
        )


async def run_extract(args: argparse.Namespace, settings: Settings) -> int:
    """Run the `extract` subcommand; a failure is one line on stderr and exit code 1."""
    try:
        return await _extract(args, settings)
    except CliError as error:
        print(f"factcheck-bot extract: {error}", file=sys.stderr)
        return 1


async def _extract(args: argparse.Namespace, settings: Settings) -> int:
    """Read the source, extract its claims and print them."""
    from bot.app.factory import build_extractors

    if args.lines:
        return score_lines(args.json)
    if args.extractor:
        settings = settings.model_copy(update={"extractor": args.extractor})
    check_openai(settings)
    text = await read_source(args.source, settings)
    warn_language(text)
    extractors = build_extractors(settings, None)
    extractor = extractors.get(settings.extractor, extractors["offline"])
    try:
        result = await extractor.extract(text, max_claims=args.max_claims or settings.max_claims)
    finally:
        close = getattr(extractor, "close", None)
        if close is not None:
            await close()
    print_claims(result, args.json)
    return 0
