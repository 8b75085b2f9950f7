"""The bot's Bot API client (bot/app/http.py): python-telegram-bot's requests over aiohttp."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from bot.app.http import AiohttpRequest
from tests.utils.processes import free_port


@pytest.fixture
async def api() -> AsyncIterator[tuple[str, list[web.Request], dict[str, bytes]]]:
    """A tiny Bot API: answers every method, keeps what it was sent; /slow never answers."""
    seen: list[web.Request] = []
    bodies: dict[str, bytes] = {}

    async def method(request: web.Request) -> web.Response:
        seen.append(request)
        name = request.match_info["method"]
        if name == "slow":
            await asyncio.sleep(1)
        if request.content_type.startswith("multipart/"):
            form = await request.post()
            upload = form["document"]
            assert isinstance(upload, web.FileField)
            bodies[name] = upload.file.read()
            return web.json_response({"ok": True, "result": True})
        fields = dict(await request.post())
        bodies[name] = repr(sorted(fields.items())).encode()
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", method)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/bot", seen, bodies
    finally:
        await runner.cleanup()


async def test_form_fields_and_files_reach_the_api(
    api: tuple[str, list[web.Request], dict[str, bytes]],
) -> None:
    base, seen, bodies = api
    request = AiohttpRequest(connection_pool_size=2)
    bot = Bot("123:abc", base_url=base, request=request)
    await request.initialize()
    try:
        assert await bot.answer_callback_query("q1", text="Your vote: ✅ True") is True
        assert "('text', 'Your vote: ✅ True')" in bodies["answerCallbackQuery"].decode()
        document = InputFile(b"%PDF-1.4 report", filename="report.pdf")
        await bot.send_document(-100, document)
        assert bodies["sendDocument"] == b"%PDF-1.4 report"
        assert seen[0].headers["User-Agent"].startswith("python-telegram-bot")
    finally:
        await request.shutdown()


async def test_a_slow_answer_is_a_timeout_and_a_closed_port_a_network_error(
    api: tuple[str, list[web.Request], dict[str, bytes]],
) -> None:
    base, _, _ = api
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.post(base.replace("/bot", "/bot123:abc/slow"))
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{free_port()}/bot123:abc/getMe")
    finally:
        await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:1/", "POST")
