"""PDF reading: text layers in reading order, cleaned; pages kept; bad PDFs refused plainly."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.intake.media.pdf import (
    PdfError,
    assemble,
    clean_pages,
    pages_of,
    read_pages,
    read_pdf,
    read_pdf_pages,
)
from bot.intake.media.place import claim_place, media_json
from tests.utils.pdfs import (
    Report,
    encrypted_pdf_bytes,
    font_available,
    fpdf_bytes,
    lay_out,
    scanned_pdf_bytes,
)

PARAGRAPHS = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "pdf" / "report_paragraphs.json").read_text()
)
needs_fonts = pytest.mark.skipif(not font_available(), reason="needs fonts-dejavu-core")
HEADS = {
    "en": "Ministry of Energy — Quarterly report",
    "uk": "Міністерство енергетики — квартальний звіт",
    "ru": "Министерство энергетики — квартальный отчёт",
}


def report(language: str, columns: int, paragraphs: int = 24) -> Report:
    """A report of two pages or more, every paragraph distinct."""
    base = PARAGRAPHS[language]
    paragraphs = [f"({k + 1}) {base[k % len(base)]}" for k in range(paragraphs)]
    return Report("Quarterly assessment", paragraphs, header=HEADS[language], columns=columns)


def flat(text: str) -> str:
    return " ".join(text.split())


@needs_fonts
@pytest.mark.parametrize("language", ["en", "uk", "ru"])
@pytest.mark.parametrize("columns", [1, 2])
def test_report_reads_back_in_order_without_running_heads_footers_or_line_hyphens(
    language: str, columns: int
) -> None:
    source = report(language, columns)
    layout = lay_out(source)
    assert len(layout.pages) >= 2 and layout.hyphenated  # the test needs both
    pages = read_pages(fpdf_bytes(layout), max_pages=50, ocr_pages=0)
    pdf = assemble(clean_pages(pages.texts), page_count=pages.page_count)
    text = flat(pdf.text)
    found = [text.find(flat(p)) for p in source.paragraphs]
    assert -1 not in found, "every paragraph comes back whole"
    assert found == sorted(found), "in reading order"
    assert HEADS[language] not in pdf.text and "Page 1 of" not in pdf.text
    for word in layout.hyphenated:
        assert word in text
    assert pdf.page_numbers == tuple(range(1, len(layout.pages) + 1))


@needs_fonts
def test_a_claims_offset_tells_its_page_also_after_a_caption() -> None:
    source = report("en", 1)
    layout = lay_out(source)
    pages = read_pages(fpdf_bytes(layout), max_pages=50, ocr_pages=0)
    pdf = assemble(clean_pages(pages.texts))
    caption = "From the ministry's site"
    text = f"{caption}\n\n{pdf.text}"
    media = media_json("pdf", pages=pages_of(pdf, shift=len(caption) + 2))
    # A line that starts a paragraph on the last page (after the running head).
    last_page_line = next(ln.text for ln in layout.pages[-1].lines[1:] if ln.text.startswith("("))
    at = text.find(last_page_line.rstrip("-"))
    assert at > 0
    assert claim_place(media, "q1.pdf", at) == f"q1.pdf, p. {len(layout.pages)}"
    assert claim_place(media, "q1.pdf", text.find(source.paragraphs[0][:40])) == "q1.pdf, p. 1"
    assert claim_place(media, "q1.pdf", 0) is None  # in the caption


def test_recordings_and_text_articles_have_their_own_place() -> None:
    assert claim_place(media_json("voice"), "Voice message (0:12)", 5) == "from the voice message"
    assert claim_place(media_json("video_note"), None, 0) == "from the video message"
    assert claim_place(None, "An article", 10) is None
    assert claim_place("{not json", "x.pdf", 10) is None


def test_hyphen_of_a_real_compound_is_kept_and_a_line_break_hyphen_is_not() -> None:
    page = (
        "Tariffs are charged per kilowatt-hour in the wholesale market of the country.\n"
        "Industrial consumers paid 2.35 hryvnias per kilowatt-\n"
        "hour, while the govern-\n"
        "ment paid less than anyone in the whole wholesale market this year.\n"
    )
    (text,) = clean_pages([page])
    assert "per kilowatt-hour, while the government paid" in text


def test_a_sentence_at_the_top_of_every_page_with_other_figures_is_kept() -> None:
    pages = [
        f"Region {n}: the national grid lost {n + 10} percent of its capacity between January "
        f"and March 2025, the regional operator said.\nMore text on page {n}."
        for n in (1, 2, 3)
    ]
    cleaned = clean_pages(pages)
    assert ["lost 11" in cleaned[0], "lost 12" in cleaned[1], "lost 13" in cleaned[2]] == [
        True,
        True,
        True,
    ]


def test_running_heads_go_but_a_line_repeated_in_the_body_stays() -> None:
    def body(n: int) -> str:
        return f"Body of page {n} says 10 things about power and grids today.\n" * 3

    pages = [
        f"Annual report 2025\n{body(n)}The grid lost 12 percent.\n{body(n)}{n} / 3"
        for n in (1, 2, 3)
    ]
    cleaned = clean_pages(pages)
    assert all("Annual report" not in page and "/ 3" not in page for page in cleaned)
    assert all("The grid lost 12 percent." in page for page in cleaned)


@needs_fonts
async def test_a_password_protected_pdf_is_refused_with_a_plain_reason() -> None:
    with pytest.raises(PdfError, match=r"secret\.pdf is protected with a password"):
        await read_pdf_pages(
            encrypted_pdf_bytes("The grid lost 12 percent."),
            name="secret.pdf",
            max_pages=10,
            ocr_pages=0,
            seconds=30,
        )


@needs_fonts
async def test_a_pdf_locked_only_against_editing_is_read() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="The national grid lost 12.4 percent of its capacity in 2025.")
    pdf.set_encryption(owner_password="owner-only")
    pages = await read_pdf_pages(
        bytes(pdf.output()), name="locked.pdf", max_pages=10, ocr_pages=0, seconds=30
    )
    assert "12.4 percent" in pages.texts[0]


@needs_fonts
@pytest.mark.parametrize(
    ("cut", "expected"),
    [
        (lambda data: data[: len(data) // 3], r"broken\.pdf is damaged or not really a PDF"),
        (lambda data: b"PK\x03\x04 this is a zip", r"broken\.pdf is damaged or not really a PDF"),
        (lambda data: b"%PDF-1.7\n" + bytes(range(256)) * 8, r"broken\.pdf is damaged"),
    ],
)
async def test_a_broken_pdf_is_refused_with_a_plain_reason(cut: object, expected: str) -> None:
    data = fpdf_bytes(lay_out(report("en", 1)))
    with pytest.raises(PdfError, match=expected):
        await read_pdf_pages(
            cut(data),  # type: ignore[operator]
            name="broken.pdf",
            max_pages=10,
            ocr_pages=0,
            seconds=30,
        )


@needs_fonts
async def test_a_pdf_over_the_page_cap_is_refused_and_says_the_cap() -> None:
    layout = lay_out(report("en", 1, paragraphs=40))
    assert len(layout.pages) == 3
    data = fpdf_bytes(layout)
    with pytest.raises(PdfError, match=r"long\.pdf has 3 pages; I read PDFs of up to 2 pages"):
        await read_pdf_pages(data, name="long.pdf", max_pages=2, ocr_pages=0, seconds=30)


@needs_fonts
async def test_a_pdf_that_takes_too_long_is_stopped() -> None:
    data = fpdf_bytes(lay_out(report("en", 1)))
    with pytest.raises(PdfError, match=r"took longer than 0\.01 s"):
        await read_pdf_pages(data, name="slow.pdf", max_pages=10, ocr_pages=0, seconds=0.01)


@dataclass(frozen=True)
class Found:
    text: str


class PageReader:
    """OCR that tells which scanned page image it was given (by its size), for composition."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    async def read(self, content: bytes) -> Found:
        self.seen.append(len(content))
        return Found(f"Scanned page {len(self.seen)} says the grid lost 12 percent of power.")


