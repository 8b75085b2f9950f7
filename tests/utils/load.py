"""Load for reliability tests: distinct articles, a vote plan with known tallies, DB inspection."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, select

from storage.db import Database
from storage.models import Article, Claim, StatusChange, StoredUpdate, Vote

CITIES = [
    "Kharkiv", "Odesa", "Dnipro", "Lviv", "Poltava", "Sumy", "Chernihiv", "Mykolaiv",
    "Zaporizhzhia", "Vinnytsia", "Kherson", "Rivne",
]  # fmt: skip
T = TypeVar("T")
RATINGS = ["true", "false", "misleading", "unproven"]


def article_text(index: int, rng: random.Random) -> str:
    """A news item with three checkable claims, distinct for each index."""
    city = CITIES[index % len(CITIES)]
    homes, stations = rng.randint(1000, 90000) + index, rng.randint(2, 9)
    drones, missiles = rng.randint(5, 40), rng.randint(2, 12)
    return (
        f"{city}: {homes:,} households without power after strikes (report {index})\n\n"
        f"The energy ministry said on Tuesday that {homes:,} households in the {city} region "
        f"were still without electricity after overnight strikes on {stations} substations.\n\n"
        f"Regional governor Ivan Petrenko told reporters that {drones} drones and {missiles} "
        f"missiles had been launched at {city}, and that air defence shot down {drones - 1} of "
        "the drones.\n\n"
        f"In 2023 the region lost power for a total of {drones + 20} days, according to the "
        "grid operator Ukrenergo.\n\nSubscribe to our channel for updates!"
    )


@dataclass(frozen=True)
class PlannedVote:
    """One member's single vote on one claim (so the expected tally is unambiguous)."""

    user_id: int
    claim_id: int
    message_id: int
    rating: str


def vote_plan(
    users: list[int], cards: dict[int, int], rng: random.Random, share: float = 0.8
) -> list[PlannedVote]:
    """Each user votes once on a random share of the claims (claim id → card message id)."""
    plan = [
        PlannedVote(user, claim_id, message_id, rng.choice(RATINGS))
        for user in users
        for claim_id, message_id in sorted(cards.items())
        if rng.random() < share
    ]
    rng.shuffle(plan)
    return plan


def expected_tallies(plan: list[PlannedVote]) -> dict[int, Counter[str]]:
    """Claim id → votes per rating that the plan should leave."""
    tallies: dict[int, Counter[str]] = {}
    for vote in plan:
        tallies.setdefault(vote.claim_id, Counter())[vote.rating] += 1
    return tallies


async def stored_tallies(db: Database) -> dict[int, Counter[str]]:
    """Claim id → votes per rating in the database."""
    async with db.read() as session:
        rows = await session.execute(
            select(Vote.claim_id, Vote.rating, func.count()).group_by(Vote.claim_id, Vote.rating)
        )
        tallies: dict[int, Counter[str]] = {}
        for claim_id, rating, count in rows.all():
            tallies.setdefault(claim_id, Counter())[rating] = count
    return tallies


async def articles_by_title(db: Database) -> Counter[str]:
    """How many articles the database holds per first line of text."""
    async with db.read() as session:
        texts = (await session.execute(select(Article.text))).scalars().all()
    return Counter(text.split("\n", 1)[0] for text in texts)


async def claims_per_position(db: Database) -> Counter[tuple[int, int]]:
    """(article id, position) → number of claims (more than one means extracted twice)."""
    async with db.read() as session:
        rows = (await session.execute(select(Claim.article_id, Claim.position))).all()
    return Counter((article_id, position) for article_id, position in rows)


async def posted_cards(db: Database) -> dict[int, int]:
    """Claim id → message id of its card, for claims whose card is posted."""
    async with db.read() as session:
        rows = await session.execute(
            select(Claim.id, Claim.card_message_id).where(Claim.card_state == "posted")
        )
        return {claim_id: message_id for claim_id, message_id in rows.all()}


async def card_states(db: Database) -> Counter[str]:
    """How many claims are in each card state."""
    async with db.read() as session:
        rows = await session.execute(
            select(Claim.card_state, func.count()).group_by(Claim.card_state)
        )
        return Counter(dict(rows.all()))


async def update_rows(db: Database) -> list[StoredUpdate]:
    """Every stored update."""
    async with db.read() as session:
        return list((await session.execute(select(StoredUpdate))).scalars())


async def history_consistent(db: Database) -> list[str]:
    """Problems in the claims' histories: a step that does not start where the last one ended."""
    async with db.read() as session:
        claims = {c.id: c for c in (await session.execute(select(Claim))).scalars()}
        steps = (await session.execute(select(StatusChange).order_by(StatusChange.id))).scalars()
        last: dict[int, str] = {}
        problems = []
        for step in steps:
            before = last.get(step.claim_id, "open")
            if step.from_status != before or step.from_status == step.to_status:
                problems.append(
                    f"claim {step.claim_id}: {before} then {step.from_status}→{step.to_status}"
                )
            last[step.claim_id] = step.to_status
    for claim_id, claim in claims.items():
        if last.get(claim_id, "open") != claim.status:
            problems.append(
                f"claim {claim_id} is {claim.status}, history ends at {last.get(claim_id)}"
            )
    return problems


async def wait_until(
    check: Callable[[], Awaitable[T]],
    *,
    timeout: float,  # noqa: ASYNC109
    interval: float = 0.2,
    what: str = "it",
) -> T:
    """Poll an async `check()` until it returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout}s")
        await asyncio.sleep(interval)
