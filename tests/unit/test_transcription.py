"""Speech to text against a local OpenAI-compatible stub: the request, the answer, the failures."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import pytest

from bot.intake.media.transcription import (
    Recording,
    Transcriber,
    TranscriptionFailed,
    endpoint_url,
)
from tests.stubs.transcription_stub import TranscriptionStub

AUDIO = b"OggS\x00\x02" + bytes(range(200))
SAID = "The grid lost twelve percent of its capacity in March."


@pytest.fixture
async def stub() -> AsyncIterator[TranscriptionStub]:
    async with TranscriptionStub() as server:
        yield server


def voice() -> Recording:
    return Recording(AUDIO, "voice.ogg", "audio/ogg")


async def test_the_transcript_of_the_audio_comes_back_and_the_request_is_openais(
    stub: TranscriptionStub,
) -> None:
    stub.say(AUDIO, f"  {SAID}\n")
    transcriber = Transcriber(stub.base_url, api_key="k-123", model="whisper-large-v3")
    assert await transcriber.transcribe(voice()) == SAID
    (heard,) = stub.requests
    assert heard.model == "whisper-large-v3" and heard.response_format == "json"
    assert heard.file_name == "voice.ogg" and heard.size == len(AUDIO)
    assert heard.authorization == "Bearer k-123"


async def test_no_key_sends_no_authorization(stub: TranscriptionStub) -> None:
    await Transcriber(stub.base_url).transcribe(voice())
    assert stub.requests[0].authorization is None


def test_the_url_may_be_a_base_or_the_endpoint() -> None:
    assert endpoint_url("http://h:8000/v1") == "http://h:8000/v1/audio/transcriptions"
    assert endpoint_url("http://h:8000/v1/") == "http://h:8000/v1/audio/transcriptions"
    whole = "http://h:8000/v1/audio/transcriptions"
    assert endpoint_url(whole) == whole


async def test_a_plain_text_answer_is_the_transcript(stub: TranscriptionStub) -> None:
    stub.script(("raw", SAID))
    assert await Transcriber(stub.base_url).transcribe(voice()) == SAID


@pytest.mark.parametrize(
    ("status", "told"),
    [
        (401, "refused the bot's key (check TRANSCRIPTION_API_KEY)"),
        (413, "says the recording is too large"),
        (429, "is busy or failing right now"),
        (503, "is busy or failing right now"),
        (400, "could not read that recording (stub error 400)"),
    ],
)
async def test_an_http_error_is_told_in_the_members_terms(
    stub: TranscriptionStub, status: int, told: str
) -> None:
    stub.script(("status", status))
    with pytest.raises(TranscriptionFailed) as raised:
        await Transcriber(stub.base_url).transcribe(voice())
    assert told in str(raised.value)


async def test_a_server_that_does_not_answer_in_time_is_given_up(stub: TranscriptionStub) -> None:
    stub.script(("delay", 30))
    transcriber = Transcriber(stub.base_url, timeout=0.3)
    with pytest.raises(TranscriptionFailed, match=r"did not answer within 0\.3 s"):
        await transcriber.transcribe(voice())


async def test_a_server_that_is_not_there_is_said_plainly() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    transcriber = Transcriber(f"http://127.0.0.1:{port}/v1", timeout=5)
    with pytest.raises(TranscriptionFailed, match="could not reach the speech-to-text service"):
        await transcriber.transcribe(voice())


async def test_an_answer_without_text_is_refused(stub: TranscriptionStub) -> None:
    stub.script(("raw", '{"segments": []}'))
    with pytest.raises(TranscriptionFailed, match="an answer I can't read"):
        await Transcriber(stub.base_url).transcribe(voice())
