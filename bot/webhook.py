"""Webhook mode: a small aiohttp server that stores each update before answering 200."""

from __future__ import annotations

import hmac
import json
import logging
from urllib.parse import urlsplit

from aiohttp import web

from bot.ingest import UpdatePump

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1_000_000


def webhook_path(url: str) -> str:
    """The path Telegram posts to, taken from WEBHOOK_URL."""
    return urlsplit(url).path or "/"


def build_webhook_app(pump: UpdatePump, *, path: str, secret: str) -> web.Application:
    """The aiohttp application that receives updates; an empty secret is refused."""
    if not secret:
        raise ValueError("webhook mode needs WEBHOOK_SECRET: without it anyone could post updates")
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        # Constant-time comparison: the secret must not leak through response timing.
        if not hmac.compare_digest(given, expected):
            return web.Response(status=403, text="forbidden")
        if request.content_length and request.content_length > MAX_UPDATE_BYTES:
            return web.Response(status=413, text="too large")
        try:
            raw = json.loads(await request.read())
            update_id = int(raw["update_id"])
        except (ValueError, KeyError, TypeError):
            return web.Response(status=400, text="not an update")
        await pump.store([raw])  # stored before the 200: Telegram re-sends on any failure
        log.debug("Stored update %s from the webhook", update_id)
        return web.Response(text="ok")

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(path, receive)
    return app


async def start_webhook_server(
    pump: UpdatePump, *, listen: str, port: int, path: str, secret: str
) -> web.AppRunner:
    """Serve the webhook until the returned runner is cleaned up."""
    runner = web.AppRunner(build_webhook_app(pump, path=path, secret=secret), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, listen, port).start()
    return runner
