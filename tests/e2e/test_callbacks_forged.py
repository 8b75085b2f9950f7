"""A button counts only on the kind of message it was made for (issue 13, items 2 and 11).

A modified client can send any callback data on any of the bot's messages; these presses carry
data no button of the pressed message has.
"""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import select

from storage.models import Team
from tests.conftest import Desk
from tests.e2e.test_desk import (
    DRONES,
    POWER,
    answer,
    ask,
    card_of,
    card_shows,
    claim_id,
    queue_article,
)
from tests.utils import load

INVALID = "This button is no longer valid."


async def forged(desk: Desk, user: object, message: object, data: str) -> str:
    """Press `data` on `message`; the bot's answer."""
    query = desk.sandbox.press_data(user, message, data)
    await desk.settle()
    return await answer(desk, query)


async def test_a_queue_page_button_pressed_on_a_card_leaves_the_card_alone(desk: Desk) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    before = (card.content, card.button_labels)
    mark = len(desk.sandbox.calls())

    assert await forged(desk, desk.bob, card, "q:1") == INVALID

    edits = desk.sandbox.calls(mark, method="editMessageText")
    assert [e for e in edits if int(e.params["message_id"]) == card.message_id] == []
    assert (card_of(desk, POWER).content, card_of(desk, POWER).button_labels) == before


async def test_a_vote_for_one_claim_pressed_on_another_claims_card_counts_nowhere(
    desk: Desk,
) -> None:
    await queue_article(desk)
    power, drones = card_of(desk, POWER), card_of(desk, DRONES)
    other = claim_id(drones)

    assert await forged(desk, desk.bob, power, f"v:{other}:false") == INVALID
    assert await forged(desk, desk.bob, power, f"a:{other}") == INVALID
    assert await forged(desk, desk.bob, power, f"ma:{other}:{claim_id(power)}") == INVALID
    assert await load.stored_tallies(desk.app.bot_data.services.db) == {}
    assert "is checking" not in card_of(desk, DRONES).content

    assert await forged(desk, desk.bob, drones, f"v:{other}:false") == "Your vote: ❌ False"
    counted = await load.stored_tallies(desk.app.bot_data.services.db)
    assert counted == {other: Counter({"false": 1})}


async def test_settings_and_team_buttons_pressed_on_a_card_change_nothing(desk: Desk) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    assert await forged(desk, desk.alice, card, "set:quorum:1") == INVALID  # alice is an admin
    assert await forged(desk, desk.alice, card, "route:1") == INVALID
    async with desk.app.bot_data.services.db.read() as session:
        team = (await session.execute(select(Team))).scalar_one()
    assert team.quorum is None  # still the operator's default


async def test_queue_buttons_still_turn_pages_of_a_queue_message(desk: Desk) -> None:
    for index in range(4):  # 12 claims: two pages
        await queue_article(desk, load.article_text(index, random.Random(index)))
    listing = await ask(desk, desk.bob, "/queue", "Open queue")
    assert "page 1" in listing.content
    mark = len(desk.sandbox.calls())
    assert await forged(desk, desk.bob, listing, "q:2") == ""
    await desk.sandbox.wait_for(lambda: "page 2" in listing.content)
    assert await forged(desk, desk.bob, listing, "q:2") == ""  # a double tap on "Next ▶"
    said = [str(c.params.get("text")) for c in desk.sandbox.calls(mark)]
    assert not [text for text in said if "Something went wrong" in text], said
    assert await forged(desk, desk.bob, listing, "q:99999999999999999999") == INVALID


async def test_a_vote_counts_and_the_card_refreshes_when_telegram_refuses_the_answer(
    desk: Desk,
) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    # Telegram takes answers to a press for about 15 s; after a backlog every answer is late.
    desk.sandbox.set_callback_answer_window(0.0)
    query = await desk.press(desk.bob, card, "False")

    assert desk.sandbox.answers_for(query) == []  # the answer was refused
    await card_shows(desk, POWER, "Bob ❌")
    tallies = await load.stored_tallies(desk.app.bot_data.services.db)
    assert tallies == {claim_id(card): Counter({"false": 1})}
