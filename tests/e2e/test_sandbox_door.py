"""The sandbox refuses text that is not Unicode at its door, as Telegram would never deliver it:
one lone surrogate must not make every later getUpdates unanswerable."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox import Sandbox

LONE = "\\ud800"  # a JSON escape json.loads accepts, yet no Unicode text
PAIR = "\\ud83d\\ude00"  # a proper pair: 😀


async def get_updates(client: httpx.AsyncClient, sandbox: Sandbox) -> httpx.Response:
    """One short getUpdates as a bot would call it."""
    return await client.post(f"{sandbox.base_url}{sandbox.token}/getUpdates", json={"timeout": 0})


def body(template: str, text: str) -> bytes:
    """A JSON body with `text` spliced in raw (so the escape reaches the server as written)."""
    return template.replace("TEXT", text).encode()


@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/sandbox/updates", '{"message": {"message_id": 1, "date": 0, "text": "TEXT",'
         ' "chat": {"id": 1, "type": "private"}}}'),
        ("/sandbox/users", '{"first_name": "TEXT"}'),
        ("/sandbox/chats", '{"title": "x", "TEXT": 1}'),
    ],
    ids=["update", "user-name", "key"],
)  # fmt: skip
async def test_control_api_refuses_a_lone_surrogate_and_polling_still_works(
    sandbox: Sandbox, path: str, template: str
) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as client:
        refused = await client.post(
            path, content=body(template, LONE), headers={"Content-Type": "application/json"}
        )
        assert refused.status_code == 400
        assert "must be encoded in UTF-8" in refused.json()["description"]
        polled = await get_updates(client, sandbox)
    assert polled.status_code == 200 and polled.json() == {"ok": True, "result": []}


async def test_a_proper_surrogate_pair_is_accepted_and_delivered(sandbox: Sandbox) -> None:
    template = (
        '{"message": {"message_id": 1, "date": 0, "text": "hi TEXT",'
        ' "chat": {"id": 1, "type": "private"}}}'
    )
    async with httpx.AsyncClient(base_url=sandbox.url) as client:
        pushed = await client.post(
            "/sandbox/updates",
            content=body(template, PAIR),
            headers={"Content-Type": "application/json"},
        )
        assert pushed.status_code == 200
        polled = await get_updates(client, sandbox)
    assert polled.status_code == 200
    assert polled.json()["result"][0]["message"]["text"] == "hi 😀"


async def test_bot_api_refuses_a_lone_surrogate_like_telegram(sandbox: Sandbox) -> None:
    chat = sandbox.add_chat("Fact desk")
    sent = body('{"chat_id": CHAT, "text": "TEXT"}'.replace("CHAT", str(chat.id)), LONE)
    async with httpx.AsyncClient() as client:
        refused = await client.post(
            f"{sandbox.base_url}{sandbox.token}/sendMessage",
            content=sent,
            headers={"Content-Type": "application/json"},
        )
        polled = await get_updates(client, sandbox)
    assert refused.status_code == 400
    assert refused.json()["description"].startswith("Bad Request: strings must be encoded in UTF-8")
    assert polled.status_code == 200
    assert not sandbox.bot_messages(chat)
