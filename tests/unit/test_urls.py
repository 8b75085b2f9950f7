"""Finding links in messages, telling links from prose, and canonical URLs."""

from __future__ import annotations

import pytest

from bot.intake.web.urls import canonical_url, find_urls, is_only_links, strip_links, utf16_slice


def _utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the way Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


def _entity(text: str, part: str, kind: str = "url", url: str | None = None) -> tuple:
    """Build a Telegram-style entity for the first occurrence of ``part`` in ``text``."""
    index = text.index(part)
    return (kind, _utf16_len(text[:index]), _utf16_len(part), url)


def test_plain_url_found_without_entities() -> None:
    assert find_urls("/check https://example.com/news/1") == ["https://example.com/news/1"]


def test_url_entity_after_emoji_uses_utf16_offsets() -> None:
    # Schemeless, so only the entity (not the regex fallback) can find it.
    text = "🔥🔥 Look: example.com/a?b=1 ok"
    entity = _entity(text, "example.com/a?b=1")
    # Two emoji are four UTF-16 units but two Python characters: naive slicing would be off.
    assert (entity[1], text.index("example")) == (11, 9)
    assert find_urls(text, [entity]) == ["http://example.com/a?b=1"]


def test_url_entity_after_cyrillic_and_emoji() -> None:
    text = "Дивіться 👀 новину: news.example.ua/kyiv/1 — це правда?"
    entity = _entity(text, "news.example.ua/kyiv/1")
    assert find_urls(text, [entity]) == ["http://news.example.ua/kyiv/1"]


def test_utf16_slice_handles_astral_characters() -> None:
    assert utf16_slice("😀abc", 2, 3) == "abc"


def test_text_link_entity_gives_hidden_url() -> None:
    text = "Minister says prices fell, read this"
    entities = [_entity(text, "this", kind="text_link", url="https://example.org/story")]
    assert find_urls(text, entities) == ["https://example.org/story"]


def test_schemeless_url_entity_gets_http() -> None:
    text = "see example.com/page"
    assert find_urls(text, [_entity(text, "example.com/page")]) == ["http://example.com/page"]


def test_duplicates_removed_keeping_order() -> None:
    text = "https://b.example/x https://a.example/y https://b.example/x/?utm_source=tg"
    assert find_urls(text) == ["https://b.example/x", "https://a.example/y"]


def test_entity_and_regex_hit_counted_once() -> None:
    text = "read https://example.com/a"
    assert find_urls(text, [_entity(text, "https://example.com/a")]) == ["https://example.com/a"]


def test_trailing_punctuation_trimmed_but_balanced_parens_kept() -> None:
    text = "See https://en.wikipedia.org/wiki/Foo_(bar). And (https://example.com/x)."
    assert find_urls(text) == [
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "https://example.com/x",
    ]


def test_non_web_schemes_and_emails_ignored() -> None:
    text = "mail me"
    entities = [("email", 0, 4, None), ("text_link", 0, 4, "tg://user?id=1")]
    assert find_urls(text, entities) == []


def test_www_link_without_scheme_found() -> None:
    assert find_urls("check www.example.com/a, please") == ["http://www.example.com/a"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM:443/News/", "https://example.com/News"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&utm_medium=y&id=5", "https://example.com/a?id=5"),
        ("https://example.com/a?fbclid=1&gclid=2&yclid=3&si=4", "https://example.com/a"),
        (
            "https://example.com/a?mc_cid=1&mc_eid=2&igshid=3&_ga=4&ref_src=5",
            "https://example.com/a",
        ),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?b=&a=1", "https://example.com/a?a=1&b="),
        (
            "https://пример.укр/новини",
            "https://xn--e1afmkfd.xn--j1amh/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8",
        ),
        ("https://x.example/%d0%bd%d0%be", "https://x.example/%D0%BD%D0%BE"),
        ("https://example.com./a", "https://example.com/a"),
        ("https://example.com//a//b/", "https://example.com/a/b"),
        ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
        ("https://user:pw@example.com/a", "https://example.com/a"),
        ("https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_is_idempotent() -> None:
    url = "HTTPS://Пример.укр:443/a/?utm_campaign=x&z=1&a=2#top"
    assert canonical_url(canonical_url(url)) == canonical_url(url)


def test_unicode_and_percent_encoded_paths_compare_equal() -> None:
    assert canonical_url("https://x.example/новини/1") == canonical_url(
        "https://x.example/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8/1"
    )


def test_same_article_with_tracking_compares_equal() -> None:
    a = "https://www.example.com/world/story-1?utm_source=telegram&fbclid=abc"
    b = "https://WWW.example.com/world/story-1/"
    assert canonical_url(a) == canonical_url(b)


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/a",
        "look https://example.com/a",
        "is this true? https://example.com/a",
        "/check https://example.com/a",
        "https://example.com/a\nhttps://example.org/b",
        "👀 https://example.com/a !!",
    ],
)
def test_only_links(text: str) -> None:
    assert is_only_links(text, find_urls(text))


def test_text_with_claim_and_link_is_not_only_links() -> None:
    text = (
        "The health ministry says 40% of hospitals ran out of insulin last month, "
        "source: https://example.com/a"
    )
    urls = find_urls(text)
    assert not is_only_links(text, urls)
    assert strip_links(text) == (
        "The health ministry says 40% of hospitals ran out of insulin last month, source:"
    )


def test_no_links_is_not_only_links() -> None:
    assert not is_only_links("hello", [])


def test_strip_links_uses_utf16_entity_offsets() -> None:
    text = "🔥 Вибух у Києві example.com/a сьогодні"
    entities = [_entity(text, "example.com/a")]
    assert strip_links(text, entities) == "🔥 Вибух у Києві сьогодні"


def test_strip_links_keeps_text_link_anchor_and_drops_command() -> None:
    text = "/check@FactBot the mayor said this"
    entities = [_entity(text, "this", kind="text_link", url="https://example.com")]
    assert strip_links(text, entities) == "the mayor said this"
