"""HTTP layer: the Bot API and file routes, webhook delivery, and the standalone server."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import Any

import aiohttp
from aiohttp import web

from bot.sandbox import methods, methods_chat  # noqa: F401  (each registers its methods)
from bot.sandbox.encoding import NOT_UNICODE, lone_surrogate_at
from bot.sandbox.media import DOWNLOAD_LIMIT
from bot.sandbox.protocol import METHODS, ApiError, Params
from bot.sandbox.state import SandboxState, now

log = logging.getLogger(__name__)

TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}
NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}
POLLING = "getupdates"
WEBHOOK_RETRY_SECONDS = 0.5


async def read_params(request: web.Request) -> Params:
    """Collect parameters from the query string and a JSON, urlencoded or multipart body."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, tuple[str, bytes, str]] = {}
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            values.update(body if isinstance(body, dict) else {})
        else:
            form = await request.post()
            for name, value in form.items():
                if isinstance(value, web.FileField):
                    content = value.file.read()
                    files[name] = (value.filename or name, content, value.content_type)
                else:
                    values[name] = value
    where = lone_surrogate_at(values, "parameters")
    if where is not None:
        raise ApiError(400, f"{NOT_UNICODE} ({where})")
    return Params(values, files)


def loggable(params: Params) -> dict[str, Any]:
    """Parameters as the call log keeps them: JSON strings decoded, files summarised."""
    logged: dict[str, Any] = {}
    for name, value in params.values.items():
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                pass
        logged[name] = value
    for name, (filename, content, mime) in params.files.items():
        logged[name] = {"filename": filename, "size": len(content), "mime_type": mime}
    return logged


def answer(body: dict[str, Any], status: int = 200) -> web.Response:
    """A JSON response the way the Bot API writes it."""
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


async def call_method(state: SandboxState, name: str, params: Params) -> web.Response:
    """Run one Bot API method, log it, and answer like Telegram."""
    handler = METHODS.get(name.lower())
    if handler is None:
        return answer(NOT_FOUND, 404)
    polling = name.lower() == POLLING
    record = state.record_call(name, loggable(params))
    if not polling:
        state.in_flight += 1
        state.last_activity = time.monotonic()
    try:
        result = handler(state, params)
        if asyncio.iscoroutine(result):
            result = await result
    except ApiError as error:
        record.error = error.to_api()
        return answer(error.to_api(), error.code)
    finally:
        if not polling:
            state.in_flight -= 1
            state.last_activity = time.monotonic()
    record.result = result
    return answer({"ok": True, "result": result})


def build_app(state: SandboxState) -> web.Application:
    """The aiohttp application of the Bot API and its file downloads (the sandbox adds the
    control API)."""

    async def bot_api(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not TOKEN.match(token):
            return answer(UNAUTHORIZED, 401)
        try:
            params = await read_params(request)
        except ApiError as error:
            return answer(error.to_api(), error.code)
        return await call_method(state, request.match_info["method"], params)

    async def download(request: web.Request) -> web.StreamResponse:
        if not TOKEN.match(request.match_info["token"]):
            return answer(UNAUTHORIZED, 401)
        path = request.match_info["path"]
        stored = next((f for f in state.files.values() if f.file_path == path), None)
        if stored is None:
            return answer(NOT_FOUND, 404)
        if len(stored.content) > DOWNLOAD_LIMIT:  # getFile never handed out such a path
            return answer(NOT_FOUND, 404)
        return web.Response(body=stored.content, content_type="application/octet-stream")

    app = web.Application(client_max_size=50 * 1024 * 1024)
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", download)
    return app


async def deliver_webhooks(state: SandboxState) -> None:
    """POST pending updates, in order, to the webhook URL; retry until a 2xx."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        while True:
            event = state.update_event()
            pending = state.deliverable() if state.webhook.url else []
            if not pending:
                await event.wait()
                continue
            update = pending[0]
            if await _post_update(state, session, update):
                state.confirm(update["update_id"])
            else:
                await asyncio.sleep(WEBHOOK_RETRY_SECONDS)


async def _post_update(
    state: SandboxState, session: aiohttp.ClientSession, update: dict[str, Any]
) -> bool:
    """Deliver one update; record the error Telegram would show in getWebhookInfo."""
    hook = state.webhook
    headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} if hook.secret_token else {}
    try:
        async with session.post(hook.url, json=update, headers=headers) as response:
            if 200 <= response.status < 300:
                return True
            message = f"Wrong response from the webhook: {response.status} {response.reason}"
    except (aiohttp.ClientError, TimeoutError) as error:
        message = f"Connection failed: {error!r}"
    hook.last_error_date, hook.last_error_message = now(), message
    log.debug("webhook delivery failed: %s", message)
    return False
