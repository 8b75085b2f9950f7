"""Control API under /sandbox/: drive the sandbox over HTTP (a bot in another process)."""

from __future__ import annotations

import base64
import json
from typing import Any, Protocol

from aiohttp import web

from bot.sandbox.encoding import NOT_UNICODE, lone_surrogate_at
from bot.sandbox.state import CallRecord, Chat, Message, SandboxState, User


class Sandbox(Protocol):
    """What the control API drives: `bot.sandbox.core.Sandbox` (named here as a protocol so
    that the sandbox, which mounts these routes, and this module do not import each other)."""

    state: SandboxState

    def push_update(self, raw: dict[str, Any]) -> int: ...
    def calls(self, since: int = 0, method: str | None = None) -> list[CallRecord]: ...
    async def reset(self) -> None: ...
    def add_chat(
        self, title: str, type: str = "supergroup", is_forum: bool = False, *,
        bot_status: str | None = "member",
    ) -> Chat: ...  # fmt: skip
    def add_user(
        self, first_name: str, username: str | None = None, last_name: str | None = None
    ) -> User: ...
    def private_chat(self, user: User) -> Chat: ...
    def add_member(
        self, chat: Chat, user: User, status: str = "member", *, notify: bool = False,
        by: User | None = None,
    ) -> None: ...  # fmt: skip
    def send(
        self, chat: Chat, user: User, text: str | None = None, *,
        entities: list[dict[str, Any]] | None = None,
        forward_origin: dict[str, Any] | None = None, caption: str | None = None,
        photo: bool | bytes = False, document: tuple[str, bytes, str] | None = None,
        reply_to: Message | None = None, thread_id: int | None = None,
        sender_chat: dict[str, Any] | None = None, voice: bytes | None = None,
        video_note: bytes | None = None, video: tuple[str, bytes] | None = None,
        duration: int = 5, media_group_id: str | None = None,
        sticker: dict[str, Any] | None = None,
    ) -> Message: ...  # fmt: skip
    def send_album(
        self, chat: Chat, user: User, items: list[tuple[bytes, str | None]], *,
        forward_origin: dict[str, Any] | None = None, as_documents: bool = False,
    ) -> list[Message]: ...  # fmt: skip
    def messages(self, chat: Chat) -> list[Message]: ...
    def press(self, user: User, message: Message, button: str) -> str: ...
    def press_data(self, user: User, message: Message, data: str) -> str: ...
    def answers_for(self, callback_id: str) -> list[dict[str, Any]]: ...
    async def wait_idle(self, timeout: float = 10.0, quiet: float = 0.3) -> None: ...  # noqa: ASYNC109
    def set_rate_limit(self, per_minute: int | None) -> None: ...
    def set_callback_answer_window(self, seconds: float | None) -> None: ...


def ok(result: Any) -> web.Response:
    """A success answer in the Bot API's envelope."""
    return web.json_response({"ok": True, "result": result}, dumps=readable_json)


def readable_json(value: Any) -> str:
    """JSON with emoji and Cyrillic left readable."""
    return json.dumps(value, ensure_ascii=False)


def fail(status: int, description: str) -> web.Response:
    """An error answer in the Bot API's envelope."""
    return web.json_response(
        {"ok": False, "error_code": status, "description": description}, status=status
    )


def message_view(message: Message) -> dict[str, Any]:
    """A stored message for the control API: the Bot API shape plus the raw HTML and buttons."""
    return {**message.to_api(), "html": message.html, "buttons": message.button_labels}


