"""Intake: turn what a member sent into an article, once per team, and extract its claims."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.extraction.base import ExtractionResult, Extractor
from bot.matching_service import match_new_claims
from bot.web.article import ArticleContent, article_from_page_async, parse_article_async
from bot.web.fetch import PageFetcher
from bot.web.urls import canonical_url
from storage import articles as article_q
from storage import claims as claim_q
from storage import teams as team_q
from storage.db import Database
from storage.models import Article, Claim, ExtractionState, Team

log = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class Received:
    """The outcome of submitting a draft: a new article, or the team's earlier copy."""

    article: Article
    duplicate: bool
    progress: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Extracted:
    """An article with its queued claims, and a note about how they were found."""

    article: Article
    claims: list[Claim]
    note: str | None


# Control characters (NUL above all: PostgreSQL refuses it in text) except tab and newlines.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_controls(text: str | None) -> str | None:
    """The text without control characters that no article needs and databases refuse."""
    return CONTROL_CHARS.sub("", text) if text else text


def text_fingerprint(text: str) -> str:
    """A hash of the text that ignores case, spacing, punctuation and Unicode forms."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = re.findall(r"\w+", folded)
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def guess_title(text: str) -> str:
    """The first line of a text, shortened, as a title."""
    first = text.strip().split("\n", 1)[0].strip()
    return first if len(first) <= 120 else first[:117].rstrip() + "…"


class Intake:
    """Reads submissions, queues articles once per team, and runs their extraction."""

    def __init__(
        self,
        db: Database,
        *,
        fetcher: PageFetcher,
        extractors: dict[str, Extractor],
        default_extractor: str,
        max_claims: int,
        match_threshold: float = 80.0,
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.extractors = extractors
        self.default_extractor = default_extractor
        self.max_claims = max_claims
        self.match_threshold = match_threshold

    async def read_link(self, url: str) -> ArticleContent:
        """Fetch a page safely and take its main text (raises FetchError with a reason)."""
        page = await self.fetcher.fetch(url)
        return await article_from_page_async(page)

    async def read_html(self, html: str) -> ArticleContent:
        """Take the main text of an uploaded HTML document."""
        return await parse_article_async(html, None)

    async def team_for_chat(
        self, *, chat_id: int, title: str, chat_type: str, is_forum: bool
    ) -> Team:
        """The team of a group chat, created on first sight."""
        async with self.db.write() as session:
            return await team_q.ensure_team(
                session, chat_id=chat_id, title=title, chat_type=chat_type, is_forum=is_forum
            )

    async def submit(
        self,
        draft: Draft,
        *,
        team_id: int,
        submitted_by: int,
        chat_id: int,
        thread_id: int | None,
        status_message_id: int | None,
    ) -> Received:
        """Store the article, pending extraction; or return the team's earlier copy of it."""
        draft = replace(
            draft, text=without_controls(draft.text), title=without_controls(draft.title)
        )
        fingerprint = text_fingerprint(draft.text)
        canonical = canonical_url(draft.url) if draft.url else None
        async with self.db.write(effect=True) as session:
            earlier = await article_q.find_duplicate(
                session, team_id=team_id, text_hash=fingerprint, canonical_url=canonical
            )
            if earlier is None:
                earlier = await article_q.add_article(
                    session,
                    **self._article_values(draft, fingerprint, canonical),
                    team_id=team_id,
                    submitted_by=submitted_by,
                    chat_id=chat_id,
                    thread_id=thread_id,
                    status_message_id=status_message_id,
                )
                if earlier is not None:
                    return Received(earlier, duplicate=False)
                earlier = await article_q.find_duplicate(
                    session, team_id=team_id, text_hash=fingerprint, canonical_url=None
                )
            assert earlier is not None
            progress = await article_q.article_progress(session, article_id=earlier.id)
        return Received(earlier, duplicate=True, progress=progress)

    @staticmethod
    def _article_values(draft: Draft, fingerprint: str, canonical: str | None) -> dict:
        """Column values for a new article."""
        origin = draft.origin
        return {
            "kind": draft.kind,
            "title": draft.title or guess_title(draft.text),
            "text": draft.text,
            "text_hash": fingerprint,
            "url": draft.url,
            "canonical_url": canonical,
            "author": draft.author,
            "published_at": draft.published,
            "origin_type": origin.type if origin else None,
            "origin_name": origin.name if origin else None,
            "origin_username": origin.username if origin else None,
            "origin_chat_id": origin.chat_id if origin else None,
            "origin_message_id": origin.message_id if origin else None,
            "origin_link": origin.link if origin else None,
            "origin_signature": origin.signature if origin else None,
            "origin_date": origin.date if origin else None,
        }

    async def extract(self, article_id: int) -> Extracted | None:
        """Extract and queue an article's claims; None if another worker has it or it is done."""
        async with self.db.write() as session:
            if not await article_q.claim_extraction(session, article_id=article_id):
                return None
            article = await article_q.get_article(session, article_id=article_id)
            team = await team_q.get_team_by_id(session, team_id=article.team_id)
        name = (team.extractor if team else None) or self.default_extractor
        extractor = self.extractors.get(name) or self.extractors["offline"]
        try:
            result: ExtractionResult = await extractor.extract(
                article.text, max_claims=self.max_claims
            )
        except Exception as error:
            log.exception("Extraction of article %s failed", article_id)
            async with self.db.write() as session:
                await article_q.set_extraction_state(
                    session,
                    article_id=article_id,
                    state=ExtractionState.FAILED,
                    extraction_error=str(error)[:500],
                )
            raise
        async with self.db.write() as session:
            article = await article_q.get_article(session, article_id=article_id)
            if article.extraction_state != ExtractionState.RUNNING:
                return None
            claims = await claim_q.add_claims(
                session,
                team_id=article.team_id,
                article_id=article_id,
                claims=[claim.model_dump() for claim in result.claims],
            )
            await article_q.set_extraction_state(
                session,
                article_id=article_id,
                state=ExtractionState.DONE,
                extractor=result.extractor,
                extraction_note=result.fallback_reason,
            )
        await self._match(claims)
        return Extracted(article, claims, result.fallback_reason)

    async def _match(self, claims: list[Claim]) -> None:
        """Link new claims to the same claims checked before (the card then offers the verdict)."""
        if not claims:
            return
        try:
            await match_new_claims(self.db, claims, threshold=self.match_threshold)
        except Exception:  # matching is a help, never a reason to lose the claims
            log.exception("Matching the claims of article %s failed", claims[0].article_id)
