"""`factcheck-bot extract`: the claims of a file, URL or stdin, or per-line scores for analysts."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bot.config import Settings
from bot.extraction.base import ExtractionResult


async def read_source(source: str, settings: Settings) -> str:
    """The article text of a file (HTML cleaned like the bot does), a URL, or stdin."""
    from bot.web.article import parse_article_async

    if source.startswith(("http://", "https://")):
        from bot.web.article import article_from_page_async
        from bot.web.fetch import PageFetcher

        async with PageFetcher.from_settings(settings) as fetcher:
            page = await fetcher.fetch(source)
        return (await article_from_page_async(page)).text
    if source == "-":
        text = sys.stdin.read()
    else:
        text = await asyncio.to_thread(Path(source).read_text, encoding="utf-8")
    if source.lower().endswith((".html", ".htm")) or text.lstrip()[:15].lower().startswith(
        ("<!doctype html", "<html")
    ):
        return (await parse_article_async(text, None)).text
    return text


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

    lines = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    for text, (value, checkworthy) in zip(lines, score(lines), strict=True):
        if as_json:
            row = {"text": text, "score": round(value, 4), "checkworthy": checkworthy}
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{value:.3f}\t{'CHECK' if checkworthy else '-'}\t{text}")
    return 0


async def run_extract(args: argparse.Namespace, settings: Settings) -> int:
    """Run the `extract` subcommand."""
    from bot.app import build_extractors
    from bot.web.errors import FetchError

    if args.lines:
        return score_lines(args.json)
    if args.extractor:
        settings = settings.model_copy(update={"extractor": args.extractor})
    try:
        text = await read_source(args.source, settings)
    except (OSError, FetchError) as error:
        print(f"factcheck-bot extract: {error}", file=sys.stderr)
        return 1
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
