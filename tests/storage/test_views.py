"""Card views under load: many cards refreshed at once must not starve the connection pool."""

from __future__ import annotations

import asyncio

from bot.desk.views import Views
from storage import articles as article_q
from storage import claims as claim_q
from storage import matching as match_q
from storage import teams as team_q
from storage.db import Database


async def test_twenty_matched_cards_render_at_once_without_exhausting_the_pool(
    db: Database,
) -> None:
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=-5, title="Desk", chat_type="group")
        article = await article_q.add_article(session, team_id=team.id, text="t", text_hash="h")
        claims = await claim_q.add_claims(
            session, team_id=team.id, article_id=article.id,
            claims=[{"text": f"Claim {i} about 1{i},000 homes.", "quote": "q", "claimant": None,
                     "score": 0.9, "start": 0, "end": 1} for i in range(21)],
        )  # fmt: skip
        for claim in claims[1:]:
            await match_q.record_match(
                session, claim_id=claim.id, matched_id=claims[0].id, score=90.0
            )
    views = Views(db)
    # More concurrent renders than the pool has connections (5 + 10 overflow).
    rendered = await asyncio.wait_for(
        asyncio.gather(*(views.claim_view(claim_id=c.id) for c in claims[1:])), timeout=20
    )
    assert all(view.match is not None and view.match.claim_id == claims[0].id for view in rendered)
