"""Consensus rules: a tally in, a status out."""

from __future__ import annotations

import pytest

from bot.desk.workflow import consensus_leader, decide_status
from storage.models import ClaimStatus


def decide(tally: dict[str, int], *, quorum: int = 2, current: str = "open", **kw: bool) -> str:
    """decide_status with the common defaults."""
    return decide_status(
        tally,
        quorum=quorum,
        current=current,
        locked=kw.get("locked", False),
        assigned=kw.get("assigned", False),
    )


def test_no_votes_is_open_or_in_review_when_someone_took_it() -> None:
    assert decide({}) == ClaimStatus.OPEN
    assert decide({}, assigned=True) == ClaimStatus.IN_REVIEW


def test_one_vote_below_quorum_is_in_review() -> None:
    assert decide({"false": 1}) == ClaimStatus.IN_REVIEW


def test_leading_rating_at_quorum_is_the_verdict() -> None:
    assert decide({"false": 2}) == ClaimStatus.FALSE
    assert decide({"false": 2, "true": 1}) == ClaimStatus.FALSE
    assert decide({"not_claim": 2}) == ClaimStatus.DISMISSED


def test_quorum_without_a_leader_is_disputed() -> None:
    assert decide({"false": 1, "true": 1}) == ClaimStatus.DISPUTED
    assert decide({"false": 2, "true": 2}) == ClaimStatus.DISPUTED


def test_votes_can_move_a_claim_out_of_a_verdict() -> None:
    assert decide({"false": 2, "true": 3}, current="false") == ClaimStatus.TRUE
    assert decide({"false": 1}, current="false") == ClaimStatus.IN_REVIEW


def test_locked_claim_keeps_its_status_whatever_the_votes() -> None:
    assert decide({"true": 5}, current="false", locked=True) == "false"


@pytest.mark.parametrize("quorum", [1, 3])
def test_quorum_is_per_team(quorum: int) -> None:
    assert (consensus_leader({"true": 1}, quorum) == "true") is (quorum == 1)
    assert consensus_leader({"true": 3, "false": 1}, quorum) == "true"


def test_zero_counts_are_ignored() -> None:
    assert decide({"true": 0}) == ClaimStatus.OPEN
