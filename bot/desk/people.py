"""Members as the services see them: who is acting, their names kept current, one display rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from storage import teams as team_q


@dataclass(frozen=True)
class Member:
    """Who is acting: a Telegram user as the services need them."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None  # what their Telegram client reports (issue 17)

    @classmethod
    def of(cls, user: Account) -> Member:
        """The member a Telegram user (or anything shaped like one) is."""
        code = getattr(user, "language_code", None)
        return cls(
            user.id,
            user.first_name,
            user.last_name,
            user.username,
            code if isinstance(code, str) else None,
        )


class Account(Protocol):
    """A Telegram user as it arrives: `telegram.User` has these (services never import it)."""

    @property
    def id(self) -> int: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str | None: ...
    @property
    def username(self) -> str | None: ...


class Named(Protocol):
    """Anything with a Telegram user's names: a `Member`, a stored `User`."""

    @property
    def id(self) -> int | None: ...
    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str | None: ...
    @property
    def username(self) -> str | None: ...


def display_name(person: Named | None, *, full: bool = False, user_id: int | None = None) -> str:
    """The one rule for showing a member: first name (with the last one when `full`),
    else @username, else the id; "someone" when nothing at all is known."""
    if person is not None:
        parts = (person.first_name, person.last_name) if full else (person.first_name,)
        name = " ".join(p for p in parts if p)
        if name:
            return name
        if person.username:
            return f"@{person.username}"
        user_id = person.id
    return str(user_id) if user_id is not None else "someone"


class KnownNames:
    """Members' names as this process last wrote them, so an unchanged name costs no write."""

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self._written: dict[int, Member] = {}

    async def remember(self, session: AsyncSession, member: Member) -> None:
        """Write the member's current name, in the caller's transaction, when it changed.

        The name counts as written once that transaction commits: one rolled back (a deadlock
        retried, a claim not found) leaves it to be written again next time.
        """
        if self._written.get(member.id) == member:
            return
        event.listen(session.sync_session, "after_commit", lambda _: self._wrote(member), once=True)
        await team_q.upsert_user(
            session,
            user_id=member.id,
            first_name=member.first_name,
            last_name=member.last_name,
            username=member.username,
            language_code=member.language_code,
        )

    def _wrote(self, member: Member) -> None:
        """The member's name is in the database as given."""
        if len(self._written) > self.limit:
            self._written.clear()
        self._written[member.id] = member
