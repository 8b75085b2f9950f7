"""The verdict goes back: explanations of settled claims, the outbox the notifier works off,
and the members' /notify choice.

Rows are queued by the database itself when a claim settles (storage/notifications.py). This
module reads them as plain data for bot/app/notifier.py, which paces the sends within
Telegram's limits and records how each ended. docs/usage.md, "Verdicts go back to who
asked", tells the whole story.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.people import display_name
from storage import claims as claim_q
from storage import notes as note_q
from storage import notifications as outbox_q
from storage import teams as team_q
from storage import votes as vote_q
from storage.db import Database
from storage.models import VERDICT_STATUSES, Claim, Notification, stored_id, utcnow
from storage.notifications import FAILED, SENT, SKIPPED, UNKNOWN

# Reasons the desk writes itself: they explain nothing to a reader.
GENERIC_REASONS = frozenset({"consensus", "votes", "editor's decision", "reopened"})
EVIDENCE_LINKS = 3  # links a card or a notification shows
WINDOW = timedelta(minutes=1)
# A row left `sending` this long by a worker that is gone is given up as `unknown`.
STALE_SENDING = timedelta(minutes=10)


@dataclass(frozen=True)
class Explanation:
    """Why a settled claim has its verdict: who decided, the reason, the first evidence."""

    status: str
    decided_by: str  # the editor's name, or an imported verdict's publisher ("" for a consensus)
    reason: str | None
    links: list[str] = field(default_factory=list)
    editor: bool = False
    consensus: int | None = None  # the votes decided: this many for the verdict


@dataclass(frozen=True)
class Told:
    """One claim in a digest: the claim, its explanation, and whether it is an update."""

    claim: Claim
    explanation: Explanation
    updated: bool


@dataclass(frozen=True)
class Digest:
    """What one notification message carries: every claim due for one submission message."""

    chat_id: int
    reply_to: int | None
    ids: list[int]
    items: list[Told]

    @property
    def private(self) -> bool:
        """A private chat (ids of people are positive; groups are negative)."""
        return self.chat_id > 0


async def explain(session: AsyncSession, *, claim: Claim) -> Explanation:
    """Who decided a claim's status and why, with the first links kept as evidence.

    An editor's reason wins; a consensus verdict (or an editor who gave none) takes its reason
    from the latest note that carries evidence links.
    """
    change = await outbox_q.decision(session, claim=claim)
    notes = await note_q.notes_of(session, claim_id=stored_id(claim))
    evidence = [note for note in notes if note.evidence_urls]
    links = list(
        dict.fromkeys(u for note in evidence for u in note.evidence_urls.split("\n") if u)
    )[:EVIDENCE_LINKS]
    reason = None
    if change is not None and change.reason and change.reason not in GENERIC_REASONS:
        reason = change.reason
    elif evidence:
        reason = evidence[-1].text
    if change is None or change.reason == "consensus" or change.user_id is None:
        tally = await vote_q.tally(session, claim_id=stored_id(claim))
        leading = max(tally.values(), default=0)
        return Explanation(claim.status, "", reason, links, consensus=leading)
    users = await team_q.get_users(session, {change.user_id})
    name = display_name(users.get(change.user_id), user_id=change.user_id)
    return Explanation(claim.status, name, reason, links, editor=True)


class Notices:
    """The members' side: /notify on|off, and the explanation a settled card shows."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def set_notify(self, *, user_id: int, on: bool) -> None:
        """/notify on or off: whether verdicts of what this user asked reach them."""
        async with self.db.write() as session:
            await outbox_q.set_opt_out(session, user_id=user_id, off=not on)

    async def notify_on(self, *, user_id: int) -> bool:
        """Whether this user hears verdicts (the default) or said /notify off."""
        async with self.db.read() as session:
            return not await outbox_q.opted_out(session, user_ids={user_id})

    async def explanation(self, *, claim: Claim) -> Explanation | None:
        """Why a settled claim has its verdict (None for a claim without one)."""
        if claim.status not in VERDICT_STATUSES:
            return None
        async with self.db.read() as session:
            return await explain(session, claim=claim)


