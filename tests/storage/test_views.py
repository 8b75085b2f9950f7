"""Card views under load: many cards refreshed at once must not starve the connection pool."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk.views import CardViews, Views
from storage import articles as article_q
from storage import claims as claim_q
from storage import matching as match_q
from storage import notes as note_q
from storage import teams as team_q
from storage import votes as vote_q
from storage.db import Database
from storage.models import Claim


async def _article_of(session: AsyncSession, team_id: int, texts: list[str]) -> list[Claim]:
    """A new article of the team with these claims, in order."""
    article = await article_q.add_article(
        session, team_id=team_id, text="\n".join(texts), text_hash=texts[0]
    )
    return await claim_q.add_claims(
        session, team_id=team_id, article_id=article.id,
        claims=[{"text": text, "quote": "q", "claimant": None, "score": 0.9, "start": 0,
                 "end": 1} for text in texts],
    )  # fmt: skip


async def test_twenty_matched_cards_render_at_once_without_exhausting_the_pool(
    db: Database,
) -> None:
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=-5, title="Desk", chat_type="group")
        claims = await _article_of(
            session, team.id, [f"Claim {i} about 1{i},000 homes." for i in range(21)]
        )
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


async def test_cards_refreshed_together_are_read_in_one_batch_each_with_its_own_data(
    db: Database,
) -> None:
    """CardViews: 30 cards asked for at once take one read, and each view is its own claim's."""
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=-6, title="Desk", chat_type="group")
        await team_q.upsert_user(session, user_id=7, first_name="Olena")
        await team_q.upsert_user(session, user_id=8, first_name="Taras")
        claims = []
        for a in range(3):
            claims += await _article_of(session, team.id, [f"Claim {a}.{i}" for i in range(10)])
        await vote_q.upsert_vote(session, claim_id=claims[4].id, user_id=7, rating="false")
        await vote_q.upsert_vote(session, claim_id=claims[4].id, user_id=8, rating="true")
        await vote_q.upsert_vote(session, claim_id=claims[25].id, user_id=8, rating="false")
        await note_q.add_note(
            session, claim_id=claims[25].id, user_id=7, text="n", evidence_urls=[], message_id=1
        )
    views = Views(db)
    reads: list[int] = []
    real = views.claim_views

    async def counted(ids: list[int]) -> dict[int, object]:
        reads.append(len(ids))
        return await real(ids)

    views.claim_views = counted  # type: ignore[method-assign]
    batched = CardViews(views)
    wanted = [c.id for c in claims] + [999_999]  # and one claim that does not exist
    found = await asyncio.wait_for(asyncio.gather(*(batched.view(i) for i in wanted)), 20)
    await batched.close()
    assert reads == [31]
    assert found[-1] is None
    by_id = {view.claim.id: view for view in found if view is not None}
    assert [by_id[c.id].claim.text for c in claims] == [c.text for c in claims]
    assert by_id[claims[4].id].voters == [("Olena", "false"), ("Taras", "true")]
    assert by_id[claims[4].id].tally == {"false": 1, "true": 1}
    assert by_id[claims[25].id].tally == {"false": 1} and by_id[claims[25].id].note_count == 1
    assert all(not v.tally and v.note_count == 0 for i, v in by_id.items() if i not in
               (claims[4].id, claims[25].id))  # fmt: skip
    # One read at a time: a card asked for while a read is under way goes in the next one.
    first = asyncio.ensure_future(batched.view(claims[0].id))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(batched.view(claims[1].id))
    assert [(await first).claim.id, (await second).claim.id] == [claims[0].id, claims[1].id]
    assert reads[1:] in ([1, 1], [2])
    await batched.close()


async def test_a_card_that_cannot_be_read_spoils_no_other_card_of_its_batch(
    db: Database,
) -> None:
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=-7, title="Desk", chat_type="group")
        claims = await _article_of(session, team.id, [f"Claim {i}" for i in range(5)])
    views = Views(db)
    real = views.claim_views
    broken = claims[2].id

    async def failing(ids: list[int]) -> dict[int, object]:
        if broken in ids:
            raise RuntimeError("a card that cannot be read")
        return await real(ids)

    views.claim_views = failing  # type: ignore[method-assign]
    batched = CardViews(views)
    found = await asyncio.wait_for(
        asyncio.gather(*(batched.view(c.id) for c in claims), return_exceptions=True), 20
    )
    await batched.close()
    assert isinstance(found[2], RuntimeError)
    assert [v.claim.id for i, v in enumerate(found) if i != 2] == [
        c.id for i, c in enumerate(claims) if i != 2
    ]
