"""A real bot process is SIGKILLed in the middle of an album (issue 14 item 2: "a crash in the
middle of an album loses nothing and queues it once").

Two moments: between the parts (two of three stored, the third sent while the bot is down), and
after the album was taken for reading but before its article was queued. Either way, after the
restart the album is one article with claims from all three images, one "Got it", one summary,
each claim once. The bot runs as `factcheck-bot run` against the standalone sandbox, both real
processes (tests/utils/processes.py), on SQLite and PostgreSQL; the test waits on the database.
"""

from __future__ import annotations

import base64
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.intake.media.ocr import INSTALL_HINT, tesseract_status
from handlers.media import READING_ALBUM
from storage.db import Database
from storage.models import Album, AlbumPart, AlbumState, Article, Claim
from tests.utils import load
from tests.utils.processes import BotProcess, Processes, SandboxControl, settle_bot
from tests.utils.screenshots import FONT_SKIP, POSTS, fonts_available, render_post

STATUS = tesseract_status()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not STATUS.ready or bool(STATUS.missing),
        reason=f"OCR tests need Tesseract with eng, ukr and rus: {INSTALL_HINT}",
    ),
    pytest.mark.skipif(not fonts_available(), reason=FONT_SKIP),
]

CHANNEL = {"channel": "Regional Updates"}
# One figure from each image (English light, English dark, Ukrainian light): each must reach
# a claim, so each image was read.
FIGURES = ("3,412", "118 ships", "1 284")
SHOTS = [render_post(POSTS[0]), render_post(POSTS[1]), render_post(POSTS[2])]
GROUP_ID = "13999000000000001"


async def send_part(
    control: SandboxControl, chat: int, user: int, index: int, caption: str | None = None
) -> dict[str, Any]:
    """Part `index` (0-based) of the album, as Telegram delivers it: its own update."""
    return await control.post(
        "/messages",
        {
            "chat_id": chat,
            "user_id": user,
            "photo": {"content_base64": base64.b64encode(SHOTS[index]).decode()},
            "caption": caption,
            "forward_origin": CHANNEL,
            "media_group_id": GROUP_ID,
        },
    )


async def album_parts(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(AlbumPart)) or 0)


async def albums(db: Database) -> list[Album]:
    async with db.read() as session:
        return list((await session.execute(select(Album))).scalars())


async def articles(db: Database) -> list[Article]:
    async with db.read() as session:
        return list((await session.execute(select(Article))).scalars())


async def claim_texts(db: Database) -> list[str]:
    async with db.read() as session:
        return [str(t) for t in (await session.execute(select(Claim.text))).scalars()]


async def album_read(db: Database) -> bool:
    """Whether the album is read and every card of its article is posted."""
    found = await albums(db)
    if len(found) != 1 or found[0].state != AlbumState.DONE:
        return False
    states = await load.card_states(db)
    return bool(states) and set(states) <= {"posted", "deferred"}


async def sent_texts(control: SandboxControl) -> list[str]:
    """Every text the bot sent or edited in, in order (edits included)."""
    calls = await control.calls()
    return [
        str(c["params"].get("text", ""))
        for c in calls
        if c["method"].lower() in ("sendmessage", "editmessagetext") and "result" in c
    ]


async def assert_one_submission(control: SandboxControl, db: Database, chat: int) -> None:
    """One article with every image's claims, each once; one "Got it", one summary."""
    [article] = await articles(db)
    for figure in FIGURES:
        assert figure in article.text, (figure, article.text)
    [album] = await albums(db)
    assert album.state == AlbumState.DONE and album.article_id == article.id
    assert await album_parts(db) == 3
    claims = await claim_texts(db)
    assert claims and max(Counter(claims).values()) == 1, Counter(claims).most_common(3)
    assert set((await load.claims_per_position(db)).values()) == {1}
    for figure in FIGURES:
        assert any(figure in claim for claim in claims), (figure, claims)
    texts = await sent_texts(control)
    reading = [t for t in texts if t.startswith(READING_ALBUM)]
    assert len(reading) == 1, reading
    messages = await control.bot_messages(chat)
    summaries = [m for m in messages if "Queued" in (m.get("text") or "")]
    assert len(summaries) == 1, [m.get("text") for m in messages]
    cards = [m.get("text") or "" for m in messages if "from image" in (m.get("text") or "")]
    for index in (1, 2, 3):
        assert any(f"from image {index}" in card for card in cards), (index, cards)
    assert {row.state for row in await load.update_rows(db)} == {"done"}


