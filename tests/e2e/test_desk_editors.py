"""Editors: verdicts, reopen, dismiss, settings, who counts as an editor, and every wrong use."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete

from bot.sandbox import Sandbox
from storage.db import Database
from storage.models import Claim
from tests.conftest import Desk
from tests.e2e.test_desk import (
    DRONES,
    POWER,
    answer,
    ask,
    card_of,
    card_shows,
    claim_id,
    first_line,
    open_desk,
    queue_article,
)


async def test_verdict_locks_reopen_unlocks_and_history_shows_both(desk: Desk) -> None:
    await queue_article(desk)
    number = claim_id(card_of(desk, POWER))
    said = await ask(
        desk,
        desk.alice,
        f"/verdict {number} false Ukrenergo's own figure is 31,000",
        f"Claim #{number}: verdict ❌ false",
    )
    assert said.content.startswith("🔒")
    card = await card_shows(desk, POWER, "🔒")
    assert "❌ false" in first_line(card)

    # The locked card shows no vote buttons; a vote from an old keyboard still cannot move it.
    assert "✅ True" not in card.button_labels
    desk.sandbox.press_data(desk.bob, card, f"v:{number}:true")
    await desk.settle()
    reply = await answer(desk, desk.sandbox.press_data(desk.carol, card, f"v:{number}:true"))
    assert reply == "Your vote: ✅ True (an editor's verdict stands)"
    await desk.settle()
    assert "❌ false" in first_line(card_of(desk, POWER))

    await ask(
        desk, desk.alice, f"/reopen {number} new evidence", f"Claim #{number} reopened: ✅ true"
    )
    card = await card_shows(desk, POWER, "✅ true")
    assert "🔒" not in first_line(card)

    said = await ask(desk, desk.bob, f"/claim {number}", "History")
    history = said.content.split("History", 1)[1]
    assert "Alice: 🆕 open → ❌ false: Ukrenergo's own figure is 31,000" in history
    assert "Alice: ❌ false → ✅ true: new evidence" in history


async def test_dismiss_takes_a_claim_out_of_the_queue_with_its_reason(desk: Desk) -> None:
    await queue_article(desk)
    number = claim_id(card_of(desk, DRONES))
    await ask(desk, desk.alice, f"/dismiss {number} duplicate of #1", f"Claim #{number} dismissed")
    await card_shows(desk, DRONES, "🚫 dismissed")
    said = await ask(desk, desk.bob, "/queue", "Open queue")
    assert DRONES not in said.content
    said = await ask(desk, desk.bob, f"/status {number}", "History")
    assert "🆕 open → 🚫 dismissed: duplicate of #1" in said.content


async def test_anonymous_group_admin_counts_as_an_editor(desk: Desk) -> None:
    await queue_article(desk)
    number = claim_id(card_of(desk, POWER))
    anonymous = desk.sandbox.add_user("Group", "GroupAnonymousBot")
    as_group = {"id": desk.chat.id, "title": desk.chat.title, "type": desk.chat.type}
    await ask(
        desk,
        anonymous,
        f"/verdict {number} misleading",
        f"Claim #{number}: verdict 🟡 misleading",
        sender_chat=as_group,
    )


async def test_anonymous_admin_update_from_telegram(desk: Desk, shared_dir: Path) -> None:
    await queue_article(desk)
    number = claim_id(card_of(desk, POWER))
    raw = json.loads((shared_dir / "updates" / "anonymous-admin.json").read_text())
    del raw["update_id"]
    message = raw["message"]
    message["chat"]["id"] = message["sender_chat"]["id"] = desk.chat.id
    message["text"] = message["text"].replace("17", str(number), 1)
    desk.sandbox.push_update(raw)
    await desk.settle()
    assert desk.last(f"Claim #{number}: verdict ❌ false")
    said = await ask(desk, desk.bob, f"/claim {number}", "History")
    assert "🆕 open → ❌ false: Annexation is documented." in said.content


async def test_editor_ids_setting_makes_a_member_an_editor(sandbox: Sandbox, db_url: str) -> None:
    dave = sandbox.add_user("Dave")
    async with open_desk(sandbox, db_url, editor_ids=frozenset({dave.id})) as desk:
        sandbox.add_member(desk.chat, dave)
        await queue_article(desk)
        number = claim_id(card_of(desk, POWER))
        await ask(desk, dave, f"/verdict {number} true", f"Claim #{number}: verdict ✅ true")


async def test_editors_change_settings_with_buttons_and_members_cannot(desk: Desk) -> None:
    shown = await ask(desk, desk.bob, "/settings", "Settings")
    assert "Quorum: 2 votes" in shown.content and not shown.buttons
    assert "Extractor" not in " ".join(shown.button_labels)  # only offline is configured

    panel = await ask(desk, desk.alice, "/settings", "Settings")
    assert await answer(desk, await desk.press(desk.alice, panel, "Quorum −")) == "Saved"
    await desk.sandbox.wait_for(lambda: "Quorum: 1 vote decides" in desk.last("Settings").content)
    reply = await answer(desk, await desk.press(desk.bob, panel, "Cards −"))
    assert reply == "Only editors (the group's admins) can change settings."
    assert "Cards at once: 5" in desk.last("Settings").content

    await queue_article(desk)
    reply = await answer(desk, await desk.press(desk.carol, card_of(desk, POWER), "False"))
    assert reply.endswith("claim now ❌ false")  # a single vote decides at quorum 1


async def test_extractor_button_only_when_the_operator_configured_openai(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, openai_base_url="http://127.0.0.1:9/v1") as desk:
        panel = await ask(desk, desk.alice, "/settings", "Settings")
        assert "Extractor: openai" in panel.button_labels
        await desk.press(desk.alice, panel, "Extractor: openai")
        await desk.sandbox.wait_for(lambda: "Extractor: openai" in desk.last("Settings").content)
        forged = desk.sandbox.press_data(desk.alice, panel, "set:extractor:gpt5")
        await desk.settle()
        assert "not available" in await answer(desk, forged)


async def test_wrong_use_of_editor_commands_gets_a_specific_answer(desk: Desk) -> None:
    await queue_article(desk)
    number = claim_id(card_of(desk, POWER))
    await ask(desk, desk.alice, "/verdict", "Use /verdict <id> <true|misleading|false|unproven>")
    await ask(desk, desk.alice, f"/verdict {number} fake", "“fake” is not a verdict")
    await ask(desk, desk.alice, "/verdict abc false", "“abc” is not a claim id")
    await ask(
        desk, desk.alice, "/verdict 999 false", "There is no claim #999 in this team's queue."
    )
    await ask(
        desk,
        desk.bob,
        f"/verdict {number} false",
        "Only editors (the group's admins) can set a verdict.",
    )
    await ask(
        desk,
        desk.bob,
        f"/dismiss {number}",
        "Only editors (the group's admins) can dismiss a claim.",
    )
    await ask(
        desk, desk.bob, f"/reopen {number}", "Only editors (the group's admins) can reopen a claim."
    )
    await ask(desk, desk.bob, "/note 1", "Use /note <id> <text>")
    said = await ask(desk, desk.bob, f"/claim {number}", f"Claim #{number}")
    assert "History" not in said.content  # nothing changed


async def test_claims_of_another_team_cannot_be_seen_voted_or_noted(
    desk: Desk, sandbox: Sandbox
) -> None:
    other = sandbox.add_chat("Other desk")
    sandbox.add_member(other, desk.carol, "administrator")
    sandbox.send(other, desk.carol, "x" * 10 + " " + POWER_TEXT)
    await sandbox.wait_for(
        lambda: any(m.content.startswith("Claim #") for m in sandbox.bot_messages(other)),
        timeout=10,
    )
    await desk.settle()
    foreign = claim_id(next(m for m in sandbox.bot_messages(other) if "Claim #" in m.content))

    await queue_article(desk)
    card = card_of(desk, POWER)
    for command in (f"/claim {foreign}", f"/status {foreign}", f"/note {foreign} hi there"):
        await ask(desk, desk.alice, command, f"There is no claim #{foreign} in this team's")
    await ask(desk, desk.alice, f"/verdict {foreign} false", f"There is no claim #{foreign}")
    forged = sandbox.press_data(desk.bob, card, f"v:{foreign}:false")
    taken = sandbox.press_data(desk.bob, card, f"a:{foreign}")
    await desk.settle()
    assert await answer(desk, forged) == f"There is no claim #{foreign} in this team's queue."
    assert await answer(desk, taken) == f"There is no claim #{foreign} in this team's queue."

    sandbox.send(other, desk.carol, f"/claim {foreign}")
    detail = await sandbox.wait_for(lambda: sandbox.find_bot_message(other, "From article"))
    assert "Votes" not in detail.content and "History" not in detail.content
    assert "Notes" not in detail.content


async def test_malformed_or_stale_buttons_change_nothing(desk: Desk, db_url: str) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    number = claim_id(card)
    for data in ("v:abc:false", f"v:{number}:bogus", "v:1", "zzz", "q:x", "set:quorum"):
        query = desk.sandbox.press_data(desk.bob, card, data)
        await desk.settle()
        assert await answer(desk, query) == "This button is no longer valid."

    database = Database(db_url)
    try:
        async with database.write() as session:
            await session.execute(delete(Claim).where(Claim.id == number))
    finally:
        await database.dispose()
    reply = await answer(desk, await desk.press(desk.bob, card, "False"))
    assert reply == f"There is no claim #{number} in this team's queue."
    said = await ask(desk, desk.bob, "/status", "Queue of")
    assert "🗳 needs your vote" in said.content
    assert POWER not in desk.last("Queue of").content


POWER_TEXT = (
    "The energy ministry said on Tuesday that 38,000 households in the Kharkiv region were "
    "still without electricity after overnight strikes on two substations. Officials added "
    "that repairs would take at least 72 hours, and that 6 repair crews had been sent to the "
    "area overnight by the national grid operator."
)
