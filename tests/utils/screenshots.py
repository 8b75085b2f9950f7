"""Screenshots the tests and the OCR benchmark render themselves: a channel post as a phone shows
it, 1080 pixels wide, with the app's chrome around the words (header, counts, time, buttons).

The posts are written for this project (English, Ukrainian, Russian), each with figures that
OCR must read exactly. Fonts: DejaVu from the machine (Debian's fonts-dejavu-core, which
`.ci/run` installs); tests skip with FONT_SKIP where it is absent.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONT_SKIP = "rendering screenshots needs the DejaVu fonts (apt-get install fonts-dejavu-core)"
WIDTH = 1080


@dataclass(frozen=True)
class Post:
    """A channel post to render: who posted it, its text, and the counts under it."""

    channel: str
    text: str
    language: str = "en"
    views: str = "12.3K"
    time: str = "10:45"
    dark: bool = False


POSTS = [
    Post(
        "Kyiv Daily Wire",
        "The city council said on Tuesday that 3,412 new homes were finished in 2024, "
        "up 17% from the year before. Officials expect another 2,950 by March 2025, at a "
        "cost of $1.8 billion, and say 640 of them will go to families who lost their homes.",
    ),
    Post(
        "Harbour Watch",
        "Port traffic fell by 23% in October, according to the harbour authority. Only 118 "
        "ships called at the port, against 153 a year earlier, and grain shipments dropped "
        "to 2.4 million tonnes.",
        views="8.1K",
        time="18:02",
        dark=True,
    ),
    Post(
        "Новини Полтави",
        "Міська рада повідомила, що у 2024 році в Полтаві збудовано 1 284 нових квартири, "
        "на 12% більше, ніж роком раніше. До кінця березня планують здати ще 460 квартир, "
        "а вартість програми становить 2,7 млрд гривень.",
        language="uk",
        views="5,2K",
        time="09:15",
    ),
    Post(
        "Оперативно Харків",
        "За даними обласної адміністрації, за тиждень відновлено електропостачання для "
        "38 400 абонентів. Роботи тривають у 57 населених пунктах, залучено 312 ремонтників.",
        language="uk",
        views="21K",
        time="22:40",
        dark=True,
    ),
    Post(
        "Вести Приморья",
        "Власти края сообщили, что в 2024 году построено 2 318 километров новых дорог, на "
        "9% больше, чем годом ранее. В следующем году планируют отремонтировать еще 740 "
        "километров, на это выделено 14,5 млрд рублей.",
        language="ru",
        views="3,4K",
        time="14:27",
    ),
    Post(
        "Городской вестник",
        "По данным мэрии, число пассажиров метро выросло на 6% и достигло 1,9 млн человек в "
        "сутки. На линии вышли 84 новых вагона, интервал сократился до 90 секунд.",
        language="ru",
        views="17K",
        time="07:50",
        dark=True,
    ),
]

CHROME_WORDS = ("subscribers", "підписників", "подписчиков", "views", "Reply", "Share")
SUBSCRIBERS = {"en": "48,210 subscribers", "uk": "48 210 підписників", "ru": "48 210 подписчиков"}
BUTTONS = {
    "en": ("Reply", "Share"),
    "uk": ("Відповісти", "Поділитися"),
    "ru": ("Ответить", "Поделиться"),
}


def font_path(*, bold: bool = False) -> Path | None:
    """A DejaVu Sans file on this machine, or None."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return next((d / name for d in FONT_DIRS if (d / name).is_file()), None)


def fonts_available() -> bool:
    """Whether screenshots can be rendered here."""
    return font_path() is not None and font_path(bold=True) is not None


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = font_path(bold=bold)
    if path is None:
        raise RuntimeError(FONT_SKIP)
    return ImageFont.truetype(str(path), size)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    """Words into lines no wider than `width` pixels."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines


def render_post(post: Post, *, body_size: int = 40, width: int = WIDTH) -> bytes:
    """The post as a PNG screenshot: header (channel, subscribers), the post, counts, buttons."""
    page, ink, muted, band = (
        ((24, 28, 34), (232, 234, 237), (140, 150, 160), (36, 47, 61))
        if post.dark
        else ((255, 255, 255), (20, 20, 20), (130, 136, 142), (82, 136, 193))
    )
    scale = width / WIDTH
    body = _font(round(body_size * scale))
    title = _font(round(42 * scale), bold=True)
    small = _font(round(30 * scale))
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    margin = round(56 * scale)
    lines = _wrap(probe, post.text, body, width - 2 * margin)
    line_height = round(body_size * 1.45 * scale)
    header = round(170 * scale)
    height = header + round(60 * scale) + len(lines) * line_height + round(260 * scale)
    image = Image.new("RGB", (width, height), page)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width, header], fill=band)
    avatar = round(96 * scale)
    top = (header - avatar) // 2
    draw.ellipse([margin, top, margin + avatar, top + avatar], fill=(240, 170, 60))
    text_left = margin + avatar + round(32 * scale)
    draw.text((text_left, top + round(2 * scale)), post.channel, font=title, fill=(255, 255, 255))
    draw.text(
        (text_left, top + round(56 * scale)),
        SUBSCRIBERS[post.language],
        font=small,
        fill=(210, 225, 240),
    )
    y = header + round(60 * scale)
    for line in lines:
        draw.text((margin, y), line, font=body, fill=ink)
        y += line_height
    y += round(30 * scale)
    eye = round(30 * scale)
    draw.ellipse([margin, y + 6, margin + eye, y + 6 + eye * 0.6], outline=muted, width=3)
    draw.text((margin + eye + 14, y), f"{post.views}    {post.time}", font=small, fill=muted)
    y += round(90 * scale)
    draw.line([0, y, width, y], fill=muted, width=2)
    left, right = BUTTONS[post.language]
    draw.text(
        (margin, y + round(40 * scale)), left, font=small, fill=band if not post.dark else ink
    )
    draw.text((width // 2 + margin, y + round(40 * scale)), right, font=small, fill=muted)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def blank_photo(width: int = 1080, height: int = 720) -> bytes:
    """A photo with no text in it: a sky and a field."""
    image = Image.new("RGB", (width, height), (135, 190, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, height * 2 // 3, width, height], fill=(90, 150, 70))
    draw.ellipse([width - 260, 80, width - 120, 220], fill=(250, 220, 90))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def reencoded(png: bytes, *, quality: int = 80, scale: float = 0.9) -> bytes:
    """The same screenshot saved again: resized a little and as JPEG (a near duplicate)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((round(image.width * scale), round(image.height * scale)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
