"""The verification desk: votes, assignment, notes and editors' decisions on claims."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.errors import BadArguments, ClaimNotFound, DeskError, NotAnEditor, NoTeam, NotItsCard
from bot.desk.people import KnownNames, Member, display_name
from bot.desk.publication import cards_at_once
from bot.desk.workflow import RATING_TO_STATUS, decide_status
from bot.i18n import N_
from bot.intake.intake import without_controls
from bot.intake.web.urls import find_urls
from storage import claims as claim_q
from storage import notes as note_q
from storage import teams as team_q
from storage import votes as vote_q
from storage.db import Database
from storage.models import Claim, ClaimStatus, Rating, Team, stored_id

# Team settings editors change with buttons: name -> (column, lowest, highest).
SETTING_RANGES = {"quorum": ("quorum", 1, 9), "cards": ("cards_at_once", 1, 20)}


# What a press did to the member's vote (handlers/votes.py words each one).
VoteAction = Literal["voted", "changed", "withdrawn"]


@dataclass(frozen=True)
class VoteOutcome:
    """What a button press did."""

    claim_id: int
    action: VoteAction
    rating: str
    status: str
    status_changed: bool
    locked: bool


@dataclass(frozen=True)
class TeamSettings:
    """A team's own settings, with the operator's defaults filled in."""

    quorum: int
    cards_at_once: int
    extractor: str
    auto_answer: bool = False  # answer known claims in the group's chatter (issue 15 item 5)
    language: str | None = None  # chosen by an editor; None: most members' (issue 17)


@dataclass(frozen=True)
class ClaimChange:
    """The result of an assignment, note or editor action."""

    claim_id: int
    status: str
    detail: str = ""


def _check_card(claim: Claim, card_message_id: int | None) -> None:
    """Refuse a card button pressed anywhere but on that claim's own card (forged data)."""
    if card_message_id is not None and claim.card_message_id != card_message_id:
        raise NotItsCard()


