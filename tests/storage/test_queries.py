"""Queries behind intake and the desk, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import distinct, func, select

from storage import articles as article_q
from storage import claims as claim_q
from storage import notes as note_q
from storage import queue as queue_q
from storage import teams as team_q
from storage import votes as vote_q
from storage.db import Database
from storage.models import ClaimStatus, QueueCount, utcnow


def claim_rows(count: int) -> list[dict[str, object]]:
    """Claim values for add_claims."""
    return [
        {"text": f"Claim {i}", "quote": "q", "claimant": None, "score": 0.5, "start": 0, "end": 1}
        for i in range(count)
    ]


async def team_with_claims(db: Database, chat_id: int, count: int) -> tuple[int, list[int]]:
    """A team with one article of `count` claims; returns (team id, claim ids)."""
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=chat_id, title="Desk", chat_type="group")
        article = await article_q.add_article(
            session,
            team_id=team.id,
            text="Body",
            text_hash=f"h{chat_id}",
            canonical_url=f"https://example.org/{chat_id}",
        )
        claims = await claim_q.add_claims(
            session, team_id=team.id, article_id=article.id, claims=claim_rows(count)
        )
        return team.id, [c.id for c in claims]


async def test_duplicate_found_by_canonical_url_or_text_within_the_team(db: Database) -> None:
    team_id, _ = await team_with_claims(db, -1, 1)
    other_id, _ = await team_with_claims(db, -2, 1)
    async with db.read() as session:
        by_url = await article_q.find_duplicate(
            session, team_id=team_id, text_hash="zzz", canonical_url="https://example.org/-1"
        )
        by_text = await article_q.find_duplicate(
            session, team_id=team_id, text_hash="h-1", canonical_url=None
        )
        elsewhere = await article_q.find_duplicate(
            session, team_id=other_id, text_hash="h-1", canonical_url="https://example.org/-1"
        )
    assert by_url is not None and by_text is not None and by_url.id == by_text.id
    assert elsewhere is None


async def test_queue_page_pages_unsettled_claims_oldest_first(db: Database) -> None:
    team_id, ids = await team_with_claims(db, -1, 12)
    async with db.write() as session:
        claim = await claim_q.get_claim(session, claim_id=ids[0])
        await claim_q.change_status(session, claim=claim, to_status="false", user_id=1)
    async with db.read() as session:
        first, more = await queue_q.queue_page(session, team_id=team_id, page=1, size=10)
        second, more_after = await queue_q.queue_page(session, team_id=team_id, page=2, size=10)
        total = await queue_q.count_unsettled(session, team_id=team_id)
    assert [c.id for c in first] == ids[1:11] and more
    assert [c.id for c in second] == ids[11:] and not more_after
    assert total == 11


async def test_counts_stay_exact_when_a_team_s_claims_move_at_the_same_moment(
    db: Database,
) -> None:
    """Each transaction adds to one of the team's count slots; /status sums them."""
    team_id, ids = await team_with_claims(db, -1, 40)

    async def move(claim_id: int, to_status: str) -> None:
        async with db.write() as session:
            claim = await claim_q.get_claim(session, claim_id=claim_id, for_update=True)
            assert claim is not None
            await claim_q.change_status(session, claim=claim, to_status=to_status, user_id=1)

    await asyncio.gather(*(move(i, ClaimStatus.IN_REVIEW) for i in ids))
    await asyncio.gather(*(move(i, ClaimStatus.FALSE) for i in ids[:15]))
    async with db.read() as session:
        counts = await queue_q.status_counts(session, team_id=team_id)
        unsettled = await queue_q.count_unsettled(session, team_id=team_id)
        slots = (
            await session.execute(
                select(func.count(distinct(QueueCount.slot))).where(QueueCount.team_id == team_id)
            )
        ).scalar_one()
    assert counts == {ClaimStatus.IN_REVIEW: 25, ClaimStatus.FALSE: 15}
    assert unsettled == 25
    assert slots > 1  # the moves were spread over slots, and the sums read across them


