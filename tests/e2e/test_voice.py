"""Voice messages, video notes and videos through the sandbox, transcribed by a local stub of an
OpenAI-compatible /v1/audio/transcriptions server (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, select

from bot.sandbox import Sandbox
from storage.models import Article
from tests.conftest import Desk
from tests.e2e.test_desk import ask, open_desk
from tests.stubs.transcription_stub import TranscriptionStub

VOICE = b"OggS\x00\x02voice-note-" + bytes(range(256)) * 4
SAID = (
    "Listen, the ministry admitted yesterday that the national grid lost 12 percent of its "
    "capacity between January and March. Household tariffs rose by 18 percent on 1 March, and "
    "the regulator counted 317 emergency outages over the winter, compared with 198 a year ago."
)


@asynccontextmanager
async def transcribing_desk(
    sandbox: Sandbox, db_url: str, **overrides: object
) -> AsyncIterator[tuple[Desk, TranscriptionStub]]:
    async with TranscriptionStub() as stub:
        async with open_desk(sandbox, db_url, transcription_url=stub.base_url, **overrides) as desk:
            yield desk, stub


async def articles(desk: Desk) -> int:
    async with desk.app.bot_data.services.db.read() as session:
        return (await session.execute(select(func.count()).select_from(Article))).scalar_one()


async def test_a_forwarded_voice_message_is_transcribed_and_its_cards_say_so(
    sandbox: Sandbox, db_url: str
) -> None:
    async with transcribing_desk(sandbox, db_url, transcription_model="whisper-small") as (
        desk,
        stub,
    ):
        stub.say(VOICE, SAID)
        summary = await ask(
            desk, desk.alice, None, "Queued", voice=VOICE, duration=42,
            forward_origin={"channel": "Radio Kyiv"},
        )  # fmt: skip
        await desk.published()
        assert "Voice message (0:42)" in summary.content
        cards = desk.cards()
        assert any("12 percent" in card.content for card in cards)
        for card in cards:
            assert "📎 from the voice message" in card.content
            assert "channel Radio Kyiv" in card.content
        (heard,) = stub.requests
        assert heard.model == "whisper-small" and heard.size == len(VOICE)


async def test_a_members_own_voice_in_the_group_is_chatter_until_checked(
    sandbox: Sandbox, db_url: str
) -> None:
    async with transcribing_desk(sandbox, db_url) as (desk, stub):
        stub.say(VOICE, SAID)
        own = await desk.say(desk.bob, None, voice=VOICE, duration=30)
        assert desk.sandbox.bot_messages(desk.chat) == [] and stub.requests == []
        await ask(desk, desk.carol, "/check", "Queued", reply_to=own)
        await desk.published()
        assert any("from the voice message" in card.content for card in desk.cards())


async def test_a_video_with_a_caption_queues_what_is_said_and_the_caption(
    sandbox: Sandbox, db_url: str
) -> None:
    video = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8
    async with transcribing_desk(sandbox, db_url) as (desk, stub):
        stub.say(video, SAID)
        caption = (
            "Minister on air: the 212-kilometre Northern Rail Link came in 6 percent under budget."
        )
        await ask(
            desk, desk.alice, None, "Queued", video=("interview.mp4", video), duration=95,
            caption=caption, forward_origin={"channel": "TV"},
        )  # fmt: skip
        await desk.published()
        contents = [card.content for card in desk.cards()]
        assert any("Northern Rail" in c for c in contents) and any("317" in c for c in contents)
        assert all("📎 from the video" in c for c in contents)
        assert stub.requests[0].file_name == "video.mp4"


async def test_a_video_note_sent_in_private_goes_to_the_team(sandbox: Sandbox, db_url: str) -> None:
    note = b"\x00\x00\x00\x18ftypisom" + bytes(range(200)) * 6
    async with transcribing_desk(sandbox, db_url) as (desk, stub):
        stub.say(note, SAID)
        await desk.say(desk.alice, "hello team")  # the bot learns Alice is in this group
        private = desk.sandbox.private_chat(desk.alice)
        desk.sandbox.send(private, desk.alice, video_note=note, duration=20)
        await desk.sandbox.wait_for(
            lambda: any("from the video message" in c.content for c in desk.cards())
        )


async def test_without_a_transcription_url_the_bot_says_what_it_needs(desk: Desk) -> None:
    answer = await ask(
        desk, desk.alice, None, "TRANSCRIPTION_URL", voice=VOICE,
        forward_origin={"channel": "Radio"},
    )  # fmt: skip
    assert "speech-to-text server" in answer.content
    # A forwarded video with a caption still has its caption checked.
    await ask(
        desk, desk.alice, None, "Queued", video=("clip.mp4", b"\x00\x00\x00\x18ftypmp42"),
        caption=SAID, forward_origin={"channel": "TV"},
    )  # fmt: skip


async def test_transcription_failures_and_limits_are_answered_and_nothing_is_queued(
    sandbox: Sandbox, db_url: str
) -> None:
    async with transcribing_desk(
        sandbox, db_url, transcription_timeout_seconds=4, transcription_max_bytes=20_000,
        transcription_max_seconds=300,
    ) as (desk, stub):  # fmt: skip
        stub.say(VOICE, SAID)
        before = await articles(desk)
        channel = {"channel": "Radio"}
        stub.script(("status", 503))
        await ask(desk, desk.bob, None, "busy or failing", voice=VOICE, forward_origin=channel)
        stub.script(("status", 401))
        await ask(
            desk, desk.bob, None, "TRANSCRIPTION_API_KEY", voice=VOICE, forward_origin=channel
        )
        stub.script(("delay", 30))
        await ask(
            desk, desk.bob, None, "did not answer within 4 s", voice=VOICE, forward_origin=channel
        )
        stub.script(("ok", ""))
        await ask(desk, desk.bob, None, "heard no speech", voice=VOICE, forward_origin=channel)
        heard = len(stub.requests)
        big = VOICE * 30  # over 20 kB
        await ask(desk, desk.bob, None, "too big", voice=big, forward_origin=channel)
        await ask(
            desk, desk.bob, None, "up to 5:00", voice=VOICE, duration=3_000, forward_origin=channel
        )
        assert len(stub.requests) == heard  # refused before anything was downloaded or sent
        await desk.settle()
        assert await articles(desk) == before
        # The service is back: the same voice message goes through.
        await ask(desk, desk.bob, None, "Queued", voice=VOICE, forward_origin=channel)
