"""In-memory world of the sandbox: chats, users, members, messages, files, updates, calls."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

BOT_ID = 7000000001
BOT_USERNAME = "factdesk_bot"
BOT_FIRST_NAME = "Fact desk bot"

# Telegram's default when allowed_updates is empty: every type except these three.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def now() -> int:
    """Unix time in whole seconds, as Telegram dates are."""
    return int(time.time())


@dataclass
class User:
    """A Telegram user (or the bot itself)."""

    id: int
    first_name: str
    username: str | None = None
    last_name: str | None = None
    is_bot: bool = False
    language_code: str | None = "en"

    def to_api(self) -> dict[str, Any]:
        """Render as a Bot API User object."""
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code and not self.is_bot:
            data["language_code"] = self.language_code
        return data

    @property
    def display_name(self) -> str:
        """Name as a chat client shows it."""
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name


@dataclass
class Chat:
    """A chat: private, group, supergroup (maybe a forum) or channel."""

    id: int
    type: str
    title: str | None = None
    is_forum: bool = False
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    def to_api(self) -> dict[str, Any]:
        """Render as a Bot API Chat object."""
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class Member:
    """A user's membership of a chat."""

    user: User
    status: str = "member"  # creator, administrator, member, restricted, left, kicked

    def to_api(self) -> dict[str, Any]:
        """Render as a Bot API ChatMember object (the fields PTB requires per status)."""
        data: dict[str, Any] = {"status": self.status, "user": self.user.to_api()}
        if self.status == "creator":
            data["is_anonymous"] = False
        elif self.status == "administrator":
            data.update(dict.fromkeys(ADMIN_RIGHTS, True))
            data.update(can_be_edited=False, is_anonymous=False)
        elif self.status == "kicked":
            data["until_date"] = 0
        return data


ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
    "can_pin_messages",
    "can_manage_topics",
)


@dataclass
class Message:
    """A message in a chat, as the sandbox keeps it (current state, edits applied)."""

    chat: Chat
    message_id: int
    sender: User | None
    date: int
    text: str | None = None
    html: str | None = None  # the raw HTML the bot sent, when parse_mode was HTML
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    thread_id: int | None = None
    reply_to: Message | None = None
    edit_date: int | None = None
    document: dict[str, Any] | None = None
    photo: list[dict[str, Any]] | None = None
    forward_origin: dict[str, Any] | None = None
    sender_chat: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # service fields, link_preview_options
    reactions: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        """Whether the bot sent this message."""
        return self.sender is not None and self.sender.id == BOT_ID and self.sender.is_bot

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[list[dict[str, Any]]]:
        """Rows of inline keyboard buttons (empty when there is no keyboard)."""
        if not self.reply_markup:
            return []
        return self.reply_markup.get("inline_keyboard", [])

    @property
    def button_labels(self) -> list[str]:
        """Every button label, row by row."""
        return [button.get("text", "") for row in self.buttons for button in row]

    def to_api(self, *, nested: bool = False) -> dict[str, Any]:
        """Render as a Bot API Message object."""
        data: dict[str, Any] = {"message_id": self.message_id}
        if self.thread_id is not None:
            data["message_thread_id"] = self.thread_id
            if self.chat.is_forum:
                data["is_topic_message"] = True
        if self.sender is not None:
            data["from"] = self.sender.to_api()
        if self.sender_chat:
            data["sender_chat"] = self.sender_chat
        data["chat"] = self.chat.to_api()
        data["date"] = self.date
        if self.edit_date:
            data["edit_date"] = self.edit_date
        if self.forward_origin:
            data["forward_origin"] = self.forward_origin
        if self.reply_to is not None and not nested:
            data["reply_to_message"] = self.reply_to.to_api(nested=True)
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        if self.photo:
            data["photo"] = self.photo
        if self.document:
            data["document"] = self.document
        if self.caption is not None:
            data["caption"] = self.caption
            if self.caption_entities:
                data["caption_entities"] = self.caption_entities
        data.update(self.extra)
        if self.reply_markup and self.buttons:
            data["reply_markup"] = self.reply_markup
        return data


@dataclass
class StoredFile:
    """A file known to the sandbox: sent by a user or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    filename: str
    mime_type: str

    def to_document(self) -> dict[str, Any]:
        """Render as a Bot API Document object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.filename,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }


@dataclass
class CallRecord:
    """One Bot API call the bot made, with its outcome."""

    index: int
    method: str
    params: dict[str, Any]
    time: float
    result: Any = None
    error: dict[str, Any] | None = None

    def to_api(self) -> dict[str, Any]:
        """Render for the control API."""
        data = {
            "index": self.index,
            "method": self.method,
            "params": self.params,
            "time": self.time,
        }
        data.update({"error": self.error} if self.error else {"result": self.result})
        return data


@dataclass
class CallbackRecord:
    """A callback query a user made, and the bot's answers to it."""

    id: str
    user: User
    message: Message
    data: str
    answers: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Webhook:
    """The webhook the bot set, and its delivery status."""

    url: str = ""
    secret_token: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    max_connections: int = 40


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
        self.migrated: dict[int, int] = {}  # old group id -> supergroup id
        self.sent_times: dict[int, list[float]] = {}
        self.in_flight = 0  # Bot API requests being served (long polls excluded)
        self.last_activity = 0.0  # monotonic time of the last non-polling call or acknowledgement
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(100000001)
        self._update_event = asyncio.Event()

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
            update["update_id"] = next(self._update_ids)
        self.updates.append(update)
        self.updates.sort(key=lambda item: item["update_id"])
        self.pushed_update_ids.add(update["update_id"])
        self.notify()
        return update["update_id"]

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
