"""The sandbox hands out files as Telegram does: photos re-encoded in sizes, albums as separate
updates sharing a media_group_id, getFile's errors, and the 20 MB download limit."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image
from telegram import Bot
from telegram.error import BadRequest

from bot.intake.media.files import FileTooBig, FileUnavailable, download_file
from bot.sandbox import Sandbox
from handlers.files import TelegramFiles


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    """A real PTB Bot pointed at the sandbox."""
    async with Bot(
        sandbox.token, base_url=sandbox.base_url, base_file_url=sandbox.base_file_url
    ) as b:
        yield b


def png(width: int = 1080, height: int = 600, colour: str = "white") -> bytes:
    """A plain PNG of that size."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


async def test_photo_comes_in_sizes_each_a_jpeg_the_bot_can_download(
    sandbox: Sandbox, bot: Bot
) -> None:
    chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
    sandbox.send(chat, alice, photo=png(3000, 1500), caption="Look")
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.caption == "Look"
    small, large = update.message.photo
    assert (small.width, small.height) == (320, 160)
    assert (large.width, large.height) == (2560, 1280)  # Telegram's longest side
    file = await bot.get_file(large.file_id)
    assert file.file_path is not None and "/photos/file_" in file.file_path
    content = bytes(await file.download_as_bytearray())
    assert content[:3] == b"\xff\xd8\xff" and file.file_size == len(content)
    assert Image.open(io.BytesIO(content)).size == (2560, 1280)


async def test_album_parts_arrive_as_separate_updates_with_one_media_group_id(
    sandbox: Sandbox, bot: Bot
) -> None:
    chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
    sandbox.send_album(
        chat, alice, [(png(), "First"), (png(colour="black"), None)],
        forward_origin={"channel": "Daily News"},
    )  # fmt: skip
    updates = await bot.get_updates()
    assert len(updates) == 2
    messages = [u.message for u in updates if u.message is not None]
    assert {m.media_group_id for m in messages} != {None}
    assert len({m.media_group_id for m in messages}) == 1
    assert [m.caption for m in messages] == ["First", None]
    assert all(m.forward_origin is not None for m in messages)


async def test_get_file_errors_read_as_telegram_writes_them(sandbox: Sandbox, bot: Bot) -> None:
    chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("AgACAgIAAxkBnothere")
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    sandbox.send(chat, alice, document=("huge.pdf", big, "application/pdf"))
    [update] = await bot.get_updates()
    assert update.message is not None and update.message.document is not None
    assert update.message.document.file_size == len(big)  # the message tells the real size
    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file(update.message.document.file_id)


async def test_download_file_refuses_what_telegram_or_our_cap_refuses(
    sandbox: Sandbox, bot: Bot
) -> None:
    chat, alice = sandbox.add_chat("Desk"), sandbox.add_user("Alice")
    source = TelegramFiles(bot)
    sandbox.send(chat, alice, document=("shot.txt", png(), "text/plain"))  # named as text
    sandbox.send(chat, alice, document=("big.png", b"\x89PNG" + b"0" * 21_000_000, "image/png"))
    first, second = await bot.get_updates()
    assert first.message and first.message.document and second.message and second.message.document
    got = await download_file(
        source, first.message.document.file_id, declared_size=None, max_bytes=5_000_000
    )
    assert got.kind == "png" and got.size == first.message.document.file_size  # by content
    with pytest.raises(FileTooBig):  # our cap, before anything is downloaded
        await download_file(
            source, first.message.document.file_id, declared_size=None, max_bytes=1_000
        )
    with pytest.raises(FileTooBig):  # Telegram's 20 MB, though the message did not say
        await download_file(
            source, second.message.document.file_id, declared_size=None, max_bytes=10**9
        )
    with pytest.raises(FileUnavailable):
        await download_file(source, "BQACAgIAAxkBgone", declared_size=None, max_bytes=10**6)
