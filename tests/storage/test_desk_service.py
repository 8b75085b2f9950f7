"""The Desk service called directly, on SQLite and PostgreSQL: votes, assignment, notes and the
editors' moves, with the history and the team's boundaries they promise."""

from __future__ import annotations

import pytest

from bot.desk.desk import Desk
from bot.desk.errors import BadArguments, ClaimNotFound, DeskError, NotAnEditor, NoTeam
from bot.desk.people import KnownNames, Member
from storage import claims as claim_q
from storage import teams as team_q
from storage.db import Database
from storage.models import ClaimStatus, Rating, User
from tests.utils.seed import Seeded, seed_queue

ALICE = Member(1, "Alice", "Adams", "alice")
BOB = Member(2, "Bob")
CAROL = Member(3, "Carol")


@pytest.fixture
async def queue(db: Database) -> Seeded:
    return await seed_queue(db, quorum=2)


def desk_of(db: Database) -> Desk:
    return Desk(db, default_quorum=3, default_cards=5)


async def _status(db: Database, claim_id: int) -> tuple[str, bool, list[tuple[str, str | None]]]:
    async with db.read() as session:
        claim = await claim_q.get_claim(session, claim_id=claim_id)
        history = await claim_q.history(session, claim_id=claim_id)
    assert claim is not None
    return claim.status, claim.locked, [(h.to_status, h.reason) for h in history]


async def test_votes_reach_consensus_at_the_team_quorum_and_a_second_press_withdraws(
    db: Database, queue: Seeded
) -> None:
    desk, claim = desk_of(db), queue.claim_ids[0]
    first = await desk.cast_vote(
        chat_id=queue.chat_id, claim_id=claim, member=ALICE, rating=Rating.FALSE
    )
    assert (first.action, first.status, first.status_changed) == (
        "voted",
        ClaimStatus.IN_REVIEW,
        True,
    )
    second = await desk.cast_vote(
        chat_id=queue.chat_id, claim_id=claim, member=BOB, rating=Rating.FALSE
    )
    # The team's own quorum (2) counts, not the operator's default (3).
    assert (second.status, second.status_changed) == (ClaimStatus.FALSE, True)
    changed = await desk.cast_vote(
        chat_id=queue.chat_id, claim_id=claim, member=BOB, rating=Rating.TRUE
    )
    assert changed.action == "changed" and changed.status == ClaimStatus.DISPUTED
    withdrawn = await desk.cast_vote(
        chat_id=queue.chat_id, claim_id=claim, member=BOB, rating=Rating.TRUE
    )
    assert withdrawn.action == "withdrawn"
    status, locked, history = await _status(db, claim)
    assert status == withdrawn.status and not locked
    assert ("false", "consensus") in history
    async with db.read() as session:
        names = await team_q.get_users(session, {ALICE.id, BOB.id})
    assert names[ALICE.id].first_name == "Alice" and names[BOB.id].first_name == "Bob"


async def test_an_editors_verdict_locks_the_claim_and_reopening_gives_it_back_to_the_votes(
    db: Database, queue: Seeded
) -> None:
    desk, claim = desk_of(db), queue.claim_ids[0]
    await desk.cast_vote(chat_id=queue.chat_id, claim_id=claim, member=BOB, rating=Rating.TRUE)
    verdict = await desk.set_verdict(
        chat_id=queue.chat_id, claim_id=claim, member=ALICE, rating=Rating.MISLEADING,
        reason="context missing", is_editor=True,
    )  # fmt: skip
    assert (verdict.status, verdict.detail) == (ClaimStatus.MISLEADING, "locked")
    vote = await desk.cast_vote(
        chat_id=queue.chat_id, claim_id=claim, member=CAROL, rating=Rating.FALSE
    )
    assert vote.locked and vote.status == ClaimStatus.MISLEADING  # votes no longer move it
    reopened = await desk.reopen(
        chat_id=queue.chat_id, claim_id=claim, member=ALICE, reason=None, is_editor=True
    )
    # Two votes (true, false) at quorum 2 disagree: the votes say "disputed".
    assert (reopened.status, reopened.detail) == (ClaimStatus.DISPUTED, "reopened")
    status, locked, history = await _status(db, claim)
    assert (status, locked) == (ClaimStatus.DISPUTED, False)
    assert history[-2:] == [("misleading", "context missing"), ("disputed", "reopened")]