async def test_status_queries_follow_votes_and_verdicts(db: Database) -> None:
    team_id, ids = await team_with_claims(db, -1, 3)
    async with db.write() as session:
        await team_q.upsert_user(session, user_id=7, first_name="Bob")
        await vote_q.upsert_vote(session, claim_id=ids[0], user_id=7, rating="true")
        claim = await claim_q.get_claim(session, claim_id=ids[1])
        await claim_q.change_status(session, claim=claim, to_status="true", user_id=7)
    async with db.read() as session:
        waiting = await queue_q.waiting_for_vote(session, team_id=team_id, user_id=7)
        recent = await queue_q.recent_verdicts(
            session, team_id=team_id, since=utcnow() - timedelta(days=7)
        )
        old = await queue_q.recent_verdicts(
            session, team_id=team_id, since=utcnow() + timedelta(days=1)
        )
        counts = await queue_q.status_counts(session, team_id=team_id)
        voters = await vote_q.voters_of(session, claim_ids=ids)
    assert [c.id for c in waiting] == [ids[2]]
    assert [c.id for c in recent] == [ids[1]] and old == []
    assert counts == {ClaimStatus.OPEN: 2, ClaimStatus.TRUE: 1}
    assert voters == {ids[0]: [(7, "Bob", "true")]}  # claims without votes left out


async def test_migration_moves_the_team_over_an_empty_placeholder(db: Database) -> None:
    team_id, _ = await team_with_claims(db, -4000, 2)
    async with db.write() as session:
        await team_q.ensure_team(session, chat_id=-1005, title="Desk", chat_type="supergroup")
        assert await team_q.migrate_team(session, old_chat_id=-4000, new_chat_id=-1005)
    async with db.read() as session:
        moved = await team_q.get_team(session, chat_id=-1005)
        assert await team_q.get_team(session, chat_id=-4000) is None
    assert moved is not None and moved.id == team_id and moved.chat_type == "supergroup"


async def test_migration_never_overwrites_a_team_with_articles(db: Database) -> None:
    await team_with_claims(db, -4000, 1)
    await team_with_claims(db, -1005, 1)
    async with db.write() as session:
        assert not await team_q.migrate_team(session, old_chat_id=-4000, new_chat_id=-1005)


async def test_routing_sees_only_active_teams(db: Database) -> None:
    first, _ = await team_with_claims(db, -1, 1)
    await team_with_claims(db, -2, 1)
    async with db.write() as session:
        await team_q.upsert_user(session, user_id=9, first_name="Ann")
        await team_q.record_membership(session, team_id=first, user_id=9)
        await team_q.set_team_active(session, chat_id=-2, active=False)
    async with db.read() as session:
        active = await team_q.active_teams(session)
        seen = await team_q.teams_seen_with(session, user_id=9)
    assert [t.chat_id for t in active] == [-1]
    assert [t.id for t in seen] == [first]


async def test_notes_keep_evidence_and_card_lookup_finds_the_claim(db: Database) -> None:
    _, ids = await team_with_claims(db, -1, 1)
    async with db.write() as session:
        await claim_q.set_card(session, claim_id=ids[0], chat_id=-1, message_id=55, thread_id=None)
        await note_q.add_note(
            session,
            claim_id=ids[0],
            user_id=3,
            text="see https://a.example",
            evidence_urls=["https://a.example"],
            message_id=56,
        )
    async with db.read() as session:
        claim = await claim_q.claim_by_card(session, chat_id=-1, message_id=55)
        notes = await note_q.notes_of(session, claim_id=ids[0])
        assert await note_q.note_counts(session, claim_ids=ids) == {ids[0]: 1}
    assert claim is not None and claim.id == ids[0]
    assert notes[0].evidence_urls == "https://a.example"
