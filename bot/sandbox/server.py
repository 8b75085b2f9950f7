"""HTTP layer: the Bot API and file routes, webhook delivery, and the standalone server."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from bot.sandbox.methods import METHODS, ApiError, Params
from bot.sandbox.state import SandboxState, now

if TYPE_CHECKING:
    from bot.sandbox.core import Sandbox

log = logging.getLogger(__name__)

TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]{30,}$")
UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}
NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}
POLLING = "getupdates"
WEBHOOK_RETRY_SECONDS = 0.5


# Telegram's answer to text that is not valid Unicode.
NOT_UNICODE = "Bad Request: strings must be encoded in UTF-8"
_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate_at(value: Any, path: str = "body") -> str | None:
    """Where a lone surrogate hides in parsed JSON (json.loads joins proper pairs), or None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    return f"{where} key"
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


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


def build_app(sandbox: Sandbox) -> web.Application:
    """The aiohttp application: Bot API, file downloads and the control API."""
    from bot.sandbox.control import add_control_routes

    async def bot_api(request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not TOKEN.match(token):
            return answer(UNAUTHORIZED, 401)
        try:
            params = await read_params(request)
        except ApiError as error:
            return answer(error.to_api(), error.code)
        return await call_method(sandbox.state, request.match_info["method"], params)

    async def download(request: web.Request) -> web.StreamResponse:
        if not TOKEN.match(request.match_info["token"]):
            return answer(UNAUTHORIZED, 401)
        path = request.match_info["path"]
        stored = next((f for f in sandbox.state.files.values() if f.file_path == path), None)
        if stored is None:
            return answer(NOT_FOUND, 404)
        return web.Response(body=stored.content, content_type="application/octet-stream")

    app = web.Application(client_max_size=50 * 1024 * 1024)
    app.router.add_route("*", "/bot{token}/{method}", bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", download)
    add_control_routes(app, sandbox)
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


async def serve_forever(host: str = "127.0.0.1", port: int = 8081) -> None:
    """Run a standalone sandbox until interrupted; print what a bot needs to connect."""
    from bot.sandbox.core import Sandbox

    sandbox = Sandbox()
    await sandbox.start(host=host, port=port)
    print(f"Sandbox Bot API running on http://{host}:{sandbox.port}")
    print(f"  TELEGRAM_BASE_URL={sandbox.base_url}")
    print(f"  TELEGRAM_BASE_FILE_URL={sandbox.base_file_url}")
    print(f"  TELEGRAM_BOT_TOKEN={sandbox.token}")
    print(f"  control API: http://{host}:{sandbox.port}/sandbox/  (see docs/sandbox.md)")
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


def run_standalone(port: int = 8081, host: str = "127.0.0.1") -> None:
    """Blocking entry point for `factcheck-bot sandbox --port N`."""
    try:
        asyncio.run(serve_forever(host, port))
    except KeyboardInterrupt:
        pass