def start_bot(procs: Processes, control: SandboxControl, url: str, **env: str) -> BotProcess:
    return procs.bot(control, url, CARD_EDIT_DELAY_SECONDS="0.2", MIN_ARTICLE_CHARS="200", **env)


async def test_sigkill_between_the_parts_of_an_album_loses_none_and_queues_it_once(
    tmp_path: Path, db_url: str
) -> None:
    db = Database(db_url)
    try:
        async with Processes(tmp_path) as procs:
            control = await procs.sandbox()
            chat = (await control.add_chat("Fact desk"))["id"]
            bob = await control.add_user("Bob", chat)
            # A long quiet time while the first two parts come, so the kill lands mid-album for
            # sure; the restart uses the default (1.5 s), shorter than a restart takes.
            bot = start_bot(procs, control, db_url, ALBUM_QUIET_SECONDS="30")
            await bot.start_and_wait()

            await send_part(control, chat, bob, 0, caption="Three posts about the region")
            await send_part(control, chat, bob, 1)

            async def two_stored() -> bool:
                return await album_parts(db) == 2

            await load.wait_until(two_stored, timeout=60, interval=0.02, what="two parts stored")
            bot.kill()
            [album] = await albums(db)
            assert album.state == AlbumState.GATHERING and await articles(db) == []

            await send_part(control, chat, bob, 2)  # Telegram keeps it while the bot is down
            del bot.env["ALBUM_QUIET_SECONDS"]
            await bot.start_and_wait()
            await load.wait_until(lambda: album_read(db), timeout=120, what="album read")
            await settle_bot(control, db)
            await assert_one_submission(control, db, chat)

            # Later restarts read nothing again.
            bot.kill()
            await bot.start_and_wait()
            await settle_bot(control, db)
            await assert_one_submission(control, db, chat)
            assert "Traceback" not in bot.log(), bot.log()[-3000:]
            bot.terminate()
    finally:
        await db.dispose()


async def test_sigkill_while_an_album_is_read_reads_it_again_once(
    tmp_path: Path, db_url: str
) -> None:
    db = Database(db_url)
    try:
        async with Processes(tmp_path) as procs:
            control = await procs.sandbox()
            chat = (await control.add_chat("Fact desk"))["id"]
            bob = await control.add_user("Bob", chat)
            bot = start_bot(procs, control, db_url, ALBUM_QUIET_SECONDS="0.5")
            await bot.start_and_wait()

            items = [
                {"content_base64": base64.b64encode(shot).decode(), "caption": caption}
                for shot, caption in zip(
                    SHOTS, ["Three posts about the region", None, None], strict=True
                )
            ]
            await control.post(
                "/albums",
                {"chat_id": chat, "user_id": bob, "items": items, "forward_origin": CHANNEL},
            )

            async def taken() -> bool:
                found = await albums(db)
                return bool(found) and found[0].state == AlbumState.READING

            # Reading three screenshots takes seconds: the kill lands before the article is
            # queued, which the test checks rather than assumes.
            await load.wait_until(taken, timeout=60, interval=0.01, what="album taken")
            bot.kill()
            [album] = await albums(db)
            assert album.state == AlbumState.READING and album.attempts == 1
            assert await articles(db) == [], "the kill came after the article was queued"

            await bot.start_and_wait()
            await load.wait_until(lambda: album_read(db), timeout=120, what="album read")
            await settle_bot(control, db)
            await assert_one_submission(control, db, chat)
            [album] = await albums(db)
            assert album.attempts == 2  # read again once, after the restart

            bot.kill()
            await bot.start_and_wait()
            await settle_bot(control, db)
            await assert_one_submission(control, db, chat)
            assert "Traceback" not in bot.log(), bot.log()[-3000:]
            bot.terminate()
    finally:
        await db.dispose()
