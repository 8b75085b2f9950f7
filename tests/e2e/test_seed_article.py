"""The archetypal input, forwarded through the sandbox: the claims a fact-checker would queue.

The seed article (a White House briefing on Iranian drones in Crimea) is what most teams try
first. The claim the article is about comes first, every claimant is the one the article names,
and nothing from the byline, the author bio or the photo caption is queued.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import select

from storage.models import Article, Claim
from tests.conftest import Desk

# What each claim is about, and who said it: a fragment of the claim, and its claimant.
HEADLINE = "Iranian military personnel were on the ground in Crimea"
DRONES = ("Iranian drones launched from the Crimean Peninsula", "piloting Iranian UAVs")
CLAIMANTS = {
    "Iranian military personnel were on the ground": "John Kirby",
    "piloting Iranian UAVs": "John Kirby",
    "Russia has received dozens of UAVs": "John Kirby",
    "Iranian drones launched from the Crimean Peninsula": "The White House",
    "Iranian personnel are on the Crimean Peninsula": "John Kirby",
    "they certainly can’t hide the facts": "John Kirby",
    "fresh sanctions on Iran": "the UK Foreign Office",
    "cowardly drone strikes": "James Cleverly",
}
ATTRIBUTION_WORDS = {"According", "to", "said"}
NEVER = ("Jack Phillips", "Breaking News Reporter", "Reuters contributed", "handout image")


async def _queued_claims(desk: Desk) -> list[Claim]:
    """The article's claims as the database holds them, in the order the bot ranked them."""
    async with desk.app.bot_data.services.db.read() as session:
        rows = await session.scalars(select(Claim).order_by(Claim.position))
        return list(rows)


def _claimant_of(claim: Claim) -> str | None:
    """The expected claimant for a claim, by the fragment it carries (None: not in the table)."""
    for fragment, who in CLAIMANTS.items():
        if fragment.lower() in claim.text.lower():
            return who
    return None


async def test_seed_article_queues_the_headline_claim_first_with_the_right_claimants(
    desk: Desk, shared_dir: Path
) -> None:
    text = (shared_dir / "article-seed-iran-crimea.txt").read_text(encoding="utf-8")
    await desk.say(desk.alice, text, forward_origin={"channel": "The Epoch Times"})
    await desk.published()

    claims = await _queued_claims(desk)
    texts = [c.text for c in claims]
    assert claims, "the seed article queued nothing"
    top5 = " | ".join(texts[:5])
    assert HEADLINE in top5, f"the headline claim is not in the top 5: {texts}"
    for fragment in DRONES:
        assert fragment in top5, f"{fragment!r} is not in the top 5: {texts}"

    for claim in claims:
        # Never cut, never from the furniture, never reworded beyond its quote.
        assert not claim.text.rstrip('”»"').endswith("…"), claim.text
        assert not any(bit in claim.text for bit in NEVER), claim.text
        assert claim.quote and claim.quote in text
        words = set(re.findall(r"\w+", claim.quote + " " + (claim.claimant or "")))
        added = set(re.findall(r"\w+", claim.text)) - words - ATTRIBUTION_WORDS
        assert not added, (claim.text, claim.quote)
        expected = _claimant_of(claim)
        if expected is not None:
            assert (claim.claimant or "").casefold() == expected.casefold(), (
                claim.text,
                claim.claimant,
            )
        elif claim.claimant is not None:
            assert claim.claimant in claim.quote or claim.claimant in text, claim.claimant

    # The concern and the "although he said" sentences are not what the article is about.
    concern = [i for i, t in enumerate(texts) if "is concerned that" in t]
    assert not concern or concern[0] >= 5, texts

    async with desk.app.bot_data.services.db.read() as session:
        article = (await session.scalars(select(Article))).one()
    assert "twitter.com" not in (article.url or ""), "the author's bio link became the source"

    # The first card the group sees is the headline claim.
    first = desk.cards()[0].content
    assert any(t in first for t in (HEADLINE, *DRONES)), first
