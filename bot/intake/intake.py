"""Intake: turn what a member sent into an article, once per team, and extract its claims."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import unicodedata
from dataclasses import replace
from typing import Any, overload

from bot.desk.errors import DeskError
from bot.desk.requests import Asking, record_request
from bot.extraction.base import ExtractionResult, Extractor
from bot.extraction.language import detect_language, unsupported_language
from bot.i18n import N_
from bot.intake.intake_types import Draft, Extracted, Origin, QueuedWhole, Received
from bot.intake.submission_text import member_claim
from bot.intake.web.article import ArticleContent, article_from_page_async, parse_article_async
from bot.intake.web.fetch import PageFetcher
from bot.intake.web.urls import canonical_url
from bot.matching.service import match_new_claims
from storage import articles as article_q
from storage import claims as claim_q
from storage import teams as team_q
from storage.db import Database
from storage.models import Article, Claim, ExtractionState, stored_id

log = logging.getLogger(__name__)

__all__ = [
    "ArticleNotFound",
    "Draft",
    "Extracted",
    "Intake",
    "Origin",
    "QueuedWhole",
    "Received",
    "StillReading",
]


class StillReading(DeskError):
    """The article's extraction has not finished: nothing to force in yet."""

    def __init__(self) -> None:
        super().__init__(N_("I'm still reading that article; wait for its claims."))


class ArticleNotFound(DeskError):
    """No such article in this chat's team (an old or forged button)."""

    def __init__(self) -> None:
        super().__init__(N_("This button is no longer valid."))


# Control characters (NUL above all: PostgreSQL refuses it in text) except tab and newlines.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FILE_NAME_RE = re.compile(r"\.(?:txt|md|markdown|html?)$", re.IGNORECASE)


@overload
def without_controls(text: str) -> str: ...
@overload
def without_controls(text: None) -> None: ...
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


