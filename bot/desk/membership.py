"""Who may act on a team's queue: current members of its group, as Telegram says.

The bot's own records (`storage.teams` memberships, written when someone speaks) say who *was*
seen in a group, not who is in it now: a member who left or was banned can still press buttons
on a public group's messages. So every team action asks Telegram (`getChatMember`) through a
`MemberDirectory`, caching each answer briefly; a `chat_member` update or a join/leave message
forgets the cached answer at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from bot.desk.errors import NotAMember
from bot.i18n import N_, Lazy

# Statuses of people in the group. "restricted" counts only while `is_member` is true (a
# restricted user can also be someone who left); "left" and "kicked" never count.
IN_GROUP = frozenset({"creator", "administrator", "member"})
MEMBER_CACHE_SECONDS = 60.0


@dataclass(frozen=True)
class MemberStatus:
    """A user's standing in a group, as Telegram reports it."""

    status: str  # creator, administrator, member, restricted, left, kicked
    is_member: bool = False  # Telegram's flag for restricted users

    @property
    def in_group(self) -> bool:
        """Whether this is a current member."""
        return self.status in IN_GROUP or (self.status == "restricted" and self.is_member)


class MemberDirectory(Protocol):
    """Asks Telegram about a user's membership of a group."""

    async def status(self, chat_id: int, user_id: int) -> MemberStatus | None:
        """The user's status; None for no such member; MembershipUnknown if Telegram won't say."""
        ...


class MemberGate:
    """Lets current members act on their team's queue and refuses everyone else, saying why."""

    def __init__(
        self, directory: MemberDirectory, *, ttl: float = MEMBER_CACHE_SECONDS, limit: int = 50_000
    ) -> None:
        self.directory = directory
        self.ttl = ttl
        self.limit = limit
        self._known: dict[tuple[int, int], tuple[float, bool]] = {}

    async def is_member(self, chat_id: int, user_id: int) -> bool:
        """Whether the user is in the group now (cached for `ttl` seconds).

        The directory raises MembershipUnknown when Telegram cannot answer; nothing is cached then.
        """
        key = (chat_id, user_id)
        now = time.monotonic()
        cached = self._known.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        found = await self.directory.status(chat_id, user_id)
        member = found is not None and found.in_group
        if len(self._known) >= self.limit:
            self._known.clear()
        self._known[key] = (now, member)
        return member

    async def require(self, *, chat_id: int, user_id: int, team: str, action: Lazy) -> None:
        """Raise NotAMember ("Only members of <team> can <action>.") unless the user is in.

        `action` is marked for translation (`N_("vote on its claims")`).
        """
        if not await self.is_member(chat_id, user_id):
            # TRANSLATORS: a group without a title, in "Only members of {team} can …".
            raise NotAMember(team or N_("this group"), action)

    def forget(self, chat_id: int, user_id: int) -> None:
        """Drop a cached answer (the user joined, left or was banned)."""
        self._known.pop((chat_id, user_id), None)
