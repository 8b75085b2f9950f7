"""Demand: every submission of an article or a claim is a request, and claims count them.

A duplicate forward, a /check, a private forward routed to the team, a tipline message: each
records who asked, in which chat and from which message (the verdict goes back there, see
bot/desk/notifications.py), and raises the claims' `asked` / `askers` counts in the same
transaction. Cards and /claim say "Asked 3 times by 3 people"; /queue top and /status rank by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.errors import NoTeam
from bot.i18n import ENGLISH, Words
from storage import claims as claim_q
from storage import matching as match_q
from storage import notifications as outbox_q
from storage import requests as request_q
from storage import teams as team_q
from storage.db import Database
from storage.models import Article, Claim, stored_id
from storage.queue import UNSETTLED

# Where a request came from (shown nowhere yet but kept: tipline requests are told apart).
RequestSource = Literal["group", "private", "check", "tipline"]
MOST_ASKED = 5  # claims in /status's most-asked list


@dataclass(frozen=True)
class Asking:
    """The message a submission came in: the verdict is told back as a reply to it."""

    chat_id: int
    message_id: int | None
    private: bool
    source: RequestSource = "group"


async def record_request(
    session: AsyncSession, *, article: Article, user_id: int | None, asked: Asking
) -> None:
    """Count one submission of an article (inside the transaction that received it).

    Claims of it that have a verdict already are told to this requester too (a late asker
    hears the answer the desk reached before they asked).
    """
    request = await request_q.add_request(
        session,
        team_id=article.team_id,
        article_id=stored_id(article),
        user_id=user_id,
        chat_id=asked.chat_id,
        message_id=asked.message_id,
        private=asked.private,
        source=asked.source,
    )
    await outbox_q.queue_settled_for(session, request=request)
    # Claims of the article that match earlier claims: this ask counts there too.
    for claim in await claim_q.claims_of_article(session, article_id=stored_id(article)):
        if claim.match_claim_id is None:
            continue
        link = await match_q.get_match(session, claim_id=stored_id(claim))
        if link is not None and link.state != match_q.MatchState.DECLINED:
            await request_q.count_match(
                session, claim_id=stored_id(claim), matched_id=claim.match_claim_id
            )


def asked_times(claim: Claim, words: Words = ENGLISH) -> str | None:
    """'Asked 3 times by 3 people', or None for a claim asked once (or never: an import)."""
    if claim.asked < 2:
        return None
    if not claim.askers:
        # TRANSLATORS: on a claim's card: how often members asked to check it.
        return words.ngettext("Asked {n} time", "Asked {n} times", claim.asked)
    # TRANSLATORS: who asked, in "Asked 3 times by {people}" (the form that follows "by").
    people = words.ngettext("{n} person", "{n} people", claim.askers)
    # TRANSLATORS: on a claim's card; {people} is "3 people" (or "1 person").
    return words.ngettext(
        "Asked {n} time by {people}", "Asked {n} times by {people}", claim.asked, people=people
    )


class Requests:
    """Reads of demand for the chat: the most asked claims."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def _team_id(self, session: AsyncSession, chat_id: int) -> int:
        """The chat's team id (NoTeam when the bot does not know the chat)."""
        team = await team_q.get_team(session, chat_id=chat_id)
        if team is None:
            raise NoTeam()
        return stored_id(team)

    async def most_asked(self, *, chat_id: int, limit: int = MOST_ASKED) -> list[Claim]:
        """The unsettled claims asked about more than once, most asked first."""
        async with self.db.read() as session:
            team_id = await self._team_id(session, chat_id)
            return await request_q.most_asked(
                session, team_id=team_id, statuses=UNSETTLED, limit=limit, at_least=2
            )

    async def queue_top(self, *, chat_id: int, page: int, size: int) -> tuple[list[Claim], bool]:
        """One page of unsettled claims by demand, and whether a next page exists."""
        async with self.db.read() as session:
            team_id = await self._team_id(session, chat_id)
            found = await request_q.most_asked(
                session,
                team_id=team_id,
                statuses=UNSETTLED,
                limit=size + 1,
                offset=max(page - 1, 0) * size,
                at_least=0,
            )
        return found[:size], len(found) > size

    async def claim_ids_of(self, *, article_id: int) -> list[int]:
        """An article's claims (their cards show the new count after a duplicate)."""
        async with self.db.read() as session:
            claims = await claim_q.claims_of_article(session, article_id=article_id)
        return [stored_id(claim) for claim in claims]
