"""The public tipline: an editor opens it, someone outside the team sends tips in private,
is thanked and later told the verdict, never sees the team's queue, members or notes; the
team can block a sender; limits per sender; /forget anonymises (issue 16 item 4)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.sandbox import Sandbox
from storage.models import Article, Claim, NotifyOptOut, Request, User
from tests.conftest import Desk, open_desk
from tests.e2e.test_desk import ask
from tests.e2e.test_intake import RAIL, SHORT_CLAIM

THANKS = "Thanks, the desk will look at it"
WAGES = "The minimum wage rose by 12 percent in 2025, the largest rise in two decades."


@pytest.fixture
async def tip_desk(sandbox: Sandbox, db_url: str) -> AsyncIterator[Desk]:
    """The team's group; verdicts told at once; two tips a minute per sender."""
    async with open_desk(sandbox, db_url, notify_delay_seconds=0, tipline_per_minute=2) as desk:
        yield desk


async def open_tipline(desk: Desk) -> str:
    """Alice opens the tipline; the deep link's /start payload."""
    answer = await ask(desk, desk.alice, "/tipline on", "tipline is on")
    link = re.search(r"https://t\.me/(\w+)\?start=(tip-[\w-]+)", answer.content)
    assert link is not None, answer.content
    assert link.group(1) == desk.sandbox.bot_user.username
    return link.group(2)


async def private_says(desk: Desk, user: Any, text: str, expect: str, **kwargs: Any) -> Any:
    """Someone writes to the bot in private; the bot's answer containing `expect`."""
    chat = desk.sandbox.private_chat(user)
    before = len(desk.sandbox.bot_messages(chat))

    def answered() -> Any:
        new = desk.sandbox.bot_messages(chat)[before:]
        return next((m for m in new if expect.casefold() in m.content.casefold()), None)

    desk.sandbox.send(chat, user, text, **kwargs)
    return await desk.sandbox.wait_for(answered)


async def test_stranger_sends_a_tip_and_hears_the_verdict_without_seeing_the_team(
    tip_desk: Desk,
) -> None:
    desk = tip_desk
    refused = await ask(desk, desk.bob, "/tipline on", "editor")
    assert "tip-" not in refused.content
    payload = await open_tipline(desk)
    dave = desk.sandbox.add_user("Dave")
    await private_says(desk, dave, f"/start {payload}", "This is the tipline of Fact desk")
    await private_says(desk, dave, SHORT_CLAIM, THANKS, forward_origin={"user": "Ivan"})
    notice = await desk.sandbox.wait_for(
        lambda: desk.sandbox.find_bot_message(desk.chat, "📮 Tipline:")
    )
    assert "Tipline: Dave sent article #" in notice.content
    assert notice.button_labels == ["🚫 Block sender"]
    card = await desk.card("starlings")
    number = card.content.split("#", 1)[1].split()[0]
    await desk.say(desk.carol, f"/note {number} Carol's private doubts")
    # The sender sees no queue, no members, no notes.
    for command in ("/status", f"/claim {number}", "/queue", "/queue top", "/mine"):
        await private_says(desk, dave, command, "")
    await ask(desk, desk.alice, f"/verdict {number} false No such die-off was recorded.", "")
    private = desk.sandbox.private_chat(dave)
    verdict = await desk.sandbox.wait_for(
        lambda: desk.sandbox.find_bot_message(private, "on what you sent")
    )
    assert "❌ false" in verdict.content and "No such die-off was recorded." in verdict.content
    assert "Decided by the desk's editors" in verdict.content
    await desk.settle()
    seen = " ".join(m.content for m in desk.sandbox.bot_messages(private))
    for secret in ("Alice", "Bob", "Carol", "Claim #", "Queue of", "Open queue", "doubts"):
        assert secret not in seen, secret
    # A team member who opens the link is pointed at their group instead.
    await private_says(desk, desk.bob, f"/start {payload}", "You are in Fact desk already")


