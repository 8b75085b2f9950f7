"""Re-posting claim cards whose first send failed, so a Telegram hiccup never loses a claim.

A claim is queued in the database before its card is sent. If the send fails (Telegram refused
it, rate limit retries ran out, the process died between the two), the claim stays "unposted".
The update pump calls `repost_unposted_cards` at start-up and then every minute or so.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from telegram.ext import Application

from handlers.context import Services
from storage import cards as card_q
from storage.models import Claim, utcnow

log = logging.getLogger(__name__)

# Cards younger than this are left to the normal path, which may still be sending them.
GRACE_SECONDS = 120.0
# A worker's "posting" mark older than this is taken to belong to a worker that died.
POSTING_LEASE_SECONDS = 300.0


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


async def repost_unposted_cards(
    application: Application,
    *,
    worker: str,
    started_at: datetime,
    grace: float = GRACE_SECONDS,
) -> int:
    """Post the cards still missing, within each team's cards-at-once; returns how many went out.

    Claims queued before this process started cannot be in flight here, so they are due at once;
    later ones only after `grace` seconds.
    """
    services: Services = application.bot_data.services
    now = utcnow()
    created_before = max(started_at, now - timedelta(seconds=grace))
    async with services.db.read() as session:
        found = await card_q.cards_to_post(session, created_before=created_before)
    posted = 0
    for claim, article, team in found:
        if not is_due(claim.card_state, worker=worker, started_at=started_at, now=now):
            continue
        mark = card_q.posting_mark(worker, now)
        limit = team.cards_at_once or services.settings.cards_at_once
        async with services.db.write() as session:
            taken = await card_q.take_card(
                session, claim=claim, seen=claim.card_state, mark=mark, limit=limit
            )
        # None: another worker took it a moment ago; "defer": over cards-at-once, see /queue.
        if taken == "take" and await _post(services, claim, article.thread_id, team.chat_id, mark):
            posted += 1
    if posted:
        log.info("Re-posted %s claim card(s) that had not gone out", posted)
    return posted


async def _post(
    services: Services, claim: Claim, thread_id: int | None, chat_id: int, mark: str
) -> bool:
    """Send one card; on failure hand it back for the next round."""
    sent = False
    try:
        sent = await services.cards.post(claim, chat_id=chat_id, thread_id=thread_id)
    finally:
        if not sent:
            await _hand_back(services, claim.id, mark, "unposted")
    return sent


async def _hand_back(services: Services, claim_id: int, mark: str, state: str) -> None:
    """Release a card this worker had taken."""
    async with services.db.write() as session:
        await card_q.hand_back_card(session, claim_id=claim_id, mark=mark, state=state)
