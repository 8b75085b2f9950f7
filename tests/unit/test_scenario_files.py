"""What a scenario's file steps send: MIME types by name, then by content; file specs."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.sandbox.scenario_files import FileSpecError, check_image, file_spec, mime_type


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.pdf", b"%PDF-1.7\n", "application/pdf"),
        ("REPORT.PDF", b"%PDF-1.7\n", "application/pdf"),
        ("broken.pdf", b"not a pdf at all", "application/pdf"),  # Telegram's apps go by name
        ("report", b"%PDF-1.4\n\x00\xff", "application/pdf"),
        ("shot", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        ("photo", b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
        ("image", b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
        ("note.ogg", b"OggS\x00\x02", "audio/ogg"),
        ("note", b"OggS\x00\x02", "audio/ogg"),
        ("article.txt", "Стаття".encode(), "text/plain"),
        ("notes", b"plain words", "text/plain"),
        ("blob", b"\x00\x9f\xff\xfe", "application/octet-stream"),
    ],
)
def test_mime_type_by_name_then_by_content(name: str, content: bytes, expected: str) -> None:
    assert mime_type(name, content) == expected


def test_a_file_step_is_a_name_or_an_object_with_a_file() -> None:
    assert file_spec("a.png") == {"file": "a.png"}
    assert file_spec({"file": "a.png", "caption": "c"}) == {"file": "a.png", "caption": "c"}
    with pytest.raises(FileSpecError):
        file_spec({"caption": "no file"})
    with pytest.raises(FileSpecError):
        file_spec(7)


def test_a_photo_must_be_an_image() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    check_image("ok.png", buffer.getvalue())
    for bad in (b"plain text", buffer.getvalue()[:20]):
        with pytest.raises(FileSpecError, match="not an image"):
            check_image("bad.png", bad)
