"""The sandbox speaks the Bot API well enough for the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.sandbox import Sandbox
from tests.utils.ptb import polling_application

KEYBOARD = InlineKeyboardMarkup(
    [[InlineKeyboardButton("✅ True", callback_data="v:1:true")],
     [InlineKeyboardButton("❌ False", callback_data="v:1:false")]]
)  # fmt: skip


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    """A real PTB Bot pointed at the sandbox."""
    async with Bot(
        sandbox.token, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url
    ) as b:
        yield b


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echo text back in bold, with two rating buttons."""
    assert update.effective_message is not None
    await update.effective_message.reply_html(
        f"<b>Echo:</b> {update.effective_message.text}", reply_markup=KEYBOARD
    )


async def rate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer the press and show the vote on the card."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer(f"Voted {query.data.rsplit(':', 1)[1]}")
    await query.edit_message_text(f"Voted: {query.data}", reply_markup=KEYBOARD)


@pytest.fixture
async def application(sandbox: Sandbox) -> AsyncIterator[Application]:
    """A real PTB Application long-polling the sandbox: echo + callback handlers."""
    async with polling_application(
        sandbox, MessageHandler(filters.TEXT, echo), CallbackQueryHandler(rate)
    ) as app:
        yield app


async def test_get_me_describes_the_sandbox_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.first_name) == (7000000001, "factdesk_bot", "Fact desk bot")


async def test_malformed_token_is_unauthorized_and_unknown_method_not_found(
    sandbox: Sandbox,
) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sandbox.base_url}123:short/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with http.post(f"{sandbox.base_url}{sandbox.token}/fetchMoon") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found"
        async with http.get(f"{sandbox.base_url}{sandbox.token}/GETME") as response:
            assert (await response.json())["result"]["username"] == "factdesk_bot"


async def test_pushed_message_reaches_handler_and_reply_is_stored(
    sandbox: Sandbox, application: Application
) -> None:
    chat, alice = sandbox.add_chat("Fact desk"), sandbox.add_user("Alice", "alice")
    sent = sandbox.send(chat, alice, "water is wet")
    await sandbox.wait_idle(timeout=5)
    [reply] = sandbox.bot_messages(chat)
    assert reply.text == "Echo: water is wet"
    assert reply.html == "<b>Echo:</b> water is wet"
    assert reply.entities == [{"type": "bold", "offset": 0, "length": 5}]
    assert reply.reply_to is sent
    assert reply.button_labels == ["✅ True", "❌ False"]
    assert sandbox.find_bot_message(chat, "WATER") is reply


async def test_offset_acknowledges_earlier_updates(sandbox: Sandbox, bot: Bot) -> None:
    chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
    for text in ("one", "two", "three"):
        sandbox.send(chat, alice, text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()


async def test_long_poll_returns_as_soon_as_an_update_arrives(sandbox: Sandbox, bot: Bot) -> None:
    chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
    asyncio.get_running_loop().call_later(0.2, lambda: sandbox.send(chat, alice, "late"))
    started = asyncio.get_running_loop().time()
    updates = await bot.get_updates(timeout=5)
    assert [u.message.text for u in updates if u.message] == ["late"]
    assert asyncio.get_running_loop().time() - started < 2


async def test_button_press_reaches_callback_handler_and_is_answered(
    sandbox: Sandbox, application: Application
) -> None:
    chat, bob = sandbox.add_chat("Fact desk"), sandbox.add_user("Bob")
    sandbox.send(chat, bob, "the sky is green")
    await sandbox.wait_idle(timeout=5)
    card = sandbox.find_bot_message(chat, "sky")
    assert card is not None
    query_id = sandbox.press(bob, card, "false")
    await sandbox.wait_idle(timeout=5)
    assert sandbox.answers_for(query_id) == [{"text": "Voted false", "show_alert": False}]
    assert card.text == "Voted: v:1:false" and card.edit_date is not None
    methods = [call.method for call in sandbox.calls(method="answerCallbackQuery")]
    assert methods == ["answerCallbackQuery"]
    with pytest.raises(LookupError):
        sandbox.press(bob, card, "Maybe")


async def test_invalid_requests_fail_like_telegram(sandbox: Sandbox, bot: Bot) -> None:
    chat = sandbox.add_chat("Desk")
    cases = [
        ({"text": ""}, "Message text is empty"),
        ({"text": "x" * 4097}, "Message is too long"),
        ({"text": "<b>open", "parse_mode": "HTML"}, "Can't parse entities"),
        ({"text": "a <c> b", "parse_mode": "HTML"}, 'unsupported start tag "c"'),
        (
            {"text": "hi", "reply_markup": InlineKeyboardMarkup(
                [[InlineKeyboardButton("x", callback_data="d" * 65)]])},
            "Button_data_invalid",
        ),
    ]  # fmt: skip
    for kwargs, expected in cases:
        with pytest.raises(BadRequest, match=f"(?i){expected}"):
            await bot.send_message(chat.id, **kwargs)
    assert len((await bot.send_message(chat.id, "x" * 4096)).text) == 4096
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-100123, "hello")
    sent = await bot.send_message(chat.id, "same", reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("same", chat.id, sent.message_id, reply_markup=KEYBOARD)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("new", chat.id, 9999)
    edited = await bot.edit_message_text("new", chat.id, sent.message_id)
    assert edited.reply_markup is None  # no reply_markup in an edit removes the keyboard
    errors = [call.error for call in sandbox.calls(method="sendMessage") if call.error]
    assert errors[0] == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: message text is empty",
    }


