"""Read models: what cards, /status, /claim, /queue and /mine show, as plain data."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from bot.desk.errors import ClaimNotFound, NoTeam
from bot.desk.notifications import Explanation, explain
from bot.desk.people import display_name
from bot.i18n import ENGLISH, N_, Lazy, Words
from bot.intake.media.place import claim_place
from bot.matching.service import Match, suggestion_for
from storage import articles as article_q
from storage import claims as claim_q
from storage import imports as import_q
from storage import notes as note_q
from storage import queue as queue_q
from storage import teams as team_q
from storage import votes as vote_q
from storage.db import Database
from storage.models import (
    VERDICT_STATUSES,
    Article,
    Claim,
    ClaimOrigin,
    ImportedReview,
    Note,
    StatusChange,
    Team,
    User,
    stored_id,
    utcnow,
)

STATUS_LIST = 5  # claims per list in /status


@dataclass(frozen=True)
class Source:
    """Where an article came from, for display: `said(words)` in the chat's language."""

    label: str  # in English; an outlet's or a chat's own name stays as it is
    link: str | None = None
    author: str | None = None  # the article's author, for links (a channel's is in the label)
    message: Lazy | None = None  # the catalogue message `label` says, when the desk words it
    values: Mapping[str, object] = field(default_factory=dict)

    def said(self, words: Words) -> str:
        """The label in a language ("channel Daily News", "канал Daily News")."""
        return words._(self.message, **self.values) if self.message else self.label


def _worded(message: Lazy, link: str | None = None, **values: object) -> Source:
    """A source the desk describes in its own words (a catalogue message)."""
    return Source(ENGLISH._(message, **values), link, message=message, values=values)


@dataclass(frozen=True)
class Place:
    """Where in a file or a recording a claim is: `said(words)` ("report.pdf, p. 3")."""

    media: str  # the article's media note (bot/intake/media/place.py)
    title: str | None
    offset: int

    def said(self, words: Words) -> str | None:
        return claim_place(self.media, self.title, self.offset, words)


@dataclass(frozen=True)
class ClaimView:
    """Everything a claim's card shows."""

    claim: Claim
    source: Source
    tally: dict[str, int]
    voters: list[tuple[str, str]]  # (name, rating)
    assignee: str | None
    note_count: int
    match: Match | None = None
    review: ImportedReview | None = None  # the published fact-check an imported claim came from
    place: Place | None = None  # where in a file the claim is: "report.pdf, p. 3" (claim_place)
    explanation: Explanation | None = None  # a settled claim's: who decided, why, evidence


@dataclass(frozen=True)
class ClaimDetail:
    """A claim in full, for /claim and /status <id>."""

    view: ClaimView
    article: Article
    notes: list[tuple[str, Note]]
    history: list[tuple[str, StatusChange]]


@dataclass(frozen=True)
class StatusView:
    """The team's queue at a glance."""

    team: Team
    counts: dict[str, int]
    oldest_open: list[Claim]
    waiting_for_me: list[Claim]  # awaiting my vote and not among oldest_open (each shown once)
    recent_verdicts: list[Claim]
    now: datetime = field(default_factory=utcnow)
    awaiting_me: frozenset[int] = frozenset()  # ids in oldest_open that wait for my vote


def _claim_view(
    claim: Claim,
    article: Article,
    users: Mapping[int, User],
    voters: list[tuple[int, str, str]],
    *,
    note_count: int,
    match: Match | None,
    review: ImportedReview | None,
    explanation: Explanation | None,
) -> ClaimView:
    """A card's data from what `Views.claim_views` read."""
    if review is not None and explanation is not None:
        explanation = _imported_explanation(explanation, review, voted=bool(voters))
    tally: dict[str, int] = {}
    for _, _, rating in voters:
        tally[rating] = tally.get(rating, 0) + 1
    return ClaimView(
        claim=claim,
        source=article_source(article, users.get(article.submitted_by or 0)),
        tally=tally,
        voters=[(name, rating) for _, name, rating in voters],
        assignee=display_name(users[claim.assignee_id]) if claim.assignee_id else None,
        note_count=note_count,
        match=match,
        review=review,
        place=Place(article.media, article.title, claim.start) if article.media else None,
        explanation=explanation,
    )


