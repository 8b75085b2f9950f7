"""Queries on teams, users and who belongs where."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Article, Membership, Team, User, utcnow
from storage.upsert import affected_rows, among, insert_for


async def get_team(session: AsyncSession, *, chat_id: int) -> Team | None:
    """The team of a group chat, if the bot knows it."""
    return (await session.execute(select(Team).where(Team.chat_id == chat_id))).scalar_one_or_none()


async def get_team_by_id(session: AsyncSession, *, team_id: int) -> Team | None:
    """A team by its own id."""
    return await session.get(Team, team_id)


async def ensure_team(
    session: AsyncSession, *, chat_id: int, title: str, chat_type: str, is_forum: bool = False
) -> Team:
    """Create the team of a group chat on first sight, or refresh its title; reactivate it."""
    stmt = insert_for(session, Team).values(
        chat_id=chat_id,
        title=title,
        chat_type=chat_type,
        is_forum=is_forum,
        active=True,
        created_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["chat_id"],
        set_={"title": title, "chat_type": chat_type, "is_forum": is_forum, "active": True},
    )
    await session.execute(stmt)
    team = await get_team(session, chat_id=chat_id)
    assert team is not None
    await session.refresh(team)
    return team


async def set_team_active(session: AsyncSession, *, chat_id: int, active: bool) -> None:
    """Mark a team's group as one the bot may (or may no longer) post in; data stays."""
    await session.execute(update(Team).where(col(Team.chat_id) == chat_id).values(active=active))


async def migrate_team(session: AsyncSession, *, old_chat_id: int, new_chat_id: int) -> bool:
    """Move a team to its new chat id after a group became a supergroup.

    The new chat's first update may have been seen before the migration notice and created an
    empty team for it; that placeholder gives way. A new-chat team with articles is kept.
    """
    if await get_team(session, chat_id=old_chat_id) is None:
        return False
    placeholder = await get_team(session, chat_id=new_chat_id)
    if placeholder is not None:
        has_articles = await session.execute(
            select(Article.id).where(Article.team_id == placeholder.id).limit(1)
        )
        if has_articles.first() is not None:
            return False
        await session.execute(delete(Team).where(col(Team.id) == placeholder.id))
    result = await session.execute(
        update(Team)
        .where(col(Team.chat_id) == old_chat_id)
        .values(chat_id=new_chat_id, chat_type="supergroup")
    )
    return bool(affected_rows(result))


async def update_team_settings(session: AsyncSession, *, team_id: int, **values: Any) -> None:
    """Change a team's own settings (quorum, cards at once, extractor)."""
    await session.execute(update(Team).where(col(Team.id) == team_id).values(**values))


async def upsert_user(
    session: AsyncSession,
    *,
    user_id: int,
    first_name: str,
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = None,
) -> None:
    """Remember a user's current name (and the language their client reports, when it does)."""
    values: dict[str, Any] = {
        "first_name": first_name,
        "last_name": last_name,
        "username": username,
    }
    if language_code:
        values["language_code"] = language_code
    stmt = insert_for(session, User).values(id=user_id, updated_at=utcnow(), **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["id"], set_=values))


async def get_users(session: AsyncSession, user_ids: set[int]) -> dict[int, User]:
    """Users by id, for rendering names."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User).where(among(session, col(User.id), user_ids)))
    return {user.id: user for user in rows.scalars()}


async def record_membership(session: AsyncSession, *, team_id: int, user_id: int) -> None:
    """Note that a user was seen in a team's group."""
    stmt = insert_for(session, Membership).values(
        team_id=team_id, user_id=user_id, seen_at=utcnow()
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["team_id", "user_id"], set_={"seen_at": utcnow()}
        )
    )


async def active_teams(session: AsyncSession) -> list[Team]:
    """Every group the bot is still in."""
    rows = await session.execute(
        select(Team).where(col(Team.active).is_(True)).order_by(col(Team.id))
    )
    return list(rows.scalars())


async def teams_seen_with(session: AsyncSession, *, user_id: int) -> list[Team]:
    """Active teams in whose group the user has been seen."""
    rows = await session.execute(
        select(Team)
        .join(Membership, col(Membership.team_id) == col(Team.id))
        .where(col(Membership.user_id) == user_id, col(Team.active).is_(True))
        .order_by(col(Team.id))
    )
    return list(rows.scalars())


async def member_languages(session: AsyncSession, *, team_id: int) -> dict[str, int]:
    """How many of a team's members' clients report each language code (issue 17)."""
    rows = await session.execute(
        select(User.language_code, func.count())
        .join(Membership, col(Membership.user_id) == col(User.id))
        .where(Membership.team_id == team_id, col(User.language_code).is_not(None))
        .group_by(User.language_code)
    )
    return {code: count for code, count in rows.all() if code}


async def set_user_language(session: AsyncSession, *, user_id: int, language: str | None) -> None:
    """The language a user chose for their private chat (None: their client's)."""
    stmt = insert_for(session, User).values(
        id=user_id, first_name="", language=language, updated_at=utcnow()
    )
    await session.execute(
        stmt.on_conflict_do_update(index_elements=["id"], set_={"language": language})
    )


async def user_languages(session: AsyncSession, *, user_id: int) -> tuple[str | None, str | None]:
    """A user's chosen language and the one their client last reported."""
    row = (
        await session.execute(
            select(User.language, User.language_code).where(col(User.id) == user_id)
        )
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)