async def test_kicked_bot_is_forbidden_and_told(sandbox: Sandbox, bot: Bot) -> None:
    chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
    sandbox.add_member(chat, alice, "creator")
    sandbox.remove_bot(chat)
    [update] = await bot.get_updates()
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    assert update.my_chat_member.from_user.id == alice.id
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(chat.id, "anyone?")
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(alice.id, "hi")  # she never opened a private chat
    sandbox.private_chat(alice)
    assert (await bot.send_message(alice.id, "hi")).chat.type == "private"


async def test_members_and_administrators_come_from_state(sandbox: Sandbox, bot: Bot) -> None:
    chat, alice, bob = sandbox.add_chat("Desk"), sandbox.add_user("Alice"), sandbox.add_user("Bob")
    sandbox.add_member(chat, alice, "administrator")
    sandbox.add_member(chat, bob)
    admins = await bot.get_chat_administrators(chat.id)
    assert [member.user.id for member in admins] == [alice.id]
    assert (await bot.get_chat_member(chat.id, bob.id)).status == "member"
    assert (await bot.get_chat(chat.id)).title == "Desk"


async def test_forum_topics_and_migration(sandbox: Sandbox, bot: Bot) -> None:
    forum, alice = sandbox.add_chat("Forum", is_forum=True), sandbox.add_user("Alice")
    asked = sandbox.send(forum, alice, "/status", thread_id=5001)
    sent = await bot.send_message(forum.id, "Queue", reply_to_message_id=asked.message_id)
    assert (sent.message_thread_id, sent.is_topic_message) == (5001, True)
    group = sandbox.add_chat("Old group", "group")
    supergroup = sandbox.migrate(group)
    updates = await bot.get_updates()
    assert updates[-2].message.migrate_to_chat_id == supergroup.id
    assert updates[-1].message.migrate_from_chat_id == group.id
    with pytest.raises(ChatMigrated) as raised:
        await bot.send_message(group.id, "hello")
    assert raised.value.new_chat_id == supergroup.id


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_simulation_answers_429(sandbox: Sandbox, bot: Bot) -> None:
    chat = sandbox.add_chat("Desk")
    sandbox.set_rate_limit(2)
    await bot.send_message(chat.id, "one")
    await bot.send_message(chat.id, "two")
    with pytest.raises(RetryAfter):
        await bot.send_message(chat.id, "three")


async def test_commands_are_kept_per_scope(sandbox: Sandbox, bot: Bot) -> None:
    from telegram import BotCommand, BotCommandScopeAllGroupChats

    await bot.set_my_commands([BotCommand("status", "Queue")], scope=BotCommandScopeAllGroupChats())
    assert sandbox.commands("all_group_chats") == [{"command": "status", "description": "Queue"}]
    assert await bot.get_my_commands() == ()
    assert (await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()))[0].command == "status"


async def test_documents_upload_and_download(sandbox: Sandbox, bot: Bot) -> None:
    chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
    sent = await bot.send_document(
        chat.id, b"claim,verdict\n", filename="export.csv", caption="Export"
    )
    [message] = sandbox.bot_messages(chat)
    assert message.document and message.document["file_name"] == "export.csv"
    assert message.caption == "Export" and sent.document is not None
    assert sandbox.state.files[sent.document.file_id].content == b"claim,verdict\n"
    sandbox.send(chat, alice, document=("article.txt", "Текст статті".encode(), "text/plain"))
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    file = await update.message.document.get_file()
    assert bytes(await file.download_as_bytearray()) == "Текст статті".encode()


