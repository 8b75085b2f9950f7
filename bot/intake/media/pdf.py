"""PDF documents: their text layer page by page (pypdf), cleaned into an article's text.

A report's text comes with hard line breaks, words hyphenated across lines, a running head and
"Page 3 of 12" on every page: those are undone here, and where each page starts in the final
text is kept, so a claim's offset tells its page (`page_of`). Pages without a text layer (a
scan) give back their largest image, for OCR. Parsing runs in a child process with a time and
memory limit (`read_pdf`): a hostile file costs one killed process, never the bot.

Why pypdf: docs/media.md ("PDFs") has the measurements against pdfminer.six.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import re
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from bot.desk.errors import DeskError
from bot.i18n import ENGLISH, N_, Words

log = logging.getLogger(__name__)

PDF_MAGIC = b"%PDF-"
# The header may follow some junk; readers look in the first kilobyte (PDF 1.7, annex H).
MAGIC_WINDOW = 1024
# A page with fewer characters of text than this has no usable text layer (a scan, or a
# scan with a stray page number drawn on it).
MIN_PAGE_CHARS = 20
CHILD_MEMORY_BYTES = 1_500_000_000
# A scanned page's ink is darker than this (0-255); its blank margins are trimmed to this many
# pixels around the ink before OCR.
INK_LEVEL = 128
TRIM_MARGIN = 24
# Larger scanned pages are scaled down to this many pixels before OCR (an A4 page at 300 dpi
# is 8.7 million).
MAX_SCAN_PIXELS = 12_000_000
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# A running head or footer is short ("Ministry of Energy — Annual report 2025 | Page 3").
RUNNING_WORDS = 12
SOFT_HYPHEN = "\u00ad"
LINE_END_HYPHEN = re.compile(r"(\w)[-\u2010\u2011]$")
SENTENCE_END = re.compile(r"[.!?…:;»”\"')]$")
PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:(?:page|p\.|стор\.?|сторінка|стр\.?|страница)\s*)?\d{1,4}"
    r"(?:\s*(?:of|/|з|из|із)\s*\d{1,4})?\s*$",
    re.IGNORECASE,
)


class PdfError(DeskError):
    """A PDF the bot cannot read; `error.say(words)` is what the member is told ({name} in
    each message is the file's name)."""


class PdfEncrypted(PdfError):
    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "{name} is protected with a password: I can't open it. "
                "Send a copy without the password, or paste the text."
            ),
            name=name,
        )


class PdfBroken(PdfError):
    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "{name} is damaged or not really a PDF: I can't read it. "
                "Save it again as PDF, or paste the text."
            ),
            name=name,
        )


class PdfTooLong(PdfError):
    def __init__(self, name: str, pages: int, limit: int) -> None:
        self.pages = pages
        super().__init__("{name}", name=name, pages=pages, limit=limit)  # the words: `say`
        self.args = (self.say(ENGLISH),)

    def say(self, words: Words) -> str:
        # TRANSLATORS: {name} is the file's name; {limit} is a number of pages.
        return words.ngettext(
            "{name} has {n} page; I read PDFs of up to {limit} pages. "
            "Send the pages that matter as a smaller PDF, or paste the text.",
            "{name} has {n} pages; I read PDFs of up to {limit} pages. "
            "Send the pages that matter as a smaller PDF, or paste the text.",
            self.pages,
            name=self.values["name"],
            limit=self.values["limit"],
        )


class PdfTooSlow(PdfError):
    def __init__(self, name: str, seconds: float) -> None:
        super().__init__(
            # TRANSLATORS: {name} is the file's name; {seconds} a number of seconds ("60 s").
            N_(
                "Reading {name} took longer than {seconds} s, so I stopped. "
                "Send a smaller PDF, or paste the text."
            ),
            name=name,
            seconds=f"{seconds:g}",
        )


@dataclass(frozen=True)
class ScannedPage:
    """A page without a text layer: its number and its largest image, for OCR."""

    number: int  # 1-based
    image: bytes | None  # None: no image either (blank, or drawn in vector graphics)