def article_source(article: Article, submitter: User | None = None) -> Source:
    """A one-line description of an article's origin, with a link where there is one."""
    if article.kind == "import":  # a published fact-check: the card names its publisher
        where = (urlsplit(article.url or "").hostname or "").removeprefix("www.")
        if where:
            # TRANSLATORS: an imported fact-check's source; {site} is a web address's domain.
            return _worded(N_("appeared on {site}"), article.url, site=where)
        return _worded(N_("imported fact-check"), article.url)
    if article.origin_type == "channel":
        # TRANSLATORS: a channel whose name is not known, as {name} in "channel {name}".
        name = article.origin_name or N_("a channel")
        if article.origin_signature:
            return _worded(
                # TRANSLATORS: {name} is a Telegram channel's name, {signature} the post's author.
                N_("channel {name} ({signature})"),
                article.origin_link,
                name=name,
                signature=article.origin_signature,
            )
        # TRANSLATORS: where a claim comes from; {name} is a Telegram channel's name.
        return _worded(N_("channel {name}"), article.origin_link, name=name)
    if article.origin_type in ("user", "hidden_user"):
        # TRANSLATORS: someone whose name is hidden, as {name} in "forwarded from {name}".
        name = article.origin_name or N_("a user")
        # TRANSLATORS: where a claim comes from; {name} is a person's or a group's name.
        return _worded(N_("forwarded from {name}"), article.url, name=name)
    if article.origin_type == "chat":
        # TRANSLATORS: a group whose name is not known, as {name} in "forwarded from {name}".
        name = article.origin_name or N_("a chat")
        link = article.origin_link or article.url
        if article.origin_signature:
            return _worded(
                # TRANSLATORS: {name} is a group's name, {signature} the message's author.
                N_("forwarded from {name} ({signature})"),
                link,
                name=name,
                signature=article.origin_signature,
            )
        return _worded(N_("forwarded from {name}"), link, name=name)
    if article.url:
        return Source(outlet(article), article.url, article.author or None)
    if submitter is not None:
        # TRANSLATORS: {name} is the member who sent the text to the desk.
        return _worded(N_("sent by {name}"), name=display_name(submitter))
    return _worded(N_("sent to the desk"))


def outlet(article: Article) -> str:
    """The publication a linked article is from: its site name, else the address's domain.

    Not its title: the summary shows that already, and a card's source line should say whose
    claim it is.
    """
    # site_name arrives with migration 0002 (trafilatura's sitename); older rows have none.
    site = (getattr(article, "site_name", None) or "").strip()
    if site:
        return site
    host = urlsplit(article.url or "").hostname or ""
    return host.removeprefix("www.") or article.url or "a web page"


def _imported_explanation(
    explanation: Explanation, review: ImportedReview, *, voted: bool
) -> Explanation:
    """An imported verdict nobody has voted on or overruled was decided by its publisher."""
    if explanation.editor or voted:
        return explanation
    links = [review.url] if review.url else explanation.links
    return replace(explanation, decided_by=review.publisher or "", reason=None, links=links,
                   consensus=None)  # fmt: skip


