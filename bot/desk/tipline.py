"""The public tipline: anyone outside the team can send the desk something to check.

An editor turns it on (`/tipline on`) and shares the deep link it gives. Whoever starts the bot
through the link and is not in the team's group becomes a tipline sender: what they send in
private is queued for the team (marked as a tip, with a "block sender" button), they are
thanked, and later told the verdict. They never see the queue, the members or the notes.
Limits: `TIPLINE_PER_MINUTE` and `TIPLINE_PER_DAY` submissions per sender. `/forget` removes a
sender's personal data (docs/usage.md, "Tipline and data protection").
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.desk.errors import DeskError, NotAnEditor, NoTeam
from bot.desk.people import KnownNames, Member
from bot.i18n import N_, Lazy
from storage import requests as request_q
from storage import teams as team_q
from storage import tipline as tipline_q
from storage.db import Database
from storage.models import Team, stored_id, utcnow

START_PREFIX = "tip-"


class TiplineRefused(DeskError):
    """A tip the desk will not take now (blocked, too many, the tipline is off)."""


@dataclass(frozen=True)
class TiplineState:
    """A team's tipline: its deep-link payload and whether it is on."""

    payload: str
    enabled: bool


def deep_link(bot_username: str, state: TiplineState) -> str:
    """The link to share: it opens a private chat with the bot and starts the tipline."""
    return f"https://t.me/{bot_username}?start={state.payload}"


class Tiplines:
    """Turning tiplines on and off, admitting senders, blocking and forgetting them."""

    def __init__(
        self, db: Database, *, per_minute: int, per_day: int, names: KnownNames | None = None
    ) -> None:
        self.db = db
        self.per_minute = per_minute
        self.per_day = per_day
        self.names = names or KnownNames()

    async def switch(self, *, chat_id: int, on: bool, is_editor: bool) -> TiplineState:
        """/tipline on|off in the team's group (editors); the link stays the same."""
        if not is_editor:
            raise NotAnEditor(N_("turn the tipline on or off"))
        async with self.db.write() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            if team is None:
                raise NoTeam()
            current = await tipline_q.tipline_of(session, team_id=stored_id(team))
            token = current.token if current else secrets.token_urlsafe(12)
            await tipline_q.set_tipline(session, team_id=stored_id(team), token=token, enabled=on)
        return TiplineState(START_PREFIX + token, on)

    async def state(self, *, chat_id: int) -> TiplineState | None:
        """The team's tipline, if it ever had one."""
        async with self.db.read() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            if team is None:
                raise NoTeam()
            tipline = await tipline_q.tipline_of(session, team_id=stored_id(team))
        return TiplineState(START_PREFIX + tipline.token, tipline.enabled) if tipline else None

    async def team_of_link(self, *, payload: str) -> Team | None:
        """The team whose tipline a /start payload opens (None: unknown, or turned off)."""
        if not payload.startswith(START_PREFIX):
            return None
        async with self.db.read() as session:
            tipline = await tipline_q.tipline_by_token(
                session, token=payload.removeprefix(START_PREFIX)[:64]
            )
            if tipline is None or not tipline.enabled:
                return None
            team = await team_q.get_team_by_id(session, team_id=tipline.team_id)
        return team if team is not None and team.active else None

    async def welcome(self, *, team: Team, member: Member) -> None:
        """Someone outside the team started the tipline: they may send tips from now on."""
        async with self.db.write() as session:
            found = await tipline_q.sender(session, user_id=member.id)
            if found is not None and found.blocked:
                raise TiplineRefused(N_("This desk no longer takes tips from you."))
            await self.names.remember(session, member)
            await tipline_q.add_sender(session, user_id=member.id, team_id=stored_id(team))

    async def admit(self, *, user_id: int) -> Team | None:
        """The team a tipline sender's message goes to; None for someone who is not one.

        Refused (TiplineRefused) when blocked, over the limits, or the tipline was turned off.
        """
        now = utcnow()
        async with self.db.read() as session:
            found = await tipline_q.sender(session, user_id=user_id)
            if found is None:
                return None
            if found.blocked:
                raise TiplineRefused(N_("This desk no longer takes tips from you."))
            tipline = await tipline_q.tipline_of(session, team_id=found.team_id)
            team = await team_q.get_team_by_id(session, team_id=found.team_id)
            if tipline is None or not tipline.enabled or team is None or not team.active:
                raise TiplineRefused(N_("This desk's tipline is closed for now."))
            last_minute = await request_q.asked_since(
                session, user_id=user_id, since=now - timedelta(minutes=1)
            )
            last_day = await request_q.asked_since(
                session, user_id=user_id, since=now - timedelta(days=1)
            )
        if last_day >= self.per_day:
            raise TiplineRefused(N_("That is all the desk can take from you today: try tomorrow."))
        if last_minute >= self.per_minute:
            raise TiplineRefused(N_("One moment: you sent several tips just now. Try in a minute."))
        return team

    async def block(self, *, chat_id: int, request_id: int) -> Lazy:
        """The team blocks the sender of a tip (named by its request); returns what happened
        (`words._(it)` in the chat's language)."""
        async with self.db.write() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            request = await tipline_q.request_by_id(session, request_id=request_id)
            if team is None or request is None or request.team_id != team.id:
                raise DeskError(N_("This button is no longer valid."))
            if request.user_id is None:
                return N_("That sender asked to be forgotten: nothing left to block.")
            await tipline_q.block(session, user_id=request.user_id, team_id=stored_id(team))
        return N_("Blocked: the desk takes no more tips from this sender.")

    async def forget(self, *, user_id: int) -> bool:
        """/forget: delete a tipline sender's personal data; False for someone who is not one."""
        async with self.db.write() as session:
            if await tipline_q.sender(session, user_id=user_id) is None:
                return False
            await tipline_q.forget(session, user_id=user_id)
        return True

    async def tip_id(self, *, user_id: int, article_id: int) -> int | None:
        """The request a tip just made (the team's "block sender" button names it)."""
        async with self.db.read() as session:
            return await tipline_q.latest_request(session, user_id=user_id, article_id=article_id)
