"""The Intake service called directly, on SQLite and PostgreSQL: an article is queued once per
team, its extraction runs once, and "Queue it anyway" adds the text as one claim only once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.extraction.offline import OfflineExtractor
from bot.intake.intake import ArticleNotFound, Intake, StillReading
from bot.intake.intake_types import Draft
from bot.intake.web.fetch import PageFetcher
from storage import teams as team_q
from storage.db import Database
from storage.models import stored_id

ARTICLE = (
    "Kyiv, 3 March. The Ministry of Energy said on Monday that 4,000 homes in the Kharkiv region "
    "were left without power after the overnight strikes. Repair crews restored electricity to "
    "1,200 of them by the evening, according to the regional administration. Officials said the "
    "damaged substation would take at least two weeks to rebuild, and that 30 percent of the "
    "city's heating network was running on backup generators."
)
NOT_NEWS = "hello team, lunch at noon?"


@pytest.fixture
async def intake(db: Database) -> AsyncIterator[Intake]:
    fetcher = PageFetcher()
    try:
        yield Intake(
            db,
            fetcher=fetcher,
            extractors={"offline": OfflineExtractor()},
            default_extractor="offline",
            max_claims=5,
        )
    finally:
        await fetcher.close()


async def _team(db: Database, chat_id: int) -> int:
    async with db.write() as session:
        team = await team_q.ensure_team(session, chat_id=chat_id, title="Desk", chat_type="group")
    return stored_id(team)


async def _submit(intake: Intake, draft: Draft, team_id: int, chat_id: int = -100):
    return await intake.submit(
        draft, team_id=team_id, submitted_by=7, chat_id=chat_id, thread_id=None,
        status_message_id=None,
    )  # fmt: skip


async def test_the_same_article_is_queued_once_per_team_however_it_is_spaced_or_linked(
    db: Database, intake: Intake
) -> None:
    team, other_team = await _team(db, -100), await _team(db, -200)
    first = await _submit(intake, Draft("forward", ARTICLE), team)
    assert not first.duplicate
    respaced = ARTICLE.upper().replace(". ", ".\n\n")
    again = await _submit(intake, Draft("forward", respaced), team)
    assert again.duplicate and stored_id(again.article) == stored_id(first.article)
    elsewhere = await _submit(intake, Draft("forward", ARTICLE), other_team, chat_id=-200)
    assert not elsewhere.duplicate  # another team checks it on its own

    page = "https://news.example.org/power?utm_source=tg"
    linked = await _submit(intake, Draft("link", ARTICLE + " More.", url=page), team)
    relinked = await _submit(
        intake,
        Draft("link", "A different text of the same page.", url=page + "&utm_medium=x"),
        team,
    )
    assert relinked.duplicate and stored_id(relinked.article) == stored_id(linked.article)


async def test_control_characters_never_reach_the_database(db: Database, intake: Intake) -> None:
    team = await _team(db, -100)
    received = await _submit(
        intake, Draft("forward", ARTICLE + "\x00\x07", title="T\x00itle"), team
    )
    assert "\x00" not in received.article.text and "\x07" not in received.article.text
    assert received.article.title == "Title"


async def test_extraction_queues_claims_once_and_a_second_run_finds_nothing_to_do(
    db: Database, intake: Intake
) -> None:
    team = await _team(db, -100)
    received = await _submit(intake, Draft("forward", ARTICLE), team)
    article_id = stored_id(received.article)
    extracted = await intake.extract(article_id)
    assert extracted is not None and extracted.claims
    assert any("4,000" in claim.text for claim in extracted.claims)
    assert await intake.extract(article_id) is None  # done: a second worker or a retry skips
    again = await _submit(intake, Draft("forward", ARTICLE), team)
    assert again.duplicate and again.progress  # the duplicate reports the claims' progress


async def test_queue_it_anyway_adds_the_text_as_one_claim_once_and_only_for_its_own_chat(
    db: Database, intake: Intake
) -> None:
    team = await _team(db, -100)
    received = await _submit(intake, Draft("forward", NOT_NEWS * 20), team)
    article_id = stored_id(received.article)
    with pytest.raises(StillReading):
        await intake.queue_whole(article_id=article_id, chat_id=-100)
    await intake.extract(article_id)
    with pytest.raises(ArticleNotFound):
        await intake.queue_whole(article_id=article_id, chat_id=-200)
    first = await intake.queue_whole(article_id=article_id, chat_id=-100)
    second = await intake.queue_whole(article_id=article_id, chat_id=-100)
    assert first.new and not second.new
    assert stored_id(second.claim) == stored_id(first.claim)