@dataclass(frozen=True)
class PdfPages:
    """What the text layer gave, page by page (raw), and the scanned pages to OCR."""

    page_count: int
    texts: list[str]  # one per page read, raw from the library ("" for a scanned page)
    scanned: list[ScannedPage] = field(default_factory=list)  # the first ones, for OCR
    scanned_count: int = 0  # how many pages have no text layer (OCR'd or not)


@dataclass(frozen=True)
class PdfText:
    """A PDF read as an article: its text and where each page starts in it."""

    text: str
    page_starts: tuple[int, ...]  # offset in `text` where page k+1 starts, one per page read
    page_numbers: tuple[int, ...]  # the 1-based page number of each entry of page_starts
    page_count: int
    unread_scans: int = 0  # scanned pages past PDF_OCR_MAX_PAGES (or unreadable), not read


def pages_of(pdf: PdfText, *, shift: int = 0) -> list[tuple[int, int]]:
    """(offset, page) of each page read, offsets moved by `shift` (a caption put before)."""
    return [(start + shift, n) for start, n in zip(pdf.page_starts, pdf.page_numbers, strict=True)]


def looks_like_pdf(data: bytes) -> bool:
    """Whether the bytes are a PDF by their content: the header in the first kilobyte."""
    return PDF_MAGIC in data[:MAGIC_WINDOW]


# ---- cleaning the text layer (pure) -----------------------------------------------------


def _lines(text: str) -> list[str]:
    cleaned = CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [" ".join(line.split()) for line in cleaned.split("\n")]


def _shape(line: str) -> str:
    """A line with its digits folded, so "Page 3 of 9" and "Page 4 of 9" compare equal."""
    return re.sub(r"\d+", "#", line.casefold())


def running_lines(pages: list[list[str]]) -> set[str]:
    """The shapes of lines repeated at the top or bottom of most pages (heads and footers)."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        body = [line for line in lines if line]
        # Only short lines: a sentence repeated with other figures on each page is the text.
        edges = {_shape(ln) for ln in body[:2] + body[-2:] if len(ln.split()) <= RUNNING_WORDS}
        counts.update(edges)
    needed = max(2, (2 * len(pages) + 2) // 3)
    return {shape for shape, count in counts.items() if count >= needed}


def _join_lines(lines: list[str], known_words: set[str]) -> str:
    """Lines of one page unwrapped into paragraphs, words hyphenated across lines rejoined."""
    widths = sorted(len(line) for line in lines if line)
    typical = widths[len(widths) * 3 // 4] if widths else 0
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
                current = ""
            continue
        if not current:
            current = line
        elif current.endswith(SOFT_HYPHEN):
            current = current[:-1] + line
        elif LINE_END_HYPHEN.search(current) and line[:1].islower():
            head = current.rsplit(" ", 1)[-1][:-1]
            tail = re.match(r"\w+", line)
            joined = (head + tail.group(0)).casefold() if tail else ""
            hyphenated = f"{head}-{tail.group(0)}".casefold() if tail else ""
            # Keep a real compound's hyphen ("kilowatt-hour") when the text spells it so.
            keep = hyphenated in known_words and joined not in known_words
            current = current + line if keep else current[:-1] + line
        else:
            current = f"{current} {line}"
        # A short line that ends a sentence ends its paragraph.
        if SENTENCE_END.search(line) and len(line) < 0.8 * typical:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return "\n\n".join(p.replace(SOFT_HYPHEN, "") for p in paragraphs)


def clean_pages(texts: list[str]) -> list[str]:
    """Each page's text without running heads, footers and page numbers, lines unwrapped."""
    pages = [_lines(text) for text in texts]
    running = running_lines(pages)
    words = {w.casefold() for ls in pages for line in ls for w in re.findall(r"\w[\w-]*", line)}
    cleaned = []
    for lines in pages:
        kept = [
            line
            for line in lines
            if not (line and (_shape(line) in running or PAGE_NUMBER_LINE.match(line)))
        ]
        cleaned.append(_join_lines(kept, words).strip())
    return cleaned


