"""A local server speaking OpenAI's audio-transcriptions protocol, for tests.

    async with TranscriptionStub() as stub:
        transcriber = Transcriber(stub.base_url)
        stub.say(b"<the audio bytes>", "What is said in it.")
        stub.script(("status", 503), ("delay", 5))

It answers POST /v1/audio/transcriptions (multipart: `file`, `model`, `response_format`) as the
real servers do, with `{"text": ...}`: the transcript registered for those exact audio bytes
with `say`, else `default_text`. Behaviours are taken from the script queue one request at a
time (then `always`):

- ``("ok", text)``: answer this text whatever the audio;
- ``("status", code)``: an HTTP error in OpenAI's error shape (400, 401, 413, 500, 503, ...);
- ``("delay", seconds)``: wait that long (or until the stub closes), then answer as usual;
- ``("raw", body)``: answer this body verbatim as text/plain.

Every request's form fields, file name, size and headers are kept in `requests`.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import deque
from dataclasses import dataclass
from typing import Any

from aiohttp import web

Behaviour = tuple[str, Any]


@dataclass(frozen=True)
class Heard:
    """One request the stub received."""

    model: str
    response_format: str
    file_name: str
    size: int
    authorization: str | None


class TranscriptionStub:
    """A scriptable transcription server on 127.0.0.1 with a random port."""

    def __init__(self, *, default_text: str = "") -> None:
        self.default_text = default_text
        self.requests: list[Heard] = []
        self._transcripts: dict[str, str] = {}
        self._queue: deque[Behaviour] = deque()
        self._always: Behaviour | None = None
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    def say(self, audio: bytes, text: str) -> None:
        """Answer `text` for these audio bytes (as if that is what is said in them)."""
        self._transcripts[hashlib.sha256(audio).hexdigest()] = text

    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next requests, one each, in order."""
        self._queue.extend(behaviours)

    def always(self, behaviour: Behaviour | None) -> None:
        """Answer every unscripted request with ``behaviour`` (None: back to the default)."""
        self._always = behaviour

    async def __aenter__(self) -> TranscriptionStub:
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_post("/v1/audio/transcriptions", self._transcriptions)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/v1"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def _next_behaviour(self) -> Behaviour | None:
        if self._queue:
            return self._queue.popleft()
        return self._always

    async def _transcriptions(self, request: web.Request) -> web.Response:
        """Answer POST /v1/audio/transcriptions according to the script."""
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return self._error(400, "file is required")
        audio = upload.file.read()
        self.requests.append(
            Heard(
                model=str(form.get("model", "")),
                response_format=str(form.get("response_format", "json")),
                file_name=upload.filename,
                size=len(audio),
                authorization=request.headers.get("Authorization"),
            )
        )
        if not form.get("model"):
            return self._error(400, "model is required")
        behaviour = self._next_behaviour()
        kind, value = behaviour if behaviour else ("heard", None)
        if kind == "delay":
            try:
                await asyncio.wait_for(self._closing.wait(), timeout=float(value))
            except TimeoutError:
                pass
            kind = "heard"
        if kind == "status":
            return self._error(int(value), f"stub error {value}")
        if kind == "raw":
            return web.Response(text=str(value), content_type="text/plain")
        if kind == "ok":
            return web.json_response({"text": str(value)})
        if kind == "heard":
            text = self._transcripts.get(hashlib.sha256(audio).hexdigest(), self.default_text)
            return web.json_response({"text": text})
        raise ValueError(f"unknown stub behaviour {kind!r}")

    @staticmethod
    def _error(status: int, message: str) -> web.Response:
        """An HTTP error in OpenAI's error body shape."""
        error = {"message": message, "type": "invalid_request_error", "param": None, "code": None}
        return web.json_response({"error": error}, status=status)
