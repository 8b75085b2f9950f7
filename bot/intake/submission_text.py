"""What a member's text means for intake: the article's own link, and the text as one claim."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from bot.intake.web.urls import strip_links
from storage.models import ClaimOrigin

# A claim the member asked for is shown whole on its card, which has room for this much.
MEMBER_CLAIM_CHARS = 600
# A link this close to the start of a pasted text is the article's own (headline, dateline).
TOP_CHARS = 300
# The last part of a long text is where bios, signatures and footers live.
FOOTER_SHARE = 0.2
LONG_TEXT_CHARS = 600

SOCIAL_HOSTS = frozenset(
    {
        "twitter.com",
        "x.com",
        "facebook.com",
        "instagram.com",
        "t.me",
        "telegram.me",
        "linkedin.com",
        "threads.net",
        "tiktok.com",
        "youtube.com",
        "vk.com",
        "bsky.app",
        "mastodon.social",
    }
)
# A line that introduces the author or asks readers to follow: its links are not the source.
BIO_LINE_RE = re.compile(
    r"\b(follow|subscribe|contact|e-?mail|is an? (?:\w+ ){0,3}(?:reporter|journalist|writer|"
    r"editor|correspondent|columnist)|copyright|all rights reserved|підпис|стежте|подпис|"
    r"следите)\b|©",
    re.I,
)
SENTENCE_END_RE = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”»’)]))\s+")


def is_profile_link(url: str) -> bool:
    """A link to a person's or channel's page on a social network, not to a post or story."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    if host not in SOCIAL_HOSTS:
        return False
    segments = [s for s in parts.path.split("/") if s]
    if host == "linkedin.com":
        return len(segments) <= 2
    return len(segments) <= 1 and not parts.query


def article_link(text: str, links: Sequence[tuple[str, int]]) -> str | None:
    """The link that is the pasted text's own source, or None.

    `links` are (url, position in text). A link counts at the top of the text, or when it is
    the only link; never in an author bio, a signature or a footer, nor a bare profile page.
    """
    candidates = [
        (url, position)
        for url, position in links
        if not is_profile_link(url) and not _in_bio_line(text, position)
    ]
    if not candidates:
        return None
    url, position = min(candidates, key=lambda link: link[1])
    if position <= TOP_CHARS:
        return url
    if len(links) == 1 and not _in_footer(text, position):
        return url
    return None


def _in_bio_line(text: str, position: int) -> bool:
    """Whether the line holding this position reads like a bio, signature or footer."""
    if position < 0 or position > len(text):
        return False
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start : end if end >= 0 else len(text)]
    return bool(BIO_LINE_RE.search(line))


def _in_footer(text: str, position: int) -> bool:
    """Whether a position falls in the last part of a long text (where footers are)."""
    return len(text) >= LONG_TEXT_CHARS and position >= len(text) * (1 - FOOTER_SHARE)


def member_claim_text(text: str) -> str:
    """What a member sent, as one claim: on one line, without links, never cut mid-sentence.

    A text longer than a card holds keeps its leading whole sentences (at least the first).
    """
    cleaned = " ".join(strip_links(text).split())
    if len(cleaned) <= MEMBER_CLAIM_CHARS:
        return cleaned
    kept = ""
    for sentence in SENTENCE_END_RE.split(cleaned):
        joined = f"{kept} {sentence}".strip()
        if kept and len(joined) > MEMBER_CLAIM_CHARS:
            break
        kept = joined
    return kept


def member_claim(text: str) -> dict[str, Any]:
    """The column values of a claim that is the member's own text (score: a member asked)."""
    claim = member_claim_text(text)
    start = max(text.find(claim[:40]), 0) if claim else 0
    return {
        "text": claim,
        "quote": claim,
        "claimant": None,
        "score": 1.0,
        "start": start,
        "end": start + len(claim),
        "origin": ClaimOrigin.MEMBER,
    }
