"""Verdicts explain themselves: a settled card shows who decided, why and the evidence, and
swaps its vote buttons for "🔒 Verdict" and "Reopen" (issue 16 item 3)."""

from __future__ import annotations

from tests.conftest import Desk
from tests.e2e.test_desk import POWER, answer, ask, card_of, claim_id, queue_article

EVIDENCE = "https://grid.example.org/outages/2026-11"


async def test_consensus_card_takes_its_reason_from_the_evidence_note(desk: Desk) -> None:
    await queue_article(desk)
    card = card_of(desk, POWER)
    number = claim_id(card)
    await desk.say(desk.carol, f"/note {number} The grid operator counts 12,000. {EVIDENCE}")
    await desk.press(desk.bob, card, "False")
    await desk.press(desk.carol, card_of(desk, POWER), "False")
    settled = await desk.sandbox.wait_for(
        lambda: next(
            (c for c in desk.cards() if POWER in c.content and "Decided" in c.content), None
        )
    )
    assert "🏁 Decided by consensus of 2" in settled.content
    assert "Reason: The grid operator counts 12,000." in settled.content
    assert EVIDENCE in settled.content
    assert settled.button_labels == ["🔒 Verdict", "↩️ Reopen (editors)"]

    explained = await answer(desk, await desk.press(desk.bob, settled, "Verdict"))
    assert explained.startswith(f"Claim #{number}: ❌ false")
    assert "Decided by consensus of 2" in explained

    refused = await answer(desk, await desk.press(desk.bob, settled, "Reopen"))
    assert "editor" in refused.lower()
    assert card_of(desk, POWER).button_labels == ["🔒 Verdict", "↩️ Reopen (editors)"]

    reopened = await answer(desk, await desk.press(desk.alice, settled, "Reopen"))
    assert reopened.startswith(f"🔓 Claim #{number} reopened")
    card = await desk.sandbox.wait_for(
        lambda: next(
            (c for c in desk.cards() if POWER in c.content and "Decided" not in c.content), None
        )
    )
    assert "❌ False" in card.button_labels  # the votes are back


async def test_editors_verdict_names_the_editor_and_a_later_reason(desk: Desk) -> None:
    await queue_article(desk)
    number = claim_id(card_of(desk, POWER))
    await ask(desk, desk.alice, f"/verdict {number} misleading", "verdict")
    card = await desk.sandbox.wait_for(
        lambda: next((c for c in desk.cards() if "Decided by editor" in c.content), None)
    )
    assert "🏁 Decided by editor Alice" in card.content and "Reason" not in card.content
    await ask(desk, desk.alice, f"/verdict {number} misleading Figures are from March.", "verdict")
    card = await desk.sandbox.wait_for(
        lambda: next(
            (c for c in desk.cards() if "Reason: Figures are from March." in c.content), None
        )
    )
    detail = await ask(desk, desk.alice, f"/claim {number}", "Claim #")
    assert "Reason: Figures are from March." in detail.content
    forged = await answer(desk, desk.sandbox.press_data(desk.bob, card, "sr:999999"))
    assert forged == "This button is no longer valid."
