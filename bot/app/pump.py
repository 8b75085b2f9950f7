"""At-least-once update processing: store each update before acknowledging it, then process it.

python-telegram-bot's own Updater confirms an update to Telegram (the next getUpdates offset)
before handlers run, so a crash loses what was in flight. Here the receiver stores every raw
update first; only then does the next getUpdates acknowledge it. Workers (in this process or
another one sharing PostgreSQL) take stored updates one at a time and run the handlers; the
pump hands each update a unit of work (storage.db UnitOfWork) whose first write transaction
carries the effect and marks the update done, so a re-delivered or re-run update never counts
twice; `context.services` are bound to it, so no service can write outside it.
docs/reliability.md tells the whole story.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.error import Conflict, NetworkError, TimedOut
from telegram.ext import Application
from telegram.warnings import PTBUserWarning

from bot.intake.inbound import read_stored, stored_text
from storage import articles as article_q
from storage import cards as card_q
from storage import progress as progress_q
from storage import updates as update_q
from storage.db import Database, UnitOfWork
from storage.models import StoredUpdate, utcnow

log = logging.getLogger(__name__)

# Every kind of update, message_reaction and chat_member included (they are opt-in).
ALL_TYPES = list(Update.ALL_TYPES)
# Updates a worker applies at once (the default of UPDATES_AT_ONCE): more than a busy group has
# members pressing at the same moment. With fewer slots, every finished update woke the dispatch
# loop for a claiming transaction of its own (four round trips on PostgreSQL for one update),
# where the receiving transaction takes new updates along with storing them. Database
# connections are pooled apart (storage.db POOL_SIZE): an update beyond the pool waits for a
# connection, not for a slot.
CONCURRENCY = 64
# Processed updates are kept this long (to recognise Telegram's re-deliveries), then pruned.
KEEP_DONE = timedelta(days=7)
POLL_READ_MARGIN = 10.0  # seconds a long poll's answer may take beyond its own timeout


class Activity:
    """Whether a worker is applying updates, and since when it has not been (a lull)."""

    def __init__(self) -> None:
        self._idle = asyncio.Event()
        self._idle.set()
        self._idle_since = 0.0

    def started(self) -> None:
        """Updates began to be applied."""
        self._idle.clear()

    def stopped(self) -> None:
        """No update is being applied any more."""
        self._idle.set()
        self._idle_since = asyncio.get_running_loop().time()

    async def lull(self, quiet: float, timeout: float) -> bool:  # noqa: ASYNC109
        """Wait up to `timeout` seconds for a lull: no update applied for `quiet` seconds.

        A moment between two batches of a busy bot is not a lull: `quiet` tells them apart.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            left = deadline - loop.time()
            if left <= 0:
                return False
            if not self._idle.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._idle.wait(), left)
                continue
            since = loop.time() - self._idle_since
            if since >= quiet:
                return True
            await asyncio.sleep(min(quiet - since, left))


