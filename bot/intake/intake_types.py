"""What intake takes and gives back: drafts of articles, and what became of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from storage.models import Article, Claim


@dataclass(frozen=True)
class Origin:
    """Where a forwarded message first appeared."""

    type: str
    name: str | None = None
    username: str | None = None
    chat_id: int | None = None
    message_id: int | None = None
    signature: str | None = None
    date: datetime | None = None

    @property
    def link(self) -> str | None:
        """The public t.me link of a channel post, when the channel has a username."""
        if self.type in ("channel", "chat") and self.username and self.message_id:
            return f"https://t.me/{self.username}/{self.message_id}"
        return None


@dataclass(frozen=True)
class Draft:
    """An article ready to be queued: its text and what is known of its source."""

    kind: str
    text: str
    title: str | None = None
    url: str | None = None
    author: str | None = None
    published: datetime | None = None
    origin: Origin | None = None
    context: str | None = None
    site_name: str | None = None
    media: str | None = None  # what a file-read text came from (bot/intake/media/place.py)


@dataclass(frozen=True)
class Received:
    """The outcome of submitting a draft: a new article, or the team's earlier copy."""

    article: Article
    duplicate: bool
    progress: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Extracted:
    """An article with its queued claims, and a note about how they were found.

    `refused_language` is the code of the unsupported language the article is clearly in
    (nothing was extracted; a /check of it is queued as sent); `offer_whole` says the member
    may queue the text as one claim.
    """

    article: Article
    claims: list[Claim]
    note: str | None
    refused_language: str | None = None

    @property
    def offer_whole(self) -> bool:
        """Whether to offer "Queue it anyway": nothing queued from a text a member sent."""
        return not self.claims


@dataclass(frozen=True)
class QueuedWhole:
    """The article's text queued as one claim at a member's request (or the earlier one)."""

    article: Article
    claim: Claim
    new: bool
