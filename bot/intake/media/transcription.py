"""Speech to text through an OpenAI-compatible `/v1/audio/transcriptions` endpoint.

whisper.cpp's server, faster-whisper servers (speaches), vLLM and OpenAI itself all take the
same multipart request (`file`, `model`, `response_format`) and answer `{"text": "..."}`. The
bot holds no model: without TRANSCRIPTION_URL it says what it would need (`NOT_CONFIGURED`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import httpx

from bot.desk.errors import DeskError
from bot.i18n import N_

log = logging.getLogger(__name__)

ENDPOINT = "/audio/transcriptions"
# TRANSLATORS: TRANSCRIPTION_URL is a setting's name and /v1/audio/transcriptions an address:
# keep both as they are.
NOT_CONFIGURED = N_(
    "I can't listen to voice messages or videos on this installation yet: the operator needs "
    "to set TRANSCRIPTION_URL to a speech-to-text server (an OpenAI-compatible "
    "/v1/audio/transcriptions endpoint: whisper.cpp, faster-whisper, vLLM or OpenAI). "
    "Meanwhile, paste what is said as text."
)


class TranscriptionFailed(DeskError):
    """The speech-to-text service could not give a transcript; `error.say(words)` tells the
    member."""


@dataclass(frozen=True)
class Recording:
    """Audio (or a video whose sound is wanted) to transcribe."""

    content: bytes
    file_name: str  # the extension tells the server the container: voice.ogg, video.mp4
    mime_type: str


def endpoint_url(url: str) -> str:
    """The transcriptions endpoint from TRANSCRIPTION_URL: a base (`http://host:8000/v1`) or
    the endpoint itself."""
    trimmed = url.rstrip("/")
    return trimmed if trimmed.endswith(ENDPOINT) else trimmed + ENDPOINT


class Transcriber:
    """One OpenAI-compatible transcription endpoint, with a timeout on every request."""

    def __init__(
        self, url: str, *, api_key: str = "", model: str = "whisper-1", timeout: float = 120.0
    ) -> None:
        self.url = endpoint_url(url)
        self.api_key = api_key
        self.model = model
        self.timeout = timeout

    async def transcribe(self, recording: Recording) -> str:
        """The text spoken in a recording ("" when nothing is said); raises TranscriptionFailed."""
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        files = {"file": (recording.file_name, recording.content, recording.mime_type)}
        data = {"model": self.model, "response_format": "json"}
        try:
            async with httpx.AsyncClient(timeout=self.timeout, trust_env=False) as client:
                response = await client.post(self.url, headers=headers, files=files, data=data)
        except httpx.TimeoutException as error:
            raise TranscriptionFailed(
                # TRANSLATORS: {seconds} is a number of seconds ("120 s").
                N_(
                    "The speech-to-text service did not answer within {seconds} s; "
                    "try again later, or paste what is said."
                ),
                seconds=f"{self.timeout:g}",
            ) from error
        except httpx.HTTPError as error:
            log.warning("Transcription request to %s failed: %s", self.url, error)
            raise TranscriptionFailed(
                N_(
                    "I could not reach the speech-to-text service; try again later, "
                    "or paste what is said."
                )
            ) from error
        return _transcript(response)


def _transcript(response: httpx.Response) -> str:
    """The text of a transcription answer, or TranscriptionFailed with the service's reason."""
    if response.status_code >= 400:
        reason = _error_message(response)
        log.warning("Transcription failed: HTTP %s %s", response.status_code, reason)
        raise _refusal(response.status_code, reason)
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text.strip()  # response_format=text servers answer the plain text
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        raise TranscriptionFailed(N_("The speech-to-text service gave an answer I can't read."))
    return text.strip()


def _refusal(status: int, reason: str) -> TranscriptionFailed:
    """What the member is told of an HTTP error from the speech-to-text service."""
    if status in (401, 403):
        return TranscriptionFailed(
            # TRANSLATORS: TRANSCRIPTION_API_KEY is a setting's name: keep it as it is.
            N_("The speech-to-text service refused the bot's key (check TRANSCRIPTION_API_KEY).")
        )
    if status == 413:
        return TranscriptionFailed(
            N_("The speech-to-text service says the recording is too large.")
        )
    if status == 429 or status >= 500:
        return TranscriptionFailed(
            N_(
                "The speech-to-text service is busy or failing right now; try again in a few "
                "minutes."
            )
        )
    if reason:
        return TranscriptionFailed(
            # TRANSLATORS: {reason} is the service's own error message, in English.
            N_("The speech-to-text service could not read that recording ({reason})."),
            reason=reason,
        )
    return TranscriptionFailed(N_("The speech-to-text service refused it."))


def _error_message(response: httpx.Response) -> str:
    """The reason an OpenAI-style error body gives, shortened; "" when there is none."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text.strip()[:200]
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else error
    return str(message)[:200] if message else ""