class UpdatePump:
    """Receives updates into the store and processes them from it."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        db: Database,
        *,
        worker_id: str,
        receive: bool = True,
        concurrency: int = CONCURRENCY,
        poll_timeout: int = 10,
        lease_seconds: float = 300.0,
        idle_interval: float = 0.2,
        max_attempts: int = update_q.DEFAULT_MAX_ATTEMPTS,
        housekeeping_seconds: float = 60.0,
        housekeeping: Callable[[UpdatePump], Awaitable[None]] | None = None,
        units: dict[int, UnitOfWork] | None = None,
    ) -> None:
        self.application = application
        self.db = db
        self.worker_id = worker_id
        self.receive = receive
        self.concurrency = concurrency
        self.poll_timeout = poll_timeout
        self.lease = timedelta(seconds=lease_seconds)
        self.idle_interval = idle_interval
        self.max_attempts = max_attempts
        self.housekeeping_seconds = housekeeping_seconds
        self.housekeeping = housekeeping
        self.started_at = utcnow()
        self._wake = asyncio.Event()
        # Whether updates are being applied: card refreshes wait for a lull (handlers.cards).
        self.activity = Activity()
        self._lanes: dict[int, asyncio.Lock] = {}
        self._running: set[asyncio.Task[None]] = set()
        self._loops: list[asyncio.Task[None]] = []
        self._stopping = False
        self._dispatching = False  # the dispatch loop runs: store() may start what it stores
        # The unit of work of each update being applied, by update id (see _process).
        self.units: dict[int, UnitOfWork] = {} if units is None else units

    async def start(self) -> None:
        """Take back this worker's unfinished updates, then start receiving and processing."""
        self.started_at = utcnow()
        async with self.db.write() as session:
            released = await update_q.release_worker(session, worker=self.worker_id)
        if released:
            log.info("Resuming %s update(s) interrupted by a restart", released)
        if self.receive:
            self._loops.append(asyncio.create_task(self._receive_loop(), name="receive"))
        self._loops.append(asyncio.create_task(self._dispatch_loop(), name="dispatch"))
        self._loops.append(asyncio.create_task(self._housekeeping_loop(), name="housekeeping"))

    async def stop(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Stop taking updates and let those under way finish (up to `timeout` seconds)."""
        self._stopping = True
        self._wake.set()
        for task in self._loops:
            task.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        if self._running:
            await asyncio.wait(list(self._running), timeout=timeout)

    async def store(self, raws: Iterable[dict[str, Any]]) -> int:
        """Keep raw updates durably (webhook and polling both call this) and start on them.

        The transaction that stores them also takes, oldest first, as many stored updates as
        this worker has free slots for (usually the ones just received), exactly as the
        dispatch loop would: they start at once instead of waiting for the next claim. What it
        cannot take now waits in the store for the dispatch loop (or another worker).
        """
        rows = [(int(raw["update_id"]), stored_text(raw)) for raw in raws]
        free = self._free_slots() if self._dispatching else 0
        async with self.db.write() as session:
            added = await update_q.store_updates(session, rows)
            taken = await self._claim_in(session, free) if free > 0 else []
        self._start(taken)
        self._wake.set()
        return added

    async def _receive_loop(self) -> None:
        """Long-poll Telegram; the offset that confirms a batch is sent only after it is stored."""
        # No offset at first: Telegram hands back everything not yet confirmed, and what was
        # stored before a crash is ignored by the store (update_id is its key).
        offset: int | None = None
        while not self._stopping:
            try:
                batch = await self._fetch(offset)
            except Conflict as error:
                log.error("Another bot instance or a webhook holds this token: %s", error)
                await asyncio.sleep(5)
                continue
            except (TimedOut, NetworkError) as error:
                log.debug("getUpdates: %s; retrying", error)
                await asyncio.sleep(1)
                continue
            except Exception:
                log.exception("getUpdates failed; retrying")
                await asyncio.sleep(1)
                continue
            if not batch:
                continue
            try:
                await self.store(batch)
            except Exception:
                # Not stored, so not confirmed: the same batch comes again on the next call.
                log.exception("Could not store %s update(s); asking again", len(batch))
                await asyncio.sleep(1)
                continue
            offset = int(batch[-1]["update_id"]) + 1

    async def _fetch(self, offset: int | None) -> list[dict[str, Any]]:
        """One getUpdates long poll; the updates as Telegram sent them, to store.

        Raw JSON, not python-telegram-bot's objects: each update is read once, when it is
        processed (`_process`), instead of also here and back to JSON for the store — and an
        update this library version cannot read is stored like any other, then skipped.
        """
        params: dict[str, Any] = {"timeout": self.poll_timeout, "allowed_updates": ALL_TYPES}
        if offset is not None:
            params["offset"] = offset
        with warnings.catch_warnings():
            # PTB points to get_updates(), which would parse every update only to have it
            # turned back into JSON for the store.
            warnings.simplefilter("ignore", PTBUserWarning)
            result = await self.application.bot.do_api_request(
                "getUpdates",
                api_kwargs=params,
                read_timeout=self.poll_timeout + POLL_READ_MARGIN,
            )
        return [raw for raw in result or [] if isinstance(raw, dict) and "update_id" in raw]

    async def _dispatch_loop(self) -> None:
        """Take stored updates in order and run each on its own task, one lane per user."""
        self._dispatching = True
        while not self._stopping:
            free = self._free_slots()
            batch: list[StoredUpdate] = []
            if free > 0:
                try:
                    batch = await self._claim(free)
                except Exception:
                    # The database is unreachable for a moment: the updates wait in the store.
                    log.exception("Could not take stored updates; trying again")
                    await asyncio.sleep(1)
                    continue
            if not batch:
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), timeout=self.idle_interval)
                except TimeoutError:
                    pass
                continue
            self._start(batch)

    def _free_slots(self) -> int:
        """How many more updates this worker can run now (none once it is stopping)."""
        return 0 if self._stopping else self.concurrency - len(self._running)

    def _start(self, batch: list[StoredUpdate]) -> None:
        """Run each taken update on its own task."""
        if batch:
            self.activity.started()
        for stored in batch:
            task = asyncio.create_task(self._process(stored))
            self._running.add(task)
            task.add_done_callback(self._done)

    async def _claim(self, limit: int) -> list[StoredUpdate]:
        """Take up to `limit` stored updates for this worker."""
        async with self.db.write() as session:
            return await self._claim_in(session, limit)

    async def _claim_in(self, session: AsyncSession, limit: int) -> list[StoredUpdate]:
        """Take up to `limit` stored updates for this worker, in the caller's transaction."""
        return await update_q.claim_pending(
            session,
            worker=self.worker_id,
            limit=limit,
            stale_before=utcnow() - self.lease,
            max_attempts=self.max_attempts,
        )

    def _done(self, task: asyncio.Task[None]) -> None:
        """Free the slot of a finished update."""
        self._running.discard(task)
        if not self._running:
            self.activity.stopped()
        self._wake.set()

    async def _process(self, stored: StoredUpdate) -> None:
        """Run the handlers for one update, in its user's lane, then mark it done."""
        error: str | None = None
        try:
            # The one place raw updates become service input: NUL goes here, for every field,
            # and a payload without the fields Telegram always sends is skipped as unreadable.
            payload = read_stored(stored.payload)
            update = Update.de_json(payload, self.application.bot)
        except Exception as exc:
            # Telegram sent something this library version cannot read: skip it, keep the row.
            log.warning("Update %s is unreadable and skipped: %r", stored.update_id, exc)
            update, error = None, f"unreadable: {exc!r}"
        unit = self.db.unit(stored.update_id)
        if update is not None:
            try:
                async with self._lane(update):
                    # DeskContext.from_update finds the unit here and binds the services to it.
                    self.units[stored.update_id] = unit
                    try:
                        await self.application.process_update(update)
                    finally:
                        del self.units[stored.update_id]
                        unit.close()
            except Exception as exc:  # process_update reports handler errors itself
                log.exception("Update %s could not be processed", stored.update_id)
                error = repr(exc)
        if unit.marked and error is None:
            return  # its effect's transaction already marked it done
        try:
            async with self.db.write() as session:
                if unit.retry:
                    # A passing database failure (deadlock, lost connection, lock timeout):
                    # run it again rather than lose its effect; attempts are capped.
                    await update_q.retry_later(session, update_id=stored.update_id)
                else:
                    await update_q.finish(session, update_id=stored.update_id, error=error)
        except Exception:
            log.exception("Could not mark update %s done; it will run again", stored.update_id)

    async def _housekeeping_loop(self) -> None:
        """At start-up and then every few minutes: re-post missing cards, forget old updates."""
        while not self._stopping:
            try:
                await self._housekeeping()
            except Exception:
                log.exception("Housekeeping failed; trying again later")
            await asyncio.sleep(self.housekeeping_seconds)

    async def _housekeeping(self) -> None:
        """One round of housekeeping."""
        if self.housekeeping is not None:
            await self.housekeeping(self)
        async with self.db.write() as session:
            await update_q.prune_done(session, before=utcnow() - KEEP_DONE)
            await progress_q.prune_progress(session, before=utcnow() - KEEP_DONE)

    def _lane(self, update: Update) -> asyncio.Lock:
        """Updates of one user run in order (a vote then its change); others run in parallel."""
        user = update.effective_user
        chat = update.effective_chat
        key = user.id if user else (chat.id if chat else 0)
        lane = self._lanes.get(key)
        if lane is None:
            if len(self._lanes) > 10_000:
                self._lanes = {k: v for k, v in self._lanes.items() if v.locked()}
            lane = self._lanes[key] = asyncio.Lock()
        return lane


async def wait_until_drained(db: Database, *, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Wait until no stored update is left unprocessed (tests, benchmarks)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        async with db.read() as session:
            if await update_q.pending_count(session) == 0:
                return
        if loop.time() > deadline:
            raise TimeoutError("stored updates still pending")
        await asyncio.sleep(0.05)


async def has_work(db: Database) -> bool:
    """Whether the bot still has work it took on: an update not processed, an article being
    read, a card of an extracted article not posted (the scenario player waits for it)."""
    async with db.read() as session:
        return bool(
            await update_q.pending_count(session)
            or await article_q.any_unfinished_extraction(session)
            or await card_q.any_card_to_post(session)
        )
