"""Downloading a file a member sent: within limits, kept in memory only, known by its content.

The service side of Telegram's getFile + download (no python-telegram-bot here: the edge hands
in a `FileSource`, handlers/files.py `TelegramFiles`). A file's bytes are never written to disk
by this module, so nothing a member sends can be served back by a web server on the host.

Usage (a PDF, a voice note or an image alike)::

    downloaded = await download_file(
        source, file_id, declared_size=document.file_size, max_bytes=settings.max_image_bytes,
        accept=IMAGE_KINDS,
    )
    downloaded.content, downloaded.kind, downloaded.sha256

Raises a `FileRefused` (a DeskError: `error.say(words)` is the member's message): `FileTooBig`,
`FileUnavailable` or `WrongKind`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.desk.errors import DeskError
from bot.i18n import ENGLISH, N_, Words

# The Bot API hands out files up to 20 MB (getFile answers "file is too big" above that).
TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024

FileKind = Literal[
    "png", "jpeg", "webp", "gif", "bmp", "tiff", "pdf", "ogg", "mp4", "webm", "mp3", "wav",
    "zip", "tgs",
]  # fmt: skip
IMAGE_KINDS: frozenset[FileKind] = frozenset({"png", "jpeg", "webp", "gif", "bmp", "tiff"})
# What members may send as an image to read (GIF and the rest are refused by name).
READABLE_IMAGE_KINDS: frozenset[FileKind] = frozenset({"png", "jpeg", "webp"})


class FileRefused(DeskError):
    """A file the bot will not read; `error.say(words)` says why, in the member's terms."""


class FileTooBig(FileRefused):
    """Over our own byte cap, or over what Telegram lets bots download."""

    def __init__(self, size: int | None, limit: int) -> None:
        self.size, self.limit = size, limit
        super().__init__(self._said(), **self._sizes(ENGLISH))

    def _said(self) -> str:
        if self.size:
            # TRANSLATORS: {size} and {limit} are sizes such as "25 MB".
            return N_(
                "That file is {size} too big: I read files up to {limit}. "
                "Send a smaller one, or paste its text."
            )
        # TRANSLATORS: {limit} is a size such as "25 MB".
        return N_(
            "That file is too big: I read files up to {limit}. "
            "Send a smaller one, or paste its text."
        )

    def _sizes(self, words: Words) -> dict[str, object]:
        sizes: dict[str, object] = {"limit": megabytes(self.limit, words)}
        if self.size:
            sizes["size"] = megabytes(self.size, words)
        return sizes

    def say(self, words: Words) -> str:
        return words._(self.message, **self._sizes(words))


class FileUnavailable(FileRefused):
    """Telegram would not hand the file out (expired, deleted, a passing failure)."""

    def __init__(self, reason: str = "") -> None:
        self.reason = reason
        super().__init__(N_("I could not download that file from Telegram; try sending it again."))


class WrongKind(FileRefused):
    """The bytes are not what the bot reads here (whatever the file's name or MIME type says)."""

    def __init__(self, found: FileKind | None, wanted: str) -> None:
        self.found = found
        if found:
            super().__init__(
                # TRANSLATORS: {kind} is a file type such as "GIF"; {wanted} what was expected,
                # such as "a PNG, JPEG or WebP image".
                N_("That is a {kind} file, not {wanted}."),
                kind=found.upper(),
                wanted=wanted,
            )
        else:
            # TRANSLATORS: {wanted} is what was expected, such as "a PNG, JPEG or WebP image".
            super().__init__(N_("That is not a file I know, not {wanted}."), wanted=wanted)


@dataclass(frozen=True)
class RemoteFile:
    """What getFile tells of a file: its size and where to download it from."""

    file_id: str
    file_unique_id: str
    size: int | None
    path: str | None


class FileSource(Protocol):
    """Telegram's getFile and file download, as the edge provides them."""

    async def locate(self, file_id: str) -> RemoteFile:
        """getFile; raises FileTooBig when Telegram refuses the size, else FileUnavailable."""
        ...

    async def fetch(self, remote: RemoteFile) -> bytes:
        """The file's bytes; raises FileUnavailable."""
        ...


@dataclass(frozen=True)
class Downloaded:
    """A downloaded file: its bytes, its kind by content, and a hash of them."""

    content: bytes
    kind: FileKind | None
    sha256: str

    @property
    def size(self) -> int:
        """How many bytes."""
        return len(self.content)


def megabytes(size: int, words: Words = ENGLISH) -> str:
    """A size as people say it: "1.5 MB", "300 kB"."""
    if size >= 1_000_000:
        # TRANSLATORS: a size in megabytes ("1.5 MB").
        return words._("{size} MB", size=words.number(round(size / 1_000_000, 1)))
    # TRANSLATORS: a size in kilobytes ("300 kB").
    return words._("{size} kB", size=words.number(max(size // 1000, 1)))


def sniff(content: bytes) -> FileKind | None:
    """The kind of a file from its first bytes (its name and MIME type are not evidence)."""
    head = content[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"BM"):
        return "bmp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if b"%PDF-" in content[:1024]:  # the header may follow a little junk, as readers allow
        return "pdf"
    if head.startswith(b"OggS"):
        return "ogg"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"ID3") or head[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "mp3"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "tgs"  # animated stickers are gzipped Lottie JSON
    return None


async def download_file(
    source: FileSource,
    file_id: str,
    *,
    declared_size: int | None,
    max_bytes: int,
    accept: Collection[FileKind] | None = None,
    wanted: str = N_("a file I can read"),
) -> Downloaded:
    """Download a file a member sent, refusing it before any byte moves when it is too big.

    The size is checked three times: as the message declares it, as getFile reports it, and as
    downloaded (a declared size can be missing or wrong). With `accept`, the bytes must be one
    of those kinds, else WrongKind (whose message names `wanted`).
    """
    limit = min(max_bytes, TELEGRAM_DOWNLOAD_LIMIT)
    if declared_size is not None and declared_size > limit:
        raise FileTooBig(declared_size, limit)
    remote = await source.locate(file_id)
    if remote.size is not None and remote.size > limit:
        raise FileTooBig(remote.size, limit)
    content = await source.fetch(remote)
    if len(content) > limit:
        raise FileTooBig(len(content), limit)
    kind = sniff(content)
    if accept is not None and kind not in accept:
        raise WrongKind(kind, wanted)
    return Downloaded(content, kind, hashlib.sha256(content).hexdigest())
