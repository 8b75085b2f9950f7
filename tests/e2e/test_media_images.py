"""Screenshots, photos and albums become claims (issue 14): read with Tesseract through the real
stack — the sandbox re-encodes photos as Telegram does, the bot downloads them with getFile,
reads them, and cards say "from the image". Images are rendered by the tests themselves."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import func, select

from bot.intake.media.ocr import INSTALL_HINT, tesseract_status
from bot.sandbox import Sandbox
from handlers.media import NO_TEXT
from storage.models import Album, Article, Claim, MediaFile
from tests.conftest import Desk, open_desk
from tests.utils.load import wait_until
from tests.utils.screenshots import (
    FONT_SKIP,
    POSTS,
    blank_photo,
    fonts_available,
    reencoded,
    render_post,
)

STATUS = tesseract_status()
needs_ocr = pytest.mark.skipif(
    not STATUS.ready or bool(STATUS.missing),
    reason=f"OCR tests need Tesseract with eng, ukr and rus: {INSTALL_HINT}",
)
needs_fonts = pytest.mark.skipif(not fonts_available(), reason=FONT_SKIP)
CHROME = ("subscribers", "підписників", "подписчиков", "Reply", "Share", "Відповісти", "Ответить")
# A figure in each language's first light post that a claim must carry exactly.
FIGURES = {"en": "3,412", "uk": "1 284", "ru": "2 318"}
STARLINGS = (
    "Over 3,000 dead starlings were found in Riverside in one weekend after 5G towers went live."
)


def post(language: str, *, dark: bool = False) -> Any:
    """The first post of a language (light or dark)."""
    return next(p for p in POSTS if p.language == language and p.dark == dark)


async def rows(desk: Desk, model: Any) -> list[Any]:
    """Every row of a table, through the bot's own database."""
    async with desk.app.bot_data.services.db.read() as session:
        return list((await session.execute(select(model))).scalars())


async def count(desk: Desk, model: Any) -> int:
    async with desk.app.bot_data.services.db.read() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


def said_since(desk: Desk, before: int) -> list[str]:
    """What the bot sent or edited into the chat since call `before`."""
    texts = []
    for call in desk.sandbox.calls(before):
        if call.method.lower() in ("sendmessage", "editmessagetext") and call.error is None:
            texts.append(str(call.params.get("text", "")))
    return texts


@needs_ocr
@needs_fonts
@pytest.mark.parametrize("language", ["en", "uk", "ru"])
async def test_forwarded_screenshot_is_read_and_its_claims_are_from_the_image(
    desk: Desk, language: str
) -> None:
    shot = post(language)
    desk.sandbox.send(
        desk.chat, desk.bob, photo=render_post(shot), forward_origin={"channel": shot.channel}
    )
    await desk.published()
    claims = await rows(desk, Claim)
    assert claims, "no claim from the screenshot"
    assert any(FIGURES[language] in claim.text for claim in claims), [c.text for c in claims]
    for claim in claims:  # the app's chrome never becomes a claim
        assert not any(word in claim.text for word in CHROME), claim.text
        assert shot.views not in claim.text and shot.time not in claim.text
    cards = desk.cards()
    assert cards and all("📎 from the image" in card.content for card in cards)
    [article] = await rows(desk, Article)
    assert article.origin_name == shot.channel


@needs_ocr
@needs_fonts
async def test_caption_and_image_both_give_claims_and_only_the_image_ones_say_so(
    desk: Desk,
) -> None:
    desk.sandbox.send(
        desk.chat,
        desk.alice,
        photo=render_post(post("en")),
        caption=STARLINGS,
        forward_origin={"channel": "Regional Updates"},
    )
    starlings = await desk.card("starlings")
    assert "from the image" not in starlings.content
    from_image = [card for card in desk.cards() if "3,412" in card.content]
    assert from_image and "📎 from the image" in from_image[0].content
    assert await count(desk, Article) == 1