def page_headline(article: Article) -> str | None:
    """A fetched page's own title, to rank the claim it announces first; None for a title
    guessed from the text's first line or an uploaded file's name."""
    title = (article.title or "").strip()
    if not title or title == guess_title(article.text) or FILE_NAME_RE.search(title):
        return None
    return title


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

    async def submit(
        self,
        draft: Draft,
        *,
        team_id: int,
        submitted_by: int,
        chat_id: int,
        thread_id: int | None,
        status_message_id: int | None,
        asked: Asking | None = None,
    ) -> Received:
        """Store the article, pending extraction; or return the team's earlier copy of it.

        `asked` (the member's message) is recorded as a request in the same transaction.
        """
        draft = replace(
            draft, text=without_controls(draft.text), title=without_controls(draft.title)
        )
        fingerprint = text_fingerprint(draft.text)
        canonical = canonical_url(draft.url) if draft.url else None
        language = (await asyncio.to_thread(detect_language, draft.text)).code
        async with self.db.write() as session:
            earlier = await article_q.find_duplicate(
                session, team_id=team_id, text_hash=fingerprint, canonical_url=canonical
            )
            if earlier is None:
                earlier = await article_q.add_article(
                    session,
                    **self._article_values(draft, fingerprint, canonical),
                    language=language,
                    team_id=team_id,
                    submitted_by=submitted_by,
                    chat_id=chat_id,
                    thread_id=thread_id,
                    status_message_id=status_message_id,
                )
                if earlier is not None:
                    if asked is not None:
                        await record_request(
                            session, article=earlier, user_id=submitted_by, asked=asked
                        )
                    return Received(earlier, duplicate=False)
                earlier = await article_q.find_duplicate(
                    session, team_id=team_id, text_hash=fingerprint, canonical_url=None
                )
            assert earlier is not None
            if asked is not None:
                await record_request(session, article=earlier, user_id=submitted_by, asked=asked)
            progress = await article_q.article_progress(session, article_id=stored_id(earlier))
        return Received(earlier, duplicate=True, progress=progress)

    @staticmethod
    def _article_values(draft: Draft, fingerprint: str, canonical: str | None) -> dict[str, Any]:
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
            "site_name": without_controls(draft.site_name),
            "media": draft.media,
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
        """Extract and queue an article's claims; None if another worker has it or it is done.

        A text in a language the extractor cannot read is refused (nothing queued) unless a
        member asked for it with /check: then, as when nothing check-worthy is found in what
        /check was given, the member's text itself becomes one claim.
        """
        async with self.db.write() as session:
            if not await article_q.claim_extraction(session, article_id=article_id):
                return None
            article = await article_q.get_article(session, article_id=article_id)
            if article is None:  # claimed above, so only a deleted team's article is gone
                return None
            team = await team_q.get_team_by_id(session, team_id=article.team_id)
        asked = article.kind == "check"
        refused = await asyncio.to_thread(unsupported_language, article.text)
        if refused is not None and not asked:
            return await self._finish(article_id, [], refused_language=refused)
        result: ExtractionResult | None = None
        if refused is None:
            name = (team.extractor if team else None) or self.default_extractor
            headline = page_headline(article)
            result = await self._run_extractor(article_id, article.text, name, headline)
        claims = [claim.model_dump() for claim in result.claims] if result else []
        if asked and not claims:
            claims = [member_claim(article.text)]
        return await self._finish(article_id, claims, result=result, refused_language=refused)

    async def _run_extractor(
        self, article_id: int, text: str, name: str, headline: str | None = None
    ) -> ExtractionResult:
        """Run the team's extractor; a failure marks the article failed and is raised."""
        extractor = self.extractors.get(name) or self.extractors["offline"]
        try:
            return await extractor.extract(text, max_claims=self.max_claims, headline=headline)
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

    async def _finish(
        self,
        article_id: int,
        claims: list[dict[str, Any]],
        *,
        result: ExtractionResult | None = None,
        refused_language: str | None = None,
    ) -> Extracted | None:
        """Queue the claims and mark the extraction done (None if the article moved on)."""
        note = result.fallback_reason if result else None
        async with self.db.write() as session:
            article = await article_q.get_article(session, article_id=article_id)
            if article is None or article.extraction_state != ExtractionState.RUNNING:
                return None
            rows = await claim_q.add_claims(
                session, team_id=article.team_id, article_id=article_id, claims=claims
            )
            await article_q.set_extraction_state(
                session,
                article_id=article_id,
                state=ExtractionState.DONE,
                extractor=result.extractor if result else None,
                extraction_note=note,
            )
        await self._match(rows, post=article.text)
        return Extracted(article, rows, note, refused_language=refused_language)

    async def queue_whole(self, *, article_id: int, chat_id: int) -> QueuedWhole:
        """Queue an article's text as one claim ("Queue it anyway"); once, however often asked.

        Only for an article of this chat's team whose extraction is over; if it already has
        claims (a second press, or two members at once) nothing new is queued.
        """
        async with self.db.write() as session:
            article = await article_q.get_article(session, article_id=article_id, for_update=True)
            team = None
            if article is not None:  # the team's chat, which a group upgrade may have moved
                team = await team_q.get_team_by_id(session, team_id=article.team_id)
            if article is None or team is None or team.chat_id != chat_id:
                raise ArticleNotFound()
            if article.extraction_state in (ExtractionState.PENDING, ExtractionState.RUNNING):
                raise StillReading()
            earlier = await claim_q.claims_of_article(session, article_id=article_id)
            if earlier:
                return QueuedWhole(article, earlier[0], new=False)
            rows = await claim_q.add_claims(
                session,
                team_id=article.team_id,
                article_id=article_id,
                claims=[member_claim(article.text)],
            )
        await self._match(rows)
        return QueuedWhole(article, rows[0], new=True)

    async def _match(self, claims: list[Claim], *, post: str | None = None) -> None:
        """Link new claims to the same claims checked before (the card then offers the verdict);
        `post`, the text they came from, is looked up whole when it is a social post."""
        if not claims:
            return
        try:
            await match_new_claims(self.db, claims, threshold=self.match_threshold, post=post)
        except Exception:  # matching is a help, never a reason to lose the claims
            log.exception("Matching the claims of article %s failed", claims[0].article_id)