def assemble(pages: list[str], *, first_page: int = 1, page_count: int | None = None) -> PdfText:
    """One article text from cleaned pages, with where each non-empty page starts."""
    parts: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    length = 0
    for number, text in enumerate(pages, start=first_page):
        if not text:
            continue
        if parts:
            length += 2  # the "\n\n" between pages
        starts.append(length)
        numbers.append(number)
        parts.append(text)
        length += len(text)
    return PdfText(
        text="\n\n".join(parts),
        page_starts=tuple(starts),
        page_numbers=tuple(numbers),
        page_count=page_count if page_count is not None else len(pages),
    )


# ---- the library (pypdf), in the child process --------------------------------------------


def read_pages(data: bytes, *, max_pages: int, ocr_pages: int, name: str = "the PDF") -> PdfPages:
    """The raw text of every page (refusing more than `max_pages`), and up to `ocr_pages`
    scanned pages' images. Raises PdfEncrypted, PdfBroken or PdfTooLong."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    if not looks_like_pdf(data):
        raise PdfBroken(name)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many PDFs are "encrypted" only against editing, with an empty user password.
            try:
                opened = reader.decrypt("")
            except (NotImplementedError, DependencyError) as error:
                raise PdfEncrypted(name) from error
            if not opened:
                raise PdfEncrypted(name)
        count = len(reader.pages)
        if count > max_pages:
            raise PdfTooLong(name, count, max_pages)
        texts: list[str] = []
        scanned: list[ScannedPage] = []
        scanned_count = 0
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            if len(text.strip()) >= MIN_PAGE_CHARS:
                texts.append(text)
                continue
            texts.append("")
            scanned_count += 1
            if len(scanned) < ocr_pages:
                scanned.append(ScannedPage(number, _largest_image(page)))
    except PdfError:
        raise
    except FileNotDecryptedError as error:
        raise PdfEncrypted(name) from error
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise PdfBroken(name) from error
    return PdfPages(count, texts, scanned, scanned_count)


def _largest_image(page: Any) -> bytes | None:
    """The biggest image drawn on a page (a scan is one image a page), as PNG or JPEG bytes."""
    best: tuple[int, bytes] | None = None
    try:
        for image in page.images:
            picture = image.image
            if picture is None:
                continue
            area = picture.width * picture.height
            if best is None or area > best[0]:
                out = io.BytesIO()
                _trimmed(picture).save(out, format="PNG")
                best = (area, out.getvalue())
    except Exception as error:  # an image filter pypdf cannot decode: the page stays unread
        log.info("Could not take an image from a scanned page: %s", error)
    return best[1] if best else None


def _trimmed(picture: Any) -> Any:
    """A scanned page without its blank margins (grayscale): less to read, and contrast
    stretching then works on the text, not on JPEG noise in a page that is 99 % white."""
    from PIL import ImageOps

    gray = ImageOps.grayscale(picture)
    box = gray.point(lambda value: 255 if value < INK_LEVEL else 0).getbbox()
    if box is None:
        return gray
    left, top, right, bottom = box
    page = gray.crop(
        (
            max(left - TRIM_MARGIN, 0),
            max(top - TRIM_MARGIN, 0),
            min(right + TRIM_MARGIN, gray.width),
            min(bottom + TRIM_MARGIN, gray.height),
        )
    )
    if page.width * page.height > MAX_SCAN_PIXELS:  # a 600-dpi scan: 300 dpi reads as well
        scale = (MAX_SCAN_PIXELS / (page.width * page.height)) ** 0.5
        page = page.resize((int(page.width * scale), int(page.height * scale)))
    return page


def _child_main() -> None:
    """`python -m bot.intake.media.pdf MAX_PAGES OCR_PAGES NAME`: PDF on stdin, JSON out."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    max_pages, ocr_pages, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    data = sys.stdin.buffer.read()
    try:
        pages = read_pages(data, max_pages=max_pages, ocr_pages=ocr_pages, name=name)
    except PdfError as error:
        answer: dict[str, Any] = {"error": type(error).__name__, "values": error.values}
    except MemoryError:
        answer = {"error": "PdfBroken", "values": {"name": name}}
    else:
        answer = {
            "page_count": pages.page_count,
            "texts": pages.texts,
            "scanned_count": pages.scanned_count,
            "scanned": [
                {
                    "number": s.number,
                    "image": base64.b64encode(s.image).decode() if s.image else None,
                }
                for s in pages.scanned
            ],
        }
    sys.stdout.write(json.dumps(answer))


