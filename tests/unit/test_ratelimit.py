"""Telegram's flood limits on the bot's side: sends and edits paced, reads never held back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.app.ratelimit import BACKGROUND, SharedPace, TelegramLimits, Window, paced

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

GROUP = -100123
PRIVATE = 42


def test_only_calls_that_post_or_change_a_message_are_paced() -> None:
    for endpoint in ("sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup",
                     "copyMessage", "forwardMessage"):  # fmt: skip
        assert paced(endpoint), endpoint
    for endpoint in ("getChatMember", "getChat", "answerCallbackQuery", "deleteMessage", "getFile",
                     "setMessageReaction", "setMyCommands", "getMe", "sendChatAction"):  # fmt: skip
        assert not paced(endpoint), endpoint


async def test_a_window_never_admits_more_than_its_limit_in_any_period() -> None:
    window = Window(3, 0.3)
    admitted: list[float] = []

    async def one() -> None:
        await window.take()
        admitted.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(8)))
    assert len(admitted) == 8
    for first, later in zip(admitted, admitted[3:], strict=False):
        # a slow machine only spreads them further apart
        assert later - first >= 0.3 - 0.005, admitted


class Calls:
    """A stand-in for the Bot API: counts the calls it gets, raising what it is told to first."""

    def __init__(self, *raises: Exception) -> None:
        self.raises = list(raises)
        self.made = 0

    async def __call__(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self.made += 1
        if self.raises:
            raise self.raises.pop(0)
        return {"ok": True}


async def _call(limits: TelegramLimits, endpoint: str, chat_id: int, api: Calls) -> object:
    return await limits.process_request(api, (), {}, endpoint, {"chat_id": chat_id}, None)


async def test_reads_go_through_while_the_groups_minute_is_spent() -> None:
    limits = TelegramLimits(group_per_minute=2)
    api = Calls()
    await _call(limits, "sendMessage", GROUP, api)
    await _call(limits, "editMessageText", GROUP, api)
    third = asyncio.create_task(_call(limits, "sendMessage", GROUP, api))
    # The group's minute is spent: a member check and a button answer still go at once.
    assert await asyncio.wait_for(_call(limits, "getChatMember", GROUP, api), 5) == {"ok": True}
    assert await asyncio.wait_for(_call(limits, "answerCallbackQuery", 0, api), 5) == {"ok": True}
    # …and so does a message into a private chat, which the group's window does not hold.
    assert await asyncio.wait_for(_call(limits, "sendMessage", PRIVATE, api), 5) == {"ok": True}
    assert not third.done(), "the third message of the minute waits for the window"
    assert api.made == 5
    third.cancel()
    with pytest.raises(asyncio.CancelledError):
        await third


async def test_a_429_is_waited_out_and_the_call_tried_again() -> None:
    limits = TelegramLimits()
    api = Calls(RetryAfter(0))
    assert await _call(limits, "sendMessage", GROUP, api) == {"ok": True}
    assert api.made == 2


async def test_a_429_past_the_retries_reaches_the_caller() -> None:
    limits = TelegramLimits(max_retries=1)
    api = Calls(RetryAfter(0), RetryAfter(0))
    with pytest.raises(RetryAfter):
        await _call(limits, "sendMessage", GROUP, api)
    assert api.made == 2


async def test_idle_group_windows_are_dropped_past_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("bot.app.ratelimit.MAX_WINDOWS", 3)
    clock = [0.0]
    limits = TelegramLimits(clock=lambda: clock[0])
    for chat in (-1, -2, -3):
        await limits.group(chat).take()
    clock[0] = 61.0  # a minute later none of them counts any more
    await limits.group(-4).take()
    assert set(limits.groups) == {-4}


async def test_card_refreshes_leave_a_quarter_of_the_minute_to_the_rest() -> None:
    limits = TelegramLimits(group_per_minute=8)  # refreshes may use 6 of the 8
    api = Calls()

    def refresh(message_id: int) -> Awaitable[object]:
        data = {"chat_id": GROUP, "message_id": message_id}
        return limits.process_request(api, (), {}, "editMessageText", data, BACKGROUND)

    for message_id in range(6):
        await refresh(message_id)
    seventh = asyncio.create_task(refresh(99))
    # A reply to a command and an article's summary (an edit, not a refresh) still go.
    assert await asyncio.wait_for(_call(limits, "sendMessage", GROUP, api), 5) == {"ok": True}
    summary = {"chat_id": GROUP, "message_id": 500}
    edited = limits.process_request(api, (), {}, "editMessageText", summary, None)
    assert await asyncio.wait_for(edited, 5) == {"ok": True}
    assert not seventh.done() and api.made == 8
    seventh.cancel()
    with pytest.raises(asyncio.CancelledError):
        await seventh


async def test_a_waiting_edit_is_dropped_for_a_newer_edit_of_the_same_message() -> None:
    limits = TelegramLimits(group_per_minute=4)  # edits may use 3
    api = Calls()
    for _ in range(3):
        await _call(limits, "sendMessage", GROUP, api)
    card = {"chat_id": GROUP, "message_id": 7}
    older = asyncio.create_task(
        limits.process_request(api, (), {}, "editMessageText", dict(card), BACKGROUND)
    )
    await asyncio.sleep(0)  # the older edit now waits for the window
    newer = asyncio.create_task(
        limits.process_request(api, (), {}, "editMessageText", dict(card), BACKGROUND)
    )
    assert await asyncio.wait_for(older, 5) is True  # given up, unsent
    assert api.made == 3 and not newer.done()
    newer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await newer
    assert not limits._edits, "a cancelled edit leaves nothing behind"


async def test_a_message_counts_until_its_call_has_ended() -> None:
    """Telegram counts a message when it arrives: a slow call must not let the next one in early."""
    window = Window(1, 0.3)
    first = await window.take()
    await asyncio.sleep(0.2)  # the call takes a while
    window.finished(first)
    ended = time.monotonic()
    await window.take()
    assert time.monotonic() - ended >= 0.3 - 0.005


async def test_a_429_in_one_group_holds_that_group_only() -> None:
    limits = TelegramLimits()
    api = Calls(RetryAfter(30))
    held = asyncio.create_task(_call(limits, "sendMessage", GROUP, api))
    await asyncio.sleep(0.05)
    assert api.made == 1 and not held.done()  # waiting out its group's 30 s
    other = await asyncio.wait_for(_call(limits, "sendMessage", GROUP - 1, api), 5)
    assert other == {"ok": True} and api.made == 2
    held.cancel()
    with pytest.raises(asyncio.CancelledError):
        await held


async def test_a_message_waits_for_its_shared_turn_and_reads_book_none() -> None:
    """SharedPace: every message of the fleet books a turn; reads and answers never do."""
    booked: list[tuple[int, float]] = []
    api = Calls()

    async def book(size: int, window: float) -> float:
        booked.append((size, window))
        return 0.2 if len(booked) == 2 else 0.0  # the second message's turn is 0.2 s away

    limits = TelegramLimits(group_per_minute=20, overall_per_second=30)
    limits.share(SharedPace(book, per_second=30))
    assert limits.overall.limit == 29  # one place in its own second for another process
    started = time.monotonic()
    await _call(limits, "sendMessage", GROUP, api)
    first = time.monotonic()
    await _call(limits, "editMessageText", PRIVATE, api)
    second = time.monotonic()
    await _call(limits, "getChatMember", GROUP, api)
    await _call(limits, "answerCallbackQuery", PRIVATE, api)
    assert api.made == 4 and booked == [(29, 1.05)] * 2
    assert first - started < 0.15 and second - first >= 0.2 - 0.005


async def test_a_message_goes_out_when_its_turn_cannot_be_booked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A database in trouble never stops the bot's messages: it says so, once a minute."""
    api = Calls()

    async def broken(size: int, window: float) -> float:
        raise ConnectionRefusedError("the database is down")

    async def stuck(size: int, window: float) -> float:
        await asyncio.Event().wait()
        return 0.0

    limits = TelegramLimits(group_per_minute=20, overall_per_second=30)
    limits.shared = SharedPace(broken, per_second=30)
    for _ in range(3):
        await _call(limits, "sendMessage", GROUP, api)
    limits.shared = SharedPace(stuck, per_second=30, timeout=0.1)
    await asyncio.wait_for(_call(limits, "sendMessage", GROUP, api), 5)
    assert api.made == 4
    warned = [r for r in caplog.records if "shared turn" in r.getMessage()]
    assert len(warned) == 2  # once for the broken pace (not three times), once for the stuck one
