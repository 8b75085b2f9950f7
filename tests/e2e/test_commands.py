"""Commands: /status in both forms, /queue paging, /claim, /help, /start, menus, @botname."""

from __future__ import annotations

import re

from bot.sandbox import Sandbox
from tests.conftest import Desk
from tests.e2e.test_desk import (
    DRONES,
    POWER,
    ask,
    card_of,
    claim_id,
    open_desk,
    queue_article,
)

TOWNS = [
    "Lviv", "Odesa", "Dnipro", "Poltava", "Sumy", "Chernihiv", "Zhytomyr",
    "Vinnytsia", "Rivne", "Lutsk", "Ternopil", "Uzhhorod", "Kherson", "Mykolaiv",
]  # fmt: skip
SCHOOLS = "Regional report on school repairs\n\n" + " ".join(
    f"The city council of {town} said {10 + i * 7} schools were repaired in {2010 + i} at a "
    f"cost of {3 + i} million hryvnias."
    for i, town in enumerate(TOWNS)
)


async def test_status_shows_counts_oldest_my_votes_and_recent_verdicts(desk: Desk) -> None:
    await queue_article(desk)
    await desk.press(desk.bob, card_of(desk, POWER), "False")
    await desk.press(desk.carol, card_of(desk, POWER), "False")
    await desk.press(desk.carol, card_of(desk, DRONES), "True")

    status = await ask(desk, desk.carol, "/status", "Queue of Fact desk")
    text = status.content
    assert "3 claims" in text
    assert "🆕 open 1" in text and "🔎 in review 1" in text and "❌ false 1" in text
    oldest = text.split("Waiting longest", 1)[1].split("\n\n", 1)[0]
    assert "14 drones" in oldest and "just now" in oldest  # with its age
    # Each claim once: the oldest carry 🗳 where Carol has not voted yet.
    mine = [line for line in oldest.splitlines() if line.endswith("🗳")]
    assert any("In 2023" in line for line in mine)
    assert not any("14 drones" in line for line in mine)  # Carol voted on that one
    recent = text.split("Verdicts, last 7 days", 1)[1]
    assert "38,000 households" in recent

    number = claim_id(card_of(desk, POWER))
    detail = await ask(desk, desk.bob, f"/status {number}", "From article #1")
    assert detail.content.startswith(f"Claim #{number} · ❌ false")
    assert "Bob ❌" in detail.content and "Carol ❌" in detail.content
    assert "🔎 in review → ❌ false, by the votes" in detail.content


async def test_status_on_an_empty_queue_says_what_to_do(desk: Desk) -> None:
    reply = await ask(desk, desk.alice, "/status", "Queue of")
    assert "Nothing queued yet" in reply.content


async def test_queue_pages_with_buttons(sandbox: Sandbox, db_url: str) -> None:
    async with open_desk(sandbox, db_url, max_claims=20, cards_at_once=3) as desk:
        await queue_article(desk, SCHOOLS)
        first = await ask(desk, desk.bob, "/queue", "Open queue")
        assert "13 waiting (page 1)" in first.content
        assert first.content.count("\n#") == 10
        assert first.button_labels == ["Next ▶"]
        first_ids = set(re.findall(r"^#(\d+)", first.content, re.M))
        await desk.press(desk.bob, first, "Next")
        await sandbox.wait_for(lambda: "(page 2)" in sandbox.find_bot_message(
            desk.chat, "Open queue").content)  # fmt: skip
        second = sandbox.find_bot_message(desk.chat, "Open queue")
        # The same message now shows the three claims the first page had no room for.
        assert second.message_id == first.message_id and second.content.count("\n#") == 3
        assert first_ids.isdisjoint(re.findall(r"^#(\d+)", second.content, re.M))
        assert second.button_labels == ["◀ Previous"]
        page_two = await ask(desk, desk.bob, "/queue 2", "Open queue")
        assert "(page 2)" in page_two.content
        await ask(desk, desk.bob, "/queue 9", "No more claims.")
        await ask(desk, desk.bob, "/queue two", "Use /queue or /queue <page number>")


async def test_commands_addressed_to_the_bot_work_and_to_others_are_ignored(desk: Desk) -> None:
    await ask(desk, desk.bob, "/status@factdesk_bot", "Queue of")
    await ask(desk, desk.bob, "/help@factdesk_bot", "Fact desk")
    before = len(desk.sandbox.bot_messages(desk.chat))
    await desk.say(desk.bob, "/status@some_other_bot")
    assert len(desk.sandbox.bot_messages(desk.chat)) == before


async def test_help_start_and_command_menus(desk: Desk) -> None:
    help_text = await ask(desk, desk.bob, "/help", "Fact desk")
    assert "/verdict" in help_text.content and "/queue" in help_text.content
    await ask(desk, desk.bob, "/start", "/status")
    private = desk.sandbox.private_chat(desk.bob)
    desk.sandbox.send(private, desk.bob, "/start")
    hello = await desk.sandbox.wait_for(lambda: desk.sandbox.find_bot_message(private, "Hi!"))
    assert "Add me to your team's group" in hello.content

    group = {c["command"] for c in desk.sandbox.commands("all_group_chats")}
    assert {"status", "queue", "claim", "mine", "check", "note", "verdict", "settings"} <= group
    assert {"reopen", "dismiss", "help"} <= group
    personal = {c["command"] for c in desk.sandbox.commands("all_private_chats")}
    assert {"start", "check", "help"} <= personal and "verdict" not in personal


async def test_user_text_is_escaped_and_long_text_stays_under_the_limit(desk: Desk) -> None:
    tricky = (
        "<b>Breaking</b> & <i>more</i>: officials said 4,000 <script>alert(1)</script> "
        "residents were evacuated from 12 villages on Monday. "
    )
    text = (tricky * 40).strip()
    cards = await queue_article(desk, text, forward_origin={"channel": "<Evil> & Co"})
    for message in desk.sandbox.bot_messages(desk.chat):
        assert len(message.content) <= 4096
    card = cards[0]
    assert "<script>alert(1)</script>" in card.content  # shown as text, not markup
    assert "&lt;script&gt;" in (card.html or "")
    assert "channel <Evil> & Co" in card.content
    detail = await ask(desk, desk.bob, f"/claim {claim_id(card)}", "From article")
    assert len(detail.content) <= 4096
