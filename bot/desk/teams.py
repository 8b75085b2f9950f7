"""Team bookkeeping: the group a team lives in, who was seen in it, and its chat moving."""

from __future__ import annotations

import logging
import time

from bot.desk.people import KnownNames, Member
from storage import teams as team_q
from storage.db import Database
from storage.models import Team, stored_id

log = logging.getLogger(__name__)


class SeenMembers:
    """Who this process recorded recently, so a chatty group does not write on every message."""

    def __init__(self, ttl: float = 600.0, limit: int = 50_000) -> None:
        self.ttl = ttl
        self.limit = limit
        self._seen: dict[tuple[int, int], float] = {}

    def needs_recording(self, chat_id: int, user_id: int) -> bool:
        """True (and remembered) when the member was not recorded within the last `ttl` s."""
        now = time.monotonic()
        key = (chat_id, user_id)
        if now - self._seen.get(key, -self.ttl) < self.ttl:
            return False
        if len(self._seen) >= self.limit:
            self._seen.clear()
        self._seen[key] = now
        return True


class Teams:
    """Creates teams on first sight, records members, follows a group's changes of chat."""

    def __init__(
        self, db: Database, *, names: KnownNames | None = None, seen: SeenMembers | None = None
    ) -> None:
        self.db = db
        self.names = names or KnownNames()
        self.seen = seen or SeenMembers()

    async def joined(self, *, chat_id: int, title: str, chat_type: str, is_forum: bool) -> Team:
        """The team of a group chat the bot is in, created (or reactivated) on first sight."""
        async with self.db.write() as session:
            return await team_q.ensure_team(
                session, chat_id=chat_id, title=title, chat_type=chat_type, is_forum=is_forum
            )

    async def left(self, *, chat_id: int) -> None:
        """The bot left the group: stop posting there, keep its queue."""
        async with self.db.write() as session:
            await team_q.set_team_active(session, chat_id=chat_id, active=False)
        log.info("Removed from chat %s; its queue is kept", chat_id)

    async def migrated(self, *, old_chat_id: int, new_chat_id: int) -> bool:
        """The group became a supergroup (a new chat id): the team follows; False if none did."""
        async with self.db.write() as session:
            moved = await team_q.migrate_team(
                session, old_chat_id=old_chat_id, new_chat_id=new_chat_id
            )
        if moved:
            log.info("Team moved from chat %s to %s", old_chat_id, new_chat_id)
        return moved

    async def saw_member(
        self, member: Member, *, chat_id: int, title: str, chat_type: str, is_forum: bool
    ) -> bool:
        """Note who speaks in which team's group (to route their private forwards).

        Someone recorded in the last few minutes costs no write; returns whether one happened.
        """
        if not self.seen.needs_recording(chat_id, member.id):
            return False
        async with self.db.write() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            if team is None:
                team = await team_q.ensure_team(
                    session, chat_id=chat_id, title=title, chat_type=chat_type, is_forum=is_forum
                )
            await self.names.remember(session, member)
            await team_q.record_membership(session, team_id=stored_id(team), user_id=member.id)
        return True
