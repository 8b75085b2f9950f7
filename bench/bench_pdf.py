"""Compare PDF text extraction: pypdf against pdfminer.six, on reports the script lays out itself.

Usage: python bench/bench_pdf.py [--pages N]

Each report (English, Ukrainian, Russian; one and two columns; a running head and "Page N of M"
footers; words hyphenated at line ends) is drawn by fpdf2 and, when installed, by reportlab, in
the order a word processor draws it and in row order across the columns (as some producers
do). Both libraries' page texts go through the same cleaning (bot/intake/media/pdf.py:
clean_pages) and are scored against the known text: character error rate, paragraphs found
whole, paragraphs out of order, figures exact, hyphenated words rejoined; then speed on a long
report and the installed size of each library with its dependencies.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from bot.intake.media.pdf import assemble, clean_pages  # noqa: E402
from tests.utils.pdfs import (  # noqa: E402
    Layout,
    Page,
    Report,
    fpdf_bytes,
    ground_truth,
    lay_out,
    reportlab_bytes,
)

PARAGRAPHS = json.loads((REPO / "tests/fixtures/pdf/report_paragraphs.json").read_text())
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def pypdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdfminer_pages(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    pages = []
    for layout in extract_pages(io.BytesIO(data)):
        parts = [box.get_text() for box in layout if isinstance(box, LTTextContainer)]
        pages.append("\n".join(parts))
    return pages


READERS = {"pypdf": pypdf_pages, "pdfminer.six": pdfminer_pages}


def row_order(layout: Layout) -> Layout:
    """The same pages drawn line by line across the columns (top to bottom, left to right)."""
    pages = [Page(sorted(p.lines, key=lambda line: (round(line.y), line.x))) for p in layout.pages]
    return replace(layout, pages=pages)


def enough(paragraphs: list[str]) -> list[str]:
    """At least ten distinct paragraphs (so that two columns fill), each findable on its own."""
    out = list(paragraphs)
    while len(out) < 10:
        out.append(f"({len(out) + 1}) {paragraphs[len(out) % len(paragraphs)]}")
    return out


def flat(text: str) -> str:
    return " ".join(text.split())


def score(text: str, report: Report, layout: Layout) -> dict[str, float]:
    """How close an extracted text is to the report's own."""
    hyphenated = layout.hyphenated
    truth = flat(ground_truth(report))
    if len(layout.pages) == 1:  # a head on one page is not a running head: it is text
        truth = f"{report.header} {truth}"
    got = flat(text)
    found = [got.find(flat(p)) for p in report.paragraphs]
    whole = [f for f in found if f >= 0]
    out_of_order = sum(1 for a, b in itertools.pairwise(whole) if b < a)
    wanted = Counter(NUMBER.findall(truth))
    have = Counter(NUMBER.findall(got))
    missing = sum((wanted - have).values())
    rejoined = sum(1 for word in hyphenated if word in got)
    return {
        "cer": Levenshtein.distance(got, truth) / len(truth),
        "whole": len(whole) / len(report.paragraphs),
        "out_of_order": out_of_order,
        "figures_missing": missing,
        "rejoined": rejoined / len(hyphenated) if hyphenated else 1.0,
    }


def producers() -> dict[str, object]:
    found: dict[str, object] = {"fpdf2": fpdf_bytes}
    try:
        import reportlab  # noqa: F401

        found["reportlab"] = reportlab_bytes
    except ImportError:
        pass
    return found


def installed_size(distribution: str, seen: set[str] | None = None) -> int:
    """Bytes on disk of a distribution and everything it requires (each counted once)."""
    seen = set() if seen is None else seen
    key = distribution.lower().replace("_", "-")
    if key in seen:
        return 0
    seen.add(key)
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return 0
    total = sum(
        (f.locate().stat().st_size for f in dist.files or () if Path(f.locate()).is_file()), 0
    )
    for requirement in dist.requires or ():
        if "extra ==" in requirement:
            continue
        name = re.split(r"[ ;<>=!~\[(]", requirement, maxsplit=1)[0]
        total += installed_size(name, seen)
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=40, help="length of the speed report")
    args = parser.parse_args()
    reports = [
        Report(f"Quarterly assessment ({lang}, {cols} col)", enough(PARAGRAPHS[lang]), head, cols)
        for lang, head in (
            ("en", "Ministry of Energy — Quarterly report Q1 2025"),
            ("uk", "Міністерство енергетики — квартальний звіт"),
            ("ru", "Министерство энергетики — квартальный отчёт"),
        )
        for cols in (1, 2)
    ]
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in READERS}
    for report in reports:
        layout = lay_out(report)
        for order_name, drawn in (("reading order", layout), ("row order", row_order(layout))):
            if report.columns == 1 and order_name == "row order":
                continue
            for producer_name, producer in producers().items():
                data = producer(drawn)  # type: ignore[operator]
                for name, read in READERS.items():
                    text = assemble(clean_pages(read(data))).text
                    figures = score(text, report, layout)
                    figures["case"] = f"{report.title} / {order_name} / {producer_name}"  # type: ignore[assignment]
                    rows[name].append(figures)
    for name, results in rows.items():
        print(f"\n{name}")
        for r in results:
            print(
                f"  {r['case']:<60} CER {r['cer']:.3%}  whole {r['whole']:.0%}  "
                f"disorder {r['out_of_order']:.0f}  figures missing {r['figures_missing']:.0f}  "
                f"rejoined {r['rejoined']:.0%}"
            )
        summary = {
            "library": name,
            "mean_cer": statistics.mean(r["cer"] for r in results),
            "max_cer": max(r["cer"] for r in results),
            "paragraphs_whole": statistics.mean(r["whole"] for r in results),
            "cases_out_of_order": sum(1 for r in results if r["out_of_order"]),
            "figures_missing": sum(r["figures_missing"] for r in results),
            "hyphenated_rejoined": statistics.mean(r["rejoined"] for r in results),
        }
        print(json.dumps(summary))
    # About sixteen of these paragraphs fill a page.
    paragraphs = PARAGRAPHS["en"] * max(1, round(args.pages * 1.6))
    long_report = Report("Long report", paragraphs, header="Annual report")
    data = fpdf_bytes(lay_out(long_report))
    for name, read in READERS.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            pages = read(data)
            times.append(time.perf_counter() - started)
        per_page = min(times) / len(pages) * 1000
        dist = "pypdf" if name == "pypdf" else "pdfminer.six"
        size = installed_size(dist) / 1e6
        print(
            json.dumps(
                {
                    "library": name,
                    "version": metadata.version(dist),
                    "pages": len(pages),
                    "ms_per_page": round(per_page, 2),
                    "installed_mb_with_dependencies": round(size, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
