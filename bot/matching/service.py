"""Has the team checked this before? Index queued claims, find matches, accept or decline them.

Lookup is two stages: the term index picks a short list of earlier claims sharing the query's
rarest terms (a few indexed reads, whatever the history's size), then
`bot.matching.matching.compare` scores each one with its number, negation and direction guards.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.errors import ClaimNotFound, DeskError, NotAnEditor, NoTeam
from bot.matching.matching import DEFAULT_THRESHOLD, compare, index_terms, lexical_score, prepare
from storage import claims as claim_q
from storage import matching as match_q
from storage import teams as team_q
from storage.db import Database
from storage.models import VERDICT_STATUSES, Claim, stored_id

CANDIDATES = 100  # earlier claims scored in Python per lookup
MAX_QUERY_TERMS = 12
POSTINGS_BUDGET = 20_000  # index rows a lookup may read; the rarest terms always go first
MIN_QUERY_TERMS = 2


@dataclass(frozen=True)
class Match:
    """An earlier claim of the team that says the same thing, and where it stands."""

    claim_id: int
    text: str
    status: str
    score: float
    created_at: datetime
    status_changed_at: datetime

    @property
    def verdict(self) -> str | None:
        """The earlier claim's verdict (true, misleading, false, unproven), if it has one."""
        return self.status if self.status in VERDICT_STATUSES else None

    @property
    def verdict_at(self) -> datetime | None:
        """When the earlier claim reached its verdict."""
        return self.status_changed_at if self.verdict else None

    def describe(self) -> str:
        """Plain text for a card: 'Matches #45 — False, 2026-11-20' (escape before HTML)."""
        if self.verdict and self.verdict_at:
            return f"Matches #{self.claim_id} — {self.verdict.title()}, {self.verdict_at:%Y-%m-%d}"
        return f"Matches #{self.claim_id} ({self.status.replace('_', ' ')})"


@dataclass(frozen=True)
class MatchDecision:
    """What accepting or declining a match did."""

    claim_id: int
    matched_id: int
    status: str
    state: str


def _claim_terms(claims: Iterable[Claim | tuple[int, str]]) -> dict[int, list[str]]:
    """Index terms per claim id, from Claim rows or (id, text) pairs."""
    pairs = ((c.id, c.text) if isinstance(c, Claim) else c for c in claims)
    return {claim_id: index_terms(text) for claim_id, text in pairs if claim_id is not None}


async def index_claims_in(
    session: AsyncSession, *, team_id: int, claims: Iterable[Claim | tuple[int, str]]
) -> int:
    """Add claims to the team's term index inside an open transaction; returns rows added."""
    return await match_q.add_terms(session, team_id=team_id, claim_terms=_claim_terms(claims))


async def index_claims(db: Database, claims: Sequence[Claim]) -> int:
    """Add newly queued claims to their teams' term indexes (idempotent)."""
    added = 0
    async with db.write() as session:
        for team_id in sorted({claim.team_id for claim in claims}):
            mine = [claim for claim in claims if claim.team_id == team_id]
            added += await index_claims_in(session, team_id=team_id, claims=mine)
    return added


async def reindex_team(db: Database, *, team_id: int, batch: int = 2000) -> int:
    """Index a team's whole history in batches (claims queued before matching existed)."""
    added, after = 0, 0
    while True:
        async with db.write() as session:
            page = await match_q.claims_page(session, team_id=team_id, after_id=after, limit=batch)
            if not page:
                return added
            added += await index_claims_in(session, team_id=team_id, claims=page)
        after = page[-1][0]


def _query_weights(counts: dict[str, int], size: int) -> dict[str, float]:
    """Pick the rarest terms within the postings budget, weighted by inverse frequency."""
    chosen: dict[str, float] = {}
    read = 0
    for term, count in sorted(counts.items(), key=lambda item: (item[1], item[0])):
        if len(chosen) >= MAX_QUERY_TERMS:
            break
        if len(chosen) >= MIN_QUERY_TERMS and read + count > POSTINGS_BUDGET:
            break
        chosen[term] = math.log(1 + max(size, count) / count)
        read += count
    return chosen


