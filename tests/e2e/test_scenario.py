"""The scenario player drives a real PTB bot through the sandbox and writes a transcript."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox import Sandbox
from bot.sandbox.demo import DEMO_SCENARIO, serve_pages
from bot.sandbox.scenario import format_transcript, play_scenario
from tests.utils.ptb import polling_application

KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton("✅ True", callback_data="v:true"),
      InlineKeyboardButton("❌ False", callback_data="v:false")]]
)  # fmt: skip


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo a message as a numbered card with rating buttons."""
    message = update.effective_message
    assert message is not None
    origin = " (forwarded)" if message.forward_origin else ""
    first_line = (message.text or "").splitlines()[0]
    await message.reply_html(f"Card #7{origin}: <i>{first_line}</i>", reply_markup=KEYBOARD)


async def verdict(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Confirm /verdict with its arguments."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"Verdict set: {' '.join(context.args or [])}")


async def vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Toast the vote and show it on the card."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    await query.answer(f"Voted {query.data[2:]}")
    await query.edit_message_text(f"{query.message.text}\nVotes: {query.data[2:]}")


@pytest.fixture
async def echo_bot(sandbox: Sandbox) -> AsyncIterator[Application]:
    """A throwaway PTB bot polling the sandbox: cards with buttons, votes, /verdict."""
    async with polling_application(
        sandbox,
        CommandHandler("verdict", verdict),
        MessageHandler(filters.TEXT, echo),
        CallbackQueryHandler(vote),
    ) as app:
        yield app


SCENARIO = {
    "chat": {"title": "Echo desk"},
    "members": [{"name": "alice", "admin": True}, {"name": "bob"}],
    "steps": [
        {"as": "alice", "forward": {"text_file": "story.txt", "from_channel": "Daily News"}},
        {"expect": "forwarded"},
        {"as": "bob", "press": {"on": "Ships sank", "button": "false"}},
        {"expect": "Voted false"},
        {"as": "bob", "reply": {"to": "Votes: false", "text": "source: {pages}/report"}},
        {"as": "alice", "send": "/verdict {id:Ships sank} false"},
        {"expect": "Verdict set: 7 false"},
    ],
}


async def test_scenario_plays_against_a_real_bot(
    sandbox: Sandbox, echo_bot: Application, tmp_path: Path
) -> None:
    (tmp_path / "story.txt").write_text("Ships sank in the bay\nMore text.", encoding="utf-8")
    seen: list[dict] = []
    result = await play_scenario(
        sandbox, SCENARIO, base_dir=tmp_path, on_event=seen.append, pages_url="http://pages"
    )
    assert result.ok, result.failures
    assert seen == result.events
    kinds = [(e["from"], e["kind"]) for e in result.events]
    assert ("bot", "answer") in kinds and ("bot", "edit") in kinds
    reply = next(e for e in result.events if e.get("action") == "reply")
    assert reply["text"] == "source: http://pages/report"
    transcript = format_transcript(result.events)
    assert "[✅ True] [❌ False]" in transcript
    assert "✎ bot edited message #" in transcript and "↳ toast: Voted false" in transcript
    assert "👤 alice forwarded message #1 from channel “Daily News”" in transcript
    assert "✔ saw “Verdict set: 7 false”" in transcript


async def test_player_stops_at_first_failed_expectation(
    sandbox: Sandbox, echo_bot: Application, tmp_path: Path
) -> None:
    scenario = {
        "members": [{"name": "alice"}],
        "steps": [
            {"as": "alice", "send": "hello"},
            {"expect": "goodbye"},
            {"as": "alice", "send": "never sent"},
        ],
    }
    result = await play_scenario(sandbox, scenario, base_dir=tmp_path, expect_timeout=0.5)
    assert not result.ok and result.failed_step == 2
    assert "step 2 (expect 'goodbye')" in result.failures[0]
    assert not any(e.get("text") == "never sent" for e in result.events)


async def test_steps_in_a_private_chat_act_on_the_bots_private_messages(
    sandbox: Sandbox, echo_bot: Application, tmp_path: Path
) -> None:
    scenario = {
        "chat": {"title": "Echo desk"},
        "members": [{"name": "alice", "admin": True}, {"name": "bob", "language": "uk"}],
        "steps": [
            {"as": "alice", "send": "Ships sank in the bay"},
            {"as": "bob", "in": "private", "send": "Tanks crossed the river"},
            {"expect": "Card #7"},
            {"as": "bob", "in": "private", "press": {"on": "Card #7", "button": "true"}},
            {"expect": "Voted true"},
            {"as": "bob", "press": {"on": "Card #7", "button": "false"}},
        ],
    }
    result = await play_scenario(sandbox, scenario, base_dir=tmp_path)
    assert result.ok, result.failures
    users = [e for e in result.events if e["kind"] == "user"]
    assert [e["chat"] for e in users] == ["Echo desk", "private:bob", "private:bob", "Echo desk"]
    group_card = next(e for e in result.events if e["step"] == 1 and e["from"] == "bot")
    assert group_card["chat"] == "Echo desk" and group_card["reply_to"] == users[0]["message_id"]
    private_card = next(e for e in result.events if e["step"] == 2 and e["from"] == "bot")
    assert private_card["chat"] == "private:bob"
    assert "reply_to" not in private_card  # PTB quotes only in groups: no reply, no field
    # The private press found the card in the private chat, the group press the group's.
    assert users[2]["message_id"] == private_card["message_id"] == 2
    assert users[3]["message_id"] == 2 and users[3]["chat"] == "Echo desk"
    edits = [e for e in result.events if e["kind"] == "edit"]
    assert [e["chat"] for e in edits] == ["private:bob", "Echo desk"]
    answers = [e for e in result.events if e["kind"] == "answer"]
    assert [(e["chat"], e["text"]) for e in answers] == [
        ("private:bob", "Voted true"),
        ("Echo desk", "Voted false"),
    ]
    private = sandbox.private_chat(
        next(u for u in sandbox.state.users.values() if u.username == "bob")
    )
    assert sandbox.messages(private)[0].to_api()["from"]["language_code"] == "uk"
    transcript = format_transcript(result.events)
    assert "[private:bob] 👤 bob: Tanks crossed the river" in transcript
    assert "[private:bob] 🤖 bot · message #2: Card #7: Tanks" in transcript
    assert "[private:bob] 👤 bob pressed [✅ True] on message #2" in transcript
    assert "\n👤 bob pressed [❌ False] on message #2" in transcript


async def test_press_on_a_missing_button_is_a_failure(
    sandbox: Sandbox, echo_bot: Application, tmp_path: Path
) -> None:
    scenario = {
        "steps": [
            {"as": "bob", "send": "claim text"},
            {"as": "bob", "press": {"on": "claim text", "button": "Maybe"}},
        ]
    }
    result = await play_scenario(sandbox, scenario, base_dir=tmp_path)
    assert result.failed_step == 2 and "no button containing 'Maybe'" in result.failures[0]


async def test_scenario_pages_are_served_on_loopback(tmp_path: Path) -> None:
    (tmp_path / "report.html").write_text("<p>61 craters</p>", encoding="utf-8")
    scenario = {"pages": {"/report": "report.html"}}
    async with serve_pages(scenario, tmp_path) as pages:
        assert pages is not None and pages.base_url.endswith(pages.host_port)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{pages.base_url}/report") as response:
                assert "61 craters" in await response.text()
            async with http.get(f"{pages.base_url}/missing") as response:
                assert response.status == 404


def test_builtin_demo_scenario_is_well_formed() -> None:
    scenario = json.loads(DEMO_SCENARIO.read_text(encoding="utf-8"))
    base = DEMO_SCENARIO.parent
    forward = scenario["steps"][0]["forward"]
    article = (base / forward["text_file"]).read_text(encoding="utf-8")
    for step in scenario["steps"]:
        selector = (step.get("press") or {}).get("on") or (step.get("reply") or {}).get("to")
        if selector:
            assert selector in article  # selectors quote the article's first claim
    assert all((base / name).exists() for name in scenario["pages"].values())
    for step in scenario["steps"]:  # the files its photo, album, document and voice steps send
        for key in ("photo", "document", "voice"):
            if key in step:
                spec = step[key]
                assert (base / (spec if isinstance(spec, str) else spec["file"])).is_file()
        for item in step.get("album", []):
            assert (base / item["file"]).is_file()
    shot = next(step for step in scenario["steps"] if "photo" in step)
    assert shot["needs"] == "tesseract"  # skipped, with a note, where Tesseract is absent


@pytest.mark.slow
async def test_builtin_demo_passes_against_the_real_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("bot.app.factory")
    from bot.intake.media.ocr import tesseract_status
    from bot.sandbox.demo import run_demo

    transcript = tmp_path / "demo.jsonl"
    assert await run_demo(None, transcript, keep_db=None) == 0
    printed = capsys.readouterr().out
    assert "[✅ True] [🟡 Misleading] [❌ False]" in printed and "✎ bot edited message #" in printed
    events = [json.loads(line) for line in transcript.read_text(encoding="utf-8").splitlines()]
    assert any(e["kind"] == "answer" for e in events)
    if tesseract_status().ready:  # the screenshot is read, and its cards say so
        assert "👤 bob forwarded a photo from channel “Merin Today”: screenshot.png" in printed
        assert "📎 from the image" in printed and "3,200 homes" in printed
        assert "all 18 steps passed" in printed
    else:
        assert "⤼ skipped steps 17–18 (bob photo): Tesseract" in printed


@pytest.mark.slow
async def test_builtin_demo_without_tesseract_skips_the_screenshot_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("bot.app.factory")
    from bot.intake.media.ocr import tesseract_status
    from bot.sandbox import scenario as scenario_module
    from bot.sandbox.demo import run_demo

    hint = tesseract_status("no-such-tesseract").install_hint
    monkeypatch.setitem(scenario_module.NEEDS, "tesseract", lambda: hint)
    assert await run_demo(None, None, keep_db=None) == 0
    printed = capsys.readouterr().out
    [note] = [line for line in printed.splitlines() if "⤼" in line]
    assert note == f"   ⤼ skipped steps 17–18 (bob photo): {hint}"
    assert "apt-get install tesseract-ocr" in note and "screenshot.png" not in printed
    assert "16 steps passed, 2 skipped" in printed
