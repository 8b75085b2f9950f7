"""Scenario files with the new inputs, played against the real bot (SQLite and PostgreSQL):
photos, albums, PDFs, voice (against the transcription stub), steps in a private chat, members'
Telegram status and language; the transcript names each event's chat and what it replied to."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from bot.app.factory import running_bot
from bot.intake.media.ocr import INSTALL_HINT, tesseract_status
from bot.sandbox import Sandbox
from bot.sandbox import scenario as scenario_module
from bot.sandbox.scenario import ScenarioResult, format_transcript, play_scenario
from storage.models import Article, Claim
from tests.conftest import bot_settings
from tests.stubs.transcription_stub import TranscriptionStub
from tests.utils.pdfs import font_available, pdf_of
from tests.utils.screenshots import FONT_SKIP, POSTS, fonts_available, render_post

STATUS = tesseract_status()
needs_ocr = pytest.mark.skipif(
    not STATUS.ready, reason=f"reading screenshots needs Tesseract with eng: {INSTALL_HINT}"
)
needs_fonts = pytest.mark.skipif(not fonts_available() or not font_available(), reason=FONT_SKIP)
PARAGRAPHS = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "pdf" / "report_paragraphs.json").read_text()
)["en"]
VOICE = b"OggS\x00\x02scenario-voice-note-" + bytes(range(256)) * 3
SAID = (
    "The regulator said on Friday that 412 substations were repaired in February, and that "
    "household tariffs will rise by 9 percent on 1 May, the first increase in two years."
)
RAIL = (
    "The Ministry of Transport said the new Northern Rail line will carry 9 million passengers "
    "in its first year and cost 4.2 billion hryvnias, twice the budget announced in 2021."
)


@asynccontextmanager
async def scenario_bot(
    sandbox: Sandbox, db_url: str
) -> AsyncIterator[tuple[Any, TranscriptionStub]]:
    """The real bot polling the sandbox, transcribing through a local stub."""
    async with TranscriptionStub() as stub:
        settings = bot_settings(sandbox, db_url, transcription_url=stub.base_url)
        async with running_bot(settings) as application:
            yield application, stub


async def counts(application: Any) -> tuple[int, int]:
    """Articles and claims in the bot's database."""
    async with application.bot_data.services.db.read() as session:
        articles = await session.scalar(select(func.count()).select_from(Article))
        claims = await session.scalar(select(func.count()).select_from(Claim))
    return int(articles or 0), int(claims or 0)


def user_events(result: ScenarioResult) -> list[dict[str, Any]]:
    return [event for event in result.events if event["kind"] == "user"]


def bot_events(result: ScenarioResult, step: int) -> list[dict[str, Any]]:
    """What the bot did after a user step, before the next one (the expectations in between
    wait for it, so some of it may carry their step numbers)."""
    following = [e for e in result.events if e["step"] >= step]
    end = next(
        (i for i, e in enumerate(following) if e["kind"] == "user" and e["step"] > step), None
    )
    return [e for e in following[:end] if e["from"] == "bot"]


def cards_after(result: ScenarioResult, step: int) -> list[dict[str, Any]]:
    """The claim cards the bot posted after a user step."""
    return [e for e in bot_events(result, step) if e["kind"] == "message" and e.get("claim")]


