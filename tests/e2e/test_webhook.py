"""Webhook mode: the sandbox delivers updates with the secret header; anything else is refused
and nothing of it is stored; an update is stored before the 200."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from bot.app.factory import running_bot
from bot.app.pump import UpdatePump, wait_until_drained
from bot.app.webhook import SECRET_HEADER, build_webhook_app, start_webhook_server
from bot.sandbox import Sandbox
from storage.db import Database
from storage.models import StoredUpdate
from tests.conftest import bot_settings
from tests.utils.processes import free_port

SECRET = "webhook-secret-for-tests-only-0123456789"
UPDATE = {
    "update_id": 9001,
    "message": {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": -100123, "type": "supergroup", "title": "Fact desk"},
        "from": {"id": 42, "is_bot": False, "first_name": "Eve"},
        "text": "/status",
    },
}


@pytest.fixture
async def hook(store_db: Database) -> AsyncIterator[tuple[str, UpdatePump]]:
    """A webhook server on loopback in front of a pump that stores but does not process."""
    pump = UpdatePump(None, store_db, worker_id="test")  # type: ignore[arg-type]  # store() only
    port = free_port()
    runner = await start_webhook_server(
        pump, listen="127.0.0.1", port=port, path="/tg/hook", secret=SECRET
    )
    try:
        yield f"http://127.0.0.1:{port}/tg/hook", pump
    finally:
        await runner.cleanup()


async def stored_ids(db: Database) -> dict[int, str]:
    """update_id → state of every stored update."""
    async with db.read() as session:
        rows = await session.execute(select(StoredUpdate.update_id, StoredUpdate.state))
        return dict(rows.all())


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}])
async def test_missing_or_wrong_secret_gets_403_and_nothing_is_stored(
    hook: tuple[str, UpdatePump], store_db: Database, headers: dict[str, str]
) -> None:
    url, _ = hook
    async with httpx.AsyncClient() as client:
        response = await client.post(url, json=UPDATE, headers=headers)
    assert response.status_code == 403
    assert await stored_ids(store_db) == {}


async def test_update_is_stored_before_the_200(
    hook: tuple[str, UpdatePump], store_db: Database
) -> None:
    db = store_db
    url, _ = hook
    async with httpx.AsyncClient() as client:
        response = await client.post(url, json=UPDATE, headers={SECRET_HEADER: SECRET})
        again = await client.post(url, json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 200 and again.status_code == 200
    # No worker runs here: the row can only come from the request itself, before it answered.
    assert await stored_ids(db) == {9001: "pending"}
    async with db.read() as session:
        payload = (await session.execute(select(StoredUpdate.payload))).scalar_one()
    assert json.loads(payload) == UPDATE


async def test_a_failed_store_is_not_answered_200(
    hook: tuple[str, UpdatePump], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, pump = hook

    async def broken(raws: object) -> int:
        raise OSError("disk full")

    monkeypatch.setattr(pump, "store", broken)
    async with httpx.AsyncClient() as client:
        response = await client.post(url, json=UPDATE, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 500  # Telegram keeps the update and sends it again


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"message": {}}', b'"x"'])
async def test_a_body_that_is_not_an_update_gets_400(
    hook: tuple[str, UpdatePump], store_db: Database, body: bytes
) -> None:
    url, _ = hook
    async with httpx.AsyncClient() as client:
        response = await client.post(url, content=body, headers={SECRET_HEADER: SECRET})
    assert response.status_code == 400
    assert await stored_ids(store_db) == {}


def test_webhook_without_a_secret_is_refused(store_db: Database) -> None:
    pump = UpdatePump(None, store_db, worker_id="test")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        build_webhook_app(pump, path="/", secret="")


async def test_bot_in_webhook_mode_answers_updates_the_sandbox_delivers(
    sandbox: Sandbox, db_url: str
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
    chat = sandbox.add_chat("Fact desk")
    alice = sandbox.add_user("Alice")
    sandbox.add_member(chat, alice, "administrator")
    async with running_bot(settings) as application:
        assert sandbox.state.webhook.url == settings.webhook_url
        sandbox.send(chat, alice, "/help")
        await sandbox.wait_for(lambda: sandbox.bot_messages(chat), timeout=10)
        db = application.bot_data.services.db
        await wait_until_drained(db, timeout=20)
        states = set((await stored_ids(db)).values())
    hooks = sandbox.calls(method="setWebhook")
    assert hooks and hooks[-1].params["secret_token"] == SECRET
    assert not sandbox.calls(method="getUpdates"), "webhook mode must not poll"
    assert sandbox.state.webhook.last_error_message in (None, "")
    assert states == {"done"}