async def find_match_in(
    session: AsyncSession,
    *,
    team_id: int,
    text: str,
    before_id: int | None = None,
    exclude_article: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Match | None:
    """The best earlier claim matching `text`; one with a verdict wins over a closer open one."""
    counts = await match_q.term_counts(session, team_id=team_id, terms=index_terms(text))
    size = await match_q.team_size(session, team_id=team_id)
    weights = _query_weights(counts, size)
    ids = await match_q.candidate_ids(
        session, team_id=team_id, weights=weights, before_id=before_id, limit=CANDIDATES
    )
    query = prepare(text)
    best: tuple[bool, float, int, Claim] | None = None
    for claim in await match_q.claims_for_matching(
        session, claim_ids=ids, exclude_article=exclude_article
    ):
        form = prepare(claim.text)
        if lexical_score(query, form) < threshold:
            continue  # the guards only ever lower a score: skip the costlier comparison
        similarity = compare(query, form)
        if not similarity.is_match(threshold):
            continue
        key = (claim.status in VERDICT_STATUSES, similarity.score, claim.id or 0, claim)
        if best is None or key[:3] > best[:3]:
            best = key
    if best is None:
        return None
    _, score, _, claim = best
    return Match(claim.id or 0, claim.text, claim.status, round(score, 1), claim.created_at,
                 claim.status_changed_at)  # fmt: skip


async def find_match(
    db: Database,
    *,
    team_id: int,
    claim_id: int | None = None,
    text: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Match | None:
    """The team's best earlier claim matching a queued claim (by id) or a text, if any."""
    async with db.read() as session:
        if claim_id is None:
            if not text:
                raise ValueError("find_match needs a claim_id or a text")
            return await find_match_in(session, team_id=team_id, text=text, threshold=threshold)
        claim = await claim_q.get_claim(session, claim_id=claim_id)
        if claim is None or claim.team_id != team_id:
            raise ClaimNotFound(claim_id)
        return await find_match_in(
            session, team_id=team_id, text=text or claim.text, before_id=claim_id,
            exclude_article=claim.article_id, threshold=threshold,
        )  # fmt: skip


async def match_new_claims(
    db: Database, claims: Sequence[Claim], *, threshold: float = DEFAULT_THRESHOLD
) -> dict[int, Match]:
    """Index just-queued claims, look each one up in the history and link those that match."""
    await index_claims(db, claims)
    found: dict[int, Match] = {}
    for claim in claims:
        assert claim.id is not None
        match = await find_match(db, team_id=claim.team_id, claim_id=claim.id, threshold=threshold)
        if match is not None:
            found[claim.id] = match
    if found:
        async with db.write() as session:
            for claim_id, match in found.items():
                await match_q.record_match(
                    session, claim_id=claim_id, matched_id=match.claim_id, score=match.score
                )
    return found


async def _team_claims(
    session: AsyncSession, *, chat_id: int, claim_id: int, matched_id: int
) -> tuple[Claim, Claim]:
    """A claim and the claim it matches, both in the chat's team (locked for the change)."""
    team = await team_q.get_team(session, chat_id=chat_id)
    if team is None:
        raise NoTeam()
    claim = await claim_q.get_claim(session, claim_id=claim_id, for_update=True)
    matched = await claim_q.get_claim(session, claim_id=matched_id)
    if claim is None or claim.team_id != team.id:
        raise ClaimNotFound(claim_id)
    if matched is None or matched.team_id != team.id:
        raise ClaimNotFound(matched_id)
    return claim, matched


async def accept_match(
    db: Database,
    *,
    chat_id: int,
    claim_id: int,
    matched_id: int,
    member_id: int,
    is_editor: bool,
) -> MatchDecision:
    """Give a claim the verdict its match already has, recorded as "matches #45" and locked."""
    if not is_editor:
        raise NotAnEditor("accept a verdict from the team's history")
    async with db.write() as session:
        claim, matched = await _team_claims(
            session, chat_id=chat_id, claim_id=claim_id, matched_id=matched_id
        )
        if matched.status not in VERDICT_STATUSES:
            raise DeskError(f"Claim #{matched_id} has no verdict yet, so there is none to accept.")
        claim.match_claim_id = matched_id  # also when the offer ran from an earlier claim
        await claim_q.change_status(
            session, claim=claim, to_status=matched.status, user_id=member_id,
            reason=f"matches #{matched_id}", locked=True,
        )  # fmt: skip
        await match_q.decide_match(
            session, claim_id=claim_id, matched_id=matched_id,
            state=match_q.MatchState.ACCEPTED, user_id=member_id,
        )  # fmt: skip
    return MatchDecision(claim_id, matched_id, matched.status, match_q.MatchState.ACCEPTED)


async def decline_match(
    db: Database, *, chat_id: int, claim_id: int, matched_id: int, member_id: int
) -> MatchDecision:
    """ "Keep checking": the claim stays in the queue and the suggestion is not offered again."""
    async with db.write() as session:
        claim, _ = await _team_claims(
            session, chat_id=chat_id, claim_id=claim_id, matched_id=matched_id
        )
        await match_q.decide_match(
            session, claim_id=claim_id, matched_id=matched_id,
            state=match_q.MatchState.DECLINED, user_id=member_id,
        )  # fmt: skip
    return MatchDecision(claim_id, matched_id, claim.status, match_q.MatchState.DECLINED)


async def suggestion_for(db: Database, *, claim_id: int) -> Match | None:
    """The match a claim's card should show: its linked claim, unless accepted or declined."""
    async with db.read() as session:
        link = await match_q.get_match(session, claim_id=claim_id)
        if link is None or link.state != match_q.MatchState.SUGGESTED:
            return None
        other = await claim_q.get_claim(session, claim_id=link.matched_id)
    if other is None:
        return None
    return Match(other.id or 0, other.text, other.status, link.score, other.created_at,
                 other.status_changed_at)  # fmt: skip


async def verdict_offers(db: Database, *, claim_id: int) -> list[int]:
    """Claims linked to this one that still wait: offer them its new verdict."""
    async with db.read() as session:
        return [
            stored_id(claim) for claim in await match_q.linked_waiting(session, claim_id=claim_id)
        ]


class Matches:
    """The team's history as handlers reach it: accept or decline a match, and which waiting
    claims a new verdict should be offered to."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def accept(
        self, *, chat_id: int, claim_id: int, matched_id: int, member_id: int, is_editor: bool
    ) -> MatchDecision:
        """See `accept_match`."""
        return await accept_match(
            self.db, chat_id=chat_id, claim_id=claim_id, matched_id=matched_id,
            member_id=member_id, is_editor=is_editor,
        )  # fmt: skip

    async def decline(
        self, *, chat_id: int, claim_id: int, matched_id: int, member_id: int
    ) -> MatchDecision:
        """See `decline_match`."""
        return await decline_match(
            self.db, chat_id=chat_id, claim_id=claim_id, matched_id=matched_id, member_id=member_id
        )

    async def verdict_offers(self, *, claim_id: int) -> list[int]:
        """See `verdict_offers`."""
        return await verdict_offers(self.db, claim_id=claim_id)
