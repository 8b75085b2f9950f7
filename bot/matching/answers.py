"""Already checked: what the team's history says back, at once, about a claim it has settled.

Two askers: a submission whose claims the matcher linked to settled claims (the summary says
"Already checked: ❌ False, 20 Nov — StopFake: …"), and, where the team turned it on, any
message in the group that says what a settled claim says (Cofacts' group mode: the bot speaks
only on a confident match, the calibrated `is_match` decision, and stays silent on a maybe:
`service.answer_in_chat`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.notifications import explain
from storage import claims as claim_q
from storage import imports as import_q
from storage import matching as match_q
from storage.db import Database
from storage.models import VERDICT_STATUSES, Claim, stored_id


@dataclass(frozen=True)
class KnownVerdict:
    """A settled claim of the team that a new text says again, and how it was settled."""

    matched_id: int
    verdict: str  # true, misleading, false, unproven
    checked_at: datetime
    publisher: str | None  # the fact-checker of an imported review ("": unnamed); None: the desk
    reason: str | None  # the review's headline or the desk's reason
    url: str | None  # the published fact-check (an imported review's URL)
    chat_id: int | None = None  # where the earlier claim's card is, for a link to it
    card_message_id: int | None = None
    claim_id: int | None = None  # the new claim it answers (None for a message in the chat)
    rating: str | None = None  # an imported review's own rating, shown when it has no headline


def _review_headline(raw: str) -> str | None:
    """The headline a ClaimReview carries (headline, name or its body), if any."""
    try:
        review = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(review, dict):
        return None
    for key in ("headline", "name", "reviewBody", "description"):
        value = review.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


async def known_verdict(
    session: AsyncSession, *, matched: Claim, claim_id: int | None = None
) -> KnownVerdict | None:
    """How a settled claim was settled, for the answer; None if it has no verdict."""
    if matched.status not in VERDICT_STATUSES:
        return None
    review = await import_q.review_of(session, claim_id=stored_id(matched))
    if review is not None:
        return KnownVerdict(
            stored_id(matched), matched.status, review.reviewed_at or matched.status_changed_at,
            review.publisher or "", _review_headline(review.review),
            review.url or matched.review_url, claim_id=claim_id, rating=review.rating,
        )  # fmt: skip
    explanation = await explain(session, claim=matched)
    reason = explanation.reason
    if reason and reason.startswith("matches #"):  # accepted from an older claim: say that one's
        reason = None
    return KnownVerdict(
        stored_id(matched), matched.status, matched.status_changed_at, None, reason,
        explanation.links[0] if explanation.links else None,
        matched.card_chat_id, matched.card_message_id, claim_id,
    )  # fmt: skip


async def known_verdicts(db: Database, *, claim_ids: Sequence[int]) -> list[KnownVerdict]:
    """The settled claims that just-queued claims were matched to (a suggestion still open)."""
    found: list[KnownVerdict] = []
    seen: set[int] = set()
    async with db.read() as session:
        for claim_id in claim_ids:
            link = await match_q.get_match(session, claim_id=claim_id)
            if link is None or link.state != match_q.MatchState.SUGGESTED:
                continue
            if link.matched_id in seen:
                continue  # two claims of one article that say the same: one answer
            matched = await claim_q.get_claim(session, claim_id=link.matched_id)
            if matched is None:
                continue
            known = await known_verdict(session, matched=matched, claim_id=claim_id)
            if known is not None:
                seen.add(link.matched_id)
                found.append(known)
    return found
