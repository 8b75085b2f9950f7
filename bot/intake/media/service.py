"""Media: images as submissions — read once, known again by content, albums gathered durably.

An image is downloaded (bot/intake/media/files.py), hashed (SHA-256 of its bytes, and a
perceptual hash that survives re-encoding and resizing), and only then read with OCR: an image
the team was sent before is answered as the earlier article without OCR. Albums: each part is
stored as its own update's effect; once no part came for `album_quiet` seconds, one worker
takes the album (a conditional UPDATE: once only, whatever crashes) and reads it as one.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz

from bot.i18n import N_
from bot.intake.intake_types import Received
from bot.intake.media.files import READABLE_IMAGE_KINDS, FileSource, download_file
from bot.intake.media.ocr import ImageText, OcrReader
from storage import articles as article_q
from storage import media as media_q
from storage.db import Database
from storage.models import Album, AlbumPart, AlbumState, Article, stored_id, utcnow

if TYPE_CHECKING:
    from PIL import Image  # imported on the first image (bot.intake.media.ocr)

# Perceptual hashes this many bits apart (of 64) or fewer are the same picture re-encoded.
NEAR_DISTANCE = 6
# A near copy's text must be this similar (rapidfuzz ratio, 0-100) to the earlier article's.
SAME_TEXT = 90.0
# An album whose reading failed this many times is set aside (it would fail forever).
ALBUM_ATTEMPTS = 3


@dataclass(frozen=True)
class ImageRef:
    """An image in a message: Telegram's file id, its unique id, the size it declares."""

    file_id: str
    file_unique_id: str | None = None
    size: int | None = None


@dataclass
class SeenImage:
    """An image downloaded and hashed; `text` once read."""

    ref: ImageRef
    content: bytes
    sha256: str
    phash: str | None
    earlier: int | None = None  # the team's article holding this very image (bytes, file id)
    similar: int | None = None  # the team's article holding a picture that looks the same
    text: ImageText | None = None


@dataclass(frozen=True)
class Looked:
    """A submission's images, and the team's earlier article when every one was seen before."""

    images: list[SeenImage] = field(default_factory=list)
    earlier: Received | None = None


@cache
def _dct_matrix(size: int) -> np.ndarray:
    """The orthonormal DCT-II matrix of a size (rows: frequencies)."""
    n = np.arange(size)
    matrix: np.ndarray = np.cos(np.pi * (2 * n[None, :] + 1) * n[:, None] / (2 * size)) * np.sqrt(
        2 / size
    )
    matrix[0] /= np.sqrt(2)
    return matrix


def perceptual_hash(picture: Image.Image) -> str:
    """A 64-bit DCT hash (hex) that survives re-encoding, resizing and small edits.

    The pHash of imagehash (the same steps: 32×32 grayscale, 2-D DCT, the 8×8 lowest
    frequencies against their median), computed with numpy: imagehash needs SciPy for the DCT,
    and importing SciPy costs the bot about 18 MB of resident memory for one 32×32 transform.
    """
    from PIL import Image

    small = np.asarray(picture.convert("L").resize((32, 32), Image.Resampling.LANCZOS), float)
    dct = _dct_matrix(32)
    low = (dct @ small @ dct.T)[:8, :8]
    bits = (low > np.median(low)).flatten()
    return f"{int(''.join('1' if bit else '0' for bit in bits), 2):016x}"


def hash_distance(first: str, second: str) -> int:
    """How many of the 64 bits two perceptual hashes differ in."""
    return (int(first, 16) ^ int(second, 16)).bit_count()


