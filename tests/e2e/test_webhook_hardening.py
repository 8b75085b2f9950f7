"""Webhook mode under abuse: idle and slow connections cannot keep updates out or flood the log,
and odd bodies or headers get a final answer (never a 500 that Telegram would resend forever)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from bot.app.config import Settings
from bot.app.factory import running_bot
from bot.app.pump import UpdatePump, wait_until_drained
from bot.app.webhook import SECRET_HEADER, Limits, WebhookServer, start_webhook_server
from bot.sandbox import Sandbox
from storage.db import Database
from storage.models import StoredUpdate
from tests.conftest import bot_settings
from tests.e2e.test_webhook import SECRET, UPDATE, stored_ids
from tests.utils.processes import free_port

LIMITS = Limits(header_timeout=5.0, body_timeout=1.0, max_connections=50, max_requests=3)
GOOD = {SECRET_HEADER: SECRET}
# What the server side logs through (the test's own clients log plenty at DEBUG).
SERVER_LOGGERS = ("asyncio", "aiohttp", "bot")


@pytest.fixture
async def hook(store_db: Database) -> AsyncIterator[tuple[str, WebhookServer]]:
    """A webhook server with short limits in front of a pump that only stores."""
    pump = UpdatePump(None, store_db, worker_id="test")  # type: ignore[arg-type]  # store() only
    server = await start_webhook_server(
        pump, listen="127.0.0.1", port=0, path="/tg/hook", secret=SECRET, limits=LIMITS
    )
    try:
        yield f"http://127.0.0.1:{server.port}/tg/hook", server
    finally:
        await server.cleanup()


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    """Whether the server ends the connection (EOF or reset) within `within` seconds."""
    try:
        async with asyncio.timeout(within):
            while await reader.read(1024):
                pass
    except TimeoutError:
        return False
    except ConnectionError:
        pass
    return True


async def test_idle_connections_cannot_keep_an_update_out_or_flood_the_log(
    hook: tuple[str, WebhookServer], store_db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    url, server = hook
    caplog.set_level(logging.DEBUG)
    idle = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(300)]
    try:
        await asyncio.sleep(0.2)  # let the server accept them all
        assert len(server.runner.server.connections) <= LIMITS.max_connections
        started = time.monotonic()
        async with httpx.AsyncClient(timeout=5) as client:
            response = await client.post(url, json=UPDATE, headers=GOOD)
        took = time.monotonic() - started
        assert response.status_code == 200
        assert took < 2.5, f"the update waited {took:.1f} s behind idle connections"
        assert await stored_ids(store_db) == {9001: "pending"}
        # Every idle connection is closed by the server: pushed out, or after the header timeout.
        closed = await asyncio.gather(
            *(closed_by_server(reader, LIMITS.header_timeout + 2) for reader, _ in idle)
        )
        assert all(closed), f"{closed.count(False)} idle connections still open"
    finally:
        for _, writer in idle:
            writer.close()
    server_side = [r for r in caplog.records if r.name.startswith(SERVER_LOGGERS)]
    assert len(server_side) < 30, [r.getMessage() for r in server_side[:10]]


async def test_headers_that_never_end_are_cut_off(hook: tuple[str, WebhookServer]) -> None:
    _, server = hook
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"POST /tg/hook HTTP/1.1\r\nHost: bot\r\nX-Slow: ")  # and then nothing
    await writer.drain()
    started = time.monotonic()
    assert await closed_by_server(reader, LIMITS.header_timeout + 2)
    assert time.monotonic() - started >= LIMITS.header_timeout - 0.5
    writer.close()


async def test_a_body_that_never_arrives_is_answered_408(
    hook: tuple[str, WebhookServer], store_db: Database
) -> None:
    _, server = hook
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        b"POST /tg/hook HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
        + f"{SECRET_HEADER}: {SECRET}\r\nContent-Length: 500\r\n\r\n".encode()
        + b'{"update_id": 1'
    )
    await writer.drain()
    async with asyncio.timeout(LIMITS.body_timeout + 2):
        status = await reader.readline()
    assert status.startswith(b"HTTP/1.1 408")
    assert await closed_by_server(reader, 4)
    writer.close()
    assert await stored_ids(store_db) == {}


async def test_a_connection_carries_a_bounded_number_of_requests(
    hook: tuple[str, WebhookServer],
) -> None:
    url, _ = hook
    async with httpx.AsyncClient() as client:
        answers = []
        for n in range(LIMITS.max_requests):
            answers.append(await client.post(url, json={**UPDATE, "update_id": n}, headers=GOOD))
    assert [a.status_code for a in answers] == [200] * LIMITS.max_requests
    assert answers[-1].headers.get("connection", "").lower() == "close"
    assert answers[0].headers.get("connection", "").lower() != "close"


@pytest.mark.parametrize(
    "secret",
    [b"\xff\xfe" + SECRET.encode(), "секрет".encode(), SECRET.encode() + b"\x80"],
    ids=["latin1-prefix", "utf8-cyrillic", "trailing-byte"],
)
async def test_a_secret_header_with_non_ascii_bytes_gets_403(
    hook: tuple[str, WebhookServer], store_db: Database, secret: bytes
) -> None:
    url, _ = hook
    async with httpx.AsyncClient() as client:
        response = await client.post(url, json=UPDATE, headers=[(SECRET_HEADER.encode(), secret)])
    assert response.status_code == 403
    assert await stored_ids(store_db) == {}


def nested(depth: int) -> bytes:
    """An update whose one field is `depth` lists deep."""
    return b'{"update_id": 77, "x": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({**UPDATE, "update_id": 2**63}).encode(),
        json.dumps({**UPDATE, "update_id": 10**30}).encode(),
        json.dumps({**UPDATE, "update_id": -1}).encode(),
        json.dumps({**UPDATE, "update_id": True}).encode(),
        json.dumps({**UPDATE, "update_id": "9001"}).encode(),
        nested(100),
        nested(200_000),
    ],
    ids=["2**63", "10**30", "negative", "true", "string", "nested-100", "nested-200000"],
)
async def test_a_body_that_can_never_be_stored_gets_400_not_500(
    hook: tuple[str, WebhookServer], store_db: Database, body: bytes
) -> None:
    url, _ = hook
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=body, headers=GOOD)
    assert response.status_code == 400
    assert await stored_ids(store_db) == {}


async def test_a_lone_surrogate_is_stored_as_a_replacement_character(
    hook: tuple[str, WebhookServer], store_db: Database
) -> None:
    url, _ = hook
    body = json.dumps(UPDATE).replace("/status", "/status \\ud800 \\ud83d\\ude00").encode()
    assert b"\\ud800" in body
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=body, headers=GOOD)
    assert response.status_code == 200
    async with store_db.read() as session:
        payload = (await session.execute(select(StoredUpdate.payload))).scalar_one()
    assert json.loads(payload)["message"]["text"] == "/status \ufffd 😀"


async def test_an_inline_message_callback_is_handled_without_an_error(
    sandbox: Sandbox, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    port = free_port()
    settings = bot_settings(
        sandbox,
        db_url,
        webhook_url=f"http://127.0.0.1:{port}/tg/hook",
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    press = {
        "update_id": 4242,
        "callback_query": {
            "id": "77",
            "from": {"id": 42, "is_bot": False, "first_name": "Eve"},
            "chat_instance": "1",
            "inline_message_id": "AAAAAQ",
            "data": "v:1:true",
        },
    }
    async with running_bot(settings) as application:
        async with httpx.AsyncClient() as client:
            response = await client.post(settings.webhook_url, json=press, headers=GOOD)
        assert response.status_code == 200
        db = application.bot_data.services.db
        await wait_until_drained(db, timeout=10)
        async with db.read() as session:
            row = (await session.execute(select(StoredUpdate))).scalar_one()
    assert (row.state, row.error) == ("done", None)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def test_the_webhook_listens_on_loopback_unless_told_otherwise() -> None:
    # Exposing it is a reverse proxy's job (docs/reliability.md), not the default.
    assert Settings(_env_file=None).webhook_listen == "127.0.0.1"


async def test_polling_stores_a_lone_surrogate_as_a_replacement_character(
    store_db: Database,
) -> None:
    # getUpdates results reach the same UpdatePump.store as webhook posts; before, a lone
    # surrogate there could not be encoded by the database and the batch was retried forever.
    pump = UpdatePump(None, store_db, worker_id="test")  # type: ignore[arg-type]  # store() only
    raw = json.loads(json.dumps(UPDATE).replace("/status", "/status \\ud800"))
    assert await pump.store([raw]) == 1
    async with store_db.read() as session:
        payload = (await session.execute(select(StoredUpdate.payload))).scalar_one()
    assert json.loads(payload)["message"]["text"] == "/status \ufffd"
