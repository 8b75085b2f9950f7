"""The verification workflow's rules: consensus from a tally. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Mapping

from storage.models import ClaimStatus, Rating

RATING_TO_STATUS: dict[str, ClaimStatus] = {
    Rating.TRUE: ClaimStatus.TRUE,
    Rating.MISLEADING: ClaimStatus.MISLEADING,
    Rating.FALSE: ClaimStatus.FALSE,
    Rating.UNPROVEN: ClaimStatus.UNPROVEN,
    Rating.NOT_A_CLAIM: ClaimStatus.DISMISSED,
}


def consensus_leader(tally: Mapping[str, int], quorum: int) -> str | None:
    """The rating with at least `quorum` votes that leads every other rating, if any."""
    if not tally:
        return None
    ranked = sorted(tally.items(), key=lambda item: item[1], reverse=True)
    best, best_count = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if best_count >= quorum and best_count > runner_up:
        return best
    return None


def decide_status(
    tally: Mapping[str, int], *, quorum: int, current: str, locked: bool, assigned: bool
) -> str:
    """The status a claim should have after its votes changed.

    A locked claim (an editor's verdict or dismissal) keeps its status whatever the votes say.
    Otherwise the votes decide: a leading rating at quorum is the verdict, quorum without a
    leader is `disputed`, fewer votes mean `in_review` (or `open` with no votes and no assignee).
    """
    if locked:
        return current
    total = sum(count for count in tally.values() if count > 0)
    if total == 0:
        return ClaimStatus.IN_REVIEW if assigned else ClaimStatus.OPEN
    leader = consensus_leader(tally, quorum)
    if leader is not None:
        return RATING_TO_STATUS[Rating(leader)]
    if total >= quorum:
        return ClaimStatus.DISPUTED
    return ClaimStatus.IN_REVIEW
