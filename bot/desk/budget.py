"""The per-group message budget: how many claim cards an article may post right now.

Telegram lets a bot send about 20 messages a minute into one group. Nine links in a row used to
bring nine answers and 45 cards; now every article keeps its one message (the summary that
replaces "Got it…"), and cards go out only while the group's last minute leaves room:
`CARDS_PER_MINUTE` (default 10) cards for all articles together, half of Telegram's allowance,
the other half left for answers. The rest wait in /queue, and the summary says so. The decision
is taken and stored (deferred cards) in one transaction, so a re-delivered update or a second
worker never posts past it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import budget as budget_q
from storage.db import Database
from storage.models import utcnow

WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class CardPlan:
    """How many of an article's cards to post now; `busy` when the budget, not cards-at-once,
    held the rest back."""

    post: int
    busy: bool


def plan_cards(
    *, claims: int, cards_at_once: int, cards_per_minute: int, cards_recent: int
) -> CardPlan:
    """Cards to post for an article with `claims` claims, given the group's last minute.

    `cards_recent` are the cards other articles posted, or will post, in it. A team that chose
    more cards at once than the budget still gets them for one article in a quiet minute.
    """
    wanted = min(claims, cards_at_once)
    if cards_per_minute <= 0:
        return CardPlan(wanted, busy=False)
    room = max(cards_per_minute, cards_at_once) - cards_recent
    post = max(0, min(wanted, room))
    return CardPlan(post, busy=post < wanted)


async def reserve_cards(
    db: Database,
    *,
    team_id: int,
    article_id: int,
    claim_ids: list[int],
    cards_at_once: int,
    cards_per_minute: int,
    now: datetime | None = None,
) -> CardPlan:
    """Decide how many of the article's cards go out now and defer the others, atomically."""
    since = (now or utcnow()) - WINDOW
    async with db.write() as session:
        await budget_q.lock_team(session, team_id=team_id)
        others = await budget_q.cards_going_out_since(
            session, team_id=team_id, since=since, other_than=article_id
        )
        # An article posts at most cards-at-once cards, whatever it queued.
        cards = sum(min(count, cards_at_once) for count in others.values())
        plan = plan_cards(
            claims=len(claim_ids),
            cards_at_once=cards_at_once,
            cards_per_minute=cards_per_minute,
            cards_recent=cards,
        )
        await budget_q.defer_cards(session, claim_ids=claim_ids[plan.post :])
    return plan
