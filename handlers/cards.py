"""Posting claim cards and keeping them current, with edits coalesced per card."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from telegram import LinkPreviewOptions
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ExtBot

from bot.app.ratelimit import BACKGROUND
from bot.desk.views import CardViews
from bot.i18n import Words, words
from bot.records import VERDICT_STATUSES, stored_id
from handlers import render

if TYPE_CHECKING:
    from bot.app.pump import Activity
    from bot.desk.desk import Desk
    from bot.desk.languages import Languages
    from bot.desk.views import Views
    from bot.matching.service import Matches
    from bot.records import Claim

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# A card waits for a pause in the votes, but never longer than this many delays: a steady
# stream of votes still shows up (Telegram allows about one edit a second per chat).
MAX_WAIT_DELAYS = 4
# How long the bot must have applied no update for a refresh to go out before its pause.
LULL_SECONDS = 0.05


class CardPublisher:
    """Posts cards, and refreshes a card once per burst of votes (a pause of `delay`).

    A refresh waits for the first of: a pause of `delay` in the card's votes, `MAX_WAIT_DELAYS`
    delays, or a lull in the updates the bot applies (`activity`, the update pump's): a bot
    with nothing else to do shows a vote at once, and a busy one still edits a card once a
    burst. A card speaks its group's language, looked up each time (cached by `languages`):
    edits and re-posts happen outside the update that asked for them.
    """

    def __init__(
        self,
        application: Application[ExtBot[Any], Any, Any, Any, Any, Any],
        *,
        desk: Desk,
        views: Views,
        matches: Matches,
        languages: Languages,
        delay: float,
    ) -> None:
        self.application = application
        self.desk = desk
        self.views = views
        self.matches = matches
        self.languages = languages
        self.delay = delay
        self._pending: dict[int, asyncio.Task[None]] = {}
        # When a burst of votes ends, every card of it refreshes together: their views are read
        # in batches on one connection, not one read each taking the pool from the updates being
        # applied. The edits themselves are not limited here.
        self._views = CardViews(views)
        # Whether the bot is applying updates (bot.app.pump.Activity); None: no pump to ask.
        self.activity: Activity | None = None
        self._last_request: dict[int, float] = {}
        # A refresh gives way to replies in a busy minute (python-telegram-bot refuses
        # `rate_limit_args` on a bot without a rate limiter: RATE_LIMIT=false).
        limited = application.bot.rate_limiter is not None
        self._pace: dict[str, Any] = {"rate_limit_args": BACKGROUND} if limited else {}

    async def post(self, claim: Claim, *, chat_id: int, thread_id: int | None) -> bool:
        """Send one claim's card and remember its message; False if Telegram refused."""
        claim_id = stored_id(claim)
        view = await self._views.view(claim_id)
        if view is None:
            return False
        said = await self._words(chat_id)
        try:
            message = await self.application.bot.send_message(
                chat_id,
                render.claim_card(view, said),
                parse_mode="HTML",
                reply_markup=render.card_keyboard(view, said),
                message_thread_id=thread_id,
                link_preview_options=NO_PREVIEW,
            )
        except TelegramError as error:
            log.warning("Could not post the card of claim %s: %s", claim_id, error)
            return False
        await self.desk.record_card(
            claim_id=claim_id, chat_id=chat_id, message_id=message.message_id, thread_id=thread_id
        )
        return True

    def refresh(self, claim_id: int) -> None:
        """Schedule an edit of the claim's card; a burst of calls yields one edit."""
        loop = asyncio.get_running_loop()
        self._last_request[claim_id] = loop.time()
        if claim_id in self._pending:
            return
        task = loop.create_task(self._refresh_later(claim_id, loop.time()))
        self._pending[claim_id] = task

    async def _refresh_later(self, claim_id: int, started: float) -> None:
        """Wait for a pause in the votes, a few delays or an idle bot (the first); edit once."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                quiet = self._last_request.get(claim_id, started) + self.delay
                wake = min(quiet, started + self.delay * MAX_WAIT_DELAYS)
                if loop.time() >= wake:
                    break
                if self.activity is None:
                    await asyncio.sleep(wake - loop.time())
                elif await self.activity.lull(LULL_SECONDS, wake - loop.time()):
                    break
        finally:
            self._pending.pop(claim_id, None)
            self._last_request.pop(claim_id, None)
        status = await self.edit_now(claim_id)
        if status in VERDICT_STATUSES:
            await self._offer_verdict(claim_id)

    async def _offer_verdict(self, claim_id: int) -> None:
        """Show a new verdict on the cards of claims that match this one and still wait."""
        for linked in await self.matches.verdict_offers(claim_id=claim_id):
            await self.edit_now(linked)

    async def edit_now(self, claim_id: int) -> str | None:
        """Edit a claim's card in place to show its current state; returns that status."""
        view = await self._views.view(claim_id)
        if view is None or view.claim.card_message_id is None or view.claim.card_chat_id is None:
            return view.claim.status if view else None
        said = await self._words(view.claim.card_chat_id)
        try:
            await self.application.bot.edit_message_text(
                render.claim_card(view, said),
                chat_id=view.claim.card_chat_id,
                message_id=view.claim.card_message_id,
                parse_mode="HTML",
                reply_markup=render.card_keyboard(view, said),
                link_preview_options=NO_PREVIEW,
                **self._pace,
            )
        except BadRequest as error:
            # Two refreshes with nothing new in between: Telegram refuses the identical edit.
            if "not modified" not in str(error).lower():
                log.warning("Could not edit the card of claim %s: %s", claim_id, error)
        except (Forbidden, TelegramError) as error:
            log.warning("Could not edit the card of claim %s: %s", claim_id, error)
        return view.claim.status

    async def _words(self, chat_id: int) -> Words:
        """The words of the group a card is in."""
        return words(await self.languages.of_group(chat_id))

    async def flush(self) -> None:
        """Carry out pending edits now (at shutdown)."""
        pending = list(self._pending.items())
        for claim_id, task in pending:
            task.cancel()
            self._pending.pop(claim_id, None)
        for claim_id, _ in pending:
            try:
                await self.edit_now(claim_id)
            except Exception:
                log.exception("Final edit of claim %s failed", claim_id)
        await self._views.close()
