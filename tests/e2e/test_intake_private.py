"""Private chats: a forward to the bot goes to the sender's team, or the bot asks which."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.sandbox import Sandbox
from tests.conftest import Desk
from tests.e2e.test_intake import RAIL, SHORT_CLAIM, template

PASSENGERS = "The Ministry of Transport said the line is expected to carry 9 million passengers"


async def known(desk: Desk, chat: Any, user: Any) -> None:
    """Someone speaks in a group so the bot knows it as a team (as after being added)."""
    desk.sandbox.send(chat, user, "morning all")
    await desk.settle()


def said(sandbox: Sandbox, chat: Any, text: str) -> Any:
    """A predicate: the bot's message in `chat` containing `text`."""
    return lambda: sandbox.find_bot_message(chat, text)


def group_cards(sandbox: Sandbox, chat: Any) -> list[Any]:
    """The claim cards in a chat."""
    return [m for m in sandbox.bot_messages(chat) if m.content.startswith("Claim #")]


async def test_forward_in_private_goes_to_the_one_team(desk: Desk) -> None:
    sandbox = desk.sandbox
    await known(desk, desk.chat, desk.alice)
    private = sandbox.private_chat(desk.bob)
    sandbox.send(private, desk.bob, SHORT_CLAIM, forward_origin={"user": "Ivan"})
    confirmation = await sandbox.wait_for(said(sandbox, private, "Sent to Fact desk"))
    assert "article #1" in confirmation.content
    await sandbox.wait_for(lambda: group_cards(sandbox, desk.chat))
    assert "starlings" in group_cards(sandbox, desk.chat)[0].content
    summary = sandbox.find_bot_message(desk.chat, "Queued 1")
    assert summary is not None and "forwarded from Ivan" in summary.content
    assert group_cards(sandbox, private) == []


async def test_recorded_private_forward_and_private_check(desk: Desk, shared_dir: Path) -> None:
    sandbox = desk.sandbox
    await known(desk, desk.chat, desk.alice)
    bob_private = sandbox.private_chat(desk.bob)  # the chat a recorded update comes from
    sandbox.push_update(template(shared_dir, "private-forward", desk))
    await sandbox.wait_for(lambda: any(PASSENGERS in c.content for c in desk.cards()))
    # The recorded update's sender reports a Ukrainian client: the bot answers in Ukrainian.
    assert sandbox.find_bot_message(bob_private, "Надіслано в Fact desk")
    private = sandbox.private_chat(desk.carol)
    sandbox.send(private, desk.carol, f"/check {RAIL}")
    await sandbox.wait_for(said(sandbox, private, "Sent to Fact desk"))
    await sandbox.wait_for(lambda: any("Northern Rail" in c.content for c in desk.cards()))


async def test_member_of_several_teams_chooses_with_buttons(desk: Desk) -> None:
    sandbox = desk.sandbox
    other = sandbox.add_chat("Night shift")
    sandbox.add_member(other, desk.bob)
    await known(desk, desk.chat, desk.alice)
    await known(desk, other, desk.bob)
    private = sandbox.private_chat(desk.bob)
    sandbox.send(private, desk.bob, RAIL, forward_origin={"channel": "Rail Watch"})
    question = await sandbox.wait_for(said(sandbox, private, "Which one should check this?"))
    assert question.button_labels == ["Fact desk", "Night shift"]
    assert all(len(b["callback_data"].encode()) <= 64 for row in question.buttons for b in row)

    sandbox.press(desk.bob, question, "Night shift")
    await sandbox.wait_for(said(sandbox, private, "Sent to Night shift"))
    await sandbox.wait_for(lambda: group_cards(sandbox, other))
    await desk.settle()
    assert group_cards(sandbox, desk.chat) == []


async def test_forged_team_choice_for_a_group_i_am_not_in_is_refused(desk: Desk) -> None:
    sandbox = desk.sandbox
    secret = sandbox.add_chat("Editors only")
    sandbox.add_member(secret, desk.alice, "administrator")
    other = sandbox.add_chat("Night shift")
    sandbox.add_member(other, desk.bob)
    for chat in (desk.chat, secret, other):
        await known(desk, chat, desk.alice if chat is secret else desk.bob)
    private = sandbox.private_chat(desk.bob)
    sandbox.send(private, desk.bob, RAIL, forward_origin={"channel": "Rail Watch"})
    question = await sandbox.wait_for(said(sandbox, private, "Which one"))
    assert "Editors only" not in question.button_labels
    team_ids = [b["callback_data"].split(":")[1] for row in question.buttons for b in row]
    forged_id = max(int(i) for i in team_ids) + 1  # the third team the bot knows
    query = sandbox.press_data(desk.bob, question, f"route:{forged_id}")
    answers = await sandbox.wait_for(lambda: sandbox.answers_for(query))
    # A team the question did not offer is no button of that message (handlers/buttons.py).
    assert answers[0]["text"] == "This button is no longer valid."
    await desk.settle()
    assert group_cards(sandbox, secret) == []


async def test_user_without_a_team_is_told_how_to_add_the_bot(desk: Desk) -> None:
    sandbox = desk.sandbox
    stranger = sandbox.add_user("Stranger")
    private = sandbox.private_chat(stranger)
    sandbox.send(private, stranger, SHORT_CLAIM, forward_origin={"hidden_user": "Anon"})
    reply = await sandbox.wait_for(said(sandbox, private, "can't find a team"))
    assert "Add @factdesk_bot to your fact-checking group" in reply.content
    sandbox.send(private, stranger, "hello?")
    await sandbox.wait_for(said(sandbox, private, "Forward me an article"))