async def test_webhook_delivery_with_secret_and_retry(sandbox: Sandbox, bot: Bot) -> None:
    received: list[tuple[str | None, dict]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response(status=500 if len(received) == 1 else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret")
        with pytest.raises(Conflict):
            await bot.get_updates()
        chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
        update_id = sandbox.send(chat, alice, "hooked") and sandbox.state.updates[-1]["update_id"]
        await sandbox.wait_idle(timeout=5)
        assert len(received) == 2  # first answer was a 500: delivered again
        assert {secret for secret, _ in received} == {"s3cret"}
        assert received[-1][1]["update_id"] == update_id
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0 and "500" in (info.last_error_message or "")
        await bot.delete_webhook()
        assert (await bot.get_webhook_info()).url == ""
    finally:
        await runner.cleanup()


async def test_control_api_drives_the_sandbox_over_http(sandbox: Sandbox, bot: Bot) -> None:
    async with aiohttp.ClientSession(base_url=sandbox.url) as http:

        async def post(path: str, body: dict) -> dict:
            async with http.post(path, json=body) as response:
                return (await response.json())["result"]

        chat = await post("/sandbox/chats", {"title": "Remote desk"})
        user = await post("/sandbox/users", {"first_name": "Remote", "username": "remote"})
        await post("/sandbox/members", {"chat_id": chat["id"], "user_id": user["id"]})
        await post(
            "/sandbox/messages", {"chat_id": chat["id"], "user_id": user["id"], "text": "hi"}
        )
        raw = await post("/sandbox/updates", {"message": {"message_id": 99, "date": 0,
                         "chat": chat, "text": "raw"}})  # fmt: skip
        updates = await bot.get_updates()
        assert [u.message.text for u in updates if u.message] == ["hi", "raw"]
        assert updates[-1].update_id == raw["update_id"]
        card = await bot.send_message(chat["id"], "Card", reply_markup=KEYBOARD)
        pressed = await post("/sandbox/press", {"chat_id": chat["id"], "user_id": user["id"],
                             "message_id": card.message_id, "button": "true"})  # fmt: skip
        [query_update] = await bot.get_updates(offset=updates[-1].update_id + 1)
        assert query_update.callback_query.id == pressed["callback_query_id"]
        async with http.get(
            "/sandbox/messages", params={"chat_id": chat["id"], "from_bot": "1"}
        ) as r:
            [stored] = (await r.json())["result"]
        assert stored["buttons"] == ["✅ True", "❌ False"]
        async with http.get("/sandbox/calls", params={"since": 0, "method": "sendMessage"}) as r:
            [call] = (await r.json())["result"]
        assert call["params"]["text"] == "Card" and call["result"]["message_id"] == card.message_id
        assert await post("/sandbox/reset", {}) is True
    assert sandbox.state.chats == {} and sandbox.calls() == []


async def test_document_bytes_in_control_api(sandbox: Sandbox, bot: Bot) -> None:
    chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
    body = {"chat_id": chat.id, "user_id": alice.id, "document": {
        "filename": "a.md", "content_base64": base64.b64encode(b"# Title").decode()}}  # fmt: skip
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{sandbox.url}/sandbox/messages", json=body) as response:
            assert (await response.json())["result"]["document"]["file_name"] == "a.md"


async def test_html_is_stored_raw_and_as_text_with_utf16_entities(
    sandbox: Sandbox, bot: Bot
) -> None:
    chat = sandbox.add_chat("Desk")
    html = '🙂 <b>bold</b> &lt;x&gt; <a href="https://e.org/?a=1&amp;b=2">link</a>'
    sent = await bot.send_message(chat.id, html, parse_mode="HTML")
    [stored] = sandbox.bot_messages(chat)
    assert stored.html == html and stored.text == sent.text == "🙂 bold <x> link"
    assert stored.entities == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "url": "https://e.org/?a=1&b=2", "offset": 12, "length": 4},
    ]
    spoiler = '<span class="tg-spoiler">s</span> <pre><code class="language-py">x</code></pre>'
    assert (await bot.send_message(chat.id, spoiler, parse_mode="HTML")).text == "s x"
    with pytest.raises(BadRequest, match=r"(?i)unmatched end tag"):
        await bot.send_message(chat.id, "<b><i>x</b></i>", parse_mode="HTML")


async def test_update_ids_only_grow_after_a_raw_update(sandbox: Sandbox, bot: Bot) -> None:
    chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
    raw_id = sandbox.push_update({"update_id": 900000006, "message": {
        "message_id": 1, "date": 0, "chat": chat.to_api(), "text": "raw"}})  # fmt: skip
    sandbox.send(chat, alice, "after")
    first = await bot.get_updates()
    assert [u.update_id for u in first] == [raw_id, raw_id + 1]
    assert await bot.get_updates(offset=raw_id + 2) == ()


async def test_second_poller_ends_the_first_with_conflict(sandbox: Sandbox, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with Bot(sandbox.token, base_url=sandbox.base_url) as other:  # another bot process
        assert await other.get_updates(timeout=0) == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first
