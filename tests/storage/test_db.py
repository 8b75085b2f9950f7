"""The database layer on SQLite and PostgreSQL: migrations, upserts, counts, the update store."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import make_url

import migrations
from storage import articles as article_q
from storage import claims as claim_q
from storage import queue as queue_q
from storage import teams as team_q
from storage import updates as update_q
from storage import votes as vote_q
from storage.db import Database, UpdateAlreadyApplied, is_passing_db_failure
from storage.models import ClaimStatus, StoredUpdate, Vote, utcnow
from storage.scratch import admin_sql, connect_raw


async def _claim(db: Database, chat_id: int = -100) -> int:
    """A team with one article and one claim; returns the claim id."""
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=chat_id, title="Desk", chat_type="group")
        article = await article_q.add_article(
            session, team_id=team.id, text="Body", text_hash=f"h{chat_id}"
        )
        claims = await claim_q.add_claims(
            session,
            team_id=team.id,
            article_id=article.id,
            claims=[
                {
                    "text": "Russia annexed Crimea in 2014.",
                    "quote": "q",
                    "claimant": None,
                    "score": 0.9,
                    "start": 0,
                    "end": 1,
                }
            ],
        )
        return claims[0].id


@pytest.fixture
async def upgraded(empty_db_url: str) -> AsyncIterator[Database]:
    """An empty database (no tables) brought to the latest schema by the migrations."""
    database = Database(empty_db_url)
    async with database.read() as session:
        assert not await session.run_sync(lambda s: inspect(s.connection()).get_table_names())
    await database.upgrade()
    try:
        yield database
    finally:
        await database.dispose()


async def test_migration_creates_every_table(upgraded: Database) -> None:
    async with upgraded.read() as session:
        version = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    script = ScriptDirectory(str(Path(migrations.__file__).parent))
    assert version == script.get_current_head()


async def test_migrations_match_the_models(upgraded: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    def differences(sync_conn: object) -> list[object]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)

    async with upgraded.engine.connect() as conn:
        diff = await conn.run_sync(differences)
    assert diff == []


async def test_second_vote_by_same_user_replaces_first(db: Database) -> None:
    claim_id = await _claim(db)
    async with db.write() as session:
        await team_q.upsert_user(session, user_id=7, first_name="Bob")
        await vote_q.upsert_vote(session, claim_id=claim_id, user_id=7, rating="false")
    async with db.write() as session:
        await vote_q.upsert_vote(session, claim_id=claim_id, user_id=7, rating="true")
    async with db.read() as session:
        assert await vote_q.tally(session, claim_id=claim_id) == {"true": 1}
        rows = (await session.execute(select(func.count()).select_from(Vote))).scalar()
    assert rows == 1


async def test_concurrent_votes_are_all_counted(db: Database) -> None:
    claim_id = await _claim(db)

    async def vote(user_id: int) -> None:
        async with db.write() as session:
            await vote_q.upsert_vote(session, claim_id=claim_id, user_id=user_id, rating="false")

    await asyncio.gather(*(vote(uid) for uid in range(1, 41)))
    async with db.read() as session:
        assert await vote_q.tally(session, claim_id=claim_id) == {"false": 40}


async def test_status_counts_follow_status_changes(db: Database) -> None:
    claim_id = await _claim(db)
    async with db.write() as session:
        claim = await claim_q.get_claim(session, claim_id=claim_id)
        await claim_q.change_status(session, claim=claim, to_status=ClaimStatus.FALSE, user_id=1)
    async with db.read() as session:
        team = await team_q.get_team(session, chat_id=-100)
        counts = await queue_q.status_counts(session, team_id=team.id)
        history = await claim_q.history(session, claim_id=claim_id)
    assert counts == {"false": 1}
    assert [(h.from_status, h.to_status) for h in history] == [("open", "false")]


async def test_article_with_same_text_is_not_added_twice(db: Database) -> None:
    await _claim(db)
    async with db.write() as session:
        team = await team_q.get_team(session, chat_id=-100)
        again = await article_q.add_article(session, team_id=team.id, text="x", text_hash="h-100")
    assert again is None


async def test_stored_update_is_handed_out_once_and_effect_marks_it_done(db: Database) -> None:
    async with db.write() as session:
        assert await update_q.store_updates(session, [(1, "{}"), (2, "{}")]) == 2
        assert await update_q.store_updates(session, [(1, "{}")]) == 0
    stale = utcnow() - timedelta(minutes=5)
    async with db.write() as session:
        first = await update_q.claim_pending(session, worker="a", limit=1, stale_before=stale)
    async with db.write() as session:
        second = await update_q.claim_pending(session, worker="b", limit=5, stale_before=stale)
    assert [u.update_id for u in first] == [1] and [u.update_id for u in second] == [2]

    unit = db.unit(1)
    async with unit.write():
        pass
    assert unit.marked
    async with unit.write():  # a later write of the same update (a card's message id)
        pass
    with pytest.raises(UpdateAlreadyApplied):
        async with db.unit(1).write():  # a re-run of the same update after a crash
            pass
    async with db.read() as session:
        state = await session.get(StoredUpdate, 1)
    assert state.state == "done"


async def test_an_update_taken_too_often_is_set_aside_and_the_next_ones_still_run(
    db: Database,
) -> None:
    async with db.write() as session:
        await update_q.store_updates(session, [(1, "{}"), (2, "{}"), (3, "{}")])
    now = utcnow()
    for _ in range(2):  # update 1 is taken twice and its worker dies each time (a stale lease)
        async with db.write() as session:
            taken = await update_q.claim_pending(
                session, worker="w", limit=1, stale_before=now, max_attempts=2
            )
        assert [u.update_id for u in taken] == [1]
        now = utcnow() + timedelta(seconds=1)
    async with db.write() as session:
        taken = await update_q.claim_pending(
            session, worker="w", limit=1, stale_before=now, max_attempts=2
        )
    assert [u.update_id for u in taken] == [2]  # 1 was set aside, not handed out a third time
    async with db.read() as session:
        spent = await session.get(StoredUpdate, 1)
    assert spent.state == "failed" and spent.error == "gave up after 2 attempts"


async def test_sqlite_runs_in_wal_mode(tmp_path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'wal.db'}")
    try:
        async with db.read() as session:
            mode = (await session.execute(text("PRAGMA journal_mode"))).scalar()
            timeout = (await session.execute(text("PRAGMA busy_timeout"))).scalar()
    finally:
        await db.dispose()
    assert mode == "wal" and timeout >= 5000


async def _kill_connections(db_url: str) -> None:
    """Terminate every server connection to this database (a restart, a dropped link)."""
    name = make_url(db_url).database
    await admin_sql(
        db_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
    )


async def _pooled_connections(db_url: str) -> int:
    """How many server connections this database has."""
    name = make_url(db_url).database
    conn = await connect_raw(db_url)
    try:
        sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
        return int(await conn.fetchval(sql, name))
    finally:
        await conn.close()


@asynccontextmanager
async def _pooled(db_url: str, *, ping_after_idle: float) -> AsyncIterator[tuple[Database, int]]:
    """A PostgreSQL database whose pool pings after `ping_after_idle` s, with one claim."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's pool; SQLite has no server to lose")
    db = Database(db_url, ping_after_idle=ping_after_idle)
    try:
        await db.upgrade()
        yield db, await _claim(db)
    finally:
        await db.dispose()


