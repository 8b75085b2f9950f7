"""Text in images: Tesseract through pytesseract, one child process per image, bounded.

Why pytesseract (not tesserocr): it runs the `tesseract` program of Debian's packages, so
nothing compiles at install and the language data is the system's; each image is read by a
child process that exits when done, so the bot's own memory stays small when idle (the three
languages' models take 40–60 MB while loaded), a pathological image can be killed on a timeout,
and a crash in Tesseract cannot take the bot down. The price is start-up time per image
(docs/media.md has the figures). pytesseract hands Tesseract the image through a temporary file
it creates in the system's temporary folder (private to the bot's user) and deletes at once.

Usage (bytes a member sent, or a page of a scanned PDF as a Pillow image)::

    reader = OcrReader(max_pixels=settings.max_image_pixels)
    if not reader.status.ready: ...               # reader.status.install_hint names the packages
    found = await reader.read(content)            # ImageText; raises ImageRefused, OcrUnavailable
    found = await reader.read_picture(page_image)
    found.text, found.chrome, found.language
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING, Any, TypeVar

from bot.desk.errors import DeskError
from bot.i18n import N_
from bot.intake.media.chrome import Line, without_chrome

if TYPE_CHECKING:
    from PIL import Image

# Pillow (bot.intake.media.images) is imported on the first image, not at start-up: a bot that
# is sent no image never holds it (docs/performance.md, "Memory").

log = logging.getLogger(__name__)
T = TypeVar("T")

# Tesseract's names of the languages the desk reads.
LANGUAGES = ("eng", "ukr", "rus")
PACKAGES = "tesseract-ocr tesseract-ocr-eng tesseract-ocr-ukr tesseract-ocr-rus"
INSTALL_HINT = f"apt-get install {PACKAGES}"
# Words Tesseract is less sure of than this (0–100) are left out: they are noise, not text.
MIN_WORD_CONFIDENCE = 30.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_PIXELS = 30_000_000


class OcrUnavailable(DeskError):
    """Tesseract (or one of its languages) is not installed here."""

    def __init__(self) -> None:
        super().__init__(N_("I can't read images on this installation yet."))


class OcrFailed(DeskError):
    """Tesseract did not finish (a timeout, a crash)."""

    def __init__(self) -> None:
        super().__init__(N_("I could not read that image in time; try a smaller screenshot."))


@dataclass(frozen=True)
class TesseractStatus:
    """Whether Tesseract is installed, which version, and which of our languages it has."""

    binary: str | None
    version: str | None
    languages: frozenset[str]

    @property
    def missing(self) -> tuple[str, ...]:
        """The desk's languages Tesseract lacks (all of them when it is not installed)."""
        return tuple(code for code in LANGUAGES if code not in self.languages)

    @property
    def ready(self) -> bool:
        """Whether images can be read (Tesseract with at least English)."""
        return self.binary is not None and "eng" in self.languages

    @property
    def install_hint(self) -> str:
        """The one line that tells the operator what to install."""
        if self.binary is None:
            return f"Tesseract is not installed, so images are not read: {INSTALL_HINT}"
        packages = " ".join(f"tesseract-ocr-{code}" for code in self.missing)
        return f"Tesseract lacks {', '.join(self.missing)}: apt-get install {packages}"


@cache
def tesseract_status(binary: str = "tesseract") -> TesseractStatus:
    """Look for Tesseract and its languages (once per process; a few milliseconds)."""
    found = shutil.which(binary)
    if found is None:
        return TesseractStatus(None, None, frozenset())
    try:
        version = _run(found, "--version").splitlines()[0].split()[-1]
        listed = _run(found, "--list-langs").splitlines()[1:]
    except (OSError, subprocess.SubprocessError, IndexError) as error:
        log.warning("Tesseract at %s does not answer: %s", found, error)
        return TesseractStatus(None, None, frozenset())
    return TesseractStatus(found, version, frozenset(line.strip() for line in listed))


def _run(binary: str, argument: str) -> str:
    """One quick Tesseract command's output (it prints some of it on stderr)."""
    done = subprocess.run(
        [binary, argument], capture_output=True, text=True, timeout=10, check=False
    )
    return done.stdout or done.stderr


