"""Queries on requests (who asked for an article or a claim) and the demand counts on claims.

The counts live on the claim row (`asked`, `askers`) and move in the same transaction as the
request that changes them, so a card, /claim and /queue top read them without counting, and
`ix_claim_team_status_asked` orders the queue by demand without a sort.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import Article, Claim, Request, utcnow
from storage.upsert import affected_rows

# A request copied onto an earlier claim that a new claim matches: demand only. Its askers hear
# the verdict through their own claim (accepting the match settles it), never twice.
MATCH_SOURCE = "match"


def _same_article_or_claim(article_id: int, claim_id: int | None) -> ColumnElement[bool]:
    """Requests of the article as a whole (no claim named), or of this one claim."""
    whole = and_(col(Request.article_id) == article_id, col(Request.claim_id).is_(None))
    if claim_id is None:
        return whole
    return or_(whole, col(Request.claim_id) == claim_id)


async def add_request(
    session: AsyncSession,
    *,
    team_id: int,
    article_id: int,
    user_id: int | None,
    chat_id: int,
    message_id: int | None,
    private: bool,
    source: str,
    claim_id: int | None = None,
) -> Request:
    """Record one submission; count it on the claims it asks about (the article's, or one)."""
    earlier = None
    if user_id is not None:
        earlier = (
            await session.execute(
                select(Request.id)
                .where(col(Request.article_id) == article_id, col(Request.user_id) == user_id)
                .limit(1)
            )
        ).scalar_one_or_none()
    request = Request(
        team_id=team_id,
        article_id=article_id,
        claim_id=claim_id,
        user_id=user_id,
        chat_id=chat_id,
        message_id=message_id,
        private=private,
        source=source,
        created_at=utcnow(),
    )
    session.add(request)
    await session.flush()
    new_person = 1 if user_id is not None and earlier is None else 0
    target = col(Claim.id) == claim_id if claim_id else col(Claim.article_id) == article_id
    await session.execute(
        update(Claim)
        .where(target)
        .values(asked=col(Claim.asked) + 1, askers=col(Claim.askers) + new_person)
    )
    return request


async def _askers_of(session: AsyncSession, *, claim: Claim, among: set[int]) -> set[int]:
    """Which of these people have a request of the claim (its article's, or its own): one query."""
    if not among:
        return set()
    stmt = (
        select(Request.user_id)
        .where(
            _same_article_or_claim(claim.article_id, claim.id),
            col(Request.user_id).in_(sorted(among)),
        )
        .distinct()
    )
    return {user_id for user_id in (await session.execute(stmt)).scalars() if user_id is not None}


async def count_match(session: AsyncSession, *, claim_id: int, matched_id: int) -> int:
    """A new claim matches an earlier one: whoever asked for the new one asked about the
    earlier one too, and its demand counts them (once each, however often this runs)."""
    claim = await session.get(Claim, claim_id)
    matched = await session.get(Claim, matched_id)
    if claim is None or matched is None or claim.article_id == matched.article_id:
        return 0
    asks = (
        await session.execute(
            select(Request).where(
                col(Request.article_id) == claim.article_id,
                col(Request.claim_id).is_(None),
            )
        )
    ).scalars()
    copied = set(
        (
            await session.execute(
                select(Request.chat_id, Request.message_id).where(
                    col(Request.article_id) == claim.article_id,
                    col(Request.claim_id) == matched_id,
                    col(Request.source) == MATCH_SOURCE,
                )
            )
        ).all()
    )
    new_asks = [ask for ask in asks if (ask.chat_id, ask.message_id) not in copied]
    who = {ask.user_id for ask in new_asks if ask.user_id is not None}
    people = who - await _askers_of(session, claim=matched, among=who)  # new to the earlier claim
    asked = 0
    for ask in new_asks:
        session.add(
            Request(
                team_id=ask.team_id,
                article_id=ask.article_id,
                claim_id=matched_id,
                user_id=ask.user_id,
                chat_id=ask.chat_id,
                message_id=ask.message_id,
                private=ask.private,
                source=MATCH_SOURCE,
                created_at=ask.created_at,
            )
        )
        asked += 1
    if asked:
        await session.flush()
        await session.execute(
            update(Claim)
            .where(col(Claim.id) == matched_id)
            .values(asked=col(Claim.asked) + asked, askers=col(Claim.askers) + len(people))
        )
    return asked


async def uncount_match(session: AsyncSession, *, claim_id: int, matched_id: int) -> int:
    """The team said a match is not the same claim: its askers no longer count on the earlier."""
    claim = await session.get(Claim, claim_id)
    matched = await session.get(Claim, matched_id)
    if claim is None or matched is None:
        return 0
    copies = list(
        (
            await session.execute(
                select(Request).where(
                    col(Request.article_id) == claim.article_id,
                    col(Request.claim_id) == matched_id,
                    col(Request.source) == MATCH_SOURCE,
                )
            )
        ).scalars()
    )
    if not copies:
        return 0
    await session.execute(delete(Request).where(col(Request.id).in_([r.id for r in copies])))
    people = {r.user_id for r in copies if r.user_id is not None}
    gone = len(people - await _askers_of(session, claim=matched, among=people))
    await session.execute(
        update(Claim)
        .where(col(Claim.id) == matched_id)
        .values(asked=col(Claim.asked) - len(copies), askers=col(Claim.askers) - gone)
    )
    return len(copies)


async def count_new_claims(session: AsyncSession, *, article_id: int) -> None:
    """Give an article's freshly queued claims the demand its requests already hold."""
    asked, askers = (
        await session.execute(
            select(func.count(), func.count(func.distinct(Request.user_id))).where(
                col(Request.article_id) == article_id, col(Request.claim_id).is_(None)
            )
        )
    ).one()
    if asked:
        await session.execute(
            update(Claim)
            .where(col(Claim.article_id) == article_id, col(Claim.asked) == 0)
            .values(asked=int(asked), askers=int(askers))
        )


async def requests_for(session: AsyncSession, *, claim: Claim) -> list[Request]:
    """Everyone who asked about a claim (its article or the claim itself), oldest first."""
    stmt = (
        select(Request)
        .where(_same_article_or_claim(claim.article_id, claim.id))
        .order_by(col(Request.id))
    )
    return list((await session.execute(stmt)).scalars())


def _by_demand(team_id: int, status: str, limit: int) -> SelectOfScalar[Claim]:
    """One status's claims, most asked first (a backwards walk of ix_claim_team_status_asked)."""
    return (
        select(Claim)
        .where(col(Claim.team_id) == team_id, col(Claim.status) == status)
        .order_by(col(Claim.asked).desc(), col(Claim.id).desc())
        .limit(limit)
    )


async def most_asked(
    session: AsyncSession,
    *,
    team_id: int,
    statuses: tuple[str, ...],
    limit: int,
    offset: int = 0,
    at_least: int = 1,
) -> list[Claim]:
    """The most asked claims in these statuses (asked at least `at_least` times), merged."""
    found: list[Claim] = []
    for status in statuses:
        stmt = _by_demand(team_id, status, offset + limit).where(col(Claim.asked) >= at_least)
        found.extend((await session.execute(stmt)).scalars())
    found.sort(key=lambda claim: (-claim.asked, -(claim.id or 0)))
    return found[offset : offset + limit]


async def asked_since(session: AsyncSession, *, user_id: int, since: datetime) -> int:
    """How many submissions a user made since a moment (the tipline's rate limit and cap)."""
    stmt = (
        select(func.count())
        .select_from(Request)
        .where(
            col(Request.user_id) == user_id,
            col(Request.created_at) >= since,
            col(Request.source) != MATCH_SOURCE,
        )
    )
    return int((await session.execute(stmt)).scalar_one())


async def forget_user(session: AsyncSession, *, user_id: int) -> int:
    """Make a user's requests and articles anonymous (the claims stay); returns requests changed."""
    result = await session.execute(
        update(Request).where(col(Request.user_id) == user_id).values(user_id=None)
    )
    await session.execute(
        update(Article).where(col(Article.submitted_by) == user_id).values(submitted_by=None)
    )
    return affected_rows(result)
