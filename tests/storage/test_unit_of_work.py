"""One unit of work per stored update: its first write carries the effect and marks it done."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event, func, select

from handlers.context import Services
from storage import articles as article_q
from storage import claims as claim_q
from storage import teams as team_q
from storage import updates as update_q
from storage import votes as vote_q
from storage.db import Database, UnitOfWork, UpdateAlreadyApplied
from storage.models import Rating, StoredUpdate, Vote, utcnow


async def _claim_and_update(db: Database, update_id: int = 1) -> int:
    """A claim to vote on, a voter, and stored update `update_id` taken by a worker."""
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=-100, title="Desk", chat_type="group")
        article = await article_q.add_article(session, team_id=team.id, text="B", text_hash="h")
        claims = await claim_q.add_claims(
            session,
            team_id=team.id,
            article_id=article.id,
            claims=[{"text": "Water boils at 100 C.", "quote": "q", "score": 0.9}],
        )
        await team_q.upsert_user(session, user_id=7, first_name="Ann")
        await update_q.store_updates(session, [(update_id, "{}")])
        await update_q.claim_pending(
            session, worker="w", limit=1, stale_before=utcnow() - timedelta(minutes=5)
        )
    return claims[0].id


async def _state(db: Database, update_id: int = 1) -> str:
    async with db.read() as session:
        row = await session.get(StoredUpdate, update_id)
    assert row is not None
    return row.state


async def _votes(db: Database) -> int:
    async with db.read() as session:
        return int((await session.execute(select(func.count()).select_from(Vote))).scalar_one())


async def _vote(unit: UnitOfWork, claim_id: int) -> None:
    async with unit.write() as session:
        await vote_q.upsert_vote(session, claim_id=claim_id, user_id=7, rating=Rating.FALSE)


async def test_the_first_write_commits_the_effect_and_done_together(db: Database) -> None:
    claim_id = await _claim_and_update(db)
    unit = db.unit(1)
    await _vote(unit, claim_id)
    assert unit.marked
    assert await _state(db) == "done" and await _votes(db) == 1


async def test_a_rolled_back_effect_leaves_the_update_to_run_again(db: Database) -> None:
    claim_id = await _claim_and_update(db)
    unit = db.unit(1)
    with pytest.raises(RuntimeError):
        async with unit.write() as session:
            await vote_q.upsert_vote(session, claim_id=claim_id, user_id=7, rating=Rating.FALSE)
            raise RuntimeError("the handler failed half-way")
    assert not unit.marked
    assert await _state(db) == "processing" and await _votes(db) == 0
    await _vote(unit, claim_id)  # the next write is the effect now
    assert await _state(db) == "done" and await _votes(db) == 1


async def test_a_rerun_after_the_effect_committed_changes_nothing(db: Database) -> None:
    claim_id = await _claim_and_update(db)
    await _vote(db.unit(1), claim_id)
    async with db.write() as session:  # someone withdrew the vote since
        await vote_q.delete_vote(session, claim_id=claim_id, user_id=7)
    with pytest.raises(UpdateAlreadyApplied):
        await _vote(db.unit(1), claim_id)  # the same update again (a crash after the commit)
    assert await _votes(db) == 0


async def test_writes_after_the_update_finished_do_not_mark_it(db: Database) -> None:
    claim_id = await _claim_and_update(db)
    unit = db.unit(1)
    unit.close()  # the pump finished the update; a task it started writes later
    await _vote(unit, claim_id)
    assert await _state(db) == "processing" and await _votes(db) == 1


def test_services_an_update_sees_write_through_its_unit() -> None:
    db = SimpleNamespace(name="the database")
    fields: dict[str, Any] = {
        name: SimpleNamespace(db=db, cache={})
        for name in ("desk", "views", "intake", "teams", "publication", "matches", "exports")
    }
    fields.update(cards=SimpleNamespace(), editors=SimpleNamespace(), members=SimpleNamespace())
    fields.update(progress=SimpleNamespace(db=db))
    fields.update(  # issue 16
        requests=SimpleNamespace(db=db),
        notices=SimpleNamespace(db=db),
        tiplines=SimpleNamespace(db=db),
    )
    fields.update(media=SimpleNamespace(db=db))  # issue 14: album parts are an update's effect
    fields.update(imports=SimpleNamespace(db=db))  # issue 15: /import is an editor's effect
    fields.update(languages=SimpleNamespace(db=db))  # issue 17: /language is an editor's effect
    services = Services(settings=SimpleNamespace(), db=db, **fields)  # type: ignore[arg-type]
    unit = SimpleNamespace(db=db)
    bound = services.bound(unit)  # type: ignore[arg-type]
    assert bound.db is unit
    for name in ("desk", "views", "intake", "publication", "matches", "exports"):
        assert getattr(bound, name).db is unit, name
        assert getattr(bound, name).cache is fields[name].cache  # caches stay shared
    for name in ("media", "imports", "requests", "notices", "tiplines", "languages"):
        assert getattr(bound, name).db is unit, name
        assert fields[name].db is db  # the application's own services are untouched
    assert bound.teams is services.teams  # idempotent bookkeeping, before the effect
    assert bound.progress.db is db  # remembered before the effect, kept through a crash
    assert bound.cards is services.cards


async def test_effects_applied_at_once_commit_each_and_a_bad_one_fails_alone(
    db: Database,
) -> None:
    claim_id = await _claim_and_update(db, update_id=1)
    async with db.write() as session:
        for user_id in range(11, 16):
            await team_q.upsert_user(session, user_id=user_id, first_name=f"M{user_id}")
        await update_q.store_updates(session, [(uid, "{}") for uid in range(2, 6)])
        await update_q.claim_pending(
            session, worker="w", limit=10, stale_before=utcnow() - timedelta(minutes=5)
        )
    commits: list[object] = []

    def count(connection: object) -> None:
        commits.append(connection)

    async def press(update_id: int, *, fail: bool = False) -> None:
        """Member 10 + update_id votes; the handler of `fail` breaks after writing."""
        async with db.unit(update_id).write() as session:
            await vote_q.upsert_vote(
                session, claim_id=claim_id, user_id=10 + update_id, rating=Rating.TRUE
            )
            if fail:
                raise RuntimeError("this update's handler failed")

    event.listen(db.engine.sync_engine, "commit", count)
    try:
        results = await asyncio.gather(
            *(press(uid, fail=uid == 3) for uid in range(1, 6)), return_exceptions=True
        )
    finally:
        event.remove(db.engine.sync_engine, "commit", count)
    assert [isinstance(r, RuntimeError) for r in results] == [False, False, True, False, False]
    # Five effects at once: each applied one commits on its own, the failed one not at all.
    assert len(commits) == 4
    async with db.read() as session:
        voters = set((await session.execute(select(Vote.user_id))).scalars())
    assert voters == {11, 12, 14, 15}  # the failed one's vote rolled back
    states = [await _state(db, uid) for uid in range(1, 6)]
    assert states == ["done", "done", "processing", "done", "done"]
    await press(3)  # its retry applies it alone
    assert await _state(db, 3) == "done" and await _votes(db) == 5