@dataclass(frozen=True)
class ImageText:
    """What an image says: its text (the app's chrome left out), and what was left out."""

    text: str
    chrome: tuple[str, ...] = ()
    confidence: float = 0.0  # Tesseract's mean word confidence, 0–100
    languages: str = ""  # the Tesseract languages it was read with ("ukr+eng")
    seconds: float = 0.0

    @property
    def empty(self) -> bool:
        """Whether no text was found (a photo of a cat)."""
        return not self.text.strip()


class OcrReader:
    """Reads images with Tesseract, at most `concurrency` at a time (each a child process)."""

    def __init__(
        self,
        *,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        timeout: float = DEFAULT_TIMEOUT,
        concurrency: int = 1,
        status: TesseractStatus | None = None,
    ) -> None:
        self.max_pixels = max_pixels
        self.timeout = timeout
        self.status = status if status is not None else tesseract_status()
        self._slots = asyncio.Semaphore(concurrency)
        # Image work runs on these threads only: each thread that decodes an image keeps a
        # malloc arena of its own, so a few threads keep the bot's resident memory small.
        self._threads = ThreadPoolExecutor(concurrency, thread_name_prefix="ocr")
        # One OpenMP thread per Tesseract: two cores and several images at once would
        # otherwise oversubscribe the machine and every read would get slower.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    async def read(self, content: bytes) -> ImageText:
        """The text of an image's bytes (PNG, JPEG, WebP…); raises ImageRefused, OcrUnavailable."""
        if not self.status.ready:
            raise OcrUnavailable()
        async with self._slots:
            return await self._on_thread(self._read_bytes, content)

    async def open(self, content: bytes) -> Image.Image:
        """Decode an image within the pixel limit (raises ImageRefused), without reading it."""
        from bot.intake.media.images import open_image

        opened = await self._on_thread(partial(open_image, max_pixels=self.max_pixels), content)
        return opened.picture

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """Run other image work (a perceptual hash) on the OCR threads."""
        return await self._on_thread(work, *args)

    async def _on_thread(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` on an OCR thread; then freed memory goes back to the system."""
        try:
            return await asyncio.get_running_loop().run_in_executor(self._threads, work, *args)
        finally:
            _give_back_memory()

    async def read_picture(self, picture: Image.Image) -> ImageText:
        """The text of a decoded image (a page of a scanned PDF, say)."""
        if not self.status.ready:
            raise OcrUnavailable()
        async with self._slots:
            return await self._on_thread(self._recognise, picture)

    def _read_bytes(self, content: bytes) -> ImageText:
        """Decode (refusing bombs and damaged files), then recognise."""
        from bot.intake.media.images import open_image

        opened = open_image(content, max_pixels=self.max_pixels)
        return self._recognise(opened.picture)

    def _recognise(self, picture: Image.Image) -> ImageText:
        """Prepare the image, run Tesseract, keep the post's lines."""
        from bot.intake.media.images import prepare_for_ocr, text_line_height

        started = time.perf_counter()
        prepared = prepare_for_ocr(picture, line_height=text_line_height(picture))
        languages = self._languages()
        data = _tesseract_data(prepared, languages, self.timeout, self.status.binary)
        lines, confidence = ocr_lines(data)
        kept, dropped = without_chrome(lines, image_height=prepared.height)
        return ImageText(
            text=join_lines(kept),
            chrome=tuple(line.text for line in dropped),
            confidence=confidence,
            languages=languages,
            seconds=time.perf_counter() - started,
        )

    def _languages(self) -> str:
        """The installed desk languages, as Tesseract takes them ("eng+ukr+rus")."""
        return "+".join(code for code in LANGUAGES if code in self.status.languages)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, where the C library has it (not on musl or macOS)."""
    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def _give_back_memory() -> None:
    """Return the memory a decoded image used to the system: glibc keeps freed blocks of a
    thread's arena otherwise, and an idle bot would stay tens of MB larger after each image."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _tesseract_data(
    picture: Image.Image, languages: str, timeout: float, binary: str | None
) -> dict[str, list[Any]]:
    """Tesseract's words with their boxes and confidences (image_to_data as a dict)."""
    import pytesseract  # imported here: a bot without Tesseract never needs it loaded

    if binary:
        pytesseract.pytesseract.tesseract_cmd = binary  # the one the start-up check found

    try:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            picture,
            lang=languages,
            config="--psm 3",
            timeout=timeout,
            output_type=pytesseract.Output.DICT,
        )
    except RuntimeError as error:  # pytesseract's "Tesseract process timeout"
        log.warning("Tesseract gave up: %s", error)
        raise OcrFailed() from error
    except pytesseract.TesseractError as error:
        log.warning("Tesseract failed: %s", error)
        raise OcrFailed() from error
    return data


def ocr_lines(data: dict[str, list[Any]]) -> tuple[list[Line], float]:
    """Tesseract's words grouped into lines (in reading order), and their mean confidence."""
    grouped: dict[tuple[int, int, int], list[int]] = {}
    confidences: list[float] = []
    for index, word in enumerate(data.get("text", [])):
        confidence = float(data["conf"][index])
        if not str(word).strip() or confidence < MIN_WORD_CONFIDENCE:
            continue
        confidences.append(confidence)
        key = (data["block_num"][index], data["par_num"][index], data["line_num"][index])
        grouped.setdefault(key, []).append(index)
    lines = []
    for key, indexes in grouped.items():
        words = [fix_figures(str(data["text"][i]).strip()) for i in indexes]
        words = fix_script(words)
        top = min(int(data["top"][i]) for i in indexes)
        height = max(int(data["top"][i]) + int(data["height"][i]) for i in indexes) - top
        lines.append((key, Line(" ".join(words), top, height)))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return [line for _, line in lines], mean


# Cyrillic and Latin letters that Tesseract mistakes for digits inside a number.
DIGIT_LOOKALIKES = str.maketrans({"З": "3", "О": "0", "O": "0", "о": "0", "o": "0", "б": "6"})
MOSTLY_DIGITS = re.compile(r"^[\dЗОOоoб.,:%$€₴₽+\-]+$")


def fix_figures(word: str) -> str:
    """A number as written: "З 412" → "3 412", "2О24" → "2024" (letters only next to digits)."""
    if any(ch.isdigit() for ch in word) and MOSTLY_DIGITS.match(word):
        return word.translate(DIGIT_LOOKALIKES)
    if len(word) == 1 and word == "З":
        return "3"  # a lone Ze before a group of digits ("З 412") is a three
    return word


# Latin letters that look like Cyrillic ones: Tesseract reading eng+ukr+rus at once sometimes
# picks the Latin twin ("a" for "а", "i" for Ukrainian "і") inside Cyrillic text.
CYRILLIC_TWINS = str.maketrans(
    "aceopxyiABCEHKMOPTX", "асеорхуіАВСЕНКМОРТХ"
)  # fmt: skip
CYRILLIC = re.compile(r"[а-яёіїєґА-ЯЁІЇЄҐ]")
LATIN = re.compile(r"[A-Za-z]")


def fix_script(words: list[str]) -> list[str]:
    """Latin twins inside a Cyrillic line made Cyrillic: in a word that mixes both scripts,
    and as a one-letter word ("a" → "а") among Cyrillic words. Latin words stay Latin."""
    cyrillic = sum(bool(CYRILLIC.search(word)) for word in words)
    if cyrillic == 0 or cyrillic * 2 < len(words):
        return words
    fixed = []
    for word in words:
        mixed = CYRILLIC.search(word) and LATIN.search(word)
        lone = len(word) == 1 and LATIN.match(word)
        fixed.append(word.translate(CYRILLIC_TWINS) if mixed or lone else word)
    return fixed


def join_lines(lines: list[Line]) -> str:
    """Lines as running text: a paragraph per gap, words split by a hyphen at a line end joined."""
    paragraphs: list[list[str]] = []
    previous: Line | None = None
    for line in lines:
        gap = previous is not None and line.top - (previous.top + previous.height) > max(
            previous.height, line.height
        )
        if previous is None or gap:
            paragraphs.append([])
        paragraphs[-1].append(line.text)
        previous = line
    return "\n\n".join(_run_on(paragraph) for paragraph in paragraphs)


def _run_on(lines: list[str]) -> str:
    """One paragraph's lines joined by spaces; "infor-" + "mation" becomes "information"."""
    text = ""
    for line in lines:
        if text.endswith("-") and line[:1].islower() and text[-2:-1].isalpha():
            text = text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text
