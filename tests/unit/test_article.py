"""Article extraction from the fixture pages: text, title, author, date, language."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest

from bot.intake.web.article import (
    ArticleContent,
    page_language,
    parse_article,
    parse_article_async,
    parse_plain_text,
    parse_published,
)
from bot.intake.web.errors import FetchError, NoArticleText
from tests.utils.web import FIXTURE_PAGES


def _fixture(name: str) -> str:
    """Read a fixture page."""
    return (FIXTURE_PAGES / name).read_text(encoding="utf-8")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any socket connection fail loudly: extraction must stay offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("article parsing tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_wire_story_metadata_and_text(no_network: None) -> None:
    article = parse_article(_fixture("wire_story_en.html"), "https://meridianwire.example/w/1")
    assert article.title == (
        "Grain exports through Black Sea corridor rose 18% in April, port authority says"
    )
    assert article.author == "Maria Kovalenko"
    assert article.published == datetime(2024, 5, 14, 9, 42, tzinfo=UTC)
    assert article.language == "en"
    assert article.sitename == "Meridian Wire"
    assert "142 vessels had left the three main ports" in article.text
    assert '"The corridor has now operated without interruption' in article.text


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Share on X",
        "Copy link",
        "Sign up for our Morning Bid newsletter",
        "Read Next",
        "All rights reserved",
        "Wheat futures slip",
        "Subscribe",
    ],
)
def test_wire_story_boilerplate_left_out(boilerplate: str) -> None:
    article = parse_article(_fixture("wire_story_en.html"), None)
    assert boilerplate not in article.text


def test_ukrainian_page() -> None:
    article = parse_article(_fixture("ukrainian_news.html"), "https://news.example.ua/kyiv/1")
    assert article.title == "У Києві відкрили 12 нових укриттів у школах — КМДА"
    assert article.author == "Олена Мельник"
    # 10:15 Kyiv summer time (+03:00) is 07:15 UTC.
    assert article.published == datetime(2024, 9, 2, 7, 15, tzinfo=UTC)
    assert article.language == "uk"
    assert "512 шкіл, і 468 з них мають власні укриття" in article.text
    assert "Підписуйтесь на наш Telegram-канал" not in article.text
    assert "Усі права захищено" not in article.text


def test_page_with_open_graph_meta_only() -> None:
    article = parse_article(_fixture("og_only.html"), "https://harbourdaily.example/local/1")
    assert article.title == "City council approves 4% rise in public transport fares from June"
    assert article.author == "Tomas Lindqvist"
    assert article.published == datetime(2024, 4, 30, 15, 5, tzinfo=UTC)
    assert article.sitename == "Harbour Daily"
    assert "voted 31 to 14" in article.text


def test_published_is_utc_aware_for_every_fixture() -> None:
    for path in FIXTURE_PAGES.glob("*.html"):
        published = parse_article(path.read_text(encoding="utf-8"), None).published
        assert published is not None and published.tzinfo is UTC, path.name


@pytest.mark.parametrize(
    "html",
    [
        "",
        "<html><body></body></html>",
        "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>",
        "<html><body><p>Please enable JavaScript.</p></body></html>",
    ],
)
def test_page_without_article_text_raises(html: str) -> None:
    with pytest.raises(NoArticleText) as caught:
        parse_article(html, None)
    assert isinstance(caught.value, FetchError)
    assert caught.value.reason.startswith("I couldn't find any article text")


def test_plain_text_first_line_is_title() -> None:
    text = "Fares to rise 4% in June\r\n\r\n\r\n\r\n" + "The council voted to raise fares. " * 5
    article = parse_plain_text(text, "https://example.com/a.txt")
    assert article.title == "Fares to rise 4% in June"
    assert "\r" not in article.text and "\n\n\n" not in article.text
    assert article.url == "https://example.com/a.txt"


def test_plain_text_too_short_raises() -> None:
    with pytest.raises(NoArticleText):
        parse_plain_text("ok\n")


async def test_async_parse_matches_sync() -> None:
    html = _fixture("og_only.html")
    assert await parse_article_async(html, None) == parse_article(html, None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-05T14:30:00+0200", datetime(2024, 3, 5, 12, 30, tzinfo=UTC)),
        ("2024-03-05T14:30:00", datetime(2024, 3, 5, 14, 30, tzinfo=UTC)),
        ("2024-03-05", datetime(2024, 3, 5, tzinfo=UTC)),
        ("March 2024", None),
        (None, None),
    ],
)
def test_parse_published(raw: str | None, expected: datetime | None) -> None:
    assert parse_published(raw) == expected


@pytest.mark.parametrize(
    ("html", "language"),
    [
        ('<html lang="en-US"><body></body></html>', "en"),
        ("<html class='x' lang=uk>", "uk"),
        ('<html><head><meta property="og:locale" content="pl_PL"></head></html>', "pl"),
        ("<html><body></body></html>", None),
    ],
)
def test_page_language(html: str, language: str | None) -> None:
    assert page_language(html) == language


def test_article_content_is_plain_data() -> None:
    article = ArticleContent(text="x")
    assert (article.title, article.author, article.published) == (None, None, None)