class Desk:
    """Operations on one team's queue; every write is one transaction."""

    def __init__(
        self,
        db: Database,
        *,
        default_quorum: int,
        default_cards: int = 5,
        default_extractor: str = "offline",
        names: KnownNames | None = None,
    ) -> None:
        self.db = db
        self.default_quorum = default_quorum
        self.default_cards = default_cards
        self.default_extractor = default_extractor
        self.names = names or KnownNames()

    async def _team_claim(
        self, session: AsyncSession, *, chat_id: int, claim_id: int, lock: bool = False
    ) -> tuple[Team, Claim]:
        """The team of a chat and one of its claims; a claim of another team is 'not found'."""
        found = await claim_q.get_team_claim(
            session, chat_id=chat_id, claim_id=claim_id, for_update=lock
        )
        if found is not None:
            return found[1], found[0]
        if await team_q.get_team(session, chat_id=chat_id) is None:
            raise NoTeam()
        raise ClaimNotFound(claim_id)

    async def _remember(self, session: AsyncSession, member: Member) -> None:
        """Keep the member's name current for cards and /status (written when it changes)."""
        await self.names.remember(session, member)

    async def cast_vote(
        self,
        *,
        chat_id: int,
        claim_id: int,
        member: Member,
        rating: Rating,
        card_message_id: int | None = None,
    ) -> VoteOutcome:
        """Record, replace or withdraw a member's vote, then let consensus move the claim.

        With `card_message_id` (a button press), that message must be the claim's card.
        """
        async with self.db.write() as session:
            team, claim = await self._team_claim(
                session, chat_id=chat_id, claim_id=claim_id, lock=True
            )
            _check_card(claim, card_message_id)
            await self._remember(session, member)
            action, tally = await vote_q.press_rating(
                session, claim_id=claim_id, user_id=member.id, rating=rating
            )
            before = claim.status
            after = decide_status(
                tally,
                quorum=team.quorum or self.default_quorum,
                current=before,
                locked=claim.locked,
                assigned=claim.assignee_id is not None,
            )
            if after != before:
                reason = "consensus" if after in RATING_TO_STATUS.values() else "votes"
                await claim_q.change_status(
                    session, claim=claim, to_status=after, user_id=member.id, reason=reason
                )
        return VoteOutcome(claim_id, action, rating, after, after != before, claim.locked)

    async def toggle_assignee(
        self, *, chat_id: int, claim_id: int, member: Member, card_message_id: int | None = None
    ) -> ClaimChange:
        """Take a claim ("I'll check"), or give it back when pressed again by its assignee."""
        async with self.db.write() as session:
            _, claim = await self._team_claim(
                session, chat_id=chat_id, claim_id=claim_id, lock=True
            )
            _check_card(claim, card_message_id)
            await self._remember(session, member)
            if claim.assignee_id == member.id:
                await claim_q.set_assignee(session, claim=claim, user_id=None)
                detail = "unassigned"
                if claim.status == ClaimStatus.IN_REVIEW and not await vote_q.tally(
                    session, claim_id=claim_id
                ):
                    await claim_q.change_status(
                        session,
                        claim=claim,
                        to_status=ClaimStatus.OPEN,
                        user_id=member.id,
                        reason="unassigned",
                    )
            else:
                await claim_q.set_assignee(session, claim=claim, user_id=member.id)
                detail = "assigned"
                if claim.status == ClaimStatus.OPEN:
                    await claim_q.change_status(
                        session,
                        claim=claim,
                        to_status=ClaimStatus.IN_REVIEW,
                        user_id=member.id,
                        reason=f"taken by {display_name(member)}",
                    )
        return ClaimChange(claim_id, claim.status, detail)

    async def add_note(
        self, *, chat_id: int, claim_id: int, member: Member, text: str, message_id: int | None
    ) -> ClaimChange:
        """Attach a note to a claim; links in it are kept as evidence."""
        text = (without_controls(text) or "").strip()
        if not text:
            raise DeskError(N_("The note is empty: write something after the claim id."))
        async with self.db.write() as session:
            _, claim = await self._team_claim(session, chat_id=chat_id, claim_id=claim_id)
            await self._remember(session, member)
            urls = find_urls(text, None)
            await note_q.add_note(
                session,
                claim_id=claim_id,
                user_id=member.id,
                text=text[:4000],
                evidence_urls=urls,
                message_id=message_id,
            )
        return ClaimChange(claim_id, claim.status, f"{len(urls)} link(s) kept as evidence")

    async def note_target(self, *, chat_id: int, card_message_id: int) -> int | None:
        """The claim whose card a message replies to, if it is one."""
        async with self.db.read() as session:
            claim = await claim_q.claim_by_card(
                session, chat_id=chat_id, message_id=card_message_id
            )
        return claim.id if claim else None

    async def set_verdict(
        self,
        *,
        chat_id: int,
        claim_id: int,
        member: Member,
        rating: Rating,
        reason: str | None,
        is_editor: bool,
    ) -> ClaimChange:
        """An editor's verdict: set the status and lock it against further votes."""
        if not is_editor:
            raise NotAnEditor(N_("set a verdict"))
        return await self._editor_move(
            chat_id, claim_id, member, RATING_TO_STATUS[rating], reason, locked=True
        )

    async def reopen(
        self, *, chat_id: int, claim_id: int, member: Member, reason: str | None, is_editor: bool
    ) -> ClaimChange:
        """Unlock a claim and let the votes decide again."""
        if not is_editor:
            raise NotAnEditor(N_("reopen a claim"))
        return await self._editor_move(
            chat_id, claim_id, member, None, reason or "reopened", locked=False
        )

    async def dismiss(
        self, *, chat_id: int, claim_id: int, member: Member, reason: str | None, is_editor: bool
    ) -> ClaimChange:
        """Take a claim out of the queue (not a claim, duplicate, out of scope)."""
        if not is_editor:
            raise NotAnEditor(N_("dismiss a claim"))
        return await self._editor_move(
            chat_id, claim_id, member, ClaimStatus.DISMISSED, reason, locked=True
        )

    async def _editor_move(
        self,
        chat_id: int,
        claim_id: int,
        member: Member,
        to_status: str | None,
        reason: str | None,
        *,
        locked: bool,
    ) -> ClaimChange:
        """Set a status by an editor's hand, recorded in the history.

        `to_status` None (reopening): the status the votes give, decided in the same transaction;
        if that is where the claim already stands, it goes back to review (votes) or open.
        """
        async with self.db.write() as session:
            team, claim = await self._team_claim(
                session, chat_id=chat_id, claim_id=claim_id, lock=True
            )
            await self._remember(session, member)
            if to_status is None:
                tally = await vote_q.tally(session, claim_id=claim_id)
                to_status = decide_status(
                    tally,
                    quorum=self._settings_of(team).quorum,
                    current=claim.status,
                    locked=False,
                    assigned=claim.assignee_id is not None,
                )
                if to_status == claim.status:
                    to_status = ClaimStatus.IN_REVIEW if tally else ClaimStatus.OPEN
            await claim_q.change_status(
                session,
                claim=claim,
                to_status=to_status,
                user_id=member.id,
                reason=reason or "editor's decision",
                locked=locked,
            )
        return ClaimChange(claim_id, to_status, "locked" if locked else "reopened")

    async def record_card(
        self, *, claim_id: int, chat_id: int, message_id: int, thread_id: int | None
    ) -> None:
        """Remember which message shows a claim's card."""
        async with self.db.write() as session:
            await claim_q.set_card(
                session,
                claim_id=claim_id,
                chat_id=chat_id,
                message_id=message_id,
                thread_id=thread_id,
            )

    def _settings_of(self, team: Team) -> TeamSettings:
        """A team's settings with defaults for what it has not set."""
        return TeamSettings(
            quorum=team.quorum or self.default_quorum,
            cards_at_once=cards_at_once(team, self.default_cards),
            extractor=team.extractor or self.default_extractor,
            auto_answer=team.auto_answer,
            language=team.language,
        )

    async def team_settings(self, *, chat_id: int) -> TeamSettings:
        """The team's current settings."""
        async with self.db.read() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
        if team is None:
            raise NoTeam()
        return self._settings_of(team)

    async def change_setting(
        self, *, chat_id: int, name: str, value: str, extractors: frozenset[str] = frozenset()
    ) -> TeamSettings:
        """Change the quorum (1-9), cards posted at once (1-20), the extractor in use, or
        whether known claims are answered in the group by themselves ("answers": on or off).

        `extractors` are the backends the operator configured; a team can pick only those.
        """
        if name == "answers" and value in ("on", "off"):
            values: dict[str, object] = {"auto_answer": value == "on"}
        elif name == "extractor":
            if value not in extractors:
                # TRANSLATORS: {extractor} is the name of a claim extractor ("openai").
                missing = N_("The {extractor} extractor is not available on this bot.")
                raise BadArguments(missing, extractor=value[:20])
            values = {"extractor": value}
        elif name in SETTING_RANGES and value.isascii() and value.isdigit() and len(value) < 4:
            column, low, high = SETTING_RANGES[name]
            values = {column: min(max(int(value), low), high)}
        else:
            raise BadArguments(N_("That setting does not exist."))
        async with self.db.write() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
            if team is None:
                raise NoTeam()
            await team_q.update_team_settings(session, team_id=stored_id(team), **values)
            await session.refresh(team)
        return self._settings_of(team)

    async def team_of(self, *, chat_id: int) -> Team:
        """The team of a chat (NoTeam if the bot does not know it)."""
        async with self.db.read() as session:
            team = await team_q.get_team(session, chat_id=chat_id)
        if team is None:
            raise NoTeam()
        return team
