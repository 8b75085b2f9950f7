"""The Bot API's envelope: parameters in, errors out, and the registry of methods."""

from __future__ import annotations

import builtins
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.state import Chat, SandboxState


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description and optional ResponseParameters."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_api(self) -> dict[str, Any]:
        """Render as Telegram's error body."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(text: str) -> ApiError:
    """A 400 with Telegram's "Bad Request: " prefix."""
    return ApiError(400, f"Bad Request: {text}")


@dataclass
class Params:
    """Request parameters: strings from forms (maybe JSON-encoded) or values from a JSON body."""

    values: dict[str, Any]
    files: dict[str, tuple[str, bytes, str]] = field(default_factory=dict)

    def str(self, name: str) -> str | None:
        """A string parameter."""
        value = self.values.get(name)
        return None if value is None else str(value)

    def int(self, name: builtins.str, *, required: builtins.bool = False) -> builtins.int | None:
        """An integer parameter."""
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty" if name != "chat_id" else "chat not found")
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def float(self, name: builtins.str) -> builtins.float | None:
        """A number parameter."""
        value = self.values.get(name)
        return None if value in (None, "") else float(value)

    def bool(self, name: builtins.str) -> bool:
        """A boolean parameter ("true"/"false" in forms)."""
        value = self.values.get(name)
        return value is True or str(value).lower() in ("true", "1")

    def json(self, name: builtins.str) -> Any:
        """An object parameter: forms carry it JSON-encoded, JSON bodies carry it as is."""
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value


Handler = Callable[[SandboxState, Params], Any | Awaitable[Any]]
METHODS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a method under its case-insensitive Bot API name."""

    def register(function: Handler) -> Handler:
        METHODS[name.lower()] = function
        return function

    return register


def find_chat(state: SandboxState, params: Params) -> Chat:
    """The chat named by chat_id (a number or "@username")."""
    raw = params.str("chat_id")
    if raw and raw.startswith("@"):
        chat = next((c for c in state.chats.values() if c.username == raw[1:]), None)
    else:
        chat = state.chats.get(params.int("chat_id", required=True) or 0)
    if chat is None:
        user_id = params.int("chat_id") if not raw or not raw.startswith("@") else None
        if user_id and user_id in state.users and user_id != state.bot.id:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        raise bad_request("chat not found")
    if chat.id in state.migrated:
        raise ApiError(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": state.migrated[chat.id]},
        )
    return chat
