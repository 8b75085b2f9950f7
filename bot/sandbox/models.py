"""Bot API objects as the sandbox keeps them: users, chats, members, messages, files, calls."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

BOT_ID = 7000000001
BOT_USERNAME = "factdesk_bot"
BOT_FIRST_NAME = "Fact desk bot"


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
        elif self.status == "restricted":
            # Still in the group, but may not post: the fields PTB's ChatMemberRestricted needs.
            data.update(dict.fromkeys(RESTRICTED_RIGHTS, False))
            data.update(is_member=True, until_date=0)
        return data


RESTRICTED_RIGHTS = (
    "can_change_info", "can_invite_users", "can_pin_messages", "can_send_messages",
    "can_send_polls", "can_send_other_messages", "can_add_web_page_previews",
    "can_manage_topics", "can_send_audios", "can_send_documents", "can_send_photos",
    "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_edit_tag",
    "can_react_to_messages",
)  # fmt: skip
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
        rows: list[list[dict[str, Any]]] = self.reply_markup.get("inline_keyboard", [])
        return rows

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
    pressed_at: float = field(default_factory=time.monotonic)


@dataclass
class Webhook:
    """The webhook the bot set, and its delivery status."""

    url: str = ""
    secret_token: str | None = None
    last_error_date: int | None = None
    last_error_message: str | None = None
    max_connections: int = 40
