"""Rows a service test starts from: a team, an article and its queued claims, in storage."""

from __future__ import annotations

from dataclasses import dataclass

from storage import articles as article_q
from storage import claims as claim_q
from storage import teams as team_q
from storage.db import Database
from storage.models import stored_id


@dataclass(frozen=True)
class Seeded:
    """One team's queue: its chat id and the ids of its claims, in order."""

    team_id: int
    chat_id: int
    claim_ids: list[int]


async def seed_queue(
    db: Database, *, chat_id: int = -100, claims: int = 2, quorum: int | None = None
) -> Seeded:
    """A team (with `quorum` if given) and one article whose `claims` claims are queued."""
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=chat_id, title="Desk", chat_type="group")
        team_id = stored_id(team)
        if quorum is not None:
            await team_q.update_team_settings(session, team_id=team_id, quorum=quorum)
        article = await article_q.add_article(
            session, team_id=team_id, text=f"text {chat_id}", text_hash=f"hash {chat_id}"
        )
        assert article is not None
        rows = await claim_q.add_claims(
            session,
            team_id=team_id,
            article_id=stored_id(article),
            claims=[
                {"text": f"Claim {i}: 4,000 homes were hit.", "quote": "q", "claimant": None,
                 "score": 0.9, "start": 0, "end": 1}
                for i in range(claims)
            ],
        )  # fmt: skip
    return Seeded(team_id, chat_id, [stored_id(row) for row in rows])
