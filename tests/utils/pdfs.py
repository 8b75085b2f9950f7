"""PDFs the tests make themselves: laid-out reports (one or two columns, hyphenated line breaks,
running headers and page footers, Cyrillic), scanned pages, encrypted and broken files.

The layout is computed once (`lay_out`), so that two PDF writers (fpdf2, and reportlab when it
is installed: bench/bench_pdf.py) draw the very same lines, and the ground truth (the text a
reader should get back, in reading order) is known exactly.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSerif.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
PAGE_W, PAGE_H = 595.0, 842.0  # A4 in points
MARGIN = 56.0
FONT_SIZE = 10.5
LEADING = 14.0
GUTTER = 20.0


@dataclass(frozen=True)
class Line:
    """One line of text drawn at (x, y) from the page's top-left corner, in points."""

    x: float
    y: float
    text: str
    size: float = FONT_SIZE
    bold: bool = False


@dataclass
class Page:
    lines: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    """What a document says, before it is laid out."""

    title: str
    paragraphs: list[str]
    header: str = ""  # repeated on every page (a running head), "" for none
    columns: int = 1


@dataclass
class Layout:
    pages: list[Page]
    hyphenated: list[str]  # the words broken across lines with a hyphen


def font_available() -> bool:
    """Whether the DejaVu fonts (Debian's fonts-dejavu-core) are on this machine."""
    return FONT.is_file() and BOLD.is_file()


def _width_function() -> Callable[[str, float], float]:
    """The advance width of a string in the body font (fontTools, which fpdf2 depends on)."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT))
    cmap = font.getBestCmap()
    metrics = font["hmtx"].metrics
    scale = 1.0 / font["head"].unitsPerEm
    cache: dict[str, float] = {}

    def width(text: str, size: float) -> float:
        total = 0.0
        for char in text:
            if char not in cache:
                glyph = cmap.get(ord(char), ".notdef")
                cache[char] = metrics.get(glyph, (0, 0))[0] * scale
            total += cache[char]
        return total * size

    return width


def _wrap(paragraph: str, width: float, measure: Callable[[str, float], float]) -> list[str]:
    """Lines of at most `width` points; a long word that does not fit is hyphenated."""
    lines: list[str] = []
    current = ""
    for word in paragraph.split():
        candidate = f"{current} {word}" if current else word
        if measure(candidate, FONT_SIZE) <= width:
            current = candidate
            continue
        # Break a long alphabetic word: as much of it as fits, a hyphen, the rest below.
        if current and len(word) >= 8 and word.isalpha():
            for cut in range(len(word) - 3, 3, -1):
                head = f"{current} {word[:cut]}-"
                if measure(head, FONT_SIZE) <= width:
                    lines.append(head)
                    current = word[cut:]
                    break
            else:
                lines.append(current)
                current = word
            continue
        if current:
            lines.append(current)
        current = word
    if current:
        lines.append(current)
    return lines


def lay_out(report: Report) -> Layout:
    """Pages of lines: title on the first page, the paragraphs in columns, header and footer."""
    measure = _width_function()
    column_w = (PAGE_W - 2 * MARGIN - GUTTER * (report.columns - 1)) / report.columns
    top, bottom = MARGIN + 2 * LEADING, PAGE_H - MARGIN - 2 * LEADING
    pages: list[Page] = []
    hyphenated: list[str] = []
    page, column, y = Page(), 0, top

    def new_page() -> None:
        nonlocal page, column, y
        pages.append(page)
        page, column, y = Page(), 0, top

    page.lines.append(Line(MARGIN, y, report.title, size=16, bold=True))
    y += 2 * LEADING
    for paragraph in report.paragraphs:
        lines = _wrap(paragraph, column_w, measure)
        for k, text in enumerate(lines):
            if y > bottom:
                column += 1
                y = top
                if column >= report.columns:
                    new_page()
            if text.endswith("-") and k + 1 < len(lines):
                hyphenated.append(text.rsplit(" ", 1)[-1][:-1] + lines[k + 1].split(" ", 1)[0])
            x = MARGIN + column * (column_w + GUTTER)
            page.lines.append(Line(x, y, text))
            y += LEADING
        y += LEADING * 0.6
    pages.append(page)
    total = len(pages)
    for number, each in enumerate(pages, start=1):
        if report.header:
            each.lines.insert(0, Line(MARGIN, MARGIN, report.header, size=8))
        each.lines.append(Line(PAGE_W / 2 - 30, PAGE_H - MARGIN, f"Page {number} of {total}", 8))
    return Layout(pages, hyphenated)


def fpdf_bytes(layout: Layout, *, password: str | None = None) -> bytes:
    """The layout drawn by fpdf2 with the DejaVu fonts embedded (Identity-H, ToUnicode)."""
    from fpdf import FPDF

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("Body", fname=str(FONT))
    pdf.add_font("Body", style="B", fname=str(BOLD))
    pdf.set_creator("factcheck-bot tests")
    for page in layout.pages:
        pdf.add_page()
        for line in page.lines:
            pdf.set_font("Body", style="B" if line.bold else "", size=line.size)
            pdf.text(line.x, line.y, line.text)
    if password is not None:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    return bytes(pdf.output())


def reportlab_bytes(layout: Layout) -> bytes:
    """The layout drawn by reportlab (subset TrueType fonts), for a second producer."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Body", str(FONT)))
    pdfmetrics.registerFont(TTFont("BodyBold", str(BOLD)))
    out = io.BytesIO()
    drawing = canvas.Canvas(out, pagesize=(PAGE_W, PAGE_H))
    for page in layout.pages:
        for line in page.lines:
            drawing.setFont("BodyBold" if line.bold else "Body", line.size)
            drawing.drawString(line.x, PAGE_H - line.y, line.text)
        drawing.showPage()
    drawing.save()
    return out.getvalue()


def ground_truth(report: Report) -> str:
    """The text a reader should give back: the title and paragraphs in reading order."""
    return "\n\n".join([report.title, *report.paragraphs])


def page_image(lines: list[str], *, width: int = 1240, size: int = 34) -> object:
    """A white page (Pillow image, 150 dpi A4) with the lines typed on it, like a scan."""
    from PIL import Image, ImageDraw, ImageFont

    height = int(width * PAGE_H / PAGE_W)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), size)
    y = 120
    for text in lines:
        draw.text((100, y), text, fill=0, font=font)
        y += int(size * 1.6)
    return image


def scanned_pdf_bytes(pages: list[list[str]], *, width: int = 1240) -> bytes:
    """An image-only PDF (no text layer), one JPEG page per list of lines: what a scanner makes
    (1240 pixels wide: 150 dpi)."""
    images = [page_image(lines, width=width, size=34 * width // 1240) for lines in pages]
    out = io.BytesIO()
    first, *rest = images
    first.save(out, format="PDF", save_all=True, append_images=rest, resolution=150.0)  # type: ignore[attr-defined]
    return out.getvalue()


def encrypted_pdf_bytes(text: str, password: str = "secret") -> bytes:
    """A one-page PDF that opens only with a password."""
    report = Report(title="Confidential", paragraphs=[text])
    return fpdf_bytes(lay_out(report), password=password)


def pdf_of(paragraphs: list[str], *, title: str = "Report", columns: int = 1) -> bytes:
    """A text-layer PDF of these paragraphs (fpdf2)."""
    return fpdf_bytes(lay_out(Report(title=title, paragraphs=paragraphs, columns=columns)))
