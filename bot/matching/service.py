"""Has the team checked this before? Find matches in the team's history, accept or decline them.

A lookup has three stages: BM25 over an in-memory index of the team's claims (`index.py`, built
on first use and kept current) picks the candidates — joined, when an embeddings endpoint is set,
by the nearest claims in meaning (`embeddings.py`); `scoring.score_pair` scores each one with the
number, negation and direction guards; the calibrated threshold decides. The same function,
`rank_in`, serves the chat and `factcheck-bot match`.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.errors import ClaimNotFound, DeskError, NotAnEditor, NoTeam
from bot.i18n import N_
from bot.matching.answers import KnownVerdict, known_verdict, known_verdicts
from bot.matching.embeddings import Embedder, EmbeddingsError, TeamVectors, VectorStore
from bot.matching.index import IndexCache, TermIndex
from bot.matching.scoring import (
    DEFAULT_THRESHOLD,
    SEMANTIC_THRESHOLD,
    Scored,
    cosine,
    prepared,
    relevance,
    score_pair,
)
from bot.matching.text import analyze_many
from storage import claims as claim_q
from storage import matching as match_q
from storage import teams as team_q
from storage.db import Database
from storage.models import VERDICT_STATUSES, Claim, stored_id

CANDIDATES = 50  # claims BM25 hands to the scorer per lookup
SEMANTIC_CANDIDATES = 20  # claims nearest in meaning added to them
PAGE = 5000  # claims read at a time when an index is built
THREADED_BUILD = 2000  # analysing more claims than this runs in a worker thread
RECOUNT_SECONDS = 60.0  # a team's claims are counted (to notice deleted ones) at most this often
# Chatter shorter than this is never looked up: "ok", "thanks, will do" say nothing checkable.
MIN_CHATTER_WORDS = 5

log = logging.getLogger(__name__)
_embedders: WeakKeyDictionary[Database, Embedder] = WeakKeyDictionary()


@cache
def index_cache() -> IndexCache:
    """The process's bounded set of team indexes (built on first use, not at import)."""
    return IndexCache()


def use_embeddings(db: Database, embedder: Embedder | None) -> None:
    """Match this database's claims by meaning too, through `embedder` (None: lexical only)."""
    if embedder is None:
        _embedders.pop(db, None)
    else:
        _embedders[db] = embedder


def _base(db: Database) -> Database:
    """The database itself, also when an update's unit of work stands in for it."""
    inner = getattr(db, "db", None)
    return inner if isinstance(inner, Database) else db


def embedder_for(db: Database) -> Embedder | None:
    """The embedder set for this database, if any."""
    return _embedders.get(_base(db))


def vector_store(db: Database) -> VectorStore:
    """Keep new claim vectors in this database: bookkeeping of its own, apart from any update's
    unit of work (a vector is the same whoever asks for it first)."""
    base = _base(db)

    async def store(team_id: int, model: str, vectors: list[tuple[int, bytes]]) -> None:
        try:
            async with base.write() as session:
                await match_q.store_vectors(session, team_id=team_id, model=model, vectors=vectors)
        except Exception:  # a vector not kept is embedded again after a restart, nothing worse
            log.exception("Could not store %d claim vectors of team %s", len(vectors), team_id)

    return store


@dataclass(frozen=True)
class Match:
    """An earlier claim of the team that says the same thing, and where it stands."""

    claim_id: int
    text: str
    status: str
    score: float
    created_at: datetime
    status_changed_at: datetime
    url: str | None = None
    veto: str = ""
    is_match: bool = True
    card_chat_id: int | None = None  # where the earlier claim's card is (a link on the card)
    card_message_id: int | None = None

    @property
    def verdict(self) -> str | None:
        """The earlier claim's verdict (true, misleading, false, unproven), if it has one."""
        return self.status if self.status in VERDICT_STATUSES else None

    @property
    def verdict_at(self) -> datetime | None:
        """When the earlier claim reached its verdict."""
        return self.status_changed_at if self.verdict else None

    def describe(self) -> str:
        """'Matches #45 — False, 2026-11-20', in English (logs; a card says it with
        handlers.render.match_line, in the chat's language)."""
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


