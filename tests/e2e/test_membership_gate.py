"""Only current members of the team's group act on its queue (issue 13, item 1).

Telegram is asked (getChatMember, cached briefly); the sandbox answers with each user's status.
"""

from __future__ import annotations

from collections import Counter

from bot.sandbox.state import Message, User
from tests.conftest import Desk
from tests.e2e.test_desk import POWER, answer, ask, card_of, claim_id, queue_article
from tests.utils import load

REFUSED_VOTE = "Only members of Fact desk can vote on its claims."


async def tallies(desk: Desk) -> dict[int, Counter[str]]:
    """Votes per rating per claim, as stored."""
    return await load.stored_tallies(desk.app.bot_data.services.db)


async def press_answer(desk: Desk, user: User, card: Message, button: str) -> str:
    """A user presses a button on a card; the bot's answer."""
    return await answer(desk, await desk.press(user, card, button))


async def test_left_kicked_and_unknown_users_cannot_vote_and_members_still_can(
    desk: Desk,
) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    number = claim_id(card)
    sandbox = desk.sandbox
    stranger = sandbox.add_user("Mallory")  # never in the group
    gone, banned = sandbox.add_user("Dave"), sandbox.add_user("Erin")
    sandbox.add_member(desk.chat, gone, "left")
    sandbox.add_member(desk.chat, banned, "kicked")

    for outsider in (stranger, gone, banned):
        assert await press_answer(desk, outsider, card, "False") == REFUSED_VOTE
        reply = await press_answer(desk, outsider, card, "I'll check")
        assert reply == "Only members of Fact desk can take its claims."
    assert await tallies(desk) == {}
    assert "open" in card_of(desk, POWER).content.split("\n", 1)[0]

    assert await press_answer(desk, desk.bob, card, "False") == "Your vote: ❌ False"
    restricted = sandbox.add_user("Frank")
    sandbox.add_member(desk.chat, restricted, "restricted")  # in the group, may not post
    assert (await press_answer(desk, restricted, card, "False")).startswith("Your vote")
    assert await tallies(desk) == {number: Counter({"false": 2})}


async def test_a_ban_takes_effect_at_once_through_the_chat_member_update(desk: Desk) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    number = claim_id(card)
    assert await press_answer(desk, desk.carol, card, "False") == "Your vote: ❌ False"

    # Carol's membership is cached now; the chat_member update about her ban must drop it.
    desk.sandbox.add_member(desk.chat, desk.carol, "kicked", notify=True, by=desk.alice)
    await desk.settle()
    assert await press_answer(desk, desk.carol, card, "True") == REFUSED_VOTE
    assert await tallies(desk) == {number: Counter({"false": 1})}

    desk.sandbox.add_member(desk.chat, desk.carol, "member", notify=True, by=desk.alice)
    await desk.settle()
    assert await press_answer(desk, desk.carol, card, "True") == "Vote changed to ✅ True"


async def test_a_member_who_left_cannot_add_notes(desk: Desk) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    desk.sandbox.add_member(desk.chat, desk.bob, "left")
    said = await ask(desk, desk.bob, f"/note {claim_id(card)} It was 31,000.", "Only members")
    assert said.content == "Only members of Fact desk can add notes to its claims."
    detail = await ask(desk, desk.alice, f"/claim {claim_id(card)}", "Claim #")
    assert "31,000" not in detail.content
