"""Exports parse back: CSV through the csv module, JSON through json, ClaimReview by its schema."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

import storage.matching  # noqa: F401  (registers the matching tables on the metadata)
from bot.desk.export import (
    BEST_RATING,
    CSV_COLUMNS,
    WORST_RATING,
    ExportStats,
    export_rows,
    parse_since,
    run_export_cli,
)
from storage import articles as article_q
from storage import claims as claim_q
from storage import notes as note_q
from storage import teams as team_q
from storage import votes as vote_q
from storage.db import Database

CHAT = -100_500
TRICKY = 'He said "no, never",\nthen left; 38 000 «домогосподарств» — ок'
FORMULA = '=HYPERLINK("http://evil.example","click")'


async def _desk(db: Database) -> dict[str, int]:
    """A team with four claims: a tricky False one, a formula-like True one, Unproven, open."""
    published = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    async with db.write() as session:
        team = await team_q.ensure_team(
            session, chat_id=CHAT, title='Desk "Правда", Inc.', chat_type="supergroup"
        )
        await team_q.upsert_user(session, user_id=1, first_name="Олена", last_name="К.")
        await team_q.upsert_user(session, user_id=2, first_name="Sam")
        article = await article_q.add_article(
            session, team_id=team.id, text="body", text_hash=hashlib.sha256(b"x").hexdigest(),
            title='Power cuts, "again"', url="https://news.example/a?id=1", kind="link",
            author="Jane Roe", published_at=published,
        )  # fmt: skip
        post = await article_q.add_article(
            session, team_id=team.id, text="post", text_hash=hashlib.sha256(b"y").hexdigest(),
            kind="forward", origin_type="channel", origin_name="Канал Новини",
            origin_username="novyny", origin_message_id=77, origin_link="https://t.me/novyny/77",
            origin_date=published,
        )  # fmt: skip
        a = await claim_q.add_claims(
            session, team_id=team.id, article_id=article.id,
            claims=[{"text": TRICKY, "quote": TRICKY, "claimant": "Ministry of Energy"},
                    {"text": FORMULA, "quote": FORMULA, "claimant": "John Kirby"}],
        )  # fmt: skip
        b = await claim_q.add_claims(
            session, team_id=team.id, article_id=post.id,
            claims=[{"text": "Unproven thing", "quote": ""},
                    {"text": "Open one", "quote": "", "origin": "member"}],
        )  # fmt: skip
        for claim, status in ((a[0], "false"), (a[1], "true"), (b[0], "unproven")):
            await claim_q.change_status(
                session, claim=claim, to_status=status, user_id=1, reason="consensus"
            )
        for user, rating in ((1, "false"), (2, "false")):
            await vote_q.upsert_vote(session, claim_id=a[0].id, user_id=user, rating=rating)
        await vote_q.upsert_vote(session, claim_id=a[0].id, user_id=3, rating="misleading")
        await note_q.add_note(
            session, claim_id=a[0].id, user_id=2, text='Grid data, "see"\nhttps://grid.example/1',
            evidence_urls=["https://grid.example/1"], message_id=None,
        )  # fmt: skip
    return {"team": team.id, "false": a[0].id, "true": a[1].id, "unproven": b[0].id,
            "open": b[1].id}  # fmt: skip


async def _collect(db: Database, **options: object) -> bytes:
    """Run an export to the end and join its chunks."""
    return b"".join([chunk async for chunk in export_rows(db, **options)])


async def test_csv_round_trips_unicode_commas_quotes_and_newlines(db: Database) -> None:
    ids = await _desk(db)

    data = await _collect(db, chat_id=CHAT, fmt="csv")

    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    by_id = {int(row["claim_id"]): row for row in rows}
    assert set(by_id) == {ids[k] for k in ("false", "true", "unproven", "open")}
    tricky = by_id[ids["false"]]
    assert tricky["claim"] == TRICKY
    assert tricky["article_title"] == 'Power cuts, "again"'
    assert tricky["status"] == tricky["verdict"] == "false"
    assert date.fromisoformat(tricky["verdict_date"]) == datetime.now(UTC).date()
    assert (tricky["votes_false"], tricky["votes_misleading"], tricky["votes_true"]) == (
        "2", "1", "0"
    )  # fmt: skip
    assert tricky["notes"] == "1"
    assert tricky["source"] == "Jane Roe" and tricky["url"] == "https://news.example/a?id=1"
    assert by_id[ids["true"]]["claim"] == "'" + FORMULA  # neutralised for spreadsheets
    post = by_id[ids["open"]]
    assert (post["verdict"], post["source"], post["source_type"]) == (
        "", "Канал Новини", "channel"
    )  # fmt: skip
    assert post["url"] == "https://t.me/novyny/77"
    assert (tricky["origin"], post["origin"]) == ("extracted", "member")


async def test_json_has_full_detail(db: Database) -> None:
    ids = await _desk(db)

    doc = json.loads(await _collect(db, chat_id=CHAT, fmt="json"))

    assert doc["team"]["title"] == 'Desk "Правда", Inc.'
    claims = {claim["id"]: claim for claim in doc["claims"]}
    tricky = claims[ids["false"]]
    assert tricky["text"] == TRICKY and tricky["tally"] == {"false": 2, "misleading": 1}
    assert [v["name"] for v in tricky["votes"]] == ["Олена К.", "Sam", "3"]
    assert tricky["notes"][0]["evidence_urls"] == ["https://grid.example/1"]
    assert tricky["notes"][0]["text"].endswith("\nhttps://grid.example/1")
    assert [(h["from"], h["to"], h["reason"]) for h in tricky["history"]] == [
        ("open", "false", "consensus")
    ]
    assert tricky["article"]["published_at"].startswith("2026-11-01T09:30")
    assert claims[ids["open"]]["verdict"] is None
    assert (tricky["origin"], claims[ids["open"]]["origin"]) == ("extracted", "member")


async def test_claimreview_fields_typed_as_schema_org_expects(db: Database) -> None:
    ids = await _desk(db)

    reviews = json.loads(
        await _collect(
            db,
            chat_id=CHAT,
            fmt="claimreview",
            org_url="https://desk.example",
            review_url="https://desk.example/checks/{claim_id}",
        )
    )

    assert isinstance(reviews, list) and len(reviews) == 3  # the open claim has no verdict
    by_url = {review["url"]: review for review in reviews}
    false = by_url[f"https://desk.example/checks/{ids['false']}"]
    assert false["@context"] == "https://schema.org" and false["@type"] == "ClaimReview"
    assert false["claimReviewed"] == TRICKY
    assert false["author"] == {
        "@type": "Organization", "name": 'Desk "Правда", Inc.', "url": "https://desk.example"
    }  # fmt: skip
    date.fromisoformat(false["datePublished"])
    rating = false["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "False"
    assert isinstance(rating["name"], str) and rating["name"]
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (
        1, BEST_RATING, WORST_RATING
    )  # fmt: skip
    item = false["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item["author"] == {"@type": "Organization", "name": "Ministry of Energy"}
    assert item["appearance"]["@type"] == "CreativeWork"
    assert item["appearance"]["url"] == "https://news.example/a?id=1"
    assert item["firstAppearance"]["url"] == "https://news.example/a?id=1"
    assert item["datePublished"] == "2026-11-01"

    true = by_url[f"https://desk.example/checks/{ids['true']}"]
    assert true["reviewRating"]["ratingValue"] == 5
    assert true["itemReviewed"]["author"] == {"@type": "Person", "name": "John Kirby"}
    unproven = by_url[f"https://desk.example/checks/{ids['unproven']}"]
    assert "ratingValue" not in unproven["reviewRating"]
    assert unproven["reviewRating"]["alternateName"] == "Unproven"
    assert unproven["itemReviewed"]["author"] == {"@type": "Organization", "name": "Канал Новини"}
    assert unproven["itemReviewed"]["appearance"]["url"] == "https://t.me/novyny/77"


async def test_small_batches_stream_the_same_document(db: Database) -> None:
    await _desk(db)
    for fmt in ("csv", "json", "claimreview"):
        stats = ExportStats()
        chunks = [c async for c in export_rows(db, chat_id=CHAT, fmt=fmt, batch=1, stats=stats)]
        assert len(chunks) >= 4
        whole = await _collect(db, chat_id=CHAT, fmt=fmt, batch=500)
        if fmt == "json":  # exported_at differs between the two runs
            a, b = json.loads(b"".join(chunks)), json.loads(whole)
            assert a["claims"] == b["claims"]
        else:
            assert b"".join(chunks) == whole


async def test_since_keeps_claims_changed_from_that_moment(db: Database) -> None:
    ids = await _desk(db)
    async with db.write() as session:
        old = await claim_q.get_claim(session, claim_id=ids["true"])
        await claim_q.touch_status_time(session, claim=old, when=datetime(2020, 1, 1, tzinfo=UTC))

    doc = json.loads(await _collect(db, chat_id=CHAT, fmt="json", since=parse_since("2025-01-01")))

    assert ids["true"] not in {claim["id"] for claim in doc["claims"]}
    assert len(doc["claims"]) == 3


async def test_cli_writes_file_and_reports_errors(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await _desk(db)
    out = tmp_path / "verdicts.jsonld"

    assert await run_export_cli(db.url, CHAT, "claimreview", "2026-01-01", str(out)) == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 3
    assert "Exported 3 claim(s)" in capsys.readouterr().err

    assert await run_export_cli(db.url, -1, "csv", None, str(tmp_path / "none.csv")) == 1
    assert not (tmp_path / "none.csv").exists()
    assert not (tmp_path / "none.csv.part").exists()
    assert await run_export_cli(db.url, CHAT, "csv", "last tuesday", None) == 2
    assert await run_export_cli(db.url, CHAT, "xml", None, str(tmp_path / "x")) == 1
    assert parse_since("2026-11-20T10:00:00+02:00") == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert parse_since("2026-11-20") - parse_since("2026-11-19") == timedelta(days=1)


async def test_cli_csv_names_statuses_in_the_teams_language(db: Database, tmp_path: Path) -> None:
    from bot.desk.languages import Languages
    from bot.i18n import words
    from handlers.render import status_names

    await _desk(db)
    await Languages(db).set_group(CHAT, "ru")
    out = tmp_path / "claims.csv"
    named = await run_export_cli(
        db.url, CHAT, "csv", None, str(out), status_names=lambda code: status_names(words(code))
    )
    assert named == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    names = {row["status"]: row["status_name"] for row in rows}
    assert names["false"] == "ложь" and names["true"] == "правда", names
    # Without a namer (a library caller) the column repeats the machine value.
    data = (await _collect(db, chat_id=CHAT, fmt="csv")).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows and all(row["status_name"] == row["status"] for row in rows)
