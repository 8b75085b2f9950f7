"""Which language the bot speaks in a chat (issue 17).

A group speaks its team's language: the one an editor chose (/language, /settings), else the
one most of its members' Telegram clients report. A private chat speaks the user's choice
(/language in private), else their client's `language_code`. English when nothing we speak is
known. Answers are cached for `ttl` seconds (a choice made here takes effect at once; another
bot process sees it within the ttl).
"""

from __future__ import annotations

import time
from collections import Counter
from typing import TypeVar

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, supported
from storage import teams as team_q
from storage.db import Database

_T = TypeVar("_T")


def majority(codes: dict[str, int]) -> str | None:
    """The language we speak that most members' clients report (ties: in LANGUAGES order)."""
    counts: Counter[str] = Counter()
    for code, count in codes.items():
        language = supported(code)
        if language:
            counts[language] += count
    if not counts:
        return None
    return max(LANGUAGES, key=lambda language: (counts[language], -LANGUAGES.index(language)))


class Languages:
    """The language of each chat, looked up once per `ttl` and kept current on a change here."""

    def __init__(self, db: Database, *, ttl: float = 60.0, limit: int = 50_000) -> None:
        self.db = db
        self.ttl = ttl
        self.limit = limit
        self._groups: dict[int, tuple[float, str]] = {}
        self._users: dict[int, tuple[float, str | None, str | None]] = {}

    def _fresh(self, stamp: float) -> bool:
        return time.monotonic() - stamp < self.ttl

    async def of_group(self, chat_id: int, speaker_code: str | None = None) -> str:
        """The language of a team's group; `speaker_code` (the client language of whoever is
        speaking now) decides while no member's language is known yet (a new team)."""
        cached = self._groups.get(chat_id)
        if cached is not None and self._fresh(cached[0]):
            return cached[1]
        async with self.db.read() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            language = supported(team.language) if team is not None else None
            if language is None and team is not None and team.id is not None:
                language = majority(await team_q.member_languages(session, team_id=team.id))
        if language is None:
            # Nobody's language recorded yet: not worth caching (the first members are being
            # recorded now; see members_changed).
            return supported(speaker_code) or DEFAULT_LANGUAGE
        self._remember(self._groups, chat_id, (time.monotonic(), language))
        return language

    async def of_user(self, user_id: int, client_code: str | None = None) -> str:
        """The language of a user's private chat; `client_code` is what this update reports."""
        cached = self._users.get(user_id)
        if cached is None or not self._fresh(cached[0]):
            async with self.db.read() as session:
                chosen, stored = await team_q.user_languages(session, user_id=user_id)
            cached = (time.monotonic(), chosen, stored)
            self._remember(self._users, user_id, cached)
        _, chosen, stored = cached
        return supported(chosen) or supported(client_code) or supported(stored) or DEFAULT_LANGUAGE

    async def of_chat(self, chat_id: int) -> str:
        """The language of any chat the bot writes to (groups have negative ids)."""
        if chat_id < 0:
            return await self.of_group(chat_id)
        return await self.of_user(chat_id)

    async def set_group(self, chat_id: int, language: str | None) -> None:
        """An editor's choice for the group (None: back to most members')."""
        async with self.db.write() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            if team is not None and team.id is not None:
                await team_q.update_team_settings(session, team_id=team.id, language=language)
        self._groups.pop(chat_id, None)

    async def set_user(self, user_id: int, language: str | None) -> None:
        """A user's choice for their private chat (None: their client's)."""
        async with self.db.write() as session:
            await team_q.set_user_language(session, user_id=user_id, language=language)
        self._users.pop(user_id, None)

    def members_changed(self, chat_id: int) -> None:
        """Forget what is cached of a group: a member was recorded, the majority may move."""
        self._groups.pop(chat_id, None)

    def _remember(self, cache: dict[int, _T], key: int, value: _T) -> None:
        if len(cache) >= self.limit:
            cache.clear()
        cache[key] = value
