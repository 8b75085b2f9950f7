"""Shortening a message never cuts inside a tag or an entity: the result always parses."""

from __future__ import annotations

import re
from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sandbox.html import parse_html, utf16_len
from handlers import render
from handlers.shorten import ELLIPSIS

# Telegram: every "&" outside a tag must start one of the entities it understands.
BARE_AMPERSAND = re.compile(r"&(?!(?:#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot);)")


def visible(html: str) -> str:
    """The text a member sees: parsed the way Telegram parses it (raises if it cannot)."""
    assert not BARE_AMPERSAND.search(re.sub(r"<[^>]*>", "", html)), "a bare & in the text"
    text, _ = parse_html(html)
    return text


def assert_fits(html: str, limit: int = render.MAX_MESSAGE) -> str:
    """fit() of `html` parses, is within the limit, and shows a start of the original text."""
    short = render.fit(html, limit)
    assert utf16_len(short) <= limit
    shown = visible(short)
    original = visible(html)
    if shown != original:  # shortened (a link that only lost its href shows the same text)
        assert shown.endswith(ELLIPSIS)
        assert original.startswith(shown.removesuffix(ELLIPSIS).rstrip("\n").rstrip())
    return short


def test_a_4000_character_url_full_of_ampersands_loses_its_href_not_the_message() -> None:
    url = "https://news.example/a?" + "&".join(f"k{i}=v" for i in range(800))
    assert len(url) > 4000
    html = (
        f"📰 <b>{render.link('Ministry: grain exports rose 18%', url)}</b>\n"
        "Source: a link\nQueued 3 claims."
    )
    short = assert_fits(html)
    assert "href" not in short
    assert "Ministry: grain exports rose 18%" in visible(short)
    assert "Queued 3 claims." in visible(short)


def test_a_link_that_fits_keeps_its_href_and_a_shortened_text() -> None:
    url = "https://news.example/a?x=1&y=2"
    html = "line\n" * 5 + render.link("word " * 1000, url)
    short = assert_fits(html, 400)
    assert 'href="https://news.example/a?x=1&amp;y=2"' in short
    assert short.endswith("</a>…") or short.endswith(f"</a>\n{ELLIPSIS}")


def test_cut_prefers_a_line_break_and_never_splits_an_entity() -> None:
    html = "\n".join(escape(f"claim {i} & <more>") for i in range(400))
    short = assert_fits(html)
    assert short.endswith(f"\n{ELLIPSIS}")
    assert "&am…" not in short and "&amp;" in short


def test_emoji_count_twice_towards_the_limit() -> None:
    short = assert_fits("😀" * 3000)
    assert utf16_len(short) <= render.MAX_MESSAGE < len("😀" * 3000) * 2


def test_nested_tags_open_at_the_cut_are_closed() -> None:
    html = "<b>bold <i>" + escape("x & y " * 2000) + "</i> tail</b>"
    short = assert_fits(html)
    assert short.endswith("</i></b>…")


# Random Telegram HTML as the renderers write it: escaped text of any Unicode, line breaks,
# bold/italic/code around parts, and links with long, ampersand-heavy addresses.
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300).map(escape)
URL = st.builds(
    lambda path, n: "https://x.example/" + path + "?" + "&".join(["a=b"] * n),
    st.text("abc/%é", max_size=50),
    st.integers(0, 1500),
)


def _wrap(tag: str):
    return lambda inner: f"<{tag}>{inner}</{tag}>"


FRAGMENT = st.recursive(
    st.one_of(TEXT, st.just("\n")),
    lambda inner: st.one_of(
        st.lists(inner, max_size=6).map("".join),
        inner.map(_wrap("b")),
        inner.map(_wrap("i")),
        inner.map(_wrap("code")),
        st.builds(lambda text, url: f'<a href="{escape(url, quote=True)}">{text}</a>', TEXT, URL),
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENT, min_size=1, max_size=30).map("\n".join), st.integers(20, 4096))
def test_fit_is_always_valid_telegram_html_within_the_limit(html: str, limit: int) -> None:
    assert_fits(html, limit)