@needs_fonts
async def test_a_pdf_a_voice_note_and_a_private_forward_become_claims(
    sandbox: Sandbox, db_url: str, tmp_path: Path
) -> None:
    (tmp_path / "report.pdf").write_bytes(pdf_of(PARAGRAPHS[:4], title="Quarterly assessment"))
    (tmp_path / "note.ogg").write_bytes(VOICE)
    scenario = {
        "chat": {"title": "Fact desk"},
        "members": [
            {"name": "alice", "admin": True, "language": "uk"},
            {"name": "bob", "language": "uk"},
            {"name": "carol", "language": "ru"},
            {"name": "dave"},
            {"name": "mallory", "status": "kicked"},
        ],
        "steps": [
            {"as": "alice", "document": "report.pdf"},
            {"expect": "Додано до черги"},  # the group's members speak Ukrainian
            {
                "as": "bob",
                "voice": {"file": "note.ogg", "from_channel": "Radio Kyiv", "duration": 42},
            },
            {"expect": "Голосове повідомлення (0:42)"},
            {"as": "carol", "in": "private", "forward": {"text": RAIL, "from_channel": "Rail"}},
            {"expect": "Отправлено в Fact desk"},  # carol, in private, in Russian
        ],
    }
    async with scenario_bot(sandbox, db_url) as (application, stub):
        stub.say(VOICE, SAID)
        result = await play_scenario(sandbox, scenario, base_dir=tmp_path, expect_timeout=30)
        assert result.ok, result.failures
        articles, claims = await counts(application)

    document, voice, private = user_events(result)
    assert (document["action"], document["filename"]) == ("document", "report.pdf")
    assert document["mime_type"] == "application/pdf" and document["chat"] == "Fact desk"
    assert (voice["action"], voice["filename"], voice["duration"]) == ("voice", "note.ogg", 42)
    assert voice["origin"] == "channel “Radio Kyiv”"
    assert private["chat"] == "private:carol" and private["action"] == "forward"
    assert articles == 3 and claims >= 3  # the PDF, the voice note and the private forward

    # Bot events name their chat, and what they reply to.
    group = sandbox.state.chats[result.chat_id]
    for event in bot_events(result, 1) + bot_events(result, 3):
        assert event["chat"] == "Fact desk", event
    [reading] = [
        e for e in bot_events(result, 1) if e["kind"] == "message" and "Прийнято" in e["text"]
    ]
    assert reading["reply_to"] == document["message_id"] and reading["reply_to_from"] == "alice"
    told = [e for e in bot_events(result, 5) if "Отправлено в Fact desk" in e["text"]]
    assert told and told[0]["chat"] == "private:carol"
    in_group = [e for e in bot_events(result, 5) if e.get("chat") == "Fact desk"]
    assert any(e.get("claim") for e in in_group), "the private forward's cards are in the group"

    transcript = format_transcript(result.events)
    assert "👤 alice sent a document: report.pdf" in transcript
    assert "👤 bob forwarded a voice message from channel “Radio Kyiv”: note.ogg (0:42)" in (
        transcript
    )
    assert "[private:carol] 👤 carol forwarded message #1 from channel “Rail”:" in transcript
    assert "[private:carol] 🤖 bot · message #2:" in transcript

    # Members' Telegram status and language are what the sandbox tells the bot.
    people = {user.username: user for user in sandbox.state.users.values()}
    banned = sandbox.state.member(group.id, people["mallory"].id)
    assert banned is not None and banned.status == "kicked"
    sent = {m.sender.username: m.to_api()["from"] for m in sandbox.messages(group) if m.sender}
    assert sent["alice"]["language_code"] == "uk" and sent["bob"]["language_code"] == "uk"
    assert people["dave"].language_code == "en"  # the default: an English client
    [forwarded] = [
        m for m in sandbox.messages(sandbox.private_chat(people["carol"])) if not m.from_bot
    ]
    assert forwarded.to_api()["from"]["language_code"] == "ru"