@needs_fonts
async def test_scanned_pages_give_their_images_and_only_the_first_ones_are_read() -> None:
    data = scanned_pdf_bytes([[f"Page {n} of a scan"] for n in range(1, 5)])
    reader = PageReader()
    pdf = await read_pdf(data, name="scan.pdf", max_pages=10, ocr_pages=2, seconds=30, ocr=reader)
    assert len(reader.seen) == 2 and all(size > 1000 for size in reader.seen)
    assert "Scanned page 1" in pdf.text and "Scanned page 2" in pdf.text
    assert pdf.page_numbers == (1, 2) and pdf.page_count == 4


@needs_fonts
def test_a_600_dpi_scan_is_trimmed_and_scaled_down_for_ocr() -> None:
    from PIL import Image

    lines = [f"Line {n} of a dense page scanned at a high resolution." for n in range(40)]
    pages = read_pages(scanned_pdf_bytes([lines], width=4960), max_pages=5, ocr_pages=1)
    image = pages.scanned[0].image
    assert image is not None
    with Image.open(io.BytesIO(image)) as picture:
        assert picture.width * picture.height <= 12_000_000
        assert picture.width < 4960  # the blank margins are gone


@needs_fonts
async def test_a_scan_without_ocr_says_what_it_is() -> None:
    data = scanned_pdf_bytes([["Page 1 of a scan"]])
    with pytest.raises(PdfError, match=r"scan\.pdf is a scan"):
        await read_pdf(data, name="scan.pdf", max_pages=10, ocr_pages=2, seconds=30, ocr=None)
