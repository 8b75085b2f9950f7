"""In-memory world of the sandbox: chats, users, members, messages, files, updates, calls."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

from bot.sandbox.models import (
    BOT_FIRST_NAME,
    BOT_ID,
    BOT_USERNAME,
    CallbackRecord,
    CallRecord,
    Chat,
    Member,
    Message,
    StoredFile,
    User,
    Webhook,
)

__all__ = [
    "BOT_ID",
    "CallRecord",
    "CallbackRecord",
    "Chat",
    "Member",
    "Message",
    "SandboxState",
    "StoredFile",
    "User",
    "Webhook",
    "now",
    "update_type",
]

# Telegram's default when allowed_updates is empty: every type except these three.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def now() -> int:
    """Unix time in whole seconds, as Telegram dates are."""
    return int(time.time())


class SandboxState:
    """Everything the sandbox knows; methods and the in-process API both work on it."""

    def __init__(self) -> None:
        self.bot = User(BOT_ID, BOT_FIRST_NAME, username=BOT_USERNAME, is_bot=True)
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, User] = {self.bot.id: self.bot}
        self.members: dict[int, dict[int, Member]] = {}
        self.messages: dict[int, dict[int, Message]] = {}
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackRecord] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.calls: list[CallRecord] = []
        self.updates: list[dict[str, Any]] = []  # pending: not yet confirmed by the bot
        self.pushed_update_ids: set[int] = set()
        self.allowed_updates: list[str] = []
        self.webhook = Webhook()
        self.rate_limit_per_minute: int | None = None  # off unless a test turns it on
        # Telegram refuses answers to callback queries older than ~15 s; None: never refuses.
        self.callback_answer_seconds: float | None = None
        self.migrated: dict[int, int] = {}  # old group id -> supergroup id
        self.blocked_by: set[int] = set()  # users who blocked the bot: 403 in their private chat
        self.sent_times: dict[int, list[float]] = {}
        self.poll_generation = 0  # which getUpdates call is the current one
        self.in_flight = 0  # Bot API requests being served (long polls excluded)
        self.last_activity = 0.0  # monotonic time of the last non-polling call or acknowledgement
        self._ids = itertools.count(1)
        self._next_update_id = 100000001
        self._update_event = asyncio.Event()
        self.closing = False  # the server is stopping: long polls answer at once

    def next_id(self) -> int:
        """A fresh number for users, chats, files and callback queries."""
        return next(self._ids)

    def next_message_id(self, chat_id: int) -> int:
        """Message ids count per chat, as in Telegram."""
        existing = self.messages.setdefault(chat_id, {})
        return max(existing, default=0) + 1

    def store_message(self, message: Message) -> Message:
        """Keep a message in its chat."""
        self.messages.setdefault(message.chat.id, {})[message.message_id] = message
        return message

    def get_message(self, chat_id: int, message_id: int) -> Message | None:
        """A live (not deleted) message, or None."""
        message = self.messages.get(chat_id, {}).get(message_id)
        return None if message is None or message.deleted else message

    def member(self, chat_id: int, user_id: int) -> Member | None:
        """A user's membership of a chat, if the sandbox knows it."""
        return self.members.get(chat_id, {}).get(user_id)

    def set_member(self, chat: Chat, user: User, status: str) -> tuple[Member | None, Member]:
        """Set a membership; return the old and the new one."""
        old = self.member(chat.id, user.id)
        new = Member(user, status)
        self.members.setdefault(chat.id, {})[user.id] = new
        return old, new

    # -- updates ---------------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for the bot; assign update_id when absent."""
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        # ids only grow, so an offset past a raw update never swallows a later one
        self._next_update_id = max(self._next_update_id, int(update["update_id"]) + 1)
        self.updates.append(update)
        self.updates.sort(key=lambda item: item["update_id"])
        self.pushed_update_ids.add(update["update_id"])
        self.notify()
        update_id: int = update["update_id"]
        return update_id

    def notify(self) -> None:
        """Wake long polls and the webhook deliverer."""
        self._update_event.set()
        self._update_event = asyncio.Event()

    def update_event(self) -> asyncio.Event:
        """An event set at the next change of the update queue."""
        return self._update_event

    def confirm_before(self, offset: int) -> None:
        """Drop pending updates with update_id below offset (getUpdates acknowledgement)."""
        kept = [item for item in self.updates if item["update_id"] >= offset]
        if len(kept) != len(self.updates):
            self.last_activity = time.monotonic()  # give the bot's handlers time to start
        self.updates = kept

    def confirm(self, update_id: int) -> None:
        """Drop one delivered update (webhook 2xx)."""
        self.updates = [item for item in self.updates if item["update_id"] != update_id]
        self.last_activity = time.monotonic()

    def deliverable(self) -> list[dict[str, Any]]:
        """Pending updates the bot subscribed to; drop the rest as Telegram never sends them."""
        allowed = set(self.allowed_updates)
        kept = [item for item in self.updates if update_type(item) in allowed or not allowed]
        if not allowed:
            kept = [item for item in kept if update_type(item) not in OPT_IN_UPDATES]
        self.updates = kept
        return list(kept)

    def record_call(self, method: str, params: dict[str, Any]) -> CallRecord:
        """Log a Bot API call; the outcome is filled in when known."""
        record = CallRecord(len(self.calls), method, params, time.time())
        self.calls.append(record)
        return record


def update_type(update: dict[str, Any]) -> str:
    """The kind of an Update: its one key besides update_id."""
    return next((key for key in update if key != "update_id"), "")