@needs_ocr
@needs_fonts
async def test_a_photo_and_an_album_of_screenshots_become_claims_from_the_images(
    sandbox: Sandbox, db_url: str, tmp_path: Path
) -> None:
    light, dark = (
        next(p for p in POSTS if p.language == "en" and p.dark is d) for d in (False, True)
    )
    (tmp_path / "shot.png").write_bytes(render_post(light))
    (tmp_path / "a.png").write_bytes(render_post(light))
    (tmp_path / "b.png").write_bytes(render_post(dark))
    scenario = {
        "members": [{"name": "alice", "admin": True}, {"name": "bob"}],
        "steps": [
            {
                "as": "bob",
                "photo": {
                    "file": "shot.png",
                    "from_channel": light.channel,
                    "caption": "Is this true?",
                },
            },
            {"expect": "from the image"},
            {
                "as": "alice",
                "album": [{"file": "b.png", "caption": "Two posts"}, {"file": "a.png"}],
                "from_channel": "Regional Updates",
            },
            {"expect": "from image 2"},
        ],
    }
    async with scenario_bot(sandbox, db_url) as (application, _):
        result = await play_scenario(sandbox, scenario, base_dir=tmp_path, expect_timeout=60)
        assert result.ok, result.failures
        articles, claims = await counts(application)

    photo, album = user_events(result)
    assert (photo["action"], photo["filename"], photo["caption"]) == (
        "photo",
        "shot.png",
        "Is this true?",
    )
    assert photo["origin"] == f"channel “{light.channel}”"
    assert album["action"] == "album" and album["filenames"] == ["b.png", "a.png"]
    assert album["captions"] == ["Two posts", None] and len(album["message_ids"]) == 2
    after_photo, after_album = cards_after(result, 1), cards_after(result, 3)
    assert any("3,412" in card["text"] for card in after_photo)
    assert all("📎 from the image" in card["text"] for card in after_photo)
    assert any("118" in card["text"] for card in after_album)
    assert any("from image 2" in card["text"] for card in after_album)
    assert articles == 2 and claims >= 2
    transcript = format_transcript(result.events)
    assert f"👤 bob forwarded a photo from channel “{light.channel}”: shot.png" in transcript
    assert "👤 alice forwarded an album of 2 from channel “Regional Updates”:" in transcript


async def test_a_step_whose_need_is_missing_is_skipped_with_its_expectations(
    sandbox: Sandbox, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(scenario_module.NEEDS, "tesseract", lambda: "Tesseract is not installed")
    (tmp_path / "shot.png").write_bytes(b"never read")
    scenario = {
        "members": [{"name": "alice", "admin": True}],
        "steps": [
            {"as": "alice", "photo": "shot.png", "needs": "tesseract"},
            {"expect": "from the image"},
            {"as": "alice", "send": "/help"},
            {"expect": "/queue"},
        ],
    }
    async with scenario_bot(sandbox, db_url):
        result = await play_scenario(sandbox, scenario, base_dir=tmp_path)
    assert result.ok, result.failures
    assert result.skipped == [1, 2]
    [skip] = [e for e in result.events if e["kind"] == "skip"]
    assert skip["text"] == "skipped steps 1–2 (alice photo): Tesseract is not installed"
    assert [e["action"] for e in user_events(result)] == ["send"]


async def test_bad_file_steps_fail_plainly(sandbox: Sandbox, db_url: str, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
    cases = [
        ({"as": "bob", "photo": "notes.txt"}, "notes.txt: not an image"),
        ({"as": "bob", "album": [{"file": "ok.png"}, {"file": "notes.txt"}]}, "notes.txt: not an"),
        ({"as": "bob", "album": []}, "an album is a non-empty list"),
        ({"as": "bob", "photo": {"caption": "no file"}}, 'an object with "file"'),
        ({"as": "bob", "voice": "missing.ogg"}, "missing.ogg"),
        ({"as": "bob", "in": "channel", "send": "hi"}, '"in" must be one of group, private'),
        ({"as": "bob", "send": "hi", "needs": "gpu"}, "unknown need 'gpu'"),
    ]
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    (tmp_path / "ok.png").write_bytes(buffer.getvalue())
    async with scenario_bot(sandbox, db_url):
        for step, wanted in cases:
            result = await play_scenario(sandbox, {"steps": [step]}, base_dir=tmp_path)
            assert not result.ok and result.failed_step == 1
            assert wanted in result.failures[0], result.failures[0]
            chat = sandbox.state.chats[result.chat_id]
            assert [m for m in sandbox.messages(chat) if not m.from_bot] == []  # nothing sent
