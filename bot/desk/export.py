"""Verdicts out: a team's claims as CSV, JSON or schema.org ClaimReview JSON-LD, streamed.

Each format is an async iterator of UTF-8 chunks built one page of claims at a time (keyset
pagination on the claim id), so a team with a long history never sits in memory at once.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import MAXYEAR, UTC, date, datetime, time
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from bot.desk.errors import DeskError, NoTeam
from bot.desk.languages import Languages
from bot.desk.people import display_name
from bot.i18n import N_
from storage import export as export_q
from storage import imports as import_q
from storage import notes as note_q
from storage import teams as team_q
from storage.db import Database
from storage.models import (
    VERDICT_STATUSES,
    Article,
    Claim,
    ClaimStatus,
    ImportedReview,
    Rating,
    Team,
    User,
    stored_id,
)

FORMATS = ("csv", "json", "claimreview")
EXTENSIONS = {"csv": "csv", "json": "json", "claimreview": "jsonld"}
BATCH = 500

# Our verdicts on the 1 (false) .. 5 (true) scale Google's ClaimReview guidance describes
# (1 False, 2 Mostly false, 3 Half true, 4 Mostly true, 5 True). "Misleading" sits at 2: true
# in part, false in the impression it leaves. "Unproven" is not a degree of truth, so it
# carries no ratingValue at all, only its name.
RATING_SCALE: dict[str, tuple[int | None, str, str]] = {
    "false": (1, "False", "The claim is inaccurate."),
    "misleading": (2, "Misleading", "The claim is partly accurate but leaves a false impression."),
    "unproven": (None, "Unproven", "There is not enough evidence to rate the claim."),
    "true": (5, "True", "The claim is accurate."),
}
BEST_RATING, WORST_RATING = 5, 1
CSV_COLUMNS = (
    "claim_id", "created_at", "claim", "claimant", "origin", "status", "status_name", "verdict",
    "verdict_date",
    *(f"votes_{rating.value}" for rating in Rating), "notes", "article_id", "article_title",
    "source", "source_type", "url", "published_at",
)  # fmt: skip
# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ORGANIZATION_WORDS = frozenset(
    "ministry ministries government office agency department service police army forces "
    "committee council party bank company corporation channel media news press university "
    "institute commission parliament administration headquarters staff un nato who eu "
    "міністерство мінздрав уряд офіс служба агентство поліція зсу рада партія банк канал "
    "министерство правительство служба агентство полиция дума партия банк канал".split()
)  # fmt: skip


class ExportError(DeskError):
    """An export that cannot be made as asked (unknown format, bad date)."""


@dataclass
class ExportStats:
    """What an export wrote, filled in as it streams."""

    claims: int = 0
    bytes: int = 0
    team_title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def parse_since(value: str | None) -> datetime | None:
    """'2026-11-20' (midnight UTC) or an ISO date-time; naive times are taken as UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value), time())
        except ValueError:
            # TRANSLATORS: a bad date after /export (or the command line's --since option);
            # {value} is what was typed, quoted.
            bad = N_("--since wants a date like 2026-11-20, not {value}.")
            raise ExportError(bad, value=repr(value)) from None
    return _in_utc(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _in_utc(moment: datetime) -> datetime:
    """The moment in UTC; one beyond year 1 or 9999 there becomes the edge of time.

    `9999-12-31T23:59:59-23:59` is in year 10000 in UTC, which Python cannot represent
    (OverflowError); nothing stored is that late (or, at the other end, that early), so the
    edge filters exactly the same claims.
    """
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        edge = datetime.max if moment.year == MAXYEAR else datetime.min
        return edge.replace(tzinfo=UTC)


def export_filename(team: Team, fmt: str, now: datetime | None = None) -> str:
    """A file name for the chat: factcheck-<chat id>-<date>.<csv|json|jsonld>."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M")
    return f"factcheck-{abs(team.chat_id)}-{stamp}.{EXTENSIONS[fmt]}"


def _iso(moment: datetime | None) -> str:
    """ISO 8601 in UTC, or empty."""
    return moment.astimezone(UTC).isoformat() if moment else ""


def _name(user: User | None, user_id: int | None) -> str | None:
    """A member's full name for the export (None for no member at all)."""
    if user is None and user_id is None:
        return None
    return display_name(user, full=True, user_id=user_id)


def verdict_of(claim: Claim) -> tuple[str | None, datetime | None]:
    """The claim's verdict and when it was reached (the last status change), if it has one."""
    if claim.status in VERDICT_STATUSES:
        return claim.status, claim.status_changed_at
    return None, None


def source_of(article: Article) -> tuple[str, str]:
    """Who published the claim's article and how it reached us: (name, type)."""
    host = urlsplit(article.url).hostname if article.url else None
    name = article.origin_name or article.author or host or ""
    return name, article.origin_type or article.kind


def appearance_url(article: Article) -> str | None:
    """Where the claim can be seen: the article's URL, or the public channel post's link."""
    return article.url or article.canonical_url or article.origin_link


def _safe_cell(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula, by a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_row(
    claim: Claim,
    article: Article,
    tally: dict[str, int],
    notes: int,
    status_name: Callable[[str], str] = str,
) -> list[object]:
    """One claim as a CSV row, in CSV_COLUMNS order (`status_name`: the status in words)."""
    verdict, verdict_at = verdict_of(claim)
    source, source_type = source_of(article)
    cells = [
        claim.id, _iso(claim.created_at), claim.text, claim.claimant or "", str(claim.origin),
        claim.status, status_name(claim.status),
        verdict or "", verdict_at.date().isoformat() if verdict_at else "",
        *(tally.get(rating.value, 0) for rating in Rating), notes, article.id,
        article.title or "", source, source_type, appearance_url(article) or "",
        _iso(article.published_at or article.origin_date),
    ]  # fmt: skip
    return [_safe_cell(cell) for cell in cells]


def _csv_chunk(rows: list[list[object]]) -> bytes:
    """Rows written by the csv module (it quotes commas, quotes and newlines)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def claim_detail(claim: Claim, article: Article, page: dict[str, Any]) -> dict[str, Any]:
    """Everything about one claim, for the JSON export."""
    cid = claim.id
    verdict, verdict_at = verdict_of(claim)
    source, source_type = source_of(article)
    match = page["matches"].get(cid)
    return {
        "id": cid, "text": claim.text, "quote": claim.quote, "claimant": claim.claimant,
        "origin": str(claim.origin), "score": claim.score, "status": claim.status,
        "locked": claim.locked,
        "verdict": verdict, "verdict_at": _iso(verdict_at) or None,
        "created_at": _iso(claim.created_at), "status_changed_at": _iso(claim.status_changed_at),
        "assignee_id": claim.assignee_id,
        "article": {
            "id": article.id, "kind": article.kind, "title": article.title,
            "url": appearance_url(article), "author": article.author, "source": source,
            "source_type": source_type, "origin_username": article.origin_username,
            "origin_message_id": article.origin_message_id,
            "published_at": _iso(article.published_at or article.origin_date) or None,
        },
        "tally": page["tallies"].get(cid, {}),
        "votes": [
            {"user_id": v.user_id, "name": _name(u, v.user_id), "rating": v.rating,
             "at": _iso(v.updated_at)}
            for v, u in page["votes"].get(cid, [])
        ],
        "notes": [
            {"user_id": n.user_id, "name": _name(u, n.user_id), "text": n.text,
             "evidence_urls": [url for url in n.evidence_urls.split("\n") if url],
             "at": _iso(n.created_at)}
            for n, u in page["notes"].get(cid, [])
        ],
        "history": [
            {"at": _iso(h.created_at), "user_id": h.user_id, "name": _name(u, h.user_id),
             "from": h.from_status, "to": h.to_status, "reason": h.reason}
            for h, u in page["history"].get(cid, [])
        ],
        "match": {"claim_id": match.matched_id, "score": match.score, "state": match.state}
        if match else None,
        # An imported claim: the published fact-check it came from, as it was read.
        "review_url": claim.review_url,
        "review": json.loads(review.review) if (review := page["reviews"].get(cid)) else None,
    }  # fmt: skip


def claimant_entity(claim: Claim, article: Article) -> dict[str, str] | None:
    """The claim's author as a schema.org Person or Organization, if we know who it is."""
    name = claim.claimant or article.origin_name or article.author
    if not name:
        return None
    words = {w.strip(".,'\"").casefold() for w in name.split()}
    is_org = (not claim.claimant and article.origin_type in ("channel", "chat")) or bool(
        words & _ORGANIZATION_WORDS
    )
    return {"@type": "Organization" if is_org else "Person", "name": name}


def review_rating(status: str) -> dict[str, Any]:
    """A schema.org Rating for a verdict, on the documented 1..5 scale."""
    value, label, meaning = RATING_SCALE[status]
    rating: dict[str, Any] = {"@type": "Rating", "name": meaning, "alternateName": label}
    if value is not None:
        rating |= {"ratingValue": value, "bestRating": BEST_RATING, "worstRating": WORST_RATING}
    return rating


def imported_review(claim: Claim, review: ImportedReview | None) -> dict[str, Any] | None:
    """The published ClaimReview an imported claim came from, unchanged, while its verdict
    still stands (the team may have overruled it since: then the review is the team's own)."""
    if review is None or claim.status != (review.verdict or ClaimStatus.UNPROVEN):
        return None
    original: dict[str, Any] = json.loads(review.review)
    return {"@context": original.pop("@context", "https://schema.org"), **original}


def claim_review(
    claim: Claim,
    article: Article,
    team: Team,
    *,
    org_url: str | None,
    review_url: str | None,
    imported: ImportedReview | None = None,
) -> dict[str, Any]:
    """One verdict as a schema.org ClaimReview (JSON-LD); an imported one as it was published."""
    if (original := imported_review(claim, imported)) is not None:
        return original
    verdict, verdict_at = verdict_of(claim)
    assert verdict is not None and verdict_at is not None
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if url := appearance_url(article):
        appearance["url"] = url
    if article.title:
        appearance["headline"] = article.title
    if published := article.published_at or article.origin_date:
        appearance["datePublished"] = published.date().isoformat()
    item: dict[str, Any] = {"@type": "Claim", "appearance": appearance,
                            "firstAppearance": appearance}  # fmt: skip
    if author := claimant_entity(claim, article):
        item["author"] = author
    if published:
        item["datePublished"] = published.date().isoformat()
    organization: dict[str, Any] = {
        "@type": "Organization",
        "name": team.title or "Fact-check desk",
    }
    if org_url:
        organization["url"] = org_url
    review: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "ClaimReview", "claimReviewed": claim.text,
        "author": organization, "datePublished": verdict_at.date().isoformat(),
        "reviewRating": review_rating(verdict), "itemReviewed": item,
    }  # fmt: skip
    if review_url:
        review["url"] = review_url.format(claim_id=claim.id, chat_id=team.chat_id)
    return review


async def _pages(
    db: Database, team: Team, since: datetime | None, batch: int, verdicts_only: bool, full: bool
) -> AsyncIterator[tuple[list[tuple[Claim, Article]], dict[str, Any]]]:
    """Pages of (claim, article) and what the format needs about them, one read each."""
    after = 0
    while True:
        async with db.read() as session:
            rows = await export_q.claims_page(
                session, team_id=stored_id(team), after_id=after, limit=batch, since=since,
                verdicts_only=verdicts_only,
            )  # fmt: skip
            ids = [stored_id(claim) for claim, _ in rows]
            page: dict[str, Any] = {"tallies": await export_q.tallies(session, claim_ids=ids)}
            if full or verdicts_only:
                page["reviews"] = await import_q.reviews_of(session, claim_ids=ids)
            if full:
                page["votes"] = await export_q.votes_of(session, claim_ids=ids)
                page["notes"] = await export_q.notes_of(session, claim_ids=ids)
                page["history"] = await export_q.histories(session, claim_ids=ids)
                page["matches"] = await export_q.matches_of(session, claim_ids=ids)
            elif not verdicts_only:
                page["note_counts"] = await note_q.note_counts(session, claim_ids=ids)
        if not rows:
            return
        yield rows, page
        after = stored_id(rows[-1][0])


async def _resolve_team(db: Database, team_id: int | None, chat_id: int | None) -> Team:
    """The team to export, by its id or its chat's id."""
    async with db.read() as session:
        if team_id is not None:
            team = await team_q.get_team_by_id(session, team_id=team_id)
        elif chat_id is not None:
            team = await team_q.get_team(session, chat_id=chat_id)
        else:
            raise ValueError("export needs a team_id or a chat_id")
    if team is None:
        raise NoTeam()
    return team


async def export_rows(
    db: Database,
    *,
    fmt: str,
    team_id: int | None = None,
    chat_id: int | None = None,
    since: datetime | None = None,
    batch: int = BATCH,
    org_url: str | None = None,
    review_url: str | None = None,
    stats: ExportStats | None = None,
    status_name: Callable[[str], str] = str,
) -> AsyncIterator[bytes]:
    """Stream a team's export as UTF-8 chunks; ClaimReview covers only claims with a verdict.

    `status_name` gives the CSV's `status_name` column: a status as the team reads it, in its
    language (the machine value by default)."""
    if fmt not in FORMATS:
        raise ExportError(
            N_("Unknown export format {format}: use one of {formats}."),
            format=repr(fmt),
            formats=", ".join(FORMATS),
        )
    team = await _resolve_team(db, team_id, chat_id)
    stats = stats if stats is not None else ExportStats()
    stats.team_title = team.title
    verdicts_only, full = fmt == "claimreview", fmt == "json"
    if fmt == "csv":
        # A byte-order mark makes Excel read the file as UTF-8 (Cyrillic stays legible).
        yield "\ufeff".encode() + _csv_chunk([list(CSV_COLUMNS)])
    elif fmt == "json":
        head = {"format": "factcheck-bot/1", "exported_at": _iso(datetime.now(UTC)),
                "since": _iso(since) or None,
                "team": {"id": team.id, "chat_id": team.chat_id, "title": team.title}}  # fmt: skip
        yield json.dumps(head, ensure_ascii=False)[:-1].encode() + b', "claims": ['
    else:
        yield b"["
    async for rows, page in _pages(db, team, since, batch, verdicts_only, full):
        if fmt == "csv":
            chunk = _csv_chunk([
                csv_row(c, a, page["tallies"].get(c.id, {}), page["note_counts"].get(c.id, 0),
                        status_name)
                for c, a in rows
            ])  # fmt: skip
        else:
            items = (
                claim_detail(c, a, page) if full
                else claim_review(c, a, team, org_url=org_url, review_url=review_url,
                                  imported=page["reviews"].get(c.id))
                for c, a in rows
            )  # fmt: skip
            lead = b"\n" if stats.claims == 0 else b",\n"
            chunk = lead + b",\n".join(
                json.dumps(item, ensure_ascii=False).encode() for item in items
            )
        stats.claims += len(rows)
        stats.bytes += len(chunk)
        yield chunk
    yield b"\n]}\n" if fmt == "json" else (b"\n]\n" if fmt == "claimreview" else b"")


async def write_export(db: Database, out: BinaryIO, **options: Any) -> ExportStats:
    """Write an export to a binary file object, off the event loop; returns what it wrote."""
    stats = ExportStats()
    async for chunk in export_rows(db, stats=stats, **options):
        await asyncio.to_thread(out.write, chunk)
    await asyncio.to_thread(out.flush)
    return stats


class Exports:
    """A team's claims written out for the chat's /export (the CLI calls `run_export_cli`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def write(self, out: BinaryIO, **options: Any) -> ExportStats:
        """See `write_export`."""
        return await write_export(self.db, out, **options)


async def _write_file(db: Database, path: Path, options: dict[str, Any]) -> ExportStats:
    """Write beside the target and rename at the end, so no reader sees half a file."""
    part = path.with_name(path.name + ".part")
    try:
        with part.open("wb") as out:
            stats = await write_export(db, out, **options)
        part.replace(path)
    finally:
        part.unlink(missing_ok=True)
    return stats


async def run_export_cli(
    database_url: str,
    chat_id: int,
    fmt: str,
    since: str | None,
    output: str | None,
    *,
    org_url: str | None = None,
    review_url: str | None = None,
    status_names: Callable[[str], Callable[[str], str]] | None = None,
) -> int:
    """`factcheck-bot export`: write the export to a file (or stdout); 0 on success.

    `status_names` gives, for a language code, the status words of that language: the CSV's
    `status_name` column then speaks the team's language, as its /export does."""
    try:
        moment = parse_since(since)
    except ExportError as error:
        print(error, file=sys.stderr)
        return 2
    db = Database(database_url)
    options: dict[str, Any] = {"chat_id": chat_id, "fmt": fmt, "since": moment,
                               "org_url": org_url, "review_url": review_url}  # fmt: skip
    try:
        if status_names is not None:
            options["status_name"] = status_names(await Languages(db).of_group(chat_id))
        if output in (None, "-"):
            stats = await write_export(db, sys.stdout.buffer, **options)
        else:
            stats = await _write_file(db, Path(output), options)
    except NoTeam:
        # The chat's wording ("Add me to your team's group") means nothing at a command line.
        print(
            f"factcheck-bot export: no team has chat id {chat_id} in this database "
            "(a supergroup's id looks like -1001234567890)",
            file=sys.stderr,
        )
        return 1
    except ExportError as error:
        print(f"chat {chat_id}: {error}", file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    print(f"Exported {stats.claims} claim(s) of {stats.team_title!r} as {fmt}"
          f"{f' to {output}' if output not in (None, '-') else ''}.", file=sys.stderr)  # fmt: skip
    return 0