@needs_ocr
@needs_fonts
async def test_photo_without_text_is_chatter_unless_asked_with_check(desk: Desk) -> None:
    before = len(desk.sandbox.calls())
    photo = desk.sandbox.send(desk.chat, desk.bob, photo=blank_photo())
    await desk.settle()
    assert said_since(desk, before) == []  # silence in the group
    await desk.say(desk.carol, "/check", reply_to=photo)
    assert desk.last("I found no text in that image")
    assert await count(desk, Article) == 0


@needs_ocr
@needs_fonts
async def test_same_image_again_and_a_re_encoded_copy_are_duplicates(desk: Desk) -> None:
    shot = render_post(post("en"))
    desk.sandbox.send(desk.chat, desk.bob, photo=shot, forward_origin={"channel": "Kyiv Daily"})
    await desk.published()
    claims = await count(desk, Claim)
    # The very same file sent again as a document, then a resized JPEG of it as a photo.
    await desk.say(desk.carol, None, document=("shot.png", shot, "image/png"))
    assert desk.last("Already in the queue")
    before = len(desk.sandbox.calls())
    await desk.say(desk.alice, None, photo=reencoded(shot), forward_origin={"channel": "Other"})
    assert any("Already in the queue" in text for text in said_since(desk, before))
    assert await count(desk, Article) == 1 and await count(desk, Claim) == claims
    hashes = await rows(desk, MediaFile)
    assert len(hashes) == 1 and hashes[0].phash


@needs_ocr
@needs_fonts
async def test_album_is_one_submission_with_claims_from_each_image(desk: Desk) -> None:
    first, second = post("en"), post("en", dark=True)
    before = len(desk.sandbox.calls())
    desk.sandbox.send_album(
        desk.chat,
        desk.bob,
        [(render_post(first), STARLINGS), (render_post(second), None)],
        forward_origin={"channel": "Regional Updates"},
    )
    await desk.sandbox.wait_for(lambda: _album_done(desk), timeout=60)
    await desk.published()
    [article] = await rows(desk, Article)
    assert "3,412" in article.text and "118 ships" in article.text and "starlings" in article.text
    cards = desk.cards()
    assert any("from image 1" in card.content for card in cards)
    assert any("from image 2" in card.content for card in cards)
    summaries = [t for t in said_since(desk, before) if "Queued" in t]
    assert len({s.split("\n", 1)[0] for s in summaries}) == 1  # one summary for the album
    reading = [t for t in said_since(desk, before) if t.startswith("Got it — reading the album")]
    assert len(reading) == 1


def _album_done(desk: Desk) -> bool:
    """Whether the album's summary is out."""
    message = desk.sandbox.find_bot_message(desk.chat, "Queued")
    return message is not None


