"""Re-posting claim cards whose first send failed (the plan lives in bot/desk/publication.py).

The update pump calls `repost_unposted_cards` at start-up and then every minute or so.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.desk.publication import GRACE_SECONDS, DueCard, is_due
from handlers.context import DeskApplication, Services

__all__ = ["is_due", "repost_unposted_cards"]

log = logging.getLogger(__name__)


async def repost_unposted_cards(
    application: DeskApplication,
    *,
    worker: str,
    started_at: datetime,
    grace: float = GRACE_SECONDS,
) -> int:
    """Post the cards still missing, within each team's cards-at-once; returns how many went out."""
    services = application.bot_data.require_services()
    posted = 0
    async for card in services.publication.cards_due(
        worker=worker, started_at=started_at, grace=grace
    ):
        if await _post(services, card):
            posted += 1
    if posted:
        log.info("Re-posted %s claim card(s) that had not gone out", posted)
    return posted


async def _post(services: Services, card: DueCard) -> bool:
    """Send one card; on failure hand it back for the next round."""
    sent = False
    try:
        sent = await services.cards.post(card.claim, chat_id=card.chat_id, thread_id=card.thread_id)
    finally:
        if not sent:
            await services.publication.hand_back(card)
    return sent
