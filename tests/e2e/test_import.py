"""/import through the sandbox: an editor's ClaimReview file becomes the team's history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.sandbox import Sandbox
from handlers import imports
from tests.conftest import Desk, open_desk

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "claimreview"
REVIEWS = (FIXTURES / "reviews.json").read_bytes()
WHALES = "Offshore wind turbines have killed thousands of whales along the East Coast this year."


async def send_file(desk: Desk, user: object, name: str, data: bytes, caption: str) -> object:
    """A member posts a file (with a caption); wait until the bot has handled it."""
    message = desk.sandbox.send(
        desk.chat, user, caption=caption, document=(name, data, "application/json")
    )
    await desk.settle()
    return message


async def test_editor_imports_a_file_and_a_member_gets_the_earlier_verdict(desk: Desk) -> None:
    await send_file(desk, desk.alice, "reviews.json", REVIEWS, "/import")
    summary = desk.last("Imported").content
    assert "Imported 8 fact-checks" in summary and "skipped 0 already known, 1 bad" in summary
    assert "item 8 (line 92): no claimReviewed" in summary
    assert not desk.cards()  # an import posts no card per claim

    await desk.say(desk.bob, f"/check {WHALES}")
    card = await desk.card("whales")
    matched = card.content.split("Matches #", 1)[1].split()[0].strip(":,.")
    await desk.say(desk.bob, f"/claim {matched}")
    shown = desk.last("Imported fact-check").content
    assert "PolitiFact rated it “Pants on Fire” on 2026-11-03" in shown
    assert "❌ false" in shown and WHALES in shown
    assert "🗣 Senator Ray Dalton" in shown and "📰 appeared on video.example" in shown
    assert "Decided by PolitiFact" in shown


async def test_the_same_file_again_adds_nothing(desk: Desk) -> None:
    message = await send_file(desk, desk.alice, "reviews.json", REVIEWS, "/import")
    await desk.say(desk.alice, "/import", reply_to=message)
    summaries = [m.content for m in desk.sandbox.bot_messages(desk.chat) if "Imported" in m.content]
    assert len(summaries) == 2
    assert "Imported 0 fact-checks" in summaries[1]
    assert "skipped 8 already known" in summaries[1]


async def test_a_rating_of_no_verdict_of_ours_is_kept_as_written(desk: Desk) -> None:
    await send_file(desk, desk.alice, "reviews.json", REVIEWS, "/import")
    await desk.say(desk.alice, "/export claimreview")
    document = desk.sandbox.calls(method="sendDocument")[-1]
    exported = json.loads(desk.sandbox.state.files[document.result["document"]["file_id"]].content)
    originals = [r for r in json.loads(REVIEWS) if "claimReviewed" in r]
    assert sorted(exported, key=lambda r: r["url"]) == sorted(originals, key=lambda r: r["url"])
    snow = next(r for r in exported if "snow" in r["claimReviewed"])
    assert snow["reviewRating"]["alternateName"] == "Labeled Satire"


async def test_members_who_are_not_editors_are_told_plainly(desk: Desk) -> None:
    await send_file(desk, desk.bob, "reviews.json", REVIEWS, "/import")
    refusal = desk.last("editors").content
    assert "Only editors (the group's admins) can import fact-checks." in refusal
    assert not desk.sandbox.find_bot_message(desk.chat, "Imported")
    await desk.say(desk.alice, "/status")
    assert "Nothing queued yet" in desk.last("Queue of").content


async def test_a_file_that_is_not_fact_checks_is_refused_with_the_formats(desk: Desk) -> None:
    await send_file(desk, desk.alice, "notes.txt", b"Minutes of the meeting", "/import")
    answer = desk.last("can't import").content
    assert "neither JSON" in answer and "ClaimReview" in answer
    await desk.say(desk.alice, "/import")
    assert "with the caption /import, or reply /import" in desk.last("caption").content


async def test_a_file_over_the_limit_is_refused(sandbox: Sandbox, db_url: str) -> None:
    async with open_desk(sandbox, db_url, max_import_bytes=2_000) as desk:
        await send_file(desk, desk.alice, "reviews.json", REVIEWS, "/import")
        assert "over the 0.002 MB import limit" in desk.last("limit").content
        assert not desk.sandbox.find_bot_message(desk.chat, "Imported")


async def test_an_import_sent_in_private_is_pointed_to_the_group(desk: Desk) -> None:
    private = desk.sandbox.private_chat(desk.alice)
    desk.sandbox.send(
        private, desk.alice, caption="/import", document=("r.json", REVIEWS, "application/json")
    )
    await desk.settle()
    answer = desk.sandbox.find_bot_message(private, "team's group")
    assert answer is not None and "/import" in answer.content
    assert not desk.sandbox.find_bot_message(private, "Imported")


async def test_a_large_import_shows_how_far_it_got(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "PROGRESS_SECONDS", 0.0)  # every batch of 500, not every 5 s
    reviews = [
        {"@type": "ClaimReview", "url": f"https://factcheck.example/{n}",
         "claimReviewed": f"Claim {n} about the {n % 7} ministries", "author": {"name": "Desk"},
         "reviewRating": {"alternateName": "False"}}
        for n in range(1_200)
    ]  # fmt: skip
    lines = "\n".join(json.dumps(review) for review in reviews).encode()
    await send_file(desk, desk.alice, "reviews.jsonl", lines, "/import")
    # The first batch's transaction is the update's effect (it marks the update done), so the
    # store is drained before the later batches are in: wait for the summary itself.
    summary = await desk.sandbox.wait_for(
        lambda: desk.sandbox.find_bot_message(desk.chat, "Imported 1,200"), timeout=30
    )
    edits = [c.params.get("text", "") for c in desk.sandbox.calls(method="editMessageText")]
    assert any("1,000 read, 1,000 imported so far" in text for text in edits), edits
    assert "Imported 1,200 fact-checks" in summary.content
