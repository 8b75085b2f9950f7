"""Simulated people and chats: build the world and act in it, each action pushing an update."""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox import media
from bot.sandbox.html import utf16_len
from bot.sandbox.state import (
    CallbackRecord,
    Chat,
    Member,
    Message,
    SandboxState,
    User,
    now,
)

URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\"'.,;:!?)\]]")
MENTION = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}")
COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?")


def detect_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram's server adds to user text: bot_command, url, mention (UTF-16)."""
    found: list[tuple[int, int, str]] = []
    command = COMMAND.match(text)
    if command:
        found.append((0, command.end(), "bot_command"))
    found += [(m.start(), m.end(), "url") for m in URL.finditer(text)]
    found += [(m.start(), m.end(), "mention") for m in MENTION.finditer(text)]
    return [
        {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(text[start:end])}
        for start, end, kind in sorted(found)
    ]


def origin(spec: dict[str, Any], state: SandboxState) -> dict[str, Any]:
    """A MessageOrigin: pass a full one through, or build it from {"channel": title, ...}."""
    if "type" in spec:
        return spec
    date = spec.get("date", now() - 3600)
    if "channel" in spec:
        title = spec["channel"]
        username = spec.get("username") or re.sub(r"\W", "", title).lower() or None
        chat = {"id": -1001000000000 - state.next_id(), "title": title, "type": "channel"}
        chat.update({"username": username} if username else {})
        built = {"type": "channel", "chat": chat, "message_id": spec.get("message_id", 4242)}
        built.update({"author_signature": spec["signature"]} if spec.get("signature") else {})
    elif "chat" in spec:
        chat = {"id": -1001000000000 - state.next_id(), "title": spec["chat"], "type": "supergroup"}
        built = {"type": "chat", "sender_chat": chat}
    elif "user" in spec:
        user = spec["user"]
        user_dict = user.to_api() if isinstance(user, User) else {
            "id": 900000 + state.next_id(), "is_bot": False, "first_name": str(user)
        }  # fmt: skip
        built = {"type": "user", "sender_user": user_dict}
    elif "hidden_user" in spec:
        built = {"type": "hidden_user", "sender_user_name": spec["hidden_user"]}
    else:
        raise ValueError(f"unknown forward origin: {spec!r}")
    return {**built, "date": date}


