"""Which claim cards go out, when: an article's plan (cards at once, the group's budget) and the
re-posting of cards whose first send failed, so a Telegram hiccup never loses a claim.

A claim is queued in the database before its card is sent. If the send fails (Telegram refused
it, rate limit retries ran out, the process died between the two), the claim stays "unposted";
the update pump asks `cards_due` at start-up and then every minute or so.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.desk.budget import reserve_cards
from storage import articles as article_q
from storage import cards as card_q
from storage import teams as team_q
from storage.cards import Taken
from storage.db import Database
from storage.models import Article, Claim, Team, stored_id, utcnow

# Cards younger than this are left to the normal path, which may still be sending them.
GRACE_SECONDS = 120.0
# A worker's "posting" mark older than this is taken to belong to a worker that died.
POSTING_LEASE_SECONDS = 300.0


def cards_at_once(team: Team, default: int) -> int:
    """The one cards-at-once rule: the team's own choice, else the operator's default."""
    return team.cards_at_once or default


def is_due(state: str, *, worker: str, started_at: datetime, now: datetime) -> bool:
    """Whether this worker should (re)post a card in this state now."""
    if state == "unposted":
        return True
    mark = card_q.parse_posting_mark(state)
    if mark is None:
        return False
    owner, stamp = mark
    if owner == worker and stamp < int(started_at.timestamp()):
        return True  # this worker's earlier life died while posting it (marks are in seconds)
    return stamp < (now - timedelta(seconds=POSTING_LEASE_SECONDS)).timestamp()


@dataclass(frozen=True)
class ArticlePlan:
    """Where an extracted article's cards go and how many go now (`busy`: the budget held
    some back, not cards-at-once)."""

    chat_id: int
    post: int
    busy: bool


@dataclass(frozen=True)
class DueCard:
    """A card this worker took to (re)post; `mark` proves the take when handing it back."""

    claim: Claim
    chat_id: int
    thread_id: int | None
    mark: str


class Publication:
    """Plans and leases of claim cards; every decision is taken and stored in one transaction."""

    def __init__(self, db: Database, *, default_cards: int, cards_per_minute: int) -> None:
        self.db = db
        self.default_cards = default_cards
        self.cards_per_minute = cards_per_minute

    async def plan_article(self, article: Article, claim_ids: list[int]) -> ArticlePlan | None:
        """How many of a freshly extracted article's cards go out now, the others deferred;
        None when its team is gone or the bot left the group."""
        async with self.db.read() as session:
            team = await team_q.get_team_by_id(session, team_id=article.team_id)
        if team is None or not team.active:
            return None
        plan = await reserve_cards(
            self.db,
            team_id=stored_id(team),
            article_id=stored_id(article),
            claim_ids=claim_ids,
            cards_at_once=cards_at_once(team, self.default_cards),
            cards_per_minute=self.cards_per_minute,
        )
        return ArticlePlan(team.chat_id, plan.post, plan.busy)

    async def article(self, article_id: int) -> Article | None:
        """An article by id (to reach its status message)."""
        async with self.db.read() as session:
            return await article_q.get_article(session, article_id=article_id)

    async def unfinished_extractions(self) -> list[int]:
        """Articles whose extraction a restart interrupted."""
        async with self.db.read() as session:
            return await article_q.unfinished_extractions(session)

    async def cards_due(
        self, *, worker: str, started_at: datetime, grace: float = GRACE_SECONDS
    ) -> AsyncIterator[DueCard]:
        """The missing cards this worker may post now, each taken (marked) for it only when the
        caller asks for it: a caller that stops early leaves the rest free for any worker.

        Claims queued before this process started cannot be in flight here, so they are due at
        once; later ones only after `grace` seconds. A card over its article's cards-at-once is
        deferred to /queue instead; one another worker took a moment ago is skipped.
        """
        now = utcnow()
        created_before = max(started_at, now - timedelta(seconds=grace))
        async with self.db.read() as session:
            found = await card_q.cards_to_post(session, created_before=created_before)
        for claim, article, team in found:
            if not is_due(claim.card_state, worker=worker, started_at=started_at, now=now):
                continue
            mark = card_q.posting_mark(worker, now)
            async with self.db.write() as session:
                taken = await card_q.take_card(
                    session,
                    claim=claim,
                    seen=claim.card_state,
                    mark=mark,
                    limit=cards_at_once(team, self.default_cards),
                )
            if taken is Taken.TAKE:
                yield DueCard(claim, team.chat_id, article.thread_id, mark)

    async def hand_back(self, card: DueCard) -> None:
        """Release a card this worker took and could not send: the next round retries it."""
        async with self.db.write() as session:
            await card_q.hand_back_card(
                session, claim_id=stored_id(card.claim), mark=card.mark, state="unposted"
            )
