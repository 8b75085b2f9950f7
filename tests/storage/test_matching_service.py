"""Claim matching against a real database: SQLite file always, PostgreSQL when configured."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

import storage.matching  # noqa: F401  (registers the matching tables on the metadata)
from bot.desk.errors import ClaimNotFound, DeskError, NotAnEditor
from bot.matching.index import TermIndex
from bot.matching.scoring import prepared, rerank
from bot.matching.service import (
    accept_match,
    decline_match,
    find_match,
    look_up,
    match_new_claims,
    suggestion_for,
    verdict_offers,
)
from storage import articles as article_q
from storage import claims as claim_q
from storage import queue as queue_q
from storage import teams as team_q
from storage.db import Database
from storage.matching import ClaimMatch
from storage.models import Claim, ClaimStatus, StatusChange

PAIRS = Path(__file__).resolve().parent.parent / "fixtures" / "matching_pairs.json"
CHAT = -100_111


async def _team(db: Database, chat_id: int = CHAT) -> int:
    """Create a team and return its id."""
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=chat_id, title="Desk", chat_type="group")
        return team.id


async def _queue(db: Database, team_id: int, *texts: str) -> list[Claim]:
    """Queue one article with these claims (the lookup indexes them when it next runs)."""
    body = " ".join(texts) + uuid.uuid4().hex
    async with db.write() as session:
        article = await article_q.add_article(
            session, team_id=team_id, text=body, text_hash=hashlib.sha256(body.encode()).hexdigest()
        )
        claims = await claim_q.add_claims(
            session,
            team_id=team_id,
            article_id=article.id,
            claims=[{"text": t, "quote": t} for t in texts],
        )
    return claims


async def _set_status(db: Database, claim_id: int, status: str) -> None:
    """Give a claim a status, as a verdict would."""
    async with db.write() as session:
        claim = await claim_q.get_claim(session, claim_id=claim_id)
        await claim_q.change_status(session, claim=claim, to_status=status, user_id=7, reason="t")


async def test_reworded_claim_finds_earlier_verdict(db: Database) -> None:
    team = await _team(db)
    (old,) = await _queue(db, team, "A total of 38,000 households lost power after the strike.")
    await _queue(db, team, "The strike damaged 45 apartment buildings.")
    await _set_status(db, old.id, ClaimStatus.FALSE)
    (new,) = await _queue(db, team, "After the strike, 38 000 households lost power in total.")

    match = await find_match(db, team_id=team, claim_id=new.id)

    assert match is not None
    assert match.claim_id == old.id
    assert match.verdict == ClaimStatus.FALSE
    assert match.describe() == (f"Matches #{old.id} — False, {datetime.now(UTC):%Y-%m-%d}")


async def test_changed_number_and_negation_do_not_match(db: Database) -> None:
    team = await _team(db)
    (old,) = await _queue(db, team, "A total of 38,000 households lost power after the strike.")
    (signed,) = await _queue(db, team, "The minister signed the decree on mobilisation.")
    await _set_status(db, old.id, ClaimStatus.FALSE)
    await _set_status(db, signed.id, ClaimStatus.TRUE)

    changed = await find_match(
        db, team_id=team, text="A total of 83,000 households lost power after the strike."
    )
    negated = await find_match(
        db, team_id=team, text="The minister did not sign the decree on mobilisation."
    )
    same = await find_match(db, team_id=team, text="The minister signed the mobilisation decree.")

    assert changed is None
    assert negated is None
    assert same is not None and same.claim_id == signed.id


async def test_only_earlier_claims_of_the_same_team_from_other_articles(db: Database) -> None:
    team = await _team(db)
    other = await _team(db, chat_id=-100_222)
    await _queue(db, other, "Finland joined NATO in April 2023.")
    a, b = await _queue(
        db, team, "Finland joined NATO in April 2023.", "In April 2023 Finland joined NATO."
    )

    assert await find_match(db, team_id=team, claim_id=a.id) is None  # nothing earlier
    assert await find_match(db, team_id=team, claim_id=b.id) is None  # same article
    (later,) = await _queue(db, team, "Finland joined NATO in April 2023!")
    found = await find_match(db, team_id=team, claim_id=later.id)
    assert found is not None and found.claim_id in (a.id, b.id)


async def test_verdict_preferred_over_closer_open_claim(db: Database) -> None:
    team = await _team(db)
    (checked,) = await _queue(
        db, team, "Poland has taken in 1.5 million Ukrainian refugees so far."
    )
    (open_,) = await _queue(db, team, "Poland has taken in 1.5 million Ukrainian refugees.")
    await _set_status(db, checked.id, ClaimStatus.MISLEADING)

    match = await find_match(
        db, team_id=team, text="Poland has taken in 1,500,000 Ukrainian refugees."
    )

    assert match is not None and match.claim_id == checked.id != open_.id


async def test_accept_match_records_history_and_locks(db: Database) -> None:
    team = await _team(db)
    (old,) = await _queue(db, team, "Vaccines cause autism in children.")
    await _set_status(db, old.id, ClaimStatus.FALSE)
    (new,) = await _queue(db, team, "In children, vaccines cause autism.")
    found = await match_new_claims(db, [new])
    assert found[new.id].claim_id == old.id

    decision = await accept_match(
        db, chat_id=CHAT, claim_id=new.id, matched_id=old.id, member_id=42, is_editor=True
    )

    assert decision.status == ClaimStatus.FALSE
    async with db.read() as session:
        claim = await claim_q.get_claim(session, claim_id=new.id)
        entries = await claim_q.history(session, claim_id=new.id)
        link = await session.get(ClaimMatch, new.id)
        counts = await queue_q.status_counts(session, team_id=team)
    assert claim.status == ClaimStatus.FALSE and claim.locked
    assert claim.match_claim_id == old.id
    assert [(e.from_status, e.to_status, e.reason, e.user_id) for e in entries] == [
        (ClaimStatus.OPEN, ClaimStatus.FALSE, f"matches #{old.id}", 42)
    ]
    assert isinstance(entries[0], StatusChange)
    assert link.state == "accepted" and link.decided_by == 42
    assert counts[ClaimStatus.FALSE] == 2 and ClaimStatus.OPEN not in counts


async def test_accept_match_refuses_without_verdict_or_rights(db: Database) -> None:
    team = await _team(db)
    (old,) = await _queue(db, team, "Vaccines cause autism in children.")
    (new,) = await _queue(db, team, "In children, vaccines cause autism.")
    other = await _team(db, chat_id=-100_333)
    (foreign,) = await _queue(db, other, "Vaccines cause autism in children.")

    with pytest.raises(DeskError, match="no verdict"):
        await accept_match(
            db, chat_id=CHAT, claim_id=new.id, matched_id=old.id, member_id=1, is_editor=True
        )
    with pytest.raises(NotAnEditor):
        await accept_match(
            db, chat_id=CHAT, claim_id=new.id, matched_id=old.id, member_id=1, is_editor=False
        )
    with pytest.raises(ClaimNotFound):
        await accept_match(
            db, chat_id=CHAT, claim_id=new.id, matched_id=foreign.id, member_id=1, is_editor=True
        )


async def test_open_match_links_both_ways_until_declined(db: Database) -> None:
    team = await _team(db)
    (first,) = await _queue(db, team, "The army used cluster munitions in the city of Izium.")
    (second,) = await _queue(db, team, "In the city of Izium the army used cluster munitions.")
    found = await match_new_claims(db, [second])
    assert found[second.id].verdict is None
    suggestion = await suggestion_for(db, claim_id=second.id)
    assert suggestion is not None and suggestion.claim_id == first.id
    assert suggestion.describe() == f"Matches #{first.id} (open)"

    assert await verdict_offers(db, claim_id=first.id) == [second.id]
    assert await verdict_offers(db, claim_id=second.id) == [first.id]
    await decline_match(db, chat_id=CHAT, claim_id=second.id, matched_id=first.id, member_id=5)
    assert await verdict_offers(db, claim_id=first.id) == []
    assert await suggestion_for(db, claim_id=second.id) is None


async def test_index_follows_claims_added_and_deleted(db: Database) -> None:
    team = await _team(db)
    await _queue(db, team, "Germany imports 40% of its gas from Russia.")
    assert (
        await find_match(db, team_id=team, text="The minister resigned over the contracts.") is None
    )
    (later,) = await _queue(db, team, "The minister resigned after the scandal over the contracts.")
    found = await find_match(
        db, team_id=team, text="After the contracts scandal, the minister resigned."
    )
    assert found is not None and found.claim_id == later.id
    async with db.write() as session:
        await session.delete(await claim_q.get_claim(session, claim_id=later.id))
    gone = await find_match(
        db, team_id=team, text="After the contracts scandal, the minister resigned."
    )
    assert gone is None


async def test_look_up_ranks_the_same_claim_first_with_its_verdict(db: Database) -> None:
    team = await _team(db)
    (checked,) = await _queue(
        db, team, "A total of 38,000 households in Zhytomyr region lost power."
    )
    await _queue(db, team, "A total of 83,000 households in Zhytomyr region lost power.")
    await _set_status(db, checked.id, ClaimStatus.FALSE)
    lookup = await look_up(db, team_id=team, text="38 000 homes in the Zhytomyr region lost power")
    assert lookup.is_match and lookup.matches[0].claim_id == checked.id
    assert lookup.matches[0].verdict == ClaimStatus.FALSE and lookup.matches[0].url is None
    assert [m.veto for m in lookup.matches[1:]] == ["numbers"]


async def test_index_lookup_finds_what_brute_force_finds(db: Database) -> None:
    """The candidate stage loses nothing on the labeled pairs: same answers as scoring all."""
    pairs = json.loads(PAIRS.read_text(encoding="utf-8"))
    team = await _team(db)
    history = sorted({pair["a"] for pair in pairs})
    for start in range(0, len(history), 20):
        await _queue(db, team, *history[start : start + 20])
    index = TermIndex()
    for i, text in enumerate(history):
        index.add(i + 1, prepared(text).terms)

    for b in sorted({pair["b"] for pair in pairs}):
        best = rerank(prepared(b), list(enumerate(history, 1)), index.idf)[0]
        expected = best[1].is_match()
        match = await find_match(db, team_id=team, text=b)
        assert (match is not None) == expected, b
        if match is not None:  # the same claim, or one that scores the same (a tie)
            assert match.score == best[1].score, (b, match.text, history[best[0] - 1])