async def test_images_get_a_clear_answer_when_they_cannot_be_read(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, max_image_bytes=200_000) as desk:
        png = _png(400, 300)
        await desk.say(desk.bob, None, document=("cut.png", png[: len(png) // 2], "image/png"))
        assert desk.last("damaged or incomplete")
        await desk.say(
            desk.bob, None, document=("bomb.png", _huge_png(60_000, 60_000), "image/png")
        )
        assert desk.last("That image is too large: I read images of up to 30 megapixels")
        await desk.say(desk.bob, None, document=("tall.png", _huge_png(2_000, 20_000), "image/png"))
        assert desk.last("That image is 2000×20000 pixels")
        await desk.say(desk.bob, None, document=("moving.png", _animated_png(), "image/png"))
        assert desk.last("That is an animation")
        await desk.say(desk.bob, None, document=("fake.png", b"%PDF-1.4 not an image", "image/png"))
        assert desk.last("That is a PDF file, not a PNG, JPEG or WebP image")
        big = _noise_png(600, 600)
        assert len(big) > 200_000
        await desk.say(desk.bob, None, document=("big.png", big, "image/png"))
        assert desk.last("too big: I read files up to 200 kB")
        sticker = {
            "file_id": "CAACAgIAAxkBsticker", "file_unique_id": "AgADst", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False,
        }  # fmt: skip
        sent = desk.sandbox.send(desk.chat, desk.carol, sticker=sticker)
        await desk.say(desk.alice, "/check", reply_to=sent)
        assert desk.last("That is a sticker")
        assert await count(desk, Article) == 0


async def test_without_tesseract_images_say_so_and_captions_still_count(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, tesseract_cmd="/nonexistent/tesseract") as desk:
        await desk.say(desk.bob, None, photo=_png(300, 200))
        assert desk.last("I can't read images on this installation yet")
        desk.sandbox.send(
            desk.chat, desk.bob, photo=_png(300, 200), caption=STARLINGS,
            forward_origin={"channel": "Regional Updates"},
        )  # fmt: skip
        assert "starlings" in (await desk.card("starlings")).content
        assert await count(desk, Album) == 0


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 210, 220)).save(buffer, "PNG")
    return buffer.getvalue()


def _noise_png(width: int, height: int) -> bytes:
    """A PNG that does not compress (random pixels)."""
    import os

    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def _huge_png(width: int, height: int) -> bytes:
    """A PNG whose header claims `width`×`height` pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _animated_png() -> bytes:
    frames = [Image.new("RGB", (64, 64), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:], duration=100)
    return buffer.getvalue()


def said_in(desk: Desk, chat: Any, text: str) -> Any:
    """A predicate: the bot's message in `chat` containing `text`."""
    return lambda: desk.sandbox.find_bot_message(chat, text)


async def known(desk: Desk, chat: Any, user: Any) -> None:
    """Someone speaks in a group so the bot knows it as a team."""
    desk.sandbox.send(chat, user, "morning all")
    await desk.settle()


@needs_ocr
@needs_fonts
async def test_screenshot_sent_in_private_goes_to_the_team_and_its_cards_say_from_the_image(
    desk: Desk,
) -> None:
    sandbox = desk.sandbox
    await known(desk, desk.chat, desk.alice)
    private = sandbox.private_chat(desk.bob)
    # A member's own screenshot, no caption: sent to the bot, it is asked to be checked.
    shot = render_post(post("en"))
    sandbox.send(private, desk.bob, photo=shot)
    confirmation = await sandbox.wait_for(said_in(desk, private, "Sent to Fact desk"), timeout=60)
    assert "article #1" in confirmation.content
    await desk.published()
    cards = desk.cards()
    assert any("3,412" in card.content for card in cards), [c.content for c in cards]
    assert all("📎 from the image" in card.content for card in cards)
    assert [m for m in sandbox.bot_messages(private) if m.content.startswith("Claim #")] == []
    [article] = await rows(desk, Article)
    assert len(await rows(desk, MediaFile)) == 1  # known again by its content
    # The same image again, as a file, is the team's earlier article.
    sandbox.send(private, desk.bob, document=("shot.png", shot, "image/png"))
    await sandbox.wait_for(said_in(desk, private, "Already in the queue"), timeout=60)
    # A photo with no text, sent in private: the member hears it, nothing is queued.
    sandbox.send(private, desk.bob, photo=blank_photo())
    await sandbox.wait_for(said_in(desk, private, NO_TEXT), timeout=60)
    await desk.settle()
    assert [a.id for a in await rows(desk, Article)] == [article.id]


@needs_ocr
@needs_fonts
async def test_forwarded_screenshot_in_private_from_a_member_of_two_teams_goes_where_chosen(
    desk: Desk,
) -> None:
    sandbox = desk.sandbox
    other = sandbox.add_chat("Night shift")
    sandbox.add_member(other, desk.bob)
    await known(desk, desk.chat, desk.alice)
    await known(desk, other, desk.bob)
    private = sandbox.private_chat(desk.bob)
    shot = post("uk")
    sandbox.send(
        private, desk.bob, photo=render_post(shot), forward_origin={"channel": shot.channel}
    )
    question = await sandbox.wait_for(said_in(desk, private, "Which one should check this?"))
    assert question.button_labels == ["Fact desk", "Night shift"]
    sandbox.press(desk.bob, question, "Night shift")
    await sandbox.wait_for(said_in(desk, private, "Sent to Night shift"), timeout=60)
    await desk.published()
    cards = [m for m in sandbox.bot_messages(other) if m.content.startswith("Claim #")]
    assert any(FIGURES["uk"] in card.content for card in cards), [c.content for c in cards]
    assert all("📎 from the image" in card.content for card in cards)
    assert desk.cards() == []
    [article] = await rows(desk, Article)
    assert article.origin_name == shot.channel
    [image] = await rows(desk, MediaFile)  # read as the team's image: known again by content
    assert image.article_id == article.id


@needs_ocr
@needs_fonts
async def test_album_sent_in_private_is_one_submission_for_the_team(desk: Desk) -> None:
    sandbox = desk.sandbox
    await known(desk, desk.chat, desk.alice)
    private = sandbox.private_chat(desk.bob)
    sandbox.send_album(
        private,
        desk.bob,
        [(render_post(post("en")), None), (render_post(post("en", dark=True)), None)],
    )
    await sandbox.wait_for(said_in(desk, private, "Sent to Fact desk"), timeout=60)
    await desk.published()
    [article] = await rows(desk, Article)
    assert "3,412" in article.text and "118 ships" in article.text
    cards = desk.cards()
    assert any("from image 1" in card.content for card in cards)
    assert any("from image 2" in card.content for card in cards)
    sent = [m for m in sandbox.bot_messages(private) if "Sent to" in m.content]
    assert len(sent) == 1


@needs_ocr
@needs_fonts
async def test_album_sent_in_private_by_a_member_of_two_teams_goes_where_chosen(
    desk: Desk,
) -> None:
    sandbox = desk.sandbox
    other = sandbox.add_chat("Night shift")
    sandbox.add_member(other, desk.bob)
    await known(desk, desk.chat, desk.alice)
    await known(desk, other, desk.bob)
    private = sandbox.private_chat(desk.bob)
    sandbox.send_album(
        private,
        desk.bob,
        [(render_post(post("en")), None), (render_post(post("ru")), None)],
        forward_origin={"channel": "Regional Updates"},
    )
    question = await sandbox.wait_for(
        said_in(desk, private, "Which one should check this?"), timeout=60
    )
    assert question.button_labels == ["Fact desk", "Night shift"]
    sandbox.press(desk.bob, question, "Night shift")
    await sandbox.wait_for(said_in(desk, private, "Sent to Night shift"), timeout=60)
    await desk.published()
    [article] = await rows(desk, Article)
    assert "3,412" in article.text and FIGURES["ru"] in article.text
    cards = [m for m in sandbox.bot_messages(other) if m.content.startswith("Claim #")]
    assert any("from image 1" in card.content for card in cards)
    assert any("from image 2" in card.content for card in cards)
    assert desk.cards() == []
    questions = [m for m in sandbox.bot_messages(private) if m.buttons]
    assert len(questions) <= 1  # asked once for the album, not once per image


@needs_ocr
@needs_fonts
async def test_tipline_sender_screenshot_is_read_for_the_team(
    sandbox: Sandbox, db_url: str
) -> None:
    from tests.e2e.test_tipline import THANKS, open_tipline, private_says

    async with open_desk(sandbox, db_url, notify_delay_seconds=0) as desk:
        payload = await open_tipline(desk)
        dave = sandbox.add_user("Dave")
        await private_says(desk, dave, f"/start {payload}", "This is the tipline of Fact desk")
        await private_says(desk, dave, None, NO_TEXT, photo=blank_photo())
        await private_says(desk, dave, None, THANKS, photo=render_post(post("en")))
        await desk.published()
        cards = desk.cards()
        assert any("3,412" in card.content for card in cards), [c.content for c in cards]
        assert all("📎 from the image" in card.content for card in cards)
        assert await count(desk, Article) == 1
        # An album from the tipline: one tip, read whole.
        private = sandbox.private_chat(dave)
        sandbox.send_album(
            private,
            dave,
            [(render_post(post("en", dark=True)), None), (render_post(post("ru")), None)],
        )

        async def two_articles() -> bool:
            return await count(desk, Article) == 2

        await wait_until(two_articles, timeout=60, interval=0.05, what="the album's tip")
        await desk.published()
        texts = [a.text for a in await rows(desk, Article)]
        assert any("118 ships" in t and FIGURES["ru"] in t for t in texts), texts
        said = [m.content for m in sandbox.bot_messages(private)]
        assert sum(THANKS in text for text in said) == 2, said
        assert not any(text.startswith("Got it — reading the album") for text in said), said
        notices = [m for m in sandbox.bot_messages(desk.chat) if "📮 Tipline" in m.content]
        assert len(notices) == 2


@needs_ocr
@needs_fonts
@pytest.mark.parametrize("dies_in", ["remember", "finish_album"])
async def test_album_read_again_after_it_was_queued_is_still_one_article(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, dies_in: str
) -> None:
    """The reader dies after the article is queued, before its images are remembered or the
    album is marked read (where a crash can land too): read again, the album is still one
    article, each claim and image once, and its summary is not turned into "Already queued"."""
    from bot.intake.media.service import Media
    from handlers.media import resume_albums
    from storage.models import AlbumState

    real = getattr(Media, dies_in)
    failures: list[str] = []

    async def fail_once(self: Media, *args: Any, **kwargs: Any) -> Any:
        if not failures:
            failures.append(dies_in)
            raise RuntimeError(f"the reader died in {dies_in}")
        return await real(self, *args, **kwargs)

    monkeypatch.setattr(Media, dies_in, fail_once)
    desk.sandbox.send_album(
        desk.chat,
        desk.bob,
        [(render_post(post("en")), STARLINGS), (render_post(post("en", dark=True)), None)],
        forward_origin={"channel": "Regional Updates"},
    )

    async def album_state() -> str | None:
        albums = await rows(desk, Album)
        return albums[0].state if albums else None

    async def released() -> bool:
        return bool(failures) and await album_state() == AlbumState.GATHERING

    await wait_until(released, timeout=60, interval=0.05, what="album released")
    assert await count(desk, Article) == 1  # queued before the reader died
    await desk.published()
    before = len(desk.sandbox.calls())
    await resume_albums(desk.app)  # what housekeeping (or a restart) does

    async def done() -> bool:
        return await album_state() == AlbumState.DONE

    await wait_until(done, timeout=60, interval=0.05, what="album read again")
    await desk.published()
    [article] = await rows(desk, Article)
    [album] = await rows(desk, Album)
    assert album.article_id == article.id and album.attempts == 2
    claims = [claim.text for claim in await rows(desk, Claim)]
    assert claims and len(claims) == len(set(claims))
    assert len(await rows(desk, MediaFile)) == 2  # each image remembered once
    assert said_since(desk, before) == []  # nothing said again
    assert desk.last("Queued")
    assert desk.sandbox.find_bot_message(desk.chat, "Already in the queue") is None


async def test_album_in_private_from_someone_without_a_team_is_answered_once(desk: Desk) -> None:
    sandbox = desk.sandbox
    stranger = sandbox.add_user("Stranger")
    private = sandbox.private_chat(stranger)
    sandbox.send_album(private, stranger, [(_png(300, 200), None), (_png(320, 200), None)])
    await sandbox.wait_for(said_in(desk, private, "can't find a team"))
    await desk.settle()
    said = [m.content for m in sandbox.bot_messages(private)]
    assert len(said) == 1 and "can't find a team" in said[0], said
    assert await count(desk, Article) == 0 and await count(desk, Album) == 0
