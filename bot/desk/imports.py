"""Fact-checks in: ClaimReview files (and our own JSON export) become a team's settled claims.

`import_reviews` streams a file record by record (bot/desk/review_files.py), reads each
ClaimReview (bot/desk/claimreview.py), and writes them a batch at a time: each review becomes an
ordinary settled claim of the team, which the matcher finds like any other, with the review's URL
in `claim.review_url` and the rest in `imported_review`. The review's URL is its key, per team:
a second import of the same file adds nothing. A bad record is reported with its position and
the good ones still go in. The CLI (`factcheck-bot import`) and the chat's /import share it.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from sqlalchemy.exc import IntegrityError

from bot.desk.claimreview import (
    BadReview,
    ReviewFields,
    claim_reviews,
    read_review,
    review_of_exported_claim,
    reviews_of_api_claim,
)
from bot.desk.errors import DeskError, NoTeam
from bot.desk.review_files import Record, UnreadableFile, read_records
from bot.i18n import N_
from storage import imports as import_q
from storage import teams as team_q
from storage.db import Database
from storage.models import ClaimStatus, Team, stored_id, utcnow

BATCH = 500
KEPT_BAD = 1000  # positions kept for the report; the count goes on
VERDICT_WORDS = {"true": "True", "misleading": "Misleading", "false": "False",
                 "unproven": "Unproven"}  # fmt: skip


class ImportFailed(DeskError):
    """A file that cannot be imported at all (not JSON, not a page); `str` says why."""


@dataclass(frozen=True)
class BadRecord:
    """A record that did not become a claim, where it is and why."""

    position: str
    reason: str


@dataclass
class ImportReport:
    """What an import did, filled in as it goes."""

    imported: int = 0
    known: int = 0  # already imported before (or twice in this file)
    unsettled: int = 0  # claims of our own export without a verdict
    bad_count: int = 0
    bad: list[BadRecord] = field(default_factory=list)
    team_title: str = ""

    def reject(self, position: str, reason: str) -> None:
        """Count a bad record, keeping the first positions."""
        self.bad_count += 1
        if len(self.bad) < KEPT_BAD:
            self.bad.append(BadRecord(position, reason))

    @property
    def seen(self) -> int:
        """Reviews and records read so far."""
        return self.imported + self.known + self.unsettled + self.bad_count


@dataclass(frozen=True)
class _Review:
    """One readable review and where it was."""

    position: str
    fields: ReviewFields
    source_format: str


def _reviews(stream: BinaryIO, report: ImportReport) -> Iterator[_Review]:
    """The readable reviews of a file; bad and unsettled records go straight to the report."""
    page_blocks = page_reviews = 0
    for record in read_records(stream):
        page_blocks += record.in_page
        if record.error is not None:
            report.reject(record.position, record.error)
            continue
        for review in _record_reviews(record, report):
            page_reviews += record.in_page
            yield review
    if page_blocks and not page_reviews:
        report.reject("the page", "none of its JSON-LD blocks is a ClaimReview")


def _record_reviews(record: Record, report: ImportReport) -> Iterator[_Review]:
    """The reviews one record holds (a ClaimReview, a graph, a claim of our own export)."""
    if record.export_team is not None:
        review = review_of_exported_claim(record.value, record.export_team) if isinstance(
            record.value, dict) else None  # fmt: skip
        if review is None:
            if isinstance(record.value, dict):
                report.unsettled += 1
            else:
                report.reject(record.position, "not a claim of a factcheck-bot export")
            return
        found = [("", review)]
        source = "factcheck-bot" if "identifier" in review else "claimreview"
    else:
        found = list(claim_reviews(record.value))
        source = "claimreview"
        if not found and isinstance(record.value, dict):  # Google's Fact Check Tools API
            api = reviews_of_api_claim(record.value)
            found = [(f"claimReview[{i}]" if len(api) > 1 else "", r) for i, r in enumerate(api)]
    if not found and not record.in_page:
        kind = record.value.get("@type") if isinstance(record.value, dict) else None
        report.reject(record.position, f"not a ClaimReview{f' (@type {kind})' if kind else ''}")
    for path, review in found:
        position = (
            f"{record.position} {path}".strip() if len(found) > 1 or path else record.position
        )
        try:
            fields = read_review(review, page_url=record.page_url if len(found) == 1 else None)
        except BadReview as error:
            report.reject(position, str(error))
            continue
        yield _Review(position, fields, source)


def _take(reviews: Iterator[_Review], count: int) -> list[_Review]:
    """The next `count` reviews (reading the file: run in a thread)."""
    return list(itertools.islice(reviews, count))


def _new_review(review: _Review, now: datetime) -> import_q.NewReview:
    """The storage row of one readable review."""
    fields = review.fields
    status = fields.verdict or ClaimStatus.UNPROVEN
    by = fields.publisher or "the publisher"
    reason = f"imported: {by} rated it “{fields.rating}”"
    if fields.verdict is None:
        reason += " (no verdict of ours matches: kept as unproven)"
    return import_q.NewReview(
        key=fields.key, claim_text=fields.claim_text, claimant=fields.claimant, status=status,
        reason=reason[:500], decided_at=fields.reviewed_at or now, reviewed_at=fields.reviewed_at,
        url=fields.url, publisher=fields.publisher, publisher_url=fields.publisher_url,
        rating=fields.rating[:500], rating_value=fields.rating_value,
        best_rating=fields.best_rating, worst_rating=fields.worst_rating, verdict=fields.verdict,
        language=fields.language, source_format=review.source_format, review=fields.review,
        appearance_url=fields.appearance_url, appearance_title=fields.appearance_title,
        appeared_at=fields.appeared_at,
    )  # fmt: skip


async def _store_batch(
    db: Database, team_id: int, batch: list[_Review], report: ImportReport
) -> None:
    """Add the batch's new reviews (one transaction); the known ones are counted, not added."""
    unique: dict[str, _Review] = {}
    for review in batch:
        if review.fields.key in unique:
            report.known += 1
        else:
            unique[review.fields.key] = review
    for attempt in range(2):
        try:
            async with db.write() as session:
                known = await import_q.known_keys(session, team_id=team_id, keys=list(unique))
                fresh = [r for key, r in unique.items() if key not in known]
                now = utcnow()
                # Ordinary claims of the team: the matcher's index reads them like any other.
                await import_q.add_reviews(
                    session, team_id=team_id, reviews=[_new_review(r, now) for r in fresh]
                )
        except IntegrityError:
            if attempt:  # another import of the same reviews at the same moment, twice
                raise
            continue  # it committed first: this time its reviews count as known
        report.known += len(unique) - len(fresh)
        report.imported += len(fresh)
        return