# ---- the bot's side -------------------------------------------------------------------


async def read_pdf_pages(
    data: bytes, *, name: str, max_pages: int, ocr_pages: int, seconds: float
) -> PdfPages:
    """Parse a PDF in a child process, killed after `seconds` (raises PdfError)."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        __name__,
        str(max_pages),
        str(ocr_pages),
        name,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(child.communicate(data), seconds)
    except TimeoutError:
        child.kill()
        await child.wait()
        raise PdfTooSlow(name, seconds) from None
    if child.returncode != 0:
        log.warning("PDF reader exited %s: %s", child.returncode, err.decode()[-500:])
        raise PdfBroken(name)
    answer = json.loads(out)
    if "error" in answer:
        raise _refusal(answer, name)
    return PdfPages(
        page_count=answer["page_count"],
        texts=answer["texts"],
        scanned=[
            ScannedPage(s["number"], base64.b64decode(s["image"]) if s["image"] else None)
            for s in answer["scanned"]
        ],
        scanned_count=answer["scanned_count"],
    )


def _refusal(answer: dict[str, Any], name: str) -> PdfError:
    """The child's refusal as the bot's own error, with the file's name as the bot has it."""
    values = answer.get("values", {})
    if answer["error"] == "PdfTooLong":
        return PdfTooLong(name, int(values["pages"]), int(values["limit"]))
    if answer["error"] == "PdfEncrypted":
        return PdfEncrypted(name)
    return PdfBroken(name)


class ImageReader(Protocol):
    """OCR of image bytes (bot.intake.media.ocr.OcrReader)."""

    async def read(self, content: bytes) -> HasText: ...


class HasText(Protocol):
    @property
    def text(self) -> str: ...


class ScanUnreadable(PdfError):
    def __init__(self, name: str) -> None:
        super().__init__(
            N_(
                "{name} is a scan (its pages are pictures, with no text layer) and I can't read "
                "images on this installation yet. Paste the text, or send a PDF with text in it."
            ),
            name=name,
        )


class NoTextInPdf(PdfError):
    def __init__(self, name: str) -> None:
        super().__init__(N_("I found no text in {name}."), name=name)


async def read_pdf(
    data: bytes,
    *,
    name: str,
    max_pages: int,
    ocr_pages: int,
    seconds: float,
    ocr: ImageReader | None,
) -> PdfText:
    """A PDF's text as an article: the text layer of every page, the first scanned pages
    OCR'd (at most `ocr_pages`; none without `ocr`). Raises PdfError with the member's message.
    """
    pages = await read_pdf_pages(
        data, name=name, max_pages=max_pages, ocr_pages=ocr_pages if ocr else 0, seconds=seconds
    )
    texts = list(pages.texts)
    read_by_ocr = 0
    for scanned in pages.scanned:
        if ocr is None or scanned.image is None:
            continue
        try:
            found = await ocr.read(scanned.image)
        except Exception as error:  # one unreadable page: the others still count
            log.warning("OCR of page %s of %s failed: %s", scanned.number, name, error)
            continue
        texts[scanned.number - 1] = found.text
        read_by_ocr += 1
    if pages.scanned_count > read_by_ocr:
        log.info(
            "%s: %d of %d pages are scans; %d read by OCR (PDF_OCR_MAX_PAGES)",
            name, pages.scanned_count, pages.page_count, read_by_ocr,
        )  # fmt: skip
    result = assemble(clean_pages(texts), page_count=pages.page_count)
    if not result.text.strip():
        if pages.scanned_count and ocr is None:
            raise ScanUnreadable(name)
        raise NoTextInPdf(name)
    return replace(result, unread_scans=pages.scanned_count - read_by_ocr)


if __name__ == "__main__":
    _child_main()