class World:
    """The in-process API for building chats and acting as users (mixed into Sandbox)."""

    state: SandboxState

    def add_user(
        self, first_name: str, username: str | None = None, last_name: str | None = None
    ) -> User:
        """A new simulated user."""
        user = User(100000 + self.state.next_id(), first_name, username, last_name)
        self.state.users[user.id] = user
        return user

    def add_chat(
        self,
        title: str,
        type: str = "supergroup",
        is_forum: bool = False,
        *,
        bot_status: str | None = "member",
    ) -> Chat:
        """A new group chat; the bot is in it (quietly) unless bot_status is None."""
        number = self.state.next_id()
        chat_id = -(1001987650000 + number) if type == "supergroup" else -(4012340000 + number)
        chat = Chat(chat_id, type, title=title, is_forum=is_forum and type == "supergroup")
        self.state.chats[chat.id] = chat
        if bot_status:
            self.state.set_member(chat, self.state.bot, bot_status)
        return chat

    def private_chat(self, user: User) -> Chat:
        """The user's private chat with the bot (id = user id, as in Telegram)."""
        chat = self.state.chats.get(user.id)
        if chat is None:
            chat = Chat(user.id, "private", first_name=user.first_name, last_name=user.last_name)
            chat.username = user.username
            self.state.chats[chat.id] = chat
        return chat

    def add_member(
        self, chat: Chat, user: User, status: str = "member", *, notify: bool = False,
        by: User | None = None,
    ) -> None:  # fmt: skip
        """Set a membership; with notify, the bot gets my_chat_member (bot), or chat_member and,
        for a join, the join message (Telegram sends chat_member to bots that are admins)."""
        old, _ = self.state.set_member(chat, user, status)
        if not notify:
            return
        actor = by or self._some_admin(chat) or user
        if user.id == self.state.bot.id:
            self._push_my_chat_member(chat, actor, old.status if old else "left", status)
            return
        self._push_chat_member(chat, actor, user, old.status if old else "left", status)
        if status in ("member", "administrator"):
            message = self._new_message(chat, actor)
            message.extra["new_chat_members"] = [user.to_api()]
            self.state.push_update({"message": self.state.store_message(message).to_api()})

    def send(
        self,
        chat: Chat,
        user: User,
        text: str | None = None,
        *,
        entities: list[dict[str, Any]] | None = None,
        forward_origin: dict[str, Any] | None = None,
        caption: str | None = None,
        photo: bool | bytes = False,
        document: tuple[str, bytes, str] | None = None,
        reply_to: Message | None = None,
        thread_id: int | None = None,
        sender_chat: dict[str, Any] | None = None,
        voice: bytes | None = None,
        video_note: bytes | None = None,
        video: tuple[str, bytes] | None = None,
        duration: int = 5,
        media_group_id: str | None = None,
        sticker: dict[str, Any] | None = None,
    ) -> Message:
        """A user posts a message; the bot gets a message update.

        `photo` is an image's bytes (re-encoded as Telegram does, see bot.sandbox.media) or
        True for stub sizes no file stands behind; `voice`, `video_note` and `video` are
        downloadable files of `duration` seconds; `media_group_id` makes it part of an album.
        """
        if chat.type != "private" and self.state.member(chat.id, user.id) is None:
            self.state.set_member(chat, user, "member")
        message = self._new_message(chat, user, reply_to=reply_to, thread_id=thread_id)
        message.sender_chat = sender_chat
        if forward_origin:
            message.forward_origin = origin(forward_origin, self.state)
        if text is not None:
            message.text = text
            message.entities = entities if entities is not None else detect_entities(text)
        if isinstance(photo, bytes):
            message.photo = media.photo_sizes(self.state, photo)
        elif photo:
            message.photo = [self._photo_size(320, 180), self._photo_size(1280, 720)]
        if document:
            name, content, mime = document
            stored = media.store_file(self.state, "documents", name, content, mime, "BQACAgIAAxkB")
            message.document = stored.to_document()
        if voice is not None:
            message.extra["voice"] = media.voice(self.state, voice, duration)
        if video_note is not None:
            message.extra["video_note"] = media.video_note(self.state, video_note, duration)
        if video is not None:
            message.extra["video"] = media.video(self.state, *video, duration)
        if media_group_id:
            message.extra["media_group_id"] = media_group_id
        if sticker is not None:  # a Sticker object as Telegram sends it
            message.extra["sticker"] = sticker
        if caption is not None:
            message.caption = caption
            message.caption_entities = detect_entities(caption)
        self.state.push_update({"message": self.state.store_message(message).to_api()})
        return message

    def send_album(
        self,
        chat: Chat,
        user: User,
        items: list[tuple[bytes, str | None]],
        *,
        forward_origin: dict[str, Any] | None = None,
        as_documents: bool = False,
    ) -> list[Message]:
        """A user sends an album: one message update per image, sharing a media_group_id.

        `items` are (image bytes, caption or None). Telegram delivers the parts as separate
        updates, close together; so does the sandbox (one forward origin for all of them).
        """
        group_id = str(13_000_000_000_000_000 + self.state.next_id())
        origin_spec = origin(forward_origin, self.state) if forward_origin else None
        sent = []
        for index, (content, caption) in enumerate(items, start=1):
            document = (f"image{index}.png", content, "image/png") if as_documents else None
            sent.append(
                self.send(
                    chat,
                    user,
                    forward_origin=origin_spec,
                    caption=caption,
                    photo=False if as_documents else content,
                    document=document,
                    media_group_id=group_id,
                )
            )
        return sent

    def edit(self, chat: Chat, user: User, message: Message, new_text: str) -> Message:
        """A user edits their message; the bot gets an edited_message update."""
        if message.sender is None or message.sender.id != user.id:
            raise ValueError("users can only edit their own messages")
        message.text, message.entities = new_text, detect_entities(new_text)
        message.edit_date = max(now(), message.date + 1)
        self.state.push_update({"edited_message": message.to_api()})
        return message

    def press(self, user: User, message: Message, button: str) -> str:
        """A user presses the first button whose label contains `button`; return the query id."""
        wanted = button.casefold()
        for row in message.buttons:
            for item in row:
                if wanted in str(item.get("text", "")).casefold() and "callback_data" in item:
                    return self.press_data(user, message, item["callback_data"])
        labels = ", ".join(message.button_labels) or "none"
        raise LookupError(f"no button containing {button!r} (buttons: {labels})")

    def press_data(self, user: User, message: Message, data: str) -> str:
        """A callback query with any data, even data no button carries."""
        query_id = str(4382000000000000 + self.state.next_id())
        self.state.callbacks[query_id] = CallbackRecord(query_id, user, message, data)
        query = {
            "id": query_id,
            "from": user.to_api(),
            "message": message.to_api(),
            "chat_instance": str(abs(message.chat.id) * 7 % 10**13),
            "data": data,
        }
        self.state.push_update({"callback_query": query})
        return query_id

    def push_update(self, raw: dict[str, Any]) -> int:
        """Queue a raw Update (update_id assigned when absent)."""
        return self.state.push_update(dict(raw))

    def migrate(self, chat: Chat, by: User | None = None) -> Chat:
        """Upgrade a group to a supergroup, with both service messages."""
        new = self.add_chat(chat.title or "", "supergroup", bot_status=None)
        for member in self.state.members.get(chat.id, {}).values():
            self.state.set_member(new, member.user, member.status)
        actor = by or self._some_admin(chat) or self.state.bot
        old_note = self._new_message(chat, actor)
        old_note.extra["migrate_to_chat_id"] = new.id
        self.state.push_update({"message": self.state.store_message(old_note).to_api()})
        self.state.migrated[chat.id] = new.id
        new_note = self._new_message(new, actor)
        new_note.extra["migrate_from_chat_id"] = chat.id
        self.state.push_update({"message": self.state.store_message(new_note).to_api()})
        return new

    def block_bot(self, user: User, blocked: bool = True) -> None:
        """The user blocks the bot (or unblocks it): sends to their private chat get 403."""
        if blocked:
            self.state.blocked_by.add(user.id)
        else:
            self.state.blocked_by.discard(user.id)

    def remove_bot(self, chat: Chat, by: User | None = None) -> None:
        """An admin kicks the bot; it gets my_chat_member with status kicked."""
        old = self.state.member(chat.id, self.state.bot.id)
        self.state.set_member(chat, self.state.bot, "kicked")
        actor = by or self._some_admin(chat) or self.state.bot
        self._push_my_chat_member(chat, actor, old.status if old else "member", "kicked")

    # -- helpers -------------------------------------------------------------------------------

    def _new_message(
        self, chat: Chat, user: User, *, reply_to: Message | None = None,
        thread_id: int | None = None,
    ) -> Message:  # fmt: skip
        """A message skeleton from a user."""
        message = Message(chat, self.state.next_message_id(chat.id), user, now(), reply_to=reply_to)
        message.thread_id = thread_id or (reply_to.thread_id if reply_to else None)
        return message

    def _some_admin(self, chat: Chat) -> User | None:
        """A human creator or administrator of the chat, to act as the actor of service events."""
        for member in self.state.members.get(chat.id, {}).values():
            if member.status in ("creator", "administrator") and not member.user.is_bot:
                return member.user
        return None

    def _push_chat_member(self, chat: Chat, actor: User, user: User, old: str, new: str) -> None:
        """Tell the bot a member's status changed."""
        event = {
            "chat": chat.to_api(),
            "from": actor.to_api(),
            "date": now(),
            "old_chat_member": Member(user, old).to_api(),
            "new_chat_member": Member(user, new).to_api(),
        }
        self.state.push_update({"chat_member": event})

    def _push_my_chat_member(self, chat: Chat, actor: User, old: str, new: str) -> None:
        """Tell the bot its own membership changed."""
        event = {
            "chat": chat.to_api(),
            "from": actor.to_api(),
            "date": now(),
            "old_chat_member": Member(self.state.bot, old).to_api(),
            "new_chat_member": Member(self.state.bot, new).to_api(),
        }
        self.state.push_update({"my_chat_member": event})

    def _photo_size(self, width: int, height: int) -> dict[str, Any]:
        """A PhotoSize entry for a photo message."""
        number = self.state.next_id()
        return {
            "file_id": f"AgACAgIAAxkBsandbox{number:06d}",
            "file_unique_id": f"AQADsb{number:04d}",
            "width": width,
            "height": height,
            "file_size": width * height // 10,
        }