class CardViews:
    """Card views read in batches: those asked for while a read is under way go in the next one.

    When a burst of votes ends, every card of it refreshes at once. Read one by one, 50 cards
    were 250 queries on as many connections as were free; batched, a read takes one connection
    and the same five queries for up to `batch` cards (docs/performance.md, session 12).
    """

    def __init__(self, views: Views, *, batch: int = 100) -> None:
        self.views = views
        self.batch = batch
        self._wanted: dict[int, list[asyncio.Future[ClaimView | None]]] = {}
        self._reader: asyncio.Task[None] | None = None

    async def view(self, claim_id: int) -> ClaimView | None:
        """A claim's card data (None if it no longer exists), read along with others asked for."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[ClaimView | None] = loop.create_future()
        self._wanted.setdefault(claim_id, []).append(future)
        if self._reader is None or self._reader.done():
            # It starts on the loop's next turn: cards asked for in this one join the first read.
            self._reader = loop.create_task(self._read_all())
        return await future

    async def _read_all(self) -> None:
        """Read what is wanted, a batch at a time, until nothing is."""
        while self._wanted:
            ids = list(self._wanted)[: self.batch]
            waiting = {claim_id: self._wanted.pop(claim_id) for claim_id in ids}
            try:
                found = await self._read(ids)
            except BaseException:  # cancelled (shut down): the askers are cancelled too
                for futures in [*waiting.values(), *self._wanted.values()]:
                    for future in futures:
                        future.cancel()
                self._wanted.clear()
                raise
            for claim_id, futures in waiting.items():
                outcome = found.get(claim_id)
                for future in futures:
                    if future.done():
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)

    async def _read(self, ids: list[int]) -> dict[int, ClaimView | Exception]:
        """The views of a batch; if the batch fails, each card is read on its own, so that one
        card that cannot be read (its failure goes to its askers alone) spoils no other."""
        try:
            return dict(await self.views.claim_views(ids))
        except Exception as error:
            if len(ids) == 1:
                return {ids[0]: error}
        found: dict[int, ClaimView | Exception] = {}
        for claim_id in ids:
            try:
                found.update(await self.views.claim_views([claim_id]))
            except Exception as error:
                found[claim_id] = error
        return found

    async def close(self) -> None:
        """Stop reading (at shutdown, after the last edits)."""
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        self._reader = None


class Views:
    """Queries that assemble what the chat shows."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim_view(self, *, claim_id: int) -> ClaimView | None:
        """A claim's card data, or None if it no longer exists (a glance: indexed lookups)."""
        return (await self.claim_views([claim_id])).get(claim_id)

    async def claim_views(self, claim_ids: Sequence[int]) -> dict[int, ClaimView]:
        """The card data of several claims in one glance (claims that no longer exist are left
        out): the same five queries for a burst of cards as for one."""
        async with self.db.glance() as session:
            claims = await claim_q.get_claims(session, claim_ids=claim_ids)
            ids = list(claims)
            articles = await article_q.get_articles(
                session, article_ids={c.article_id for c in claims.values()}
            )
            people = {c.assignee_id for c in claims.values()}
            people |= {a.submitted_by for a in articles.values()}
            users = await team_q.get_users(session, {i for i in people if i})
            voters = await vote_q.voters_of(session, claim_ids=ids)
            note_counts = await note_q.note_counts(session, claim_ids=ids)
            imported = [i for i, c in claims.items() if c.origin == ClaimOrigin.IMPORTED]
            reviews = await import_q.reviews_of(session, claim_ids=imported)
            # Verdicts are few among the cards a burst of votes refreshes.
            explanations: dict[int, Explanation] = {}
            for claim_id, claim in claims.items():
                if claim.status in VERDICT_STATUSES:
                    explanations[claim_id] = await explain(session, claim=claim)
        # Outside the session: holding one connection while asking for another starves the pool
        # when many cards refresh at once.
        matches: dict[int, Match | None] = {}
        for claim_id, claim in claims.items():
            if claim.match_claim_id is not None:
                matches[claim_id] = await suggestion_for(self.db, claim_id=claim_id)
        return {
            claim_id: _claim_view(
                claim,
                articles[claim.article_id],
                users,
                voters.get(claim_id, []),
                note_count=note_counts.get(claim_id, 0),
                match=matches.get(claim_id),
                review=reviews.get(claim_id),
                explanation=explanations.get(claim_id),
            )
            for claim_id, claim in claims.items()
        }

    async def team_claim_ids(self, *, chat_id: int, claim_id: int) -> Team:
        """The chat's team, checking that the claim is one of its own."""
        async with self.db.read() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            if team is None:
                raise NoTeam()
            claim = await claim_q.get_claim(session, claim_id=claim_id)
            if claim is None or claim.team_id != team.id:
                raise ClaimNotFound(claim_id)
            return team

    async def claim_detail(self, *, chat_id: int, claim_id: int) -> ClaimDetail:
        """A claim in full: card data, notes with their authors, and history."""
        await self.team_claim_ids(chat_id=chat_id, claim_id=claim_id)
        view = await self.claim_view(claim_id=claim_id)
        if view is None:
            raise ClaimNotFound(claim_id)
        async with self.db.read() as session:
            article = await article_q.get_article(session, article_id=view.claim.article_id)
            notes = await note_q.notes_of(session, claim_id=claim_id)
            changes = await claim_q.history(session, claim_id=claim_id)
            ids = {n.user_id for n in notes} | {c.user_id for c in changes if c.user_id}
            users = await team_q.get_users(session, ids)
        assert article is not None
        return ClaimDetail(
            view=view,
            article=article,
            notes=[(display_name(users.get(n.user_id)), n) for n in notes],
            history=[(display_name(users.get(c.user_id or 0)), c) for c in changes],
        )

    async def status(self, *, chat_id: int, user_id: int) -> StatusView:
        """Counts by status, the oldest open claims, what waits for my vote, recent verdicts."""
        now = utcnow()
        async with self.db.read() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            if team is None:
                raise NoTeam()
            oldest = await queue_q.oldest_open(session, team_id=stored_id(team), limit=STATUS_LIST)
            shown = [stored_id(claim) for claim in oldest]
            voted = await vote_q.voted_on(session, user_id=user_id, claim_ids=shown)
            # Enough to fill the second list after dropping the claims the first one shows.
            waiting = await queue_q.waiting_for_vote(
                session, team_id=stored_id(team), user_id=user_id, limit=STATUS_LIST + len(shown)
            )
            return StatusView(
                team=team,
                counts=await queue_q.status_counts(session, team_id=stored_id(team)),
                oldest_open=oldest,
                waiting_for_me=[c for c in waiting if c.id not in shown][:STATUS_LIST],
                recent_verdicts=await queue_q.recent_verdicts(
                    session, team_id=stored_id(team), since=now - timedelta(days=7)
                ),
                now=now,
                awaiting_me=frozenset(i for i in shown if i not in voted),
            )

    async def queue(self, *, chat_id: int, page: int, size: int) -> tuple[list[Claim], bool, int]:
        """One page of unsettled claims, whether there is a next, and how many in all."""
        async with self.db.read() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            if team is None:
                raise NoTeam()
            claims, more = await queue_q.queue_page(
                session, team_id=stored_id(team), page=page, size=size
            )
            total = await queue_q.count_unsettled(session, team_id=stored_id(team))
        return claims, more, total

    async def mine(self, *, chat_id: int, user_id: int) -> list[Claim]:
        """The claims a member took with "I'll check"."""
        async with self.db.read() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            if team is None:
                raise NoTeam()
            return await claim_q.claims_assigned(session, team_id=stored_id(team), user_id=user_id)

    async def active_teams(self) -> list[Team]:
        """Every group the bot is still in (to find a private sender's team)."""
        async with self.db.read() as session:
            return await team_q.active_teams(session)

    async def active_team(self, *, team_id: int) -> Team | None:
        """A team by id, if the bot is still in its group."""
        async with self.db.read() as session:
            team = await team_q.get_team_by_id(session, team_id=team_id)
        return team if team is not None and team.active else None

    async def source_of(self, article: Article) -> Source:
        """Where an article came from, naming the member who sent it when nothing else is known."""
        async with self.db.read() as session:
            users = await team_q.get_users(session, {article.submitted_by or 0})
        return article_source(article, users.get(article.submitted_by or 0))
