"""Turn a fetched page into an article: main text, title, author, publication date."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.intake.web.errors import NoArticleText
from bot.intake.web.fetch import FetchedPage

log = logging.getLogger(__name__)

# Shorter than this is a teaser, a cookie wall or an error page, not something to check.
MIN_TEXT_CHARS = 80
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
_LANG_RE = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})\b""", re.I)
_OG_LOCALE_RE = re.compile(
    r"""<meta\b[^>]*?property\s*=\s*["']og:locale["'][^>]*?content\s*=\s*["']([A-Za-z]{2,3})""",
    re.I,
)


@dataclass(frozen=True, slots=True)
class ArticleContent:
    """The readable part of a page and what is known about who wrote it and when."""

    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    sitename: str | None = None
    url: str | None = None


def parse_article(html: str, url: str | None = None) -> ArticleContent:
    """Extract the main text and metadata from HTML; raise NoArticleText if there is none."""
    # Imported on first use: trafilatura and its lxml stack cost ~25 MB that a desk which
    # never receives links need not carry.
    import trafilatura
    from trafilatura.settings import Document

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        favor_precision=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        # Code blocks are never claims; tables stay (rows are filtered by the extractor's junk
        # check) because old sites lay the whole article out in a table.
        prune_xpath=["//pre"],
        date_extraction_params={
            "extensive_search": True,
            "original_date": True,
            "outputformat": _DATE_FORMAT,
        },
    )
    text = _clean_text(getattr(doc, "text", None) or "")
    if not isinstance(doc, Document) or len(text) < MIN_TEXT_CHARS:
        raise NoArticleText()
    return ArticleContent(
        text=text,
        title=_clean_field(doc.title),
        author=_clean_field(doc.author),
        published=parse_published(doc.date),
        language=_clean_field(doc.language) or page_language(html),
        sitename=_clean_field(doc.sitename),
        url=url,
    )


def parse_plain_text(text: str, url: str | None = None) -> ArticleContent:
    """Treat a text/plain page as the article itself; its first line is the title."""
    text = _clean_text(text)
    if len(text) < MIN_TEXT_CHARS:
        raise NoArticleText()
    first_line = text.split("\n", 1)[0].strip()
    title = first_line if len(first_line) <= 200 else first_line[:197].rstrip() + "…"
    return ArticleContent(text=text, title=title or None, url=url)


def article_from_page(page: FetchedPage) -> ArticleContent:
    """Parse a fetched page according to its content type."""
    if page.content_type == "text/plain":
        return parse_plain_text(page.text, page.final_url)
    return parse_article(page.text, page.final_url)


async def parse_article_async(html: str, url: str | None = None) -> ArticleContent:
    """Run :func:`parse_article` in a worker thread: it is CPU-heavy."""
    return await asyncio.to_thread(parse_article, html, url)


async def article_from_page_async(page: FetchedPage) -> ArticleContent:
    """Run :func:`article_from_page` in a worker thread."""
    return await asyncio.to_thread(article_from_page, page)


def parse_published(value: str | None) -> datetime | None:
    """Read trafilatura's date string as an aware UTC datetime (naive dates count as UTC)."""
    if not value:
        return None
    for fmt in (_DATE_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    log.debug("unparsed publication date %r", value)
    return None


def page_language(html: str) -> str | None:
    """The page's declared language: <html lang> first, then og:locale."""
    head = html[:20_000]
    match = _LANG_RE.search(head) or _OG_LOCALE_RE.search(head)
    return match.group(1).lower() if match else None


def _clean_text(text: str) -> str:
    """Normalise line endings and squeeze runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _clean_field(value: str | None) -> str | None:
    """Strip a metadata field; empty becomes None."""
    value = (value or "").strip()
    return value or None