async def _vote_and_count(db: Database, claim_id: int) -> dict[str, int]:
    """One vote through a write transaction, then the claim's tally."""
    async with db.write() as session:
        await vote_q.press_rating(session, claim_id=claim_id, user_id=7, rating="true")
    async with db.read() as session:
        return await vote_q.tally(session, claim_id=claim_id)


@pytest.mark.postgres
async def test_a_connection_that_died_while_idle_is_replaced_before_use(db_url: str) -> None:
    async with _pooled(db_url, ping_after_idle=0.0) as (db, claim_id):
        async with db.read() as first, db.read() as second:  # two pooled connections
            await first.execute(text("SELECT 1"))
            await second.execute(text("SELECT 1"))
        assert await _pooled_connections(db_url) >= 2
        await _kill_connections(db_url)
        assert await _pooled_connections(db_url) == 0
        # Idle past the threshold: pinged at checkout, found dead, replaced. No error.
        assert await _vote_and_count(db, claim_id) == {"true": 1}


@pytest.mark.postgres
async def test_a_connection_that_died_in_use_fails_as_a_passing_failure(db_url: str) -> None:
    # Never pinged: the statement finds out.
    async with _pooled(db_url, ping_after_idle=3600.0) as (db, claim_id):
        async with db.read() as session:
            await session.execute(text("SELECT 1"))
        await _kill_connections(db_url)
        with pytest.raises(Exception) as failed:
            await _vote_and_count(db, claim_id)
        # The update pump runs an update that met this again (storage.db.is_passing_db_failure).
        assert is_passing_db_failure(failed.value)
        # The pool was invalidated: a fresh connection, and the vote counts once.
        assert await _vote_and_count(db, claim_id) == {"true": 1}
