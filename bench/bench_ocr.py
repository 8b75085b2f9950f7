"""Text in images (issue 14): OCR accuracy and speed on screenshots, and the bot's memory.

Screenshots of channel posts in English, Ukrainian and Russian, light and dark, 1080 pixels
wide, rendered with Pillow from texts written for this project (tests/utils/screenshots.py),
are read by the bot's own OcrReader — as PNG files, and as the JPEG Telegram makes of a photo.
Figures: character error rate of the post's text (the app's chrome must be left out, so
leftovers count as errors), whether every figure in the text was read exactly, seconds per
screenshot (wall clock, and the Tesseract process's CPU time, which a loaded machine does not
inflate), and the resident memory of a `factcheck-bot run` process after it has read
screenshots sent through the sandbox and gone idle.

`python -m bench --only ocr` (or `python bench/bench_ocr.py`).
"""

from __future__ import annotations

import asyncio
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import Levenshtein

from bench.bench_memory import BOT_COMMAND, TARGET_MB, BotProcess
from bench.common import Figure, emit, fresh_database, log
from bot.intake.media.ocr import INSTALL_HINT, OcrReader, tesseract_status
from bot.sandbox import Sandbox
from bot.sandbox.media import photo_sizes
from bot.sandbox.state import SandboxState
from tests.utils.screenshots import POSTS, Post, fonts_available, render_post

CER_TARGET = 2.0  # per cent
SECONDS_TARGET = 2.0
FIGURE = re.compile(r"\d+(?:[ ,.]\d+)*%?")


def normalised(text: str) -> str:
    """Whitespace as one space: line breaks are layout, not characters read."""
    return " ".join(text.split())


def telegram_jpeg(png: bytes) -> bytes:
    """The JPEG Telegram keeps of a screenshot sent as a photo (the sandbox's re-encoding)."""
    sizes = photo_sizes(state := SandboxState(), png)
    return state.files[sizes[-1]["file_id"]].content


def child_cpu() -> float:
    """CPU seconds used by finished child processes (the Tesseract runs) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def read_posts(reader: OcrReader, posts: list[Post], *, as_jpeg: bool) -> dict[str, dict]:
    """Per language: errors, characters, figures missed/total, wall and CPU seconds."""
    stats: dict[str, dict] = {}
    for post in posts:
        image = render_post(post)
        if as_jpeg:
            image = telegram_jpeg(image)
        cpu, started = child_cpu(), time.perf_counter()
        found = await reader.read(image)
        wall, used = time.perf_counter() - started, child_cpu() - cpu
        text, truth = normalised(found.text), normalised(post.text)
        errors = Levenshtein.distance(text, truth)
        figures = FIGURE.findall(truth)
        missed = [figure for figure in figures if figure not in text]
        if errors or missed:
            log(f"ocr {post.language} {'jpeg' if as_jpeg else 'png'}: {errors} errors, missed "
                f"{missed}; read {text!r}")  # fmt: skip
        entry = stats.setdefault(
            post.language,
            {"errors": 0, "chars": 0, "missed": 0, "figures": 0, "wall": [], "cpu": []},
        )
        entry["errors"] += errors
        entry["chars"] += len(truth)
        entry["missed"] += len(missed)
        entry["figures"] += len(figures)
        entry["wall"].append(wall)
        entry["cpu"].append(used)
    return stats


def accuracy_figures(stats: dict[str, dict], kind: str) -> list[Figure]:
    """CER, figures exact and time per screenshot, per language."""
    out = []
    for language, entry in stats.items():
        cer = 100.0 * entry["errors"] / entry["chars"]
        exact = entry["figures"] - entry["missed"]
        wall, cpu = max(entry["wall"]), max(entry["cpu"])
        out += [
            Figure("ocr", f"{language} {kind}: character error rate", cer, "%",
                   target=f"≤ {CER_TARGET:g} %", met=cer <= CER_TARGET),
            Figure("ocr", f"{language} {kind}: figures read exactly", exact,
                   f"of {entry['figures']}", target="all", met=entry["missed"] == 0),
            Figure("ocr", f"{language} {kind}: seconds per screenshot (slowest, wall)", wall, "s",
                   target=f"< {SECONDS_TARGET:g}", met=wall < SECONDS_TARGET),
            Figure("ocr", f"{language} {kind}: Tesseract CPU seconds (slowest)", cpu, "s",
                   target=f"< {SECONDS_TARGET:g}", met=cpu < SECONDS_TARGET),
        ]  # fmt: skip
    return out


async def bot_memory(posts: list[Post]) -> list[Figure]:
    """RSS of a bot process at rest, then after reading screenshots and going idle again."""
    async with Sandbox() as sandbox, fresh_database("sqlite") as url:
        chat = sandbox.add_chat("OCR desk")
        editor = sandbox.add_user("Editor", "ocr_editor")
        sandbox.add_member(chat, editor, "administrator")
        async with BotProcess(sandbox, BOT_COMMAND, database_url=url) as bot:
            await sandbox.wait_idle(timeout=30, quiet=1.0)
            at_rest = bot.rss_mb()
            for post in posts:
                sandbox.send(
                    chat, editor, photo=render_post(post), forward_origin={"channel": post.channel}
                )
            await sandbox.wait_for(
                lambda: (
                    sum("Queued" in m.content for m in sandbox.bot_messages(chat)) >= len(posts)
                ),
                timeout=180,
            )
            await sandbox.wait_idle(timeout=60, quiet=2.0)
            after = bot.rss_mb()
    return [
        Figure("ocr", name, value, "MiB", target=f"< {TARGET_MB:g}", met=value < TARGET_MB)
        for name, value in (
            ("bot RSS idle, before any image", at_rest),
            (f"bot RSS idle, after reading {len(posts)} screenshots", after),
        )
    ]


async def run(*, quick: bool = False, db: str | None = None) -> list[Figure]:
    """Every OCR figure (`quick`: PNG only, light posts for memory)."""
    status = tesseract_status()
    if not status.ready or status.missing:
        log(f"ocr: skipped — {status.install_hint or INSTALL_HINT}")
        return []
    if not fonts_available():
        log("ocr: skipped — no DejaVu fonts to render screenshots (fonts-dejavu-core)")
        return []
    reader = OcrReader()
    await reader.read(render_post(POSTS[0]))  # the first run loads the page cache: not measured
    figures = accuracy_figures(await read_posts(reader, POSTS, as_jpeg=False), "PNG")
    if not quick:
        figures += accuracy_figures(await read_posts(reader, POSTS, as_jpeg=True), "Telegram JPEG")
    figures += await bot_memory([p for p in POSTS if not p.dark])
    for figure in figures:
        emit(figure)
    return figures


if __name__ == "__main__":
    asyncio.run(run(quick="--quick" in sys.argv))
