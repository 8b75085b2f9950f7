"""Who is an editor: the group's administrators (asked of Telegram, cached) plus EDITOR_IDS."""

from __future__ import annotations

import logging
import time

from telegram import Bot, Chat, Message, User
from telegram.error import TelegramError

log = logging.getLogger(__name__)

# Telegram's account for messages sent "as the group" by an anonymous administrator.
ANONYMOUS_ADMIN_ID = 1087968824


class EditorCheck:
    """Answers "may this user act as an editor here?", caching each group's admin list."""

    def __init__(self, editor_ids: frozenset[int], *, ttl: float) -> None:
        self.editor_ids = editor_ids
        self.ttl = ttl
        self._admins: dict[int, tuple[float, frozenset[int]]] = {}

    async def is_editor(
        self, bot: Bot, chat: Chat, user: User | None, message: Message | None = None
    ) -> bool:
        """True for configured editors, group admins, and the anonymous admin of this group."""
        if user is None:
            return False
        if user.id in self.editor_ids:
            return True
        if message is not None and message.sender_chat is not None:
            # An anonymous admin posts as the group itself; only admins can do that.
            return message.sender_chat.id == chat.id
        if chat.type == Chat.PRIVATE:
            return False
        return user.id in await self._admin_ids(bot, chat.id)

    async def _admin_ids(self, bot: Bot, chat_id: int) -> frozenset[int]:
        """The group's administrators, from the cache or from Telegram."""
        cached = self._admins.get(chat_id)
        now = time.monotonic()
        if cached and now - cached[0] < self.ttl:
            return cached[1]
        try:
            admins = await bot.get_chat_administrators(chat_id)
        except TelegramError as error:
            log.warning("Could not read the admins of %s: %s", chat_id, error)
            return cached[1] if cached else frozenset()
        ids = frozenset(member.user.id for member in admins)
        self._admins[chat_id] = (now, ids)
        return ids
