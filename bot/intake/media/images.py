"""Opening an image a member sent, safely, and preparing it for OCR.

Pillow decodes lazily: the header gives the size before any pixel is decoded, so an image with
too many pixels (a decompression bomb: a few kB of PNG that inflate to gigabytes) is refused
before it costs memory. Pillow's own limit (Image.MAX_IMAGE_PIXELS) is a process-wide warning
at one size and an error at twice that; ours is explicit and smaller (MAX_IMAGE_PIXELS).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps

from bot.i18n import N_
from bot.intake.media.files import FileRefused

# Lines of ink this many pixels high (about a 40-pixel font) or more read well; smaller text is
# scaled up to it. Measured on rendered screenshots (docs/media.md): enlarging 20-pixel lines
# to 30 took the character error rate from 1.1 % to 0 %; enlarging text that is already this
# big only adds resampling blur (and errors).
TARGET_LINE_HEIGHT = 30
MAX_UPSCALE = 3.0
# Images are never enlarged past this many pixels (the bound on OCR time and memory).
MAX_WORK_PIXELS = 24_000_000


class ImageRefused(FileRefused):
    """An image the bot will not read (damaged, animated, too large in pixels)."""


class DamagedImage(ImageRefused):
    """The bytes do not decode as a whole image (corrupt or cut short)."""

    def __init__(self) -> None:
        super().__init__(N_("That image is damaged or incomplete; I could not open it."))


class AnimatedImage(ImageRefused):
    """An animation (GIF, animated WebP or PNG): no single picture to read."""

    def __init__(self) -> None:
        super().__init__(N_("That is an animation; send a still screenshot and I will read it."))


class TooManyPixels(ImageRefused):
    """More pixels than the operator allows (MAX_IMAGE_PIXELS): a bomb, or simply huge."""

    def __init__(self, limit: int, size: tuple[int, int] | None = None) -> None:
        self.size = size
        megapixels = f"{limit / 1e6:.0f}"
        if size is None:
            super().__init__(
                # TRANSLATORS: {megapixels} is a number ("12"): use an abbreviation if the word
                # would change with it.
                N_(
                    "That image is too large: I read images of up to {megapixels} megapixels. "
                    "Send a smaller screenshot."
                ),
                megapixels=megapixels,
            )
            return
        super().__init__(
            # TRANSLATORS: "{width}×{height} pixels" is the image's size ("4000×3000 pixels");
            # {megapixels} is a number ("12"): use an abbreviation if the word would change with it.
            N_(
                "That image is {width}×{height} pixels: I read images of up to {megapixels} "
                "megapixels. Send a smaller screenshot."
            ),
            width=size[0],
            height=size[1],
            megapixels=megapixels,
        )


@dataclass(frozen=True)
class Opened:
    """A decoded still image, in RGB or L, with its format as Pillow named it."""

    picture: Image.Image
    format: str | None


def open_image(content: bytes, *, max_pixels: int) -> Opened:
    """Decode an image, refusing bombs, animations and damaged files with a reason."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(content))
            width, height = picture.size
            if width * height > max_pixels:
                raise TooManyPixels(max_pixels, (width, height))
            if getattr(picture, "n_frames", 1) > 1:
                raise AnimatedImage()
            image_format = picture.format
            picture.load()  # decode now: a truncated file fails here, not later
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        # Pillow's own guard fired while reading the header (its limit is process-wide; the
        # size it refused is not told), before any pixel was decoded.
        raise TooManyPixels(max_pixels) from error
    except ImageRefused:
        raise
    except (OSError, SyntaxError, ValueError) as error:  # what Pillow raises for bad data
        raise DamagedImage() from error
    upright: Image.Image = ImageOps.exif_transpose(picture)  # a phone photo held sideways
    return Opened(_flatten(upright), image_format)


def _flatten(picture: Image.Image) -> Image.Image:
    """RGB on white (transparent screenshots and stickers have no background of their own)."""
    if picture.mode in ("RGBA", "LA") or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if picture.mode not in ("RGB", "L"):
        return picture.convert("RGB")
    return picture


def prepare_for_ocr(picture: Image.Image, *, line_height: float | None = None) -> Image.Image:
    """Grayscale, dark mode turned light, small text scaled up: what Tesseract reads best.

    `line_height` is the typical height of a text line in pixels, when known (a first pass
    measured it); text smaller than TARGET_LINE_HEIGHT is enlarged up to MAX_UPSCALE times.
    """
    gray = ImageOps.grayscale(picture)
    if _is_dark(gray):
        gray = ImageOps.invert(gray)  # light text on dark: Tesseract wants dark on light
    gray = ImageOps.autocontrast(gray, cutoff=1)
    scale = upscale_factor(gray.size, line_height)
    if scale > 1.0:
        size = (round(gray.width * scale), round(gray.height * scale))
        gray = gray.resize(size, Image.Resampling.LANCZOS)
    return gray


def upscale_factor(size: tuple[int, int], line_height: float | None) -> float:
    """How much to enlarge an image whose text lines are `line_height` pixels high."""
    if not line_height or line_height >= TARGET_LINE_HEIGHT:
        return 1.0
    scale = min(TARGET_LINE_HEIGHT / line_height, MAX_UPSCALE)
    pixels = size[0] * size[1]
    if pixels * scale * scale > MAX_WORK_PIXELS:
        scale = max((MAX_WORK_PIXELS / pixels) ** 0.5, 1.0)
    return scale


def _is_dark(gray: Image.Image) -> bool:
    """Whether most of the image is dark (a dark-mode screenshot)."""
    histogram = gray.resize((64, 64)).histogram()
    dark = sum(histogram[:100])
    return dark > sum(histogram) * 0.5


def text_line_height(picture: Image.Image) -> float | None:
    """The typical height of a text line, in pixels, from the rows that hold ink.

    Cheap (a projection of a reduced copy, no OCR): enough to tell 12-pixel text that needs
    enlarging from 40-pixel text that does not. None when the image has no lines of ink.
    """
    gray = ImageOps.grayscale(picture)
    if _is_dark(gray):
        gray = ImageOps.invert(gray)
    # Ink: clearly darker than the page. Rows with ink form runs: one run per text line.
    histogram = gray.histogram()
    total = sum(histogram)
    mean = sum(value * count for value, count in enumerate(histogram)) / max(total, 1)
    threshold = mean * 0.6
    ink = gray.point(lambda value: 255 if value < threshold else 0)
    rows = ink.resize((1, gray.height), Image.Resampling.BOX).tobytes()
    runs: list[int] = []
    run = 0
    for value in rows:
        if value > 2:  # more than about 1 % of the row is ink
            run += 1
        elif run:
            runs.append(run)
            run = 0
    if run:
        runs.append(run)
    runs = [r for r in runs if r >= 4]  # specks and rules are not lines of text
    if not runs:
        return None
    runs.sort()
    return float(runs[len(runs) // 2])
