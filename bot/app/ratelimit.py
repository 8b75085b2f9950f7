"""Telegram's flood limits, kept on the bot's side: messages into a group, messages overall.

Telegram lets a bot post about 20 messages a minute into one group and about 30 a second in
all, and answers more with 429 "retry after N". python-telegram-bot's `AIORateLimiter` keeps
to them with leaky buckets over every call that names a chat, which does two things a busy desk
notices: a bucket admits its burst *and* its refill, so up to 40 messages can go into a group in
one minute (and 60 in a second overall); and reads count as messages, so the `getChatMember`
that checks a voter waits behind the group's card edits (a vote answered seconds late).

`TelegramLimits` is the same `BaseRateLimiter` interface with the rules a group sees:

- only calls that put or change a message in a chat (`send…`, `edit…`, copies and forwards)
  are paced; reads, callback answers, deletions and reactions go straight through;
- the pace is a sliding window: never more than `group_per_minute` of them into one group in
  any 60 seconds, nor `overall_per_second` in any second;
- card refreshes (calls made with `rate_limit_args=BACKGROUND`) leave a quarter of a group's
  minute to everything else, so a reply to a command or an article's summary does not queue
  behind a burst of vote counts; and an edit still waiting when a newer edit of the same message
  comes is dropped, unsent (the newer one shows the latest state);
- a 429 that Telegram answers anyway (another process of the bot also posting, say) holds that
  group's messages for the time it asks (a private chat's call alone waits), then the call is
  tried again (up to `max_retries` times); other groups go on.

The windows are per process. On PostgreSQL the overall limit is also kept across processes
(`SharedPace`): every message books a turn in the database, at most 29 in any 1.05 s, so two
processes together stay under Telegram's overall limit. Two processes posting into one
group still share Telegram's per-group limit but not these windows (docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)

GROUP_PER_MINUTE = 20
OVERALL_PER_SECOND = 30
# Shared turns: one fewer than the overall limit in a window a little longer than a second, as
# Telegram counts a message when it arrives, and arrivals jitter some milliseconds around turns.
SHARED_MARGIN = 1
SHARED_WINDOW = 1.05
# A booking that takes longer than this (a database in trouble) lets the message go unpaced.
SHARED_TIMEOUT = 1.0
# Methods whose call puts a new message into a chat or changes one that is there.
PACED_PREFIXES = ("send", "edit")
PACED = frozenset({"copyMessage", "copyMessages", "forwardMessage", "forwardMessages", "stopPoll"})
MAX_WINDOWS = 1024  # group windows kept; idle ones are dropped past this

Clock = Callable[[], float]
JSONDict = dict[str, Any]


def paced(endpoint: str) -> bool:
    """Whether a Bot API method counts against the flood limits (it posts or edits a message)."""
    if endpoint == "sendChatAction":  # "typing…" is no message
        return False
    return endpoint.startswith(PACED_PREFIXES) or endpoint in PACED


class Window:
    """At most `limit` events in any `period` seconds.

    An event counts from when it was let through until `period` after it ended (`finished`):
    Telegram counts a message when it arrives, which is somewhere between the two, so a slow
    call never lets the next one in early. A taker may leave room (`reserve`) for others: card
    refreshes leave a share of a group's minute to replies and summaries.
    """

    def __init__(self, limit: int, period: float, clock: Clock = time.monotonic) -> None:
        self.limit = limit
        self.period = period
        self.clock = clock
        self.times: list[Event] = []
        self.waiting = 0
        self.held_until = 0.0  # Telegram's 429 asked this window to wait until then

    def idle(self) -> bool:
        """Whether nothing in the window counts any more and nobody waits."""
        now = self.clock()
        self._forget(now)
        return not self.times and not self.waiting and now >= self.held_until

    async def take(self, *, reserve: int = 0, give_up: asyncio.Event | None = None) -> Event | None:
        """Wait until one more event fits with `reserve` places to spare, and count it; None,
        counting nothing, as soon as `give_up` is set (the event is no longer needed)."""
        room = max(1, self.limit - reserve)
        self.waiting += 1
        try:
            while True:
                if give_up is not None and give_up.is_set():
                    return None
                now = self.clock()
                self._forget(now)
                if now < self.held_until:
                    delay = self.held_until - now
                elif len(self.times) < room:
                    event = Event(now)
                    self.times.append(event)
                    return event
                else:  # room comes when enough of the counted events have left the window
                    ends = sorted(event.at for event in self.times)
                    delay = ends[len(ends) - room] + self.period - now
                if give_up is None:
                    await asyncio.sleep(delay)
                else:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(give_up.wait(), delay)
        finally:
            self.waiting -= 1

    def hold(self, seconds: float) -> None:
        """Let nothing through for `seconds` (Telegram answered 429 "retry after")."""
        self.held_until = max(self.held_until, self.clock() + seconds)

    def finished(self, event: Event | None) -> None:
        """The call of a counted event has ended: it counts from now."""
        if event is not None:
            event.at = self.clock()

    def _forget(self, now: float) -> None:
        self.times = [event for event in self.times if now - event.at < self.period]


class Event:
    """One counted message: the moment its window counts from."""

    __slots__ = ("at",)

    def __init__(self, at: float) -> None:
        self.at = at


class SharedPace:
    """Turns for the messages of every bot process on one database (storage.pace).

    `book(size, window)` books a turn, at most `size` in any `window` seconds for all the
    processes, and says how long to wait for it. A message waits for its turn after this
    process's own windows let it through. If the booking fails or takes
    longer than `timeout`, the message goes without a turn (said in the log, once a minute):
    the process's own windows still keep it within Telegram's limits on its own.
    """

    def __init__(
        self,
        book: Callable[[int, float], Awaitable[float]],
        *,
        per_second: int = OVERALL_PER_SECOND,
        timeout: float = SHARED_TIMEOUT,
        clock: Clock = time.monotonic,
    ) -> None:
        self.book = book
        self.size = max(1, per_second - SHARED_MARGIN)
        self.timeout = timeout
        self.clock = clock
        self._warned_at: float | None = None

    async def wait_turn(self) -> None:
        """Book a turn and wait for it."""
        try:
            wait = await asyncio.wait_for(self.book(self.size, SHARED_WINDOW), self.timeout)
        except Exception as error:  # a database in trouble must not stop the bot's messages
            now = self.clock()
            if self._warned_at is None or now - self._warned_at >= 60:
                self._warned_at = now
                log.warning("Could not book a shared turn for a message (%r); sending it", error)
            return
        if wait > 0:
            await asyncio.sleep(wait)


@dataclass(frozen=True)
class Pace:
    """How one call is paced (python-telegram-bot's `rate_limit_args` of any bot method).

    `background`: a card refresh, which leaves a share of the group's minute to everything
    else; `retries`: how often a 429 is waited out (the limiter's `max_retries` if None).
    """

    background: bool = False
    retries: int | None = None


BACKGROUND = Pace(background=True)


class TelegramLimits(BaseRateLimiter[Pace | int]):
    """Paces the bot's messages to Telegram's per-group and overall limits (see the module)."""

    def __init__(
        self,
        *,
        group_per_minute: int = GROUP_PER_MINUTE,
        overall_per_second: int = OVERALL_PER_SECOND,
        max_retries: int = 3,
        clock: Clock = time.monotonic,
    ) -> None:
        self.group_per_minute = group_per_minute
        self.max_retries = max_retries
        self.clock = clock
        self.overall = Window(overall_per_second, 1.0, clock)
        self.groups: dict[int | str, Window] = {}
        # Card refreshes leave a quarter of a group's minute to the rest (replies, summaries).
        self.reserve = group_per_minute // 4
        self._edits: dict[object, _Newest] = {}  # (chat, message) → its newest waiting edit
        # Turns shared with the bot's other processes (`share`: the app factory on PostgreSQL).
        self.shared: SharedPace | None = None

    def share(self, pace: SharedPace) -> None:
        """Book a shared turn for every message, and keep this process's own second to the
        turns' size: its window counts the messages as they went (a turn is when one may go,
        and a busy loop sends some late, together), so with the shared turns alone a second
        held 31 in the load run; one place is left for a message of another process."""
        self.shared = pace
        self.overall.limit = min(self.overall.limit, pace.size)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to close: waiting calls end with their tasks."""

    def group(self, chat_id: int | str) -> Window:
        """The window of one group (created on its first message)."""
        window = self.groups.get(chat_id)
        if window is None:
            if len(self.groups) >= MAX_WINDOWS:
                for key in [key for key, kept in self.groups.items() if kept.idle()]:
                    del self.groups[key]
            window = self.groups[chat_id] = Window(self.group_per_minute, 60.0, self.clock)
        return window

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Pace | int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Run one Bot API call: at once, or (a message) when the windows have room for it.

        An edit still waiting when a newer edit of the same message arrives is dropped (True,
        as Telegram answers an edit it made): the newer one shows the latest state anyway.
        """
        if not paced(endpoint):
            return await callback(*args, **kwargs)
        pace = (
            rate_limit_args if isinstance(rate_limit_args, Pace) else Pace(retries=rate_limit_args)
        )
        chat = _group_of(data.get("chat_id"))
        reserve = self.reserve if pace.background else 0
        newest = self._newest_edit(endpoint, data) if endpoint.startswith("edit") else None
        retries = self.max_retries if pace.retries is None else pace.retries
        try:
            for attempt in range(retries + 1):
                window = self.group(chat) if chat is not None else None
                give_up = newest.superseded if newest is not None else None
                counted = None
                if window is not None:
                    counted = await window.take(reserve=reserve, give_up=give_up)
                    if counted is None:
                        return True  # superseded by a newer edit of the same message
                overall = await self.overall.take()
                if self.shared is not None:
                    await self.shared.wait_turn()
                try:
                    try:
                        return await callback(*args, **kwargs)
                    finally:
                        self.overall.finished(overall)
                        if window is not None:
                            window.finished(counted)
                except RetryAfter as error:
                    if attempt == retries:
                        raise
                    seconds = retry_seconds(error) + 0.1
                    log.info("Telegram asked to wait %.0f s (%s); trying again", seconds, endpoint)
                    if window is not None:
                        window.hold(seconds)  # that group's messages wait; other groups go on
                    else:
                        await asyncio.sleep(seconds)
            raise AssertionError("unreachable: the last attempt returns or raises")
        finally:
            if newest is not None:
                newest.done()

    def _newest_edit(self, endpoint: str, data: dict[str, Any]) -> _Newest:
        """This edit's claim to be the newest of its message's waiting edits of its kind (an
        `editMessageText` carries the keyboard too; a keyboard-only edit does not carry text)."""
        key = (endpoint, data.get("chat_id"), data.get("message_id"), data.get("inline_message_id"))
        return _Newest(self._edits, key)


class _Newest:
    """An edit waiting its turn; `superseded` is set when a newer edit of its message comes."""

    def __init__(self, edits: dict[object, _Newest], key: object) -> None:
        self.edits = edits
        self.key = key
        self.superseded = asyncio.Event()
        older = edits.get(key)
        if older is not None:
            older.superseded.set()
        edits[key] = self

    def done(self) -> None:
        """This edit is sent or given up: forget it unless a newer one took its place."""
        if self.edits.get(self.key) is self:
            del self.edits[self.key]


def retry_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait, in seconds (PTB 22.2+ warns that the attribute becomes
    a timedelta; either way it is read here without the warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def _group_of(chat_id: object) -> int | str | None:
    """The group or channel a call's chat_id names (None for a private chat or none)."""
    if isinstance(chat_id, str):
        try:
            chat_id = int(chat_id)
        except ValueError:
            return chat_id  # "@channelname": a channel or supergroup
    if isinstance(chat_id, int) and chat_id < 0:
        return chat_id
    return None