async def test_reopening_a_claim_the_votes_already_give_sends_it_back_to_review_or_open(
    db: Database, queue: Seeded
) -> None:
    desk = desk_of(db)
    unvoted, voted = queue.claim_ids
    await desk.dismiss(
        chat_id=queue.chat_id, claim_id=unvoted, member=ALICE, reason=None, is_editor=True
    )
    back = await desk.reopen(
        chat_id=queue.chat_id, claim_id=unvoted, member=ALICE, reason=None, is_editor=True
    )
    assert back.status == ClaimStatus.OPEN
    await desk.cast_vote(chat_id=queue.chat_id, claim_id=voted, member=BOB, rating=Rating.TRUE)
    back = await desk.reopen(
        chat_id=queue.chat_id, claim_id=voted, member=ALICE, reason=None, is_editor=True
    )
    assert back.status == ClaimStatus.IN_REVIEW
    _, _, history = await _status(db, unvoted)
    assert history[-2:] == [("dismissed", "editor's decision"), ("open", "reopened")]


async def test_only_editors_move_claims_and_no_team_reaches_another_teams_claims(
    db: Database, queue: Seeded
) -> None:
    desk, claim = desk_of(db), queue.claim_ids[0]
    other = await seed_queue(db, chat_id=-200, claims=1)
    for move in (desk.reopen, desk.dismiss):
        with pytest.raises(NotAnEditor):
            await move(
                chat_id=queue.chat_id, claim_id=claim, member=BOB, reason=None, is_editor=False
            )
    with pytest.raises(NotAnEditor):
        await desk.set_verdict(
            chat_id=queue.chat_id,
            claim_id=claim,
            member=BOB,
            rating=Rating.TRUE,
            reason=None,
            is_editor=False,
        )
    with pytest.raises(ClaimNotFound, match=f"#{other.claim_ids[0]}"):
        await desk.cast_vote(
            chat_id=queue.chat_id, claim_id=other.claim_ids[0], member=BOB, rating=Rating.TRUE
        )
    with pytest.raises(NoTeam):
        await desk.cast_vote(chat_id=-999, claim_id=claim, member=BOB, rating=Rating.TRUE)
    assert (await _status(db, claim))[0] == ClaimStatus.OPEN  # nothing of that reached it


async def test_taking_a_claim_puts_it_in_review_and_giving_it_back_reopens_it(
    db: Database, queue: Seeded
) -> None:
    desk, claim = desk_of(db), queue.claim_ids[0]
    taken = await desk.toggle_assignee(chat_id=queue.chat_id, claim_id=claim, member=ALICE)
    assert (taken.detail, taken.status) == ("assigned", ClaimStatus.IN_REVIEW)
    given_back = await desk.toggle_assignee(chat_id=queue.chat_id, claim_id=claim, member=ALICE)
    assert (given_back.detail, given_back.status) == ("unassigned", ClaimStatus.OPEN)
    _, _, history = await _status(db, claim)
    # The one display-name rule: the first name.
    assert ("in_review", "taken by Alice") in history


async def test_notes_keep_their_links_and_an_empty_note_is_refused(
    db: Database, queue: Seeded
) -> None:
    desk, claim = desk_of(db), queue.claim_ids[0]
    change = await desk.add_note(
        chat_id=queue.chat_id, claim_id=claim, member=BOB, message_id=None,
        text="Ministry figure: https://example.org/report and https://example.org/map",
    )  # fmt: skip
    assert change.detail == "2 link(s) kept as evidence"
    with pytest.raises(DeskError, match="empty"):
        await desk.add_note(
            chat_id=queue.chat_id, claim_id=claim, member=BOB, text="  ", message_id=None
        )


async def test_settings_are_clamped_to_their_range_and_unknown_ones_refused(
    db: Database, queue: Seeded
) -> None:
    desk = desk_of(db)
    assert (await desk.team_settings(chat_id=queue.chat_id)).quorum == 2
    assert (await desk.change_setting(chat_id=queue.chat_id, name="quorum", value="15")).quorum == 9
    cards = await desk.change_setting(chat_id=queue.chat_id, name="cards", value="0")
    assert cards.cards_at_once == 1
    with pytest.raises(BadArguments):
        await desk.change_setting(chat_id=queue.chat_id, name="colour", value="3")
    with pytest.raises(BadArguments):
        await desk.change_setting(chat_id=queue.chat_id, name="extractor", value="openai")


async def test_a_name_written_in_a_transaction_that_rolled_back_is_written_again(
    db: Database,
) -> None:
    names = KnownNames()
    olena = Member(id=4242, first_name="Olena", last_name=None, username="olena")

    class Interrupted(Exception):
        """A deadlock, say: the transaction rolls back and the update runs again."""

    with pytest.raises(Interrupted):
        async with db.write() as session:
            await names.remember(session, olena)
            raise Interrupted
    async with db.write() as session:  # the update's second run
        await names.remember(session, olena)
    async with db.read() as session:
        user = await session.get(User, 4242)
    assert user is not None and user.first_name == "Olena"