class Outbox:
    """The notifier's view of the outbox: due digests, taken once, and how each ended."""

    def __init__(self, db: Database, *, worker: str, delay: float) -> None:
        self.db = db
        self.worker = worker
        self.delay = timedelta(seconds=delay)

    async def recover(self) -> int:
        """After a crash: rows this worker had taken are given up (they may have been sent)."""
        async with self.db.write() as session:
            return await outbox_q.recover(
                session, worker=self.worker, stale_before=utcnow() - STALE_SENDING
            )

    async def due_targets(
        self, *, exclude: set[int] | None = None, limit: int = 100
    ) -> list[tuple[int, int | None]]:
        """Submission messages with a verdict due, oldest first, each once (not in `exclude`:
        chats waiting out a 429 or a full minute)."""
        now = utcnow()
        async with self.db.read() as session:
            rows = await outbox_q.due(
                session,
                now=now,
                settled_before=now - self.delay,
                limit=limit,
                exclude=exclude or set(),
            )
        return list(dict.fromkeys((row.chat_id, row.reply_to) for row in rows))

    async def room(self, *, chat_id: int, per_minute: int) -> bool:
        """Whether a group's last minute leaves room for one more notification."""
        if per_minute <= 0 or chat_id > 0:
            return True
        async with self.db.read() as session:
            sent = await outbox_q.sent_since(session, chat_id=chat_id, since=utcnow() - WINDOW)
        return sent < per_minute

    async def take(self, *, chat_id: int, reply_to: int | None) -> Digest | None:
        """Take every pending row for one message; None when nothing is left to say.

        Rows of users who said /notify off, and claims no longer settled, end `skipped`.
        """
        async with self.db.write() as session:
            ids = await outbox_q.pending_for(session, chat_id=chat_id, reply_to=reply_to)
            rows = await outbox_q.take(session, ids=ids, worker=self.worker)
            if not rows:
                return None
            quiet = await outbox_q.opted_out(
                session, user_ids={row.user_id for row in rows if row.user_id is not None}
            )
            told, skipped, kept = await self._digest_items(session, rows, quiet)
            await outbox_q.finish(session, ids=skipped, state=SKIPPED, error="not to be told")
        if not told:
            return None
        return Digest(chat_id, reply_to, kept, told)

    async def _digest_items(
        self, session: AsyncSession, rows: list[Notification], quiet: set[int]
    ) -> tuple[list[Told], list[int], list[int]]:
        """The claims to tell, the row ids skipped, and the row ids the message covers."""
        told: list[Told] = []
        skipped: list[int] = []
        kept: list[int] = []
        by_claim = itertools.groupby(
            sorted(rows, key=lambda r: (r.claim_id, r.id)), key=lambda r: r.claim_id
        )
        for claim_id, group in by_claim:
            members = list(group)
            ids = [stored_id(row) for row in members]
            claim = await claim_q.get_claim(session, claim_id=claim_id)
            if (
                claim is None
                or claim.status not in VERDICT_STATUSES
                or all(row.user_id in quiet for row in members)
            ):
                skipped.extend(ids)
                continue
            updated = any(row.updated for row in members)
            told.append(Told(claim, await explain(session, claim=claim), updated))
            kept.extend(ids)
        told.sort(key=lambda item: (item.claim.article_id, item.claim.position))
        return told, skipped, kept

    async def sent(self, digest: Digest, *, message_id: int) -> None:
        """The digest went out."""
        async with self.db.write() as session:
            await outbox_q.finish(session, ids=digest.ids, state=SENT, message_id=message_id)

    async def failed(self, digest: Digest, *, error: str, unknown: bool = False) -> None:
        """Given up: refused for good (403, a bad request), or maybe sent (`unknown`)."""
        async with self.db.write() as session:
            state = UNKNOWN if unknown else FAILED
            await outbox_q.finish(session, ids=digest.ids, state=state, error=error[:300])

    async def later(
        self, digest: Digest, *, until: datetime, error: str, chat_id: int | None = None
    ) -> None:
        """Send again at `until` (429's retry_after, a network failure, a moved group)."""
        async with self.db.write() as session:
            await outbox_q.put_back(
                session, ids=digest.ids, until=until, error=error[:300], chat_id=chat_id
            )