def review_url(claim: Claim) -> str | None:
    """The URL of the fact-check a claim was imported from, where the schema has one."""
    for name in ("review_url", "url", "source_url"):
        value = getattr(claim, name, None)
        if isinstance(value, str) and value:
            return value
    return None


def _terms_of(rows: Sequence[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """Retrieval terms of (claim id, text) rows."""
    terms = analyze_many([text for _, text in rows])
    return [(claim_id, found) for (claim_id, _), found in zip(rows, terms, strict=True)]


async def team_index(session: AsyncSession, *, team_id: int) -> TermIndex:
    """The team's BM25 index, built on first use and brought up to date with new claims.

    A lookup asks only for claims added since the index's newest (index seeks, whatever the
    team's size); the team's claims are counted — a scan of them, to notice deleted ones —
    at most every `RECOUNT_SECONDS`. A deleted claim left in the index meanwhile is harmless:
    candidates are read back from the database, so it is never offered.
    """
    key = (str(getattr(session.bind, "url", "")), team_id)
    cache_ = index_cache()
    index = cache_.get(key)
    fresh = index is not None and time.monotonic() - index.checked_at < RECOUNT_SECONDS
    if index is not None and fresh and index.newest_at is not None:
        last_id, newest_at = await match_q.claims_since(
            session, team_id=team_id, since=index.newest_at, after_id=index.last_id
        )
        if newest_at is None:
            return index  # nothing new
        await _catch_up(session, index, team_id=team_id, last_id=last_id)
        index.newest_at = newest_at
        return index
    count, last_id, newest_at = await match_q.claims_extent(session, team_id=team_id)
    replaced = (
        index is not None
        and index.newest_at is not None
        and (newest_at is None or index.newest_at > newest_at)
    )
    if index is not None and (index.last_id > last_id or replaced):
        index = None  # claims were deleted or the database was replaced: start again
    if index is None:
        index = TermIndex()
    await _catch_up(session, index, team_id=team_id, last_id=last_id)
    if len(index) != count:  # some were deleted: rebuild from scratch on the next lookup
        cache_.drop(key)
    else:
        index.newest_at, index.checked_at = newest_at, time.monotonic()
        cache_.put(key, index)
    return index


async def _catch_up(session: AsyncSession, index: TermIndex, *, team_id: int, last_id: int) -> None:
    """Add the team's claims after the index's last one, up to `last_id`, a page at a time."""
    while index.last_id < last_id:
        page = await match_q.claims_page(
            session, team_id=team_id, after_id=index.last_id, limit=PAGE
        )
        if not page:
            break
        analysed = (
            await asyncio.to_thread(_terms_of, page)
            if len(page) > THREADED_BUILD
            else _terms_of(page)
        )
        for claim_id, terms in analysed:
            if claim_id > index.last_id:  # a concurrent lookup may have added it already
                index.add(claim_id, terms)


@dataclass(frozen=True)
class Ranked:
    """A candidate of a lookup with its score."""

    claim: Claim
    scored: Scored


def _order(
    threshold: float, relevant: Mapping[int, float]
) -> Callable[[Ranked], tuple[bool, bool, float, float, int]]:
    """Sort key: the bot's matches first (one with a verdict wins, then the best score), then
    the rest by relevance (`scoring.relevance`: retrieval order, fused with meaning)."""

    def key(item: Ranked) -> tuple[bool, bool, float, float, int]:
        matched = item.scored.is_match(threshold)
        has_verdict = matched and item.claim.status in VERDICT_STATUSES
        claim_id = item.claim.id or 0
        score = item.scored.rank if matched else 0.0
        return (matched, has_verdict, score, relevant.get(claim_id, 0.0), claim_id)

    return key


async def _semantic(
    session: AsyncSession,
    team_id: int,
    index: TermIndex,
    embedder: Embedder,
    text: str,
    lexical_ids: Sequence[int],
    before_id: int | None,
    store: VectorStore | None,
) -> dict[int, float]:
    """Embedding cosines of the text with its nearest claims and with the lexical candidates."""
    vectors = await TeamVectors.of(
        session, team_id=team_id, embedder=embedder, index=index, store=store
    )
    semantic = await vectors.nearest(text, limit=SEMANTIC_CANDIDATES, before_id=before_id)
    semantic.update(await vectors.similarity(text, [i for i in lexical_ids if i not in semantic]))
    return semantic


async def rank_in(
    session: AsyncSession,
    *,
    team_id: int,
    text: str,
    before_id: int | None = None,
    exclude_article: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    embedder: Embedder | None = None,
    store: VectorStore | None = None,
    about: bool = True,
) -> list[Ranked]:
    """The team's earlier claims most like `text`, the bot's match (if any) first.

    With an `embedder`, claims' vectors are read from the database, and new ones go to `store`.
    `about=False` when `text` is a queued claim rather than a post (`scoring.score_pair`).
    """
    index = await team_index(session, team_id=team_id)
    query = prepared(text)
    hits = index.search(query.terms, limit=CANDIDATES, before_id=before_id)
    ids = [claim_id for claim_id, _ in hits]
    semantic: dict[int, float] = {}
    same_claim = SEMANTIC_THRESHOLD if embedder is None else embedder.same_claim
    if embedder is not None:
        try:
            semantic = await _semantic(
                session, team_id, index, embedder, text, ids, before_id, store
            )
        except EmbeddingsError as error:  # meaning is a help: the lexical answer still stands
            log.warning("Matching by meaning skipped: %s", error)
        ids += [claim_id for claim_id in semantic if claim_id not in set(ids)]
    claims = await match_q.claims_for_matching(
        session, claim_ids=ids, exclude_article=exclude_article
    )
    ranked = [
        Ranked(claim, score_pair(query, prepared(claim.text), index.idf,
                                 semantic=semantic.get(stored_id(claim)), same_claim=same_claim,
                                 about=about))
        for claim in claims
    ]  # fmt: skip
    return sorted(ranked, key=_order(threshold, relevance(ids, semantic)), reverse=True)


def as_match(item: Ranked, threshold: float) -> Match:
    """A ranked candidate as the card and the CLI show it."""
    claim = item.claim
    return Match(stored_id(claim), claim.text, claim.status, item.scored.score, claim.created_at,
                 claim.status_changed_at, review_url(claim), item.scored.veto,
                 item.scored.is_match(threshold))  # fmt: skip


async def find_match_in(
    session: AsyncSession,
    *,
    team_id: int,
    text: str,
    before_id: int | None = None,
    exclude_article: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    embedder: Embedder | None = None,
    store: VectorStore | None = None,
    about: bool = True,
) -> Match | None:
    """The best earlier claim matching `text`; one with a verdict wins over a closer open one."""
    ranked = await rank_in(
        session, team_id=team_id, text=text, before_id=before_id,
        exclude_article=exclude_article, threshold=threshold, embedder=embedder, store=store,
        about=about,
    )  # fmt: skip
    if not ranked or not ranked[0].scored.is_match(threshold):
        return None
    return as_match(ranked[0], threshold)


async def find_match(
    db: Database,
    *,
    team_id: int,
    claim_id: int | None = None,
    text: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Match | None:
    """The team's best earlier claim matching a queued claim (by id) or a text, if any.

    A queued claim is judged as a claim (the same claim or not); a `text`, such as the post a
    claim came from, is also asked whether it is *about* a checked claim (`scoring.score_pair`).
    """
    embedder, store = embedder_for(db), vector_store(db)
    async with db.read() as session:
        if claim_id is None:
            if not text:
                raise ValueError("find_match needs a claim_id or a text")
            return await find_match_in(
                session, team_id=team_id, text=text, threshold=threshold, embedder=embedder,
                store=store,
            )  # fmt: skip
        claim = await claim_q.get_claim(session, claim_id=claim_id)
        if claim is None or claim.team_id != team_id:
            raise ClaimNotFound(claim_id)
        return await find_match_in(
            session, team_id=team_id, text=text or claim.text, before_id=claim_id,
            exclude_article=claim.article_id, threshold=threshold, embedder=embedder, store=store,
            about=text is not None,
        )  # fmt: skip


@dataclass(frozen=True)
class Lookup:
    """What the team's history says about a text: its best candidates, the bot's match first."""

    query: str
    matches: list[Match]

    @property
    def is_match(self) -> bool:
        """The bot's own decision that the first candidate is the same claim ("Matches #N")."""
        return bool(self.matches) and self.matches[0].is_match


async def team_of_chat(db: Database, *, chat_id: int) -> int:
    """The id of the chat's team (NoTeam if the bot was never set up there)."""
    async with db.read() as session:
        team = await team_q.get_team(session, chat_id=chat_id)
    if team is None or team.id is None:
        raise NoTeam()
    return team.id


async def look_up(
    db: Database, *, team_id: int, text: str, top: int = 5, threshold: float = DEFAULT_THRESHOLD
) -> Lookup:
    """The `top` earlier claims most like `text` — the lookup the chat runs (`rank_in`)."""
    async with db.read() as session:
        ranked = await rank_in(
            session, team_id=team_id, text=text, threshold=threshold, embedder=embedder_for(db),
            store=vector_store(db),
        )  # fmt: skip
    return Lookup(text, [as_match(item, threshold) for item in ranked[:top]])


async def match_new_claims(
    db: Database,
    claims: Sequence[Claim],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    post: str | None = None,
) -> dict[int, Match]:
    """Look each just-queued claim up in the team's history and link those that match.

    `post` is the text the claims came from: when it is a social post (`POST_WORDS` words at
    most, several sentences) and none of its claims matched, the post is looked up whole, as a
    post *about* a checked claim ("The Pope just endorsed Trump for president. Wow, what a day
    🇺🇸"), and a match is linked to the post's claim most like the checked one.
    """
    found: dict[int, Match] = {}
    for claim in claims:
        assert claim.id is not None
        match = await find_match(db, team_id=claim.team_id, claim_id=claim.id, threshold=threshold)
        if match is not None:
            found[claim.id] = match
    if post and claims and not found and is_post(post):
        first = min(claims, key=lambda c: c.id or 0)
        match = await find_match(
            db, team_id=first.team_id, claim_id=first.id, text=post, threshold=threshold
        )
        if match is not None:
            checked = prepared(match.text).terms

            def likeness(claim: Claim) -> tuple[float, int]:
                return cosine(prepared(claim.text).terms, checked, lambda _: 1.0), -stored_id(claim)

            found[stored_id(max(claims, key=likeness))] = match
    if found:
        async with db.write() as session:
            for claim_id, match in found.items():
                await match_q.record_match(
                    session, claim_id=claim_id, matched_id=match.claim_id, score=match.score
                )
    return found


POST_WORDS = 120  # a forwarded text this short is a social post, not an article


def is_post(text: str) -> bool:
    """Whether a submission is a social post to look up whole: short, of several spans."""
    return len(text.split()) <= POST_WORDS and bool(prepared(text).parts)


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
        # TRANSLATORS: completes "Only editors (the group's admins) can {action}."
        raise NotAnEditor(N_("accept a verdict from the team's history"))
    async with db.write() as session:
        claim, matched = await _team_claims(
            session, chat_id=chat_id, claim_id=claim_id, matched_id=matched_id
        )
        if matched.status not in VERDICT_STATUSES:
            raise DeskError(
                N_("Claim #{claim_id} has no verdict yet, so there is none to accept."),
                claim_id=matched_id,
            )
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
                 other.status_changed_at, review_url(other), card_chat_id=other.card_chat_id,
                 card_message_id=other.card_message_id)  # fmt: skip


async def verdict_offers(db: Database, *, claim_id: int) -> list[int]:
    """Claims linked to this one that still wait: offer them its new verdict."""
    async with db.read() as session:
        return [
            stored_id(claim) for claim in await match_q.linked_waiting(session, claim_id=claim_id)
        ]


def worth_a_look(text: str) -> bool:
    """Whether a chat message is long enough to hold a claim worth looking up."""
    return len(re.findall(r"\w+", text)) >= MIN_CHATTER_WORDS


async def answer_in_chat(
    db: Database, *, chat_id: int, text: str, threshold: float = DEFAULT_THRESHOLD
) -> KnownVerdict | None:
    """The settled claim a group message says again, if the team answers known claims and the
    matcher is sure (its calibrated decision, never a maybe); otherwise None: stay silent."""
    if not worth_a_look(text):
        return None
    async with db.read() as session:
        team = await team_q.get_team(session, chat_id=chat_id)
        if team is None or team.id is None or not team.auto_answer:
            return None
        return await _first_known(db, session, team_id=team.id, text=text, threshold=threshold)


async def known_post(
    db: Database, *, team_id: int, text: str, threshold: float = DEFAULT_THRESHOLD
) -> KnownVerdict | None:
    """The settled claim a forwarded social post is about, when none of its sentences was
    queued (a post seldom restates the claim it spreads, and the scorer may find no claim to
    check in it: "The Pope just endorsed Trump for president. Wow, what a day 🇺🇸"); None
    unless the text is a post (`is_post`) and the matcher is sure."""
    if not is_post(text):
        return None
    async with db.read() as session:
        return await _first_known(db, session, team_id=team_id, text=text, threshold=threshold)


async def _first_known(
    db: Database, session: AsyncSession, *, team_id: int, text: str, threshold: float
) -> KnownVerdict | None:
    """The bot's first match for `text` that has a verdict; None at the first maybe."""
    ranked = await rank_in(
        session, team_id=team_id, text=text, threshold=threshold, embedder=embedder_for(db),
        store=vector_store(db),
    )  # fmt: skip
    for item in ranked:
        if not item.scored.is_match(threshold):
            return None  # sorted: the bot's matches come first, the rest are maybes
        known = await known_verdict(session, matched=item.claim)
        if known is not None:
            return known
    return None


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

    async def known_verdicts(
        self,
        *,
        claim_ids: Sequence[int],
        team_id: int | None = None,
        post: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> list[KnownVerdict]:
        """What to answer at once about a submission: the settled claims its just-queued claims
        were matched to (`answers.known_verdicts`), or, when nothing was queued, the settled
        claim the `post` is about (`known_post`)."""
        if claim_ids or post is None or team_id is None:
            return await known_verdicts(self.db, claim_ids=claim_ids)
        about = await known_post(self.db, team_id=team_id, text=post, threshold=threshold)
        return [about] if about is not None else []

    async def private_asks(self, *, article_id: int) -> list[tuple[int, int | None]]:
        """Where an article was sent in private: (chat id, message id) of each ask."""
        async with self.db.read() as session:
            return await match_q.private_asks(session, article_id=article_id)

    async def answer_in_chat(
        self, *, chat_id: int, text: str, threshold: float = DEFAULT_THRESHOLD
    ) -> KnownVerdict | None:
        """See `answer_in_chat`: a group message that says a settled claim again."""
        return await answer_in_chat(self.db, chat_id=chat_id, text=text, threshold=threshold)
