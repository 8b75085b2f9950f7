"""A pasted text's own link, and a member's text as one claim."""

from __future__ import annotations

from pathlib import Path

from bot.intake.submission_text import (
    MEMBER_CLAIM_CHARS,
    article_link,
    is_profile_link,
    member_claim_text,
)

BODY = (
    "Regional officials said on Monday that 412 ships used the grain corridor in April. "
    "The port authority said exports rose 18 percent compared with March. " * 6
)


def links_of(text: str, *urls: str) -> list[tuple[str, int]]:
    return [(url, text.find(url)) for url in urls]


def test_a_link_at_the_top_is_the_source() -> None:
    url = "https://news.example.org/grain"
    text = f"{url}\n\n{BODY} More: https://other.example.org/x"
    assert article_link(text, links_of(text, url, "https://other.example.org/x")) == url


def test_the_only_link_in_the_body_is_the_source() -> None:
    url = "https://news.example.org/grain"
    text = f"Port authority: 412 ships used the corridor. Full story: {url}"
    assert article_link(text, links_of(text, url)) == url


def test_a_link_in_an_author_bio_is_not_the_source() -> None:
    url = "https://example.org/about/olena"
    text = f"{BODY}\n\nOlena Marchenko is a business reporter. Follow her: {url}"
    assert article_link(text, links_of(text, url)) is None


def test_a_link_in_the_footer_of_a_long_text_is_not_the_source() -> None:
    url = "https://example.org/newsletter"
    text = f"{BODY}\n\nMore at {url}"
    assert article_link(text, links_of(text, url)) is None


def test_a_bare_profile_page_is_never_the_source() -> None:
    assert is_profile_link("https://twitter.com/jackphillips5")
    assert is_profile_link("https://t.me/dailynews")
    assert not is_profile_link("https://t.me/dailynews/4242")
    assert not is_profile_link("https://x.com/user/status/1790000000000000000")
    text = "https://twitter.com/jackphillips5 says 412 ships used the corridor."
    assert article_link(text, links_of(text, "https://twitter.com/jackphillips5")) is None


def test_several_links_in_the_body_give_no_source() -> None:
    a, b = "https://a.example.org/one", "https://b.example.org/two"
    text = f"{BODY} See {a} and {b} for the figures. {BODY}"
    assert article_link(text, links_of(text, a, b)) is None


def test_the_seed_articles_bio_link_is_not_its_source(shared_dir: Path) -> None:
    seed = (shared_dir / "article-seed-iran-crimea.txt").read_text()
    url = "https://twitter.com/jackphillips5"
    assert article_link(seed.strip(), links_of(seed.strip(), url)) is None


def test_a_members_text_is_kept_whole_on_one_line_without_links() -> None:
    assert member_claim_text("  Vaccines cause\n autism.  ") == "Vaccines cause autism."
    assert member_claim_text("Putin is dead https://t.me/x/1") == "Putin is dead"


def test_a_long_members_text_keeps_whole_sentences_never_an_ellipsis() -> None:
    sentence = "The port authority said exports rose 18 percent compared with March."
    claim = member_claim_text(" ".join([sentence] * 20))
    assert len(claim) <= MEMBER_CLAIM_CHARS
    assert claim.endswith("March.") and "…" not in claim
    one_long = "word " * 200 + "end."
    assert member_claim_text(one_long) == " ".join(one_long.split())  # never cut mid-sentence
