"""Demand: every submission of the same article is a request; cards, /claim, /queue top and
/status show how often a claim was asked (issue 16 item 1)."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.models import Request
from tests.conftest import Desk
from tests.e2e.test_desk import POWER, ask, card_of, claim_id, queue_article
from tests.e2e.test_intake import RAIL, SHORT_CLAIM
from tests.e2e.test_intake_private import said
from tests.e2e.test_loop import ARTICLE


async def test_three_members_forward_the_same_article_asked_three_times(desk: Desk) -> None:
    cards = await queue_article(desk)
    assert cards and all("Asked" not in card.content for card in cards)  # asked once: no line
    desk.sandbox.send(desk.chat, desk.bob, ARTICLE, forward_origin={"channel": "Daily News"})
    await desk.settle()
    private = desk.sandbox.private_chat(desk.carol)
    desk.sandbox.send(private, desk.carol, ARTICLE, forward_origin={"channel": "Daily News"})
    await desk.sandbox.wait_for(said(desk.sandbox, private, "Already in the queue"))
    await desk.settle()
    card = await desk.sandbox.wait_for(
        lambda: next(
            (c for c in desk.cards() if POWER in c.content and "Asked 3" in c.content), None
        )
    )
    assert "📣 Asked 3 times by 3 people" in card.content
    # Every claim of the article was asked three times, not only the one looked at.
    assert all("Asked 3 times by 3 people" in c.content for c in desk.cards())
    detail = await ask(desk, desk.alice, f"/claim {claim_id(card)}", "Claim #")
    assert "Asked 3 times by 3 people" in detail.content
    db = desk.app.bot_data.services.db
    async with db.read() as session:
        rows = (
            await session.execute(select(Request.source, func.count()).group_by(Request.source))
        ).all()
    assert dict(rows) == {"group": 2, "private": 1}


async def test_same_member_twice_is_two_asks_by_one_person(desk: Desk) -> None:
    await queue_article(desk, SHORT_CLAIM, forward_origin={"user": "Ivan"})
    desk.sandbox.send(desk.chat, desk.alice, f"/check {SHORT_CLAIM}")
    await desk.settle()
    card = await desk.sandbox.wait_for(
        lambda: next((c for c in desk.cards() if "Asked 2" in c.content), None)
    )
    assert "Asked 2 times by 1 person" in card.content


async def test_queue_top_and_status_rank_by_demand(desk: Desk) -> None:
    await queue_article(desk, SHORT_CLAIM, forward_origin={"user": "Ivan"})
    await queue_article(desk, RAIL, forward_origin={"channel": "Rail Watch"})
    for member in (desk.bob, desk.carol):
        desk.sandbox.send(desk.chat, member, RAIL, forward_origin={"channel": "Rail Watch"})
        await desk.settle()
    rail = card_of(desk, "Northern Rail")
    starlings = card_of(desk, "starlings")
    top = await ask(desk, desk.alice, "/queue top", "by demand")
    lines = top.content.splitlines()
    rail_line = next(i for i, line in enumerate(lines) if f"#{claim_id(rail)} " in line)
    starling_line = next(i for i, line in enumerate(lines) if f"#{claim_id(starlings)} " in line)
    assert rail_line < starling_line
    assert "📣 3×" in lines[rail_line] and "📣 1×" in lines[starling_line]
    oldest_first = await ask(desk, desk.alice, "/queue", "Open queue")
    assert oldest_first.content.index(f"#{claim_id(starlings)} ") < oldest_first.content.index(
        f"#{claim_id(rail)} "
    )
    status = await ask(desk, desk.alice, "/status", "Queue of")
    most = status.content.split("Most asked", 1)[1]
    assert f"#{claim_id(rail)} " in most and f"#{claim_id(starlings)} " not in most
    bad = await ask(desk, desk.alice, "/queue top zero", "page")
    assert "Open queue" not in bad.content


NHS = "The NHS waiting list has doubled since March to eight million people."
NHS_REWORDED = (
    "BREAKING: since March the #NHS waiting list doubled to 8 million people!! "
    "https://t.co/a1 via @healthwatch"
)


async def test_a_reworded_claim_that_matches_counts_on_the_earlier_one(desk: Desk) -> None:
    await desk.say(desk.alice, f"/check {NHS}")
    earlier = await desk.card("eight million")
    await desk.say(desk.bob, f"/check {NHS_REWORDED}")
    reworded = await desk.card("8 million people")
    assert f"Matches #{claim_id(earlier)}" in reworded.content, reworded.content
    detail = await ask(desk, desk.alice, f"/claim {claim_id(earlier)}", "Claim #")
    assert "Asked 2 times by 2 people" in detail.content
    top = await ask(desk, desk.alice, "/queue top", "by demand")
    assert f"#{claim_id(earlier)} " in top.content.splitlines()[1]  # first: the most asked
    # The rewording sent again later counts there as well.
    await desk.say(desk.carol, f"/check {NHS_REWORDED}")
    detail = await ask(desk, desk.alice, f"/claim {claim_id(earlier)}", "Claim #")
    assert "Asked 3 times by 3 people" in detail.content
    # "Keep checking": not the same claim after all, so Bob's ask no longer counts there.
    await desk.press(desk.carol, card_of(desk, "8 million people"), "Keep checking")
    detail = await ask(desk, desk.alice, f"/claim {claim_id(earlier)}", "Claim #")
    assert "Asked" not in detail.content
    db = desk.app.bot_data.services.db
    async with db.read() as session:
        sources = (
            await session.execute(select(Request.source, func.count()).group_by(Request.source))
        ).all()
    assert dict(sources) == {"check": 3}
