"""Safe web fetching and link handling: find links, fetch public pages, extract articles."""

from __future__ import annotations

from bot.intake.web.article import (
    ArticleContent,
    article_from_page,
    article_from_page_async,
    parse_article,
    parse_article_async,
    parse_plain_text,
)
from bot.intake.web.errors import (
    ConnectionFailed,
    FetchError,
    ForbiddenAddress,
    HttpStatusError,
    NoArticleText,
    PageTimeout,
    PageTooLarge,
    TooManyRedirects,
    UnsupportedContentType,
    UnsupportedUrl,
)
from bot.intake.web.fetch import FetchedPage, PageFetcher
from bot.intake.web.urls import canonical_url, find_urls, is_only_links, strip_links

__all__ = [
    "ArticleContent",
    "ConnectionFailed",
    "FetchError",
    "FetchedPage",
    "ForbiddenAddress",
    "HttpStatusError",
    "NoArticleText",
    "PageFetcher",
    "PageTimeout",
    "PageTooLarge",
    "TooManyRedirects",
    "UnsupportedContentType",
    "UnsupportedUrl",
    "article_from_page",
    "article_from_page_async",
    "canonical_url",
    "find_urls",
    "is_only_links",
    "parse_article",
    "parse_article_async",
    "parse_plain_text",
    "strip_links",
]
