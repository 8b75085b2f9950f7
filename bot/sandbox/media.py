"""Files users send in the sandbox: photos as Telegram stores them, voice and video shapes.

Telegram re-encodes a photo a user sends as JPEG in a few sizes (each its own file); a file sent
"as a file" stays byte for byte a document. The sandbox does the same, so the bot meets what it
would meet in Telegram: JPEG artefacts on screenshots, several PhotoSize entries, file ids that
getFile resolves, and the Bot API's 20 MB download limit.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from bot.sandbox.state import SandboxState, StoredFile

# Telegram keeps photos at most this many pixels on their long side (newer clients' "HD").
PHOTO_MAX_SIDE = 2560
# The small preview every photo also comes in.
THUMBNAIL_SIDE = 320
PHOTO_QUALITY = 87
# getFile refuses to hand out files larger than this (the Bot API's documented limit).
DOWNLOAD_LIMIT = 20 * 1024 * 1024


def store_file(
    state: SandboxState, folder: str, filename: str, content: bytes, mime: str, prefix: str
) -> StoredFile:
    """Keep a file so that getFile and the file route serve it; ids in Telegram's style."""
    number = state.next_id()
    stored = StoredFile(
        f"{prefix}sandbox{number:06d}",
        f"AgADsb{number:04d}",
        f"{folder}/file_{number}{_suffix(filename)}",
        content,
        filename,
        mime,
    )
    state.files[stored.file_id] = stored
    return stored


def _suffix(filename: str) -> str:
    """The file's extension as Telegram keeps it in file_path ("" when it has none)."""
    dot = filename.rfind(".")
    return filename[dot:].lower() if 0 < dot < len(filename) - 1 else ""


def photo_sizes(state: SandboxState, content: bytes) -> list[dict[str, Any]]:
    """PhotoSize entries for an image a user sends as a photo: a thumbnail and the full size.

    Raises ValueError for bytes that are not an image (Telegram's apps refuse to send those as
    a photo; as a document they go through).
    """
    try:
        with Image.open(io.BytesIO(content)) as opened:
            picture = opened.convert("RGB")
    except (OSError, Image.DecompressionBombError) as error:
        raise ValueError(f"not an image Telegram would take as a photo: {error}") from error
    sizes = []
    for side in (THUMBNAIL_SIDE, PHOTO_MAX_SIDE):
        version = picture.copy()
        version.thumbnail((side, side))  # keeps the aspect ratio, never enlarges
        buffer = io.BytesIO()
        version.save(buffer, "JPEG", quality=PHOTO_QUALITY)
        stored = store_file(
            state, "photos", "photo.jpg", buffer.getvalue(), "image/jpeg", "AgACAgIAAxkB"
        )
        sizes.append(
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": version.width,
                "height": version.height,
                "file_size": len(stored.content),
            }
        )
    return sizes


def voice(state: SandboxState, content: bytes, duration: int) -> dict[str, Any]:
    """A Voice object for an OGG/Opus voice message."""
    stored = store_file(state, "voice", "voice.oga", content, "audio/ogg", "AwACAgIAAxkB")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "duration": duration,
        "mime_type": "audio/ogg",
        "file_size": len(content),
    }


def video_note(state: SandboxState, content: bytes, duration: int) -> dict[str, Any]:
    """A VideoNote object (the round video messages)."""
    stored = store_file(state, "video_notes", "video.mp4", content, "video/mp4", "DQACAgIAAxkB")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "length": 384,
        "duration": duration,
        "file_size": len(content),
    }


def video(state: SandboxState, filename: str, content: bytes, duration: int) -> dict[str, Any]:
    """A Video object."""
    stored = store_file(state, "videos", filename, content, "video/mp4", "BAACAgIAAxkB")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": 1280,
        "height": 720,
        "duration": duration,
        "file_name": filename,
        "mime_type": "video/mp4",
        "file_size": len(content),
    }
