"""The update pump's activity signal: card refreshes go out in a lull, not between batches."""

from __future__ import annotations

import asyncio

from bot.app.pump import Activity


async def test_an_idle_worker_is_a_lull_once_it_has_been_idle_long_enough() -> None:
    activity = Activity()
    activity.started()
    activity.stopped()
    loop = asyncio.get_running_loop()
    began = loop.time()
    assert await activity.lull(0.05, timeout=1.0)
    assert loop.time() - began >= 0.04


async def test_a_busy_worker_is_no_lull_until_the_timeout() -> None:
    activity = Activity()
    activity.started()
    assert not await activity.lull(0.01, timeout=0.1)


async def test_a_moment_between_two_batches_is_no_lull() -> None:
    activity = Activity()
    activity.started()
    activity.stopped()
    activity.started()  # the next batch at once
    assert not await activity.lull(0.0, timeout=0.1)
    activity.stopped()
    loop = asyncio.get_running_loop()
    began = loop.time()
    assert await activity.lull(0.2, timeout=5.0)
    assert loop.time() - began >= 0.19  # idle for the whole quiet time, counted from the end


async def test_the_lull_comes_when_the_last_update_ends() -> None:
    activity = Activity()
    activity.started()
    waiting = asyncio.create_task(activity.lull(0.01, timeout=2.0))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    activity.stopped()
    assert await waiting
