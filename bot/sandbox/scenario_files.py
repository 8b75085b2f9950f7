"""Files a scenario sends (photos, albums, documents, voice): their specs and MIME types."""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path
from typing import Any

from PIL import Image


class FileSpecError(ValueError):
    """A file step that names no file, or a photo that is no image."""


# MIME types as Telegram's apps give them, by the file's name.
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".mp4": "video/mp4",
    ".txt": "text/plain",
    ".html": "text/html",
    ".htm": "text/html",
}
# ... and by the first bytes when the name says nothing.
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"OggS", "audio/ogg"),
)


def mime_type(filename: str, content: bytes) -> str:
    """A file's MIME type as Telegram would give it: by its name, else by its first bytes."""
    suffix = Path(filename).suffix.lower()
    known = EXTENSIONS.get(suffix) or (mimetypes.guess_type(filename)[0] if suffix else None)
    if known:
        return known
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for magic, kind in MAGIC:
        if content.startswith(magic):
            return kind
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


def file_spec(value: Any) -> dict[str, Any]:
    """A file step's object: `"a.png"` is short for `{"file": "a.png"}`."""
    spec = {"file": value} if isinstance(value, str) else value
    if not isinstance(spec, dict) or not isinstance(spec.get("file"), str):
        raise FileSpecError(f'expected a file name or an object with "file", not {value!r}')
    return spec


def check_image(filename: str, content: bytes) -> None:
    """Refuse a photo that Telegram's apps would not send as one (not an image at all), before
    anything is sent: an album with a bad part sends none of its parts."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise FileSpecError(f"{filename}: not an image Telegram would take as a photo") from error
