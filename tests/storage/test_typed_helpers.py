"""The small typed helpers storage queries share: row ids, DML row counts, the dialect."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from storage import teams as team_q
from storage.db import Database
from storage.models import Team, stored_id
from storage.upsert import affected_rows, dialect_name


async def test_stored_id_is_the_row_id_and_refuses_a_row_never_stored(db: Database) -> None:
    unsaved = Team(chat_id=-5, title="Desk", chat_type="group")
    with pytest.raises(ValueError, match="Team has no id yet"):
        stored_id(unsaved)
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=-5, title="Desk", chat_type="group")
        found = await team_q.get_team(session, chat_id=-5)
    assert found is not None
    assert stored_id(team) == found.id


async def test_affected_rows_counts_what_an_update_changed(db: Database) -> None:
    async with db.write() as session:
        for chat_id in (-1, -2):
            await team_q.ensure_team(session, chat_id=chat_id, title="Desk", chat_type="group")
        both = await session.execute(update(Team).values(title="Renamed"))
        none = await session.execute(
            update(Team).where(col(Team.chat_id) == -99).values(title="Nobody")
        )
        assert affected_rows(both) == 2
        assert affected_rows(none) == 0
        rows = await session.execute(select(Team.id))
        with pytest.raises(TypeError, match="not the result of a DML statement"):
            affected_rows(rows)


async def test_dialect_name_names_the_database_in_use(db: Database, db_url: str) -> None:
    async with db.read() as session:
        name = dialect_name(session)
    assert name in ("sqlite", "postgresql")
    assert db_url.startswith(name)