def add_control_routes(app: web.Application, sandbox: Sandbox) -> None:
    """Register every /sandbox/ endpoint (documented in docs/sandbox.md)."""

    def chat_of(body: dict[str, Any]) -> Chat:
        chat = sandbox.state.chats.get(int(body["chat_id"]))
        if chat is None:
            raise web.HTTPNotFound(text="chat not found")
        return chat

    def user_of(body: dict[str, Any], key: str = "user_id") -> User:
        user = sandbox.state.users.get(int(body[key]))
        if user is None:
            raise web.HTTPNotFound(text="user not found")
        return user

    def message_of(chat: Chat, message_id: Any) -> Message:
        message = sandbox.state.get_message(chat.id, int(message_id))
        if message is None:
            raise web.HTTPNotFound(text="message not found")
        return message

    async def body_of(request: web.Request) -> dict[str, Any]:
        body = await request.json() if request.can_read_body else {}
        # Telegram never delivers text that is not Unicode: a lone surrogate (a valid JSON
        # escape) stored here would make every later getUpdates unencodable, so it stops here.
        where = lone_surrogate_at(body)
        if where is not None:
            raise web.HTTPBadRequest(
                text=readable_json(
                    {"ok": False, "error_code": 400, "description": f"{NOT_UNICODE} ({where})"}
                ),
                content_type="application/json",
            )
        return body

    async def post_update(request: web.Request) -> web.Response:
        return ok({"update_id": sandbox.push_update(await body_of(request))})

    async def get_calls(request: web.Request) -> web.Response:
        since = int(request.query.get("since", 0))
        calls = sandbox.calls(since, request.query.get("method"))
        return ok([call.to_api() for call in calls])

    async def post_reset(request: web.Request) -> web.Response:
        await sandbox.reset()
        return ok(True)

    async def post_chat(request: web.Request) -> web.Response:
        body = await body_of(request)
        chat = sandbox.add_chat(
            body.get("title", "Fact desk"),
            body.get("type", "supergroup"),
            bool(body.get("is_forum", False)),
            bot_status=body.get("bot_status", "member"),
        )
        return ok(chat.to_api())

    async def post_user(request: web.Request) -> web.Response:
        body = await body_of(request)
        user = sandbox.add_user(body["first_name"], body.get("username"), body.get("last_name"))
        if body.get("private_chat"):
            sandbox.private_chat(user)
        return ok(user.to_api())

    async def post_member(request: web.Request) -> web.Response:
        body = await body_of(request)
        chat, user = chat_of(body), user_of(body)
        sandbox.add_member(
            chat, user, body.get("status", "member"), notify=bool(body.get("notify"))
        )
        return ok(True)

    async def post_message(request: web.Request) -> web.Response:
        body = await body_of(request)
        chat, user = chat_of(body), user_of(body)
        document = body.get("document")
        photo = body.get("photo")
        message = sandbox.send(
            chat,
            user,
            body.get("text"),
            forward_origin=body.get("forward_origin"),
            caption=body.get("caption"),
            # "photo": true gives stub sizes; {"content_base64": …} a real, downloadable image
            photo=base64.b64decode(photo["content_base64"])
            if isinstance(photo, dict)
            else bool(photo),
            document=(
                document["filename"],
                base64.b64decode(document["content_base64"]),
                document.get("mime_type", "text/plain"),
            )
            if document
            else None,
            reply_to=message_of(chat, body["reply_to_message_id"])
            if body.get("reply_to_message_id")
            else None,
            thread_id=body.get("message_thread_id"),
            media_group_id=body.get("media_group_id"),
        )
        return ok(message_view(message))

    async def post_album(request: web.Request) -> web.Response:
        body = await body_of(request)
        chat, user = chat_of(body), user_of(body)
        items = [
            (base64.b64decode(item["content_base64"]), item.get("caption"))
            for item in body["items"]
        ]
        sent = sandbox.send_album(chat, user, items, forward_origin=body.get("forward_origin"))
        return ok([message_view(message) for message in sent])

    async def get_messages(request: web.Request) -> web.Response:
        chat = chat_of(dict(request.query))
        found = sandbox.messages(chat)
        if request.query.get("from_bot") in ("1", "true"):
            found = [message for message in found if message.from_bot]
        return ok([message_view(message) for message in found])

    async def post_press(request: web.Request) -> web.Response:
        body = await body_of(request)
        chat, user = chat_of(body), user_of(body)
        message = message_of(chat, body["message_id"])
        try:
            if "data" in body:
                query_id = sandbox.press_data(user, message, body["data"])
            else:
                query_id = sandbox.press(user, message, body["button"])
        except LookupError as error:
            return fail(400, str(error))
        return ok({"callback_query_id": query_id})

    async def get_answers(request: web.Request) -> web.Response:
        return ok(sandbox.answers_for(request.query["callback_query_id"]))

    async def post_idle(request: web.Request) -> web.Response:
        body = await body_of(request)
        try:
            await sandbox.wait_idle(float(body.get("timeout", 10)))
        except TimeoutError as error:
            return fail(408, str(error))
        return ok(True)

    async def get_state(request: web.Request) -> web.Response:
        state = sandbox.state
        return ok(
            {
                "bot": state.bot.to_api(),
                "chats": [chat.to_api() for chat in state.chats.values()],
                "users": [user.to_api() for user in state.users.values()],
                "members": {
                    str(chat_id): [m.to_api() for m in members.values()]
                    for chat_id, members in state.members.items()
                },
                "commands": state.commands,
                "pending_updates": len(state.updates),
                "webhook": {"url": state.webhook.url, "error": state.webhook.last_error_message},
            }
        )

    async def post_settings(request: web.Request) -> web.Response:
        body = await body_of(request)
        if "rate_limit_per_minute" in body:
            sandbox.set_rate_limit(body["rate_limit_per_minute"])
        if "callback_answer_seconds" in body:
            sandbox.set_callback_answer_window(body["callback_answer_seconds"])
        return ok(
            {
                "rate_limit_per_minute": sandbox.state.rate_limit_per_minute,
                "callback_answer_seconds": sandbox.state.callback_answer_seconds,
            }
        )

    app.router.add_post("/sandbox/updates", post_update)
    app.router.add_get("/sandbox/calls", get_calls)
    app.router.add_post("/sandbox/reset", post_reset)
    app.router.add_post("/sandbox/chats", post_chat)
    app.router.add_post("/sandbox/users", post_user)
    app.router.add_post("/sandbox/members", post_member)
    app.router.add_post("/sandbox/messages", post_message)
    app.router.add_get("/sandbox/messages", get_messages)
    app.router.add_post("/sandbox/albums", post_album)
    app.router.add_post("/sandbox/press", post_press)
    app.router.add_get("/sandbox/answers", get_answers)
    app.router.add_post("/sandbox/idle", post_idle)
    app.router.add_get("/sandbox/state", get_state)
    app.router.add_post("/sandbox/settings", post_settings)