class Media:
    """Images and albums for intake; bound to the update's unit of work like every service."""

    def __init__(
        self,
        db: Database,
        *,
        ocr: OcrReader,
        max_image_bytes: int,
        album_quiet: float = 1.5,
        album_lease: float = 300.0,
        near_distance: int = NEAR_DISTANCE,
        worker: str = "bot",
    ) -> None:
        self.db = db
        self.worker = worker
        self._waiting: set[int] = set()  # albums a task of this process waits to read
        self.ocr = ocr
        self.max_image_bytes = max_image_bytes
        self.album_quiet = timedelta(seconds=album_quiet)
        self.album_lease = timedelta(seconds=album_lease)
        self.near_distance = near_distance

    # -- images --------------------------------------------------------------------------------

    async def look(self, source: FileSource, refs: Sequence[ImageRef], *, team_id: int) -> Looked:
        """Download and hash each image; the earlier article when the team has them all."""
        images = []
        for ref in refs:
            earlier = await self._earlier_file(team_id, ref)
            downloaded = await download_file(
                source,
                ref.file_id,
                declared_size=ref.size,
                max_bytes=self.max_image_bytes,
                accept=READABLE_IMAGE_KINDS,
                wanted=N_("a PNG, JPEG or WebP image"),
            )
            picture = await self.ocr.open(downloaded.content)  # refuses bombs, damaged files
            phash = await self.ocr.run(perceptual_hash, picture)
            del picture
            image = SeenImage(ref, downloaded.content, downloaded.sha256, phash, earlier)
            if image.earlier is None:
                image.earlier = await self._same_bytes(team_id, image)
            if image.earlier is None:
                image.similar = await self._looks_the_same(team_id, image)
            images.append(image)
        earlier_ids = {image.earlier for image in images}
        if not images or None in earlier_ids:
            return Looked(images)
        return Looked(images, await self._received(min(i for i in earlier_ids if i is not None)))

    async def read_text(self, images: Sequence[SeenImage]) -> None:
        """Read each image's text (OCR, bounded); raises OcrUnavailable, OcrFailed."""
        for image in images:
            image.text = await self.ocr.read(image.content)
            image.content = b""  # read: the bytes are not kept a moment longer

    async def remember(self, *, team_id: int, article_id: int, images: Sequence[SeenImage]) -> None:
        """Keep the hashes of an article's images, so the same images again are known."""
        files = [(i.sha256, i.phash, i.ref.file_unique_id) for i in images]
        async with self.db.write() as session:
            await media_q.add_media_files(
                session, team_id=team_id, article_id=article_id, files=files
            )

    async def _earlier_file(self, team_id: int, ref: ImageRef) -> int | None:
        """The article already holding this Telegram file (a forward of the same photo)."""
        if not ref.file_unique_id:
            return None
        async with self.db.read() as session:
            article = await media_q.article_with_file(
                session, team_id=team_id, file_unique_id=ref.file_unique_id
            )
        return stored_id(article) if article else None

    async def near_copy(self, images: Sequence[SeenImage], text: str) -> Received | None:
        """The earlier article when these images look like its images (a re-encoded or resized
        copy) and what they say is the same text (read, so two different posts of one app's
        layout, whose hashes can come close, are never taken for each other)."""
        seen = {image.earlier or image.similar for image in images}
        if not images or None in seen or len(seen) != 1:
            return None
        received = await self._received(int(next(iter(seen))))  # type: ignore[arg-type]
        if received is None:
            return None
        earlier = " ".join(received.article.text.split())
        if fuzz.ratio(" ".join(text.split()), earlier) < SAME_TEXT:
            return None
        return received

    async def _same_bytes(self, team_id: int, image: SeenImage) -> int | None:
        """The article already holding these very bytes."""
        async with self.db.read() as session:
            article = await media_q.article_with_image(
                session, team_id=team_id, sha256=image.sha256, file_unique_id=None
            )
        return stored_id(article) if article is not None else None

    async def _looks_the_same(self, team_id: int, image: SeenImage) -> int | None:
        """The article holding a picture whose perceptual hash is within `near_distance`."""
        if image.phash is None:
            return None
        async with self.db.read() as session:
            recent = await media_q.recent_perceptual_hashes(session, team_id=team_id)
        close = [
            (hash_distance(image.phash, phash), article_id)
            for phash, article_id in recent
            if hash_distance(image.phash, phash) <= self.near_distance
        ]
        return min(close)[1] if close else None

    async def _received(self, article_id: int) -> Received | None:
        """An earlier article as intake reports a duplicate (with its progress)."""
        async with self.db.read() as session:
            article = await article_q.get_article(session, article_id=article_id)
            if article is None:
                return None
            progress = await article_q.article_progress(session, article_id=article_id)
        return Received(article, duplicate=True, progress=progress)

    # -- albums --------------------------------------------------------------------------------

    async def add_album_part(
        self,
        *,
        chat_id: int,
        media_group_id: str,
        team_id: int,
        submitted_by: int | None,
        thread_id: int | None,
        message_id: int,
        update_id: int,
        message: dict[str, object],
    ) -> tuple[Album, bool] | None:
        """Store one part of an album (the update's effect); (album, opened it) or None when
        the album was already taken (a part too late to join it)."""
        async with self.db.write() as session:
            return await media_q.add_album_part(
                session,
                chat_id=chat_id,
                media_group_id=media_group_id,
                team_id=team_id,
                submitted_by=submitted_by,
                thread_id=thread_id,
                message_id=message_id,
                update_id=update_id,
                payload=json.dumps(message, ensure_ascii=False),
            )

    async def set_album_status(self, *, album_id: int, message_id: int) -> None:
        """Remember the album's "Got it" message."""
        async with self.db.write() as session:
            await media_q.set_album_status(session, album_id=album_id, message_id=message_id)

    async def album(self, album_id: int) -> Album | None:
        """An album as stored now."""
        async with self.db.read() as session:
            return await media_q.get_album(session, album_id=album_id)

    async def album_in_chat(self, *, chat_id: int, media_group_id: str) -> Album | None:
        """The album of a chat's media group, if its parts are stored."""
        async with self.db.read() as session:
            return await media_q.album_of_group(
                session, chat_id=chat_id, media_group_id=media_group_id
            )

    async def queued_already(self, album: Album) -> Article | None:
        """The article an earlier reading of the album queued before its reader died (found by
        the album's "Got it" message, which the article keeps as its status message)."""
        if album.status_message_id is None or album.attempts < 2:
            return None
        async with self.db.read() as session:
            return await media_q.article_with_status(
                session,
                team_id=album.team_id,
                chat_id=album.chat_id,
                status_message_id=album.status_message_id,
            )

    async def remember_new(
        self, source: FileSource, refs: Sequence[ImageRef], *, team_id: int, article_id: int
    ) -> None:
        """Keep the hashes of the images of an article that the team does not know yet."""
        looked = await self.look(source, refs, team_id=team_id)
        new = [image for image in looked.images if image.earlier != article_id]
        if new:
            await self.remember(team_id=team_id, article_id=article_id, images=new)

    async def take_when_quiet(self, album_id: int) -> bool:
        """Wait until no part came for `album_quiet` seconds, then take the album to read.

        False when it is not ours to read: another task of this process waits for it, another
        worker took it, or it is read already. The take is a conditional UPDATE, so however
        many tasks and workers try, one reads the album.
        """
        if album_id in self._waiting:
            return False
        self._waiting.add(album_id)
        try:
            while True:
                album = await self.album(album_id)
                if album is None or album.state != AlbumState.GATHERING:
                    return False
                due = album.last_part_at + self.album_quiet
                pause = (due - utcnow()).total_seconds()
                if pause > 0:
                    await asyncio.sleep(pause)
                    continue
                async with self.db.write() as session:
                    if await media_q.take_album(
                        session, album_id=album_id, quiet_before=due, worker=self.worker
                    ):
                        return True
        finally:
            self._waiting.discard(album_id)

    async def album_parts(self, album_id: int) -> list[tuple[int, dict[str, object]]]:
        """An album's messages (update id, Telegram's JSON), in the order they were posted."""
        async with self.db.read() as session:
            parts: list[AlbumPart] = await media_q.album_parts(session, album_id=album_id)
        return [(part.update_id, json.loads(part.payload)) for part in parts]

    async def release_album(self, album_id: int, *, error: str) -> None:
        """Put an album whose reading failed back, to be tried again (attempts are capped)."""
        async with self.db.write() as session:
            await media_q.release_album(session, album_id=album_id, error=error[:500])

    async def finish_album(
        self, album_id: int, *, article: Article | None, error: str | None = None
    ) -> None:
        """The album is read (its article, or None when it had nothing to check)."""
        async with self.db.write() as session:
            await media_q.finish_album(
                session,
                album_id=album_id,
                article_id=stored_id(article) if article else None,
                error=error[:500] if error else None,
            )

    async def albums_to_resume(self, *, restarted: bool) -> list[int]:
        """Albums to read: this worker's own after a restart, any whose reader's lease ran out,
        and those still gathering (their waiting task went with the process). After a restart
        the quiet time of albums still gathering starts again, so the parts Telegram kept while
        the bot was down join their album instead of arriving after it was taken."""
        async with self.db.write() as session:
            await media_q.release_albums(
                session,
                worker=self.worker if restarted else None,
                stale_before=utcnow() - self.album_lease,
            )
            if restarted:  # parts sent while the bot was down are on their way: wait for them
                await media_q.restart_quiet(session, now=utcnow())
            await media_q.give_up_albums(session, max_attempts=ALBUM_ATTEMPTS)
            return await media_q.gathering_albums(session, max_attempts=ALBUM_ATTEMPTS)
