"""An image submission as one text: captions and what each image says, and where each is.

Pure: the handler passes captions and image texts in message order; the article's `media`
note ({"from": "image", "count": N, "images": [[start, end, number], ...]}, read by
bot/intake/media/place.py) then lets a card say a claim is "from the image" (or "from image 2"
of an album).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from bot.intake.intake import without_controls


@dataclass(frozen=True)
class Part:
    """One message of a submission: its caption (may be empty) and its image's text."""

    caption: str
    image_text: str


@dataclass(frozen=True)
class Composed:
    """The article text, the spans of image text in it, and the media note to store."""

    text: str
    spans: tuple[tuple[int, int, int], ...]  # start, end, which image (1-based)
    media: str

    @property
    def has_image_text(self) -> bool:
        """Whether any image said anything."""
        return bool(self.spans)


def compose(parts: Sequence[Part]) -> Composed:
    """Each part's caption, then its image's text, as paragraphs; a caption repeated on every
    part of an album (as forwarding apps do) is kept once."""
    chunks: list[str] = []
    spans: list[tuple[int, int, int]] = []
    seen: set[str] = set()
    length = 0
    for number, part in enumerate(parts, start=1):
        caption = (without_controls(part.caption) or "").strip()
        image = (without_controls(part.image_text) or "").strip()
        for chunk, is_image in ((caption, False), (image, True)):
            if not chunk or (not is_image and chunk in seen):
                continue
            seen.add(chunk)
            start = length + (2 if chunks else 0)
            chunks.append(chunk)
            length = start + len(chunk)
            if is_image:
                spans.append((start, length, number))
    text = "\n\n".join(chunks)
    return Composed(text, tuple(spans), images_json(spans, count=len(parts)))


def images_json(spans: Sequence[tuple[int, int, int]], *, count: int) -> str:
    """The `media` note of an article read from `count` images."""
    note = {"from": "image", "count": count, "images": [list(span) for span in spans]}
    return json.dumps(note, separators=(",", ":"))
