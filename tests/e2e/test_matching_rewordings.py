"""Known claims come back reworded, as posts, translated: the card says "Matches #N", and
`factcheck-bot match` gives the same answer (SQLite and PostgreSQL through the sandbox)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path

from sqlalchemy import func, select

from bot.sandbox import Sandbox
from storage.db import Database
from storage.matching import ClaimEmbedding
from tests.conftest import Desk, open_desk
from tests.stubs.embeddings_stub import EmbeddingsStub

REPO = Path(__file__).resolve().parents[2]
REVIEWS = (REPO / "tests" / "fixtures" / "claimreview" / "reviews.json").read_bytes()
NHS = "The NHS waiting list has doubled since March to eight million people."
NHS_URL = "https://fullfact.example/health/nhs-waiting-list-eight-million/"
LONG_POST = (
    "Can't believe this. The NHS waiting list has doubled since March to eight million people, "
    "and ministers still say it's under control. My mum has waited 14 months for her hip. "
    "Share if your family is waiting too 😡 — Jen Price (@jenprice_uk) March 3, 2026"
)
MEASLES = "Вакцина від кору викликає аутизм у дітей."
MEASLES_URL = "https://www.stopfake.example/uk/vaktsyna-vid-koru-autyzm/"


def review(claim: str, url: str, rating: str = "False") -> dict[str, object]:
    """One ClaimReview record."""
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "author": {"@type": "Organization", "name": "StopFake"},
        "datePublished": "2026-11-20",
        "reviewRating": {"@type": "Rating", "alternateName": rating},
    }


async def import_reviews(desk: Desk, data: bytes) -> None:
    """An editor imports a ClaimReview file with /import and the bot confirms it."""
    desk.sandbox.send(
        desk.chat, desk.alice, caption="/import", document=("r.json", data, "application/json")
    )
    await desk.settle()
    assert "Imported" in desk.last("Imported").content


def matched_id(content: str) -> str | None:
    """The N of "Matches #N" on a card, if it says so."""
    if "Matches #" not in content:
        return None
    return content.split("Matches #", 1)[1].split()[0].strip(":,.")


async def run_match_cli(db_url: str, chat_id: int, lines: list[str], **settings: str) -> list[dict]:
    """`factcheck-bot match --chat ... --json` as a user runs it, one JSON object a line."""
    env = {**os.environ, "DATABASE_URL": db_url, **settings}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.app.cli", "match", "--chat", str(chat_id), "--json",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=REPO, env=env,
    )  # fmt: skip
    out, err = await process.communicate("\n".join(lines).encode() + b"\n")
    assert process.returncode == 0, err.decode()
    return [json.loads(line) for line in out.decode().splitlines()]


async def test_reworded_post_shows_earlier_verdict_and_changed_figure_does_not(
    desk: Desk, db_url: str
) -> None:
    await import_reviews(desk, REVIEWS)
    await desk.say(
        desk.bob,
        "/check BREAKING: since March the #NHS waiting list doubled to 8 million people!! "
        "https://t.co/a1 via @healthwatch",
    )
    reworded = await desk.card("8 million people")
    earlier = matched_id(reworded.content)
    assert earlier is not None, reworded.content
    await desk.say(
        desk.carol, "/check The NHS waiting list has doubled since March to nine million."
    )
    changed = await desk.card("nine million")
    assert matched_id(changed.content) is None, changed.content

    results = await run_match_cli(
        db_url,
        desk.chat.id,  # type: ignore[attr-defined]
        [
            "Since March the NHS waiting list has doubled to 8 million people",
            "The NHS waiting list has doubled since March to seven million people.",
            LONG_POST,
            LONG_POST.replace("eight million", "seven million"),
        ],
    )
    found, refused, long, long_changed = results
    # A long post is judged by the clause that says the claim, not by its commentary.
    assert long["is_match"] and str(long["matches"][0]["claim_id"]) == earlier
    assert not long_changed["is_match"]
    assert found["is_match"] and str(found["matches"][0]["claim_id"]) == earlier
    assert found["matches"][0]["text"] == NHS and found["matches"][0]["url"] == NHS_URL
    assert found["matches"][0]["verdict"] == "false" and found["matches"][0]["checked_at"]
    assert set(found["matches"][0]) == {"claim_id", "text", "score", "verdict", "url", "checked_at"}
    assert not refused["is_match"]


async def test_translated_claim_found_with_embeddings(sandbox: Sandbox, db_url: str) -> None:
    records = [
        review(MEASLES, MEASLES_URL),
        review("Вакцина від грипу викликає безпліддя.", "https://stopfake.example/uk/flu/"),
    ]
    async with (
        EmbeddingsStub() as stub,
        open_desk(sandbox, db_url, embeddings_url=stub.base_url, embeddings_model="stub") as desk,
    ):
        await import_reviews(desk, json.dumps(records, ensure_ascii=False).encode())
        await desk.say(desk.bob, "/check Вакцина от кори вызывает аутизм у детей.")
        russian = await desk.card("аутизм у детей")
        await desk.say(desk.carol, "/check The measles vaccine causes autism in children.")
        english = await desk.card("autism in children")
        assert matched_id(russian.content) is not None, russian.content
        assert matched_id(english.content) == matched_id(russian.content)
        assert stub.texts_embedded >= 4  # the history once, then each new claim

        imported = matched_id(russian.content)
        chat_id = desk.chat.id  # type: ignore[attr-defined]
        meaning = {"EMBEDDINGS_URL": stub.base_url, "EMBEDDINGS_MODEL": "stub"}
        strict = meaning | {"EMBEDDINGS_SAME_CLAIM": "1.0"}  # the model's own cutoff, set high
        offline, semantic, strict_run = [
            (await run_match_cli(db_url, chat_id, ["Корь: вакцина вызывает аутизм?"], **env))[0]
            for env in ({}, meaning, strict)
        ]
    # Russian again, reworded: found by meaning with the claim's verdict and review URL (meaning
    # decides across languages only; in one language the words do).
    assert semantic["is_match"] and str(semantic["matches"][0]["claim_id"]) == imported, semantic
    assert semantic["matches"][0]["url"] == MEASLES_URL
    assert semantic["matches"][0]["verdict"] == "false"
    # EMBEDDINGS_SAME_CLAIM reaches the decision: at a cosine of 1.0 the imported translation is
    # no longer called the same claim (the Russian /check claim, matched by its words, comes first).
    first = strict_run["matches"][0]
    assert str(first["claim_id"]) != imported and "аутизм" in first["text"], strict_run
    assert (
        offline["matches"] == [] or offline["matches"][0]["score"] < semantic["matches"][0]["score"]
    )


async def stored_vectors(db_url: str) -> dict[str, int]:
    """How many claim vectors the database keeps, by model."""
    db = Database(db_url)
    try:
        async with db.read() as session:
            rows = await session.execute(
                select(ClaimEmbedding.model, func.count()).group_by(ClaimEmbedding.model)
            )
            return {model: count for model, count in rows.all()}
    finally:
        await db.dispose()


async def test_vectors_are_stored_once_and_embedded_again_for_a_new_model(
    sandbox: Sandbox, db_url: str
) -> None:
    records = [
        review(MEASLES, MEASLES_URL),
        review("Вакцина від грипу викликає безпліддя.", "https://stopfake.example/uk/flu/"),
    ]
    async with (
        EmbeddingsStub() as stub,
        open_desk(sandbox, db_url, embeddings_url=stub.base_url, embeddings_model="stub") as desk,
    ):
        await import_reviews(desk, json.dumps(records, ensure_ascii=False).encode())
        await desk.say(desk.bob, "/check Вакцина от кори вызывает аутизм у детей.")
        russian = await desk.card("аутизм у детей")
        assert matched_id(russian.content) is not None, russian.content
        claims = 3  # two imported, one checked: each embedded once, plus the query
        assert stub.texts_embedded == claims + 1
        assert await stored_vectors(db_url) == {"stub": claims}

        # Each CLI run is a fresh process, as after a restart: the vectors come from the
        # database, only the query is embedded.
        chat_id = desk.chat.id  # type: ignore[attr-defined]
        query = ["Корь: вакцина вызывает аутизм?"]
        same = {"EMBEDDINGS_URL": stub.base_url, "EMBEDDINGS_MODEL": "stub"}
        before = stub.texts_embedded
        (found,) = await run_match_cli(db_url, chat_id, query, **same)
        assert found["is_match"] and str(found["matches"][0]["claim_id"]) == matched_id(
            russian.content
        )
        assert stub.texts_embedded - before == 1

        # A new model: every claim is embedded again, once, and kept beside the old vectors.
        other = {**same, "EMBEDDINGS_MODEL": "stub-v2"}
        before = stub.texts_embedded
        (again,) = await run_match_cli(db_url, chat_id, query, **other)
        assert again["is_match"]
        assert stub.texts_embedded - before == claims + 1
        assert await stored_vectors(db_url) == {"stub": claims, "stub-v2": claims}
        before = stub.texts_embedded
        await run_match_cli(db_url, chat_id, query, **other)
        assert stub.texts_embedded - before == 1