async def _team(db: Database, chat_id: int) -> Team:
    """The chat's team, or NoTeam."""
    async with db.read() as session:
        team = await team_q.get_team(session, chat_id=chat_id)
    if team is None:
        raise NoTeam()
    return team


async def import_reviews(
    db: Database,
    stream: BinaryIO,
    *,
    chat_id: int,
    batch: int = BATCH,
    progress: Callable[[ImportReport], Awaitable[None] | None] | None = None,
) -> ImportReport:
    """Import a file of fact-checks into the chat's team; returns what it did.

    `progress` is called after every batch (a counter on a terminal, the chat's "Importing…").
    Raises NoTeam, or ImportFailed for a file that is none of the accepted formats.
    """
    team = await _team(db, chat_id)
    report = ImportReport(team_title=team.title)
    reviews = _reviews(stream, report)
    while True:
        try:
            chunk = await asyncio.to_thread(_take, reviews, batch)
        except UnreadableFile as error:
            # TRANSLATORS: the answer to an /import file that is none of the formats it takes;
            # {reason} says why, in English (it is the same for the operator's command line).
            unreadable = N_("I can't import this file: {reason}.")
            raise ImportFailed(unreadable, reason=str(error)) from None
        if chunk:
            await _store_batch(db, stored_id(team), chunk, report)
        if progress is not None and (shown := progress(report)) is not None:
            await shown
        if len(chunk) < batch:
            return report


class Imports:
    """Fact-check files sent to the bot by editors (/import); the CLI calls `import_reviews`."""

    def __init__(self, db: Database, *, max_bytes: int) -> None:
        self.db = db
        self.max_bytes = max_bytes

    async def import_file(
        self,
        stream: BinaryIO,
        *,
        chat_id: int,
        progress: Callable[[ImportReport], Awaitable[None] | None] | None = None,
    ) -> ImportReport:
        """See `import_reviews`."""
        return await import_reviews(self.db, stream, chat_id=chat_id, progress=progress)