async def test_limits_block_and_closed_tipline(tip_desk: Desk) -> None:
    desk = tip_desk
    payload = await open_tipline(desk)
    dave = desk.sandbox.add_user("Dave")
    await private_says(desk, dave, f"/start {payload}", "tipline of")
    await private_says(desk, dave, SHORT_CLAIM, THANKS, forward_origin={"user": "Ivan"})
    await private_says(desk, dave, RAIL, THANKS, forward_origin={"channel": "Rail Watch"})
    await private_says(desk, dave, f"/check {WAGES}", "Try in a minute")
    await desk.published()
    notices = [m for m in desk.sandbox.bot_messages(desk.chat) if "📮 Tipline:" in m.content]
    assert len(notices) == 2
    query = desk.sandbox.press(desk.bob, notices[0], "Block sender")
    answers = await desk.sandbox.wait_for(lambda: desk.sandbox.answers_for(query))
    assert answers[0]["text"].startswith("Blocked")
    await desk.sandbox.wait_for(lambda: "Blocked by Bob" in notices[0].content)
    await private_says(desk, dave, f"/check {WAGES}", "no longer takes tips")
    # Someone else's link start still works until an editor closes the tipline.
    erin = desk.sandbox.add_user("Erin")
    await private_says(desk, erin, f"/start {payload}", "tipline of")
    await ask(desk, desk.alice, "/tipline off", "tipline is off")
    await private_says(desk, erin, f"/check {WAGES}", "tipline is closed")
    stranger = desk.sandbox.add_user("Frank")
    await private_says(desk, stranger, f"/start {payload}", "This tipline is closed")


async def test_forget_anonymises_a_sender_and_keeps_the_claims(tip_desk: Desk) -> None:
    desk = tip_desk
    payload = await open_tipline(desk)
    dave = desk.sandbox.add_user("Dave")
    await private_says(desk, dave, f"/start {payload}", "tipline of")
    await private_says(desk, dave, SHORT_CLAIM, THANKS, forward_origin={"user": "Ivan"})
    await desk.published()
    await private_says(desk, dave, "/notify off", "No more verdict messages")
    await private_says(desk, dave, "/forget", "your name and user id are gone")
    db = desk.app.bot_data.services.db
    async with db.read() as session:
        assert await session.get(User, dave.id) is None
        mine = await session.scalar(
            select(func.count()).select_from(Request).where(Request.user_id == dave.id)
        )
        authored = await session.scalar(
            select(func.count()).select_from(Article).where(Article.submitted_by == dave.id)
        )
        claims = await session.scalar(select(func.count()).select_from(Claim))
        choice = await session.get(NotifyOptOut, dave.id)
    assert mine == 0 and authored == 0 and claims and choice is None
    await private_says(desk, desk.bob, "/forget", "no tipline data about you")


async def test_daily_cap_and_a_blocked_sender_opening_the_link_again(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, tipline_per_minute=5, tipline_per_day=2) as desk:
        payload = await open_tipline(desk)
        dave = desk.sandbox.add_user("Dave")
        await private_says(desk, dave, f"/start {payload}", "tipline of")
        await private_says(desk, dave, SHORT_CLAIM, THANKS, forward_origin={"user": "Ivan"})
        await private_says(desk, dave, RAIL, THANKS, forward_origin={"channel": "Rail Watch"})
        await private_says(desk, dave, f"/check {WAGES}", "try tomorrow")
        await desk.published()
        db = desk.app.bot_data.services.db
        async with db.read() as session:
            tips = await session.scalar(
                select(func.count()).select_from(Request).where(Request.source == "tipline")
            )
        assert tips == 2  # the refused one is not queued
        notice = desk.sandbox.find_bot_message(desk.chat, "📮 Tipline:")
        assert notice is not None
        query = desk.sandbox.press(desk.carol, notice, "Block sender")
        await desk.sandbox.wait_for(lambda: desk.sandbox.answers_for(query))
        await private_says(desk, dave, f"/start {payload}", "no longer takes tips")
