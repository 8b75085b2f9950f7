"""Webhook mode: a small aiohttp server that stores each update before answering 200.

It is meant to sit behind a reverse proxy (docs/reliability.md), but holds its own against
idle and slow clients: a connection must send its request headers within `header_timeout`
seconds of opening (or of its previous answer), and its body within `body_timeout`; at most
`max_connections` are open at once, and a new one pushes out the oldest idle one, so a pile of
connections that never send a byte cannot keep Telegram out; a connection carries at most
`max_requests` requests.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

from bot.app.logs import rate_limit_logger
from bot.app.pump import UpdatePump

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000
# Telegram's update_id is a positive 32-bit number today; anything past a signed 64-bit
# integer cannot be stored (SQLite and PostgreSQL BIGINT), so it is no update.
MAX_UPDATE_ID = 2**63 - 1
# Real updates nest a few levels (a reply inside a message inside the update); far deeper
# JSON is an attack on the parser, not an update.
MAX_DEPTH = 64


@dataclass
class Limits:
    """How much a client may hold: time to send a request, connections, requests each."""

    header_timeout: float = 10.0
    body_timeout: float = 10.0
    max_connections: int = 200
    max_requests: int = 1000


def webhook_path(url: str) -> str:
    """The path Telegram posts to, taken from WEBHOOK_URL."""
    return urlsplit(url).path or "/"


def _secret_matches(given: str, expected: bytes) -> bool:
    """Constant-time comparison; a header that is not ASCII is simply wrong."""
    try:
        raw = given.encode("ascii")
    except UnicodeEncodeError:  # aiohttp hands non-ASCII header bytes over as surrogates
        return False
    return hmac.compare_digest(raw, expected)


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in parsed JSON (iteratively: no recursion limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse_update(body: bytes) -> dict[str, Any] | None:
    """The update in a request body, ready to store; None when the body is not an update."""
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(raw, dict) or _depth(raw) > MAX_DEPTH:
        return None
    update_id = raw.get("update_id")
    if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
        return None
    return raw  # lone surrogates are replaced where every update is stored (UpdatePump.store)


@dataclass
class _Connections:
    """Which connections are in the middle of a request, and how many each has carried."""

    busy: set[RequestHandler] = field(default_factory=set)
    served: dict[RequestHandler, int] = field(default_factory=dict)


CONNECTIONS = web.AppKey("connections", _Connections)


def build_webhook_app(
    pump: UpdatePump, *, path: str, secret: str, limits: Limits | None = None
) -> web.Application:
    """The aiohttp application that receives updates; an empty secret is refused."""
    if not secret:
        raise ValueError("webhook mode needs WEBHOOK_SECRET: without it anyone could post updates")
    expected = secret.encode()
    limits = limits or Limits()
    connections = _Connections()

    async def receive(request: web.Request) -> web.StreamResponse:
        protocol = request.protocol
        connections.busy.add(protocol)
        try:
            response = await _answer(request)
        finally:
            connections.busy.discard(protocol)
        served = connections.served[protocol] = connections.served.get(protocol, 0) + 1
        if served >= limits.max_requests:
            response.force_close()  # keep-alive limit: the client opens a fresh connection
            connections.served.pop(protocol, None)
        return response

    async def _answer(request: web.Request) -> web.StreamResponse:
        if not _secret_matches(request.headers.get(SECRET_HEADER, ""), expected):
            return web.Response(status=403, text="forbidden")
        if request.content_length and request.content_length > MAX_UPDATE_BYTES:
            return web.Response(status=413, text="too large")
        try:
            async with asyncio.timeout(limits.body_timeout):
                body = await request.read()
        except TimeoutError:
            slow = web.Response(status=408, text="body too slow")
            slow.force_close()  # the rest of the body may still come: it is no next request
            return slow
        raw = parse_update(body)
        if raw is None:
            return web.Response(status=400, text="not an update")
        await pump.store([raw])  # stored before the 200: Telegram re-sends on any failure
        log.debug("Stored update %s from the webhook", raw["update_id"])
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(path, receive)
    app[CONNECTIONS] = connections
    return app


class WebhookServer:
    """The listening socket in front of the aiohttp runner; `cleanup()` stops both."""

    def __init__(self, runner: web.AppRunner, limits: Limits) -> None:
        self.runner = runner
        self.limits = limits
        self.server: asyncio.Server | None = None
        self._connections = runner.app[CONNECTIONS]

    def protocol(self) -> asyncio.Protocol:
        """A protocol for a new connection; at the cap, the oldest idle connection goes first.

        Idle means between requests or still waiting for the first one's headers: a client
        that never sends a byte gives way to the next one instead of keeping it out.
        """
        server = self.runner.server
        assert server is not None
        open_now = server.connections
        served = self._connections.served
        if len(served) > 2 * self.limits.max_connections:  # forget closed connections
            still_open = set(open_now)
            for gone in [c for c in served if c not in still_open]:
                del served[gone]
        if len(open_now) >= self.limits.max_connections:
            idle = [c for c in open_now if c not in self._connections.busy]
            if idle:
                idle[0].force_close()
                self._connections.served.pop(idle[0], None)
            else:
                return _Refused()
        return server()

    @property
    def port(self) -> int:
        """The port it listens on (useful with port 0)."""
        assert self.server is not None
        port: int = self.server.sockets[0].getsockname()[1]
        return port

    async def cleanup(self) -> None:
        """Stop listening, close every connection, shut the application down."""
        if self.server is not None:
            self.server.close()
        await self.runner.cleanup()


class _Refused(asyncio.Protocol):
    """Every connection is mid-request at the cap: drop the new one at once."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if isinstance(transport, asyncio.Transport):  # what a server's connections are
            transport.abort()
        else:
            transport.close()


async def start_webhook_server(
    pump: UpdatePump,
    *,
    listen: str,
    port: int,
    path: str,
    secret: str,
    limits: Limits | None = None,
) -> WebhookServer:
    """Serve the webhook until the returned server is cleaned up."""
    limits = limits or Limits()
    app = build_webhook_app(pump, path=path, secret=secret, limits=limits)
    runner = web.AppRunner(
        app,
        access_log=None,
        # aiohttp closes a connection idle this long, including one that has not sent its
        # first request yet: the header timeout.
        keepalive_timeout=limits.header_timeout,
        max_headers=32,
        lingering_time=1.0,  # unread body left by a refused request: read at most this long
        shutdown_timeout=1.0,
    )
    await runner.setup()
    # A flood of failing connections must not flood the log as well (asyncio logs every
    # failed accept(), aiohttp every broken request).
    for name in ("asyncio", "aiohttp.server", "aiohttp.web"):
        rate_limit_logger(logging.getLogger(name))
    hook = WebhookServer(runner, limits)
    loop = asyncio.get_running_loop()
    hook.server = await loop.create_server(hook.protocol, listen, port, backlog=128)
    return hook
