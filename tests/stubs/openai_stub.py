"""A local server speaking the OpenAI chat-completions protocol, for tests and benchmarks.

    async with OpenAIStub() as stub:
        client = AsyncOpenAI(api_key="test", base_url=stub.base_url)
        stub.script(("status", 500), ("ok", {"claims": [...]}))

Behaviours, taken from the script queue one request at a time (then `always`, then the default):

- ``("ok", payload)``: answer with ``json.dumps(payload)`` as the message content; ``payload`` may
  be a callable taking the request body and returning the payload;
- ``("status", code)``: an HTTP error in OpenAI's error shape (500, 429, 401, ...);
- ``("delay", seconds)``: wait that long (or until the stub closes), then answer by default;
- ``("raw", text)``: ``text`` as the message content, verbatim (malformed JSON, prose);
- ``("refusal", text)``: a refusal message with no content;
- ``("finish", reason)``: the default answer with another finish_reason ("length", ...).

With no script the stub answers a sensible structured output: every sentence with a digit inside
the ``<article>`` block of the last user message becomes a claim with an exact quote.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import time
from collections import deque
from typing import Any

from aiohttp import web

Behaviour = tuple[str, Any]

_ARTICLE_RE = re.compile(r"<article>\n?(.*?)\n?</article>", re.DOTALL)
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


def estimate_tokens(text: str) -> int:
    """Rough token count: about four characters a token."""
    return math.ceil(len(text) / 4)


def default_claims(body: dict[str, Any], *, limit: int = 10) -> dict[str, Any]:
    """Pick sentences with digits from the request's <article> block as claims."""
    article = _article_text(body)
    claims = []
    for piece in _SENTENCE_BREAK.split(article):
        sentence = piece.strip()
        if not any(ch.isdigit() for ch in sentence) or not 20 <= len(sentence) <= 300:
            continue
        digits = sum(ch.isdigit() for ch in sentence)
        score = round(min(0.95, 0.5 + 0.05 * digits), 2)
        claims.append({"text": sentence, "quote": sentence, "claimant": None, "score": score})
        if len(claims) >= limit:
            break
    return {"claims": claims}


def _article_text(body: dict[str, Any]) -> str:
    """Return the text inside <article> tags of the last user message, or ''."""
    for message in reversed(body.get("messages", [])):
        if message.get("role") == "user" and isinstance(message.get("content"), str):
            found = _ARTICLE_RE.search(message["content"])
            return found.group(1) if found else ""
    return ""


def _chars_sent(body: dict[str, Any]) -> int:
    """Count the characters of every text message in a request."""
    return sum(
        len(m["content"]) for m in body.get("messages", []) if isinstance(m.get("content"), str)
    )


class OpenAIStub:
    """A scriptable chat-completions server on 127.0.0.1 with a random port."""

    def __init__(self, *, model: str = "stub-model") -> None:
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.chars_sent = 0
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self._queue: deque[Behaviour] = deque()
        self._always: Behaviour | None = None
        self._ids = itertools.count(1)
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    @property
    def request_count(self) -> int:
        """How many chat-completion requests reached the stub."""
        return len(self.requests)

    def script(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next requests, one each, in order."""
        self._queue.extend(behaviours)

    def always(self, behaviour: Behaviour | None) -> None:
        """Answer every unscripted request with ``behaviour`` (None: back to the default)."""
        self._always = behaviour

    async def __aenter__(self) -> OpenAIStub:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat_completions)
        app.router.add_post("/chat/completions", self._chat_completions)
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/models", self._models)
        # A short shutdown so a request stuck in "delay" never holds a test up.
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

    def _next_behaviour(self) -> Behaviour:
        """Take the next scripted behaviour, else the standing one, else the default."""
        if self._queue:
            return self._queue.popleft()
        return self._always or ("ok", default_claims)

    async def _chat_completions(self, request: web.Request) -> web.Response:
        """Answer POST /chat/completions according to the script."""
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        self.chars_sent += _chars_sent(body)
        kind, value = self._next_behaviour()
        if kind == "delay":
            try:
                await asyncio.wait_for(self._closing.wait(), timeout=float(value))
            except TimeoutError:
                pass
            kind, value = "ok", default_claims
        if kind == "status":
            return self._error(int(value))
        if kind == "refusal":
            return self._completion(body, content=None, refusal=str(value))
        if kind == "finish":
            content = json.dumps(default_claims(body))
            return self._completion(body, content=content, finish_reason=str(value))
        if kind == "raw":
            return self._completion(body, content=str(value))
        if kind == "ok":
            payload = value(body) if callable(value) else value
            return self._completion(body, content=json.dumps(payload))
        raise ValueError(f"unknown stub behaviour {kind!r}")

    def _completion(
        self,
        body: dict[str, Any],
        *,
        content: str | None,
        refusal: str | None = None,
        finish_reason: str = "stop",
    ) -> web.Response:
        """Build a response in the real chat.completion shape, with usage."""
        prompt_tokens = estimate_tokens(" ".join(m.get("content") or "" for m in body["messages"]))
        completion_tokens = estimate_tokens(content or refusal or "")
        self.prompt_tokens += prompt_tokens
        self.completion_tokens += completion_tokens
        message = {"role": "assistant", "content": content, "refusal": refusal}
        return web.json_response(
            {
                "id": f"chatcmpl-stub-{next(self._ids)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", self.model),
                "choices": [
                    {
                        "index": 0,
                        "message": message,
                        "logprobs": None,
                        "finish_reason": finish_reason,
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": completion_tokens,
                    "total_tokens": prompt_tokens + completion_tokens,
                },
            }
        )

    def _error(self, status: int) -> web.Response:
        """Answer an HTTP error in OpenAI's error body shape."""
        kind = {429: "rate_limit_exceeded", 401: "invalid_api_key"}.get(status, "server_error")
        error = {"message": f"stub error {status}", "type": kind, "param": None, "code": kind}
        return web.json_response({"error": error}, status=status)

    async def _models(self, request: web.Request) -> web.Response:
        """Answer GET /models with the one stub model."""
        model = {"id": self.model, "object": "model", "created": 0, "owned_by": "stub"}
        return web.json_response({"object": "list", "data": [model]})
