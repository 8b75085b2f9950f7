"""Queries on tiplines (a team's public deep link) and the people who sent tips through them."""

from __future__ import annotations

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import (
    Membership,
    Notification,
    NotifyOptOut,
    ProgressMessage,
    Request,
    Tipline,
    TiplineSender,
    User,
    utcnow,
)
from storage.notifications import forget_private
from storage.requests import forget_user
from storage.upsert import insert_for


async def tipline_of(session: AsyncSession, *, team_id: int) -> Tipline | None:
    """A team's tipline, on or off, if it ever had one."""
    return await session.get(Tipline, team_id)


async def tipline_by_token(session: AsyncSession, *, token: str) -> Tipline | None:
    """The tipline a deep link names."""
    stmt = select(Tipline).where(col(Tipline.token) == token)
    return (await session.execute(stmt)).scalar_one_or_none()


async def set_tipline(session: AsyncSession, *, team_id: int, token: str, enabled: bool) -> None:
    """Turn a team's tipline on or off; its token is kept (the link stays the same)."""
    stmt = insert_for(session, Tipline).values(
        team_id=team_id, token=token, enabled=enabled, created_at=utcnow()
    )
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["team_id"], set_={"enabled": enabled})
    )


async def sender(session: AsyncSession, *, user_id: int) -> TiplineSender | None:
    """Someone who started the bot through a tipline."""
    return await session.get(TiplineSender, user_id)


async def add_sender(session: AsyncSession, *, user_id: int, team_id: int) -> None:
    """Remember which team's tipline a person came through (the latest one; a block stays)."""
    stmt = insert_for(session, TiplineSender).values(
        user_id=user_id, team_id=team_id, blocked=False, created_at=utcnow()
    )
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["user_id"], set_={"team_id": team_id})
    )


async def request_by_id(session: AsyncSession, *, request_id: int) -> Request | None:
    """One request (a block button names the tip it came with)."""
    return await session.get(Request, request_id)


async def block(session: AsyncSession, *, user_id: int, team_id: int) -> None:
    """Take no more tips from this person."""
    stmt = insert_for(session, TiplineSender).values(
        user_id=user_id, team_id=team_id, blocked=True, created_at=utcnow()
    )
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["user_id"], set_={"blocked": True})
    )


async def forget(session: AsyncSession, *, user_id: int) -> None:
    """Delete a tipline sender's personal data; the claims and the demand counts stay.

    Their requests (and verdicts told in groups) lose the user id; the private ones (their chat
    id is their user id) and the verdicts waiting for them go; their name and their /notify
    choice go. A blocked sender keeps only the block.
    """
    await forget_private(session, chat_id=user_id)
    await session.execute(
        update(Notification).where(col(Notification.user_id) == user_id).values(user_id=None)
    )
    await session.execute(delete(NotifyOptOut).where(col(NotifyOptOut.user_id) == user_id))
    await session.execute(
        delete(Request).where(col(Request.chat_id) == user_id, col(Request.private).is_(True))
    )
    await forget_user(session, user_id=user_id)
    await session.execute(delete(ProgressMessage).where(col(ProgressMessage.chat_id) == user_id))
    await session.execute(delete(Membership).where(col(Membership.user_id) == user_id))
    await session.execute(delete(User).where(col(User.id) == user_id))
    await session.execute(
        delete(TiplineSender).where(
            col(TiplineSender.user_id) == user_id, col(TiplineSender.blocked).is_(False)
        )
    )


async def latest_request(session: AsyncSession, *, user_id: int, article_id: int) -> int | None:
    """The id of a sender's latest request for an article (the tip the team is told about)."""
    stmt = (
        select(Request.id)
        .where(col(Request.user_id) == user_id, col(Request.article_id) == article_id)
        .order_by(col(Request.id).desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()
