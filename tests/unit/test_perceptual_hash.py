"""The bot's perceptual hash (numpy, no SciPy) is imagehash's pHash, bit for bit, and it tells a
re-encoded copy of a screenshot from a different screenshot."""

from __future__ import annotations

import io
import random

import imagehash
import pytest
from PIL import Image, ImageDraw

from bot.intake.media.service import NEAR_DISTANCE, hash_distance, perceptual_hash


def _picture(seed: int, size: tuple[int, int] = (540, 960)) -> Image.Image:
    """A screenshot-like picture: a light page with dark blocks of 'text' laid out by `seed`."""
    rng = random.Random(seed)
    picture = Image.new("RGB", size, (250, 250, 248))
    draw = ImageDraw.Draw(picture)
    y = 40
    while y < size[1] - 60:
        width = rng.randint(size[0] // 3, size[0] - 60)
        draw.rectangle((30, y, 30 + width, y + rng.randint(12, 30)), fill=(20, 20, 30))
        y += rng.randint(30, 70)
    return picture


@pytest.mark.parametrize("seed", range(8))
def test_same_bits_as_imagehash(seed: int) -> None:
    picture = _picture(seed)
    assert perceptual_hash(picture) == str(imagehash.phash(picture))


def test_a_re_encoded_copy_is_near_and_another_picture_is_not() -> None:
    original = _picture(1)
    buffer = io.BytesIO()
    original.resize((405, 720)).save(buffer, "JPEG", quality=60)
    copy = Image.open(io.BytesIO(buffer.getvalue()))
    assert hash_distance(perceptual_hash(original), perceptual_hash(copy)) <= NEAR_DISTANCE
    assert hash_distance(perceptual_hash(original), perceptual_hash(_picture(2))) > NEAR_DISTANCE
