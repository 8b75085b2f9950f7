"""PDF documents through the sandbox: text layers read with their pages, scans OCR'd, bad PDFs
answered plainly (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.intake.media.ocr import tesseract_status
from bot.sandbox import Sandbox
from storage.models import Article, Claim
from tests.conftest import Desk
from tests.e2e.test_desk import ask, claim_id, open_desk
from tests.utils.pdfs import (
    Layout,
    Report,
    encrypted_pdf_bytes,
    font_available,
    fpdf_bytes,
    lay_out,
    scanned_pdf_bytes,
)

pytestmark = pytest.mark.skipif(not font_available(), reason="needs fonts-dejavu-core")
PARAGRAPHS = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "pdf" / "report_paragraphs.json").read_text()
)
PDF = "application/pdf"


def report(
    language: str, *, columns: int = 1, paragraphs: int = 20, foreword: list[str] = ()
) -> tuple[Layout, bytes]:
    base = PARAGRAPHS[language]
    source = Report(
        "Quarterly assessment of the power system",
        [*foreword]
        + [base[k % len(base)] if k < len(base) else f"({k}) {base[k % len(base)]}"
           for k in range(paragraphs)],
        header="Ministry of Energy — Quarterly report",
        columns=columns,
    )  # fmt: skip
    layout = lay_out(source)
    return layout, fpdf_bytes(layout)


# Prose with nothing to check: it fills the first page, so the figures come on the next ones.
FOREWORD = [
    f"This {part} of the assessment describes how the authors gathered their sources, which "
    "institutions were consulted, and how the tables that follow should be read by anyone "
    "who wants to compare them with the statements of earlier seasons."
    for part in (
        "opening section", "second section", "methodological note", "introductory chapter",
        "preface", "editorial note", "summary chapter", "overview", "reader's guide",
        "foreword", "preamble", "prologue", "background note", "context section",
    )
]  # fmt: skip


def page_texts(layout: Layout) -> list[str]:
    """Each page's words, flat, line-end hyphens joined (to find a card's words on its page)."""
    pages = []
    for page in layout.pages:
        text = " ".join(line.text for line in page.lines)
        pages.append(" ".join(text.replace("- ", "").split()))
    return pages


def claim_words(card: Any) -> str:
    """The first words of a card's claim (the line after its heading, quotes off)."""
    line = card.content.split("\n")[1].strip('“”"')
    return " ".join(line.split()[:4])


async def counts(desk: Desk) -> tuple[int, int]:
    async with desk.app.bot_data.services.db.read() as session:
        articles = (await session.execute(select(func.count()).select_from(Article))).scalar_one()
        claims = (await session.execute(select(func.count()).select_from(Claim))).scalar_one()
    return articles, claims


async def test_a_text_pdf_is_queued_and_each_card_names_its_page(desk: Desk) -> None:
    layout, data = report("en", columns=2, paragraphs=10, foreword=FOREWORD)
    pages = page_texts(layout)
    assert len(pages) >= 2 and not any(ch.isdigit() for ch in pages[0].split("Page 1 of")[0])
    summary = await ask(desk, desk.bob, None, "Queued", document=("q1-report.pdf", data, PDF))
    await desk.published()
    assert "q1-report.pdf" in summary.content
    cards = desk.cards()
    assert cards
    seen = set()
    for card in cards:
        assert "Ministry of Energy" not in card.content  # the running head is not a claim
        place = [line for line in card.content.split("\n") if line.startswith("📎")]
        assert len(place) == 1, card.content
        page = int(place[0].rsplit("p. ", 1)[1])
        assert place[0] == f"📎 q1-report.pdf, p. {page}"
        assert claim_words(card) in pages[page - 1], (claim_words(card), page)
        seen.add(page)
    assert max(seen) >= 2, "the claims of page 2 are said to be on page 2"
    detail = await ask(desk, desk.bob, f"/claim {claim_id(cards[-1])}", "From article")
    assert "q1-report.pdf, p. " in detail.content


async def test_a_ukrainian_pdf_with_a_caption_queues_both(desk: Desk) -> None:
    _, data = report("uk", paragraphs=5)
    caption = "Звіт міністерства: перевірте цифри."
    await ask(
        desk,
        desk.alice,
        None,
        "Queued",
        document=("zvit.pdf", data, PDF),
        caption=caption,
        forward_origin={"channel": "Енергетика"},
    )
    await desk.published()
    cards = desk.cards()
    assert any("317" in card.content or "43 відсотки" in card.content for card in cards)
    assert all("📎 zvit.pdf, p. 1" in card.content for card in cards if "Звіт" not in card.content)


@pytest.mark.skipif(not tesseract_status().ready, reason=tesseract_status().install_hint)
async def test_a_scanned_pdf_is_read_by_ocr_first_pages_only(sandbox: Sandbox, db_url: str) -> None:
    pages = [
        [
            "The national grid lost 12 percent of its",
            "capacity between January and March 2025.",
        ],
        ["Household tariffs rose by 18 percent on 1 March,", "the regulator said on Monday."],
        ["Imports reached 1.2 million megawatt-hours", "during the coldest fortnight."],
    ]
    async with open_desk(sandbox, db_url, pdf_ocr_max_pages=2) as desk:
        summary = await ask(
            desk, desk.bob, None, "Queued", document=("scan.pdf", scanned_pdf_bytes(pages), PDF)
        )
        await desk.published()
        assert (
            "scan.pdf (read 2 of 3 pages; the others are scans I did not read)"
            in (desk.sandbox.find_bot_message(desk.chat, "Queued") or summary).content
        )
        cards = desk.cards()
        grid = [c for c in cards if "12 percent" in c.content]
        tariffs = [c for c in cards if "18 percent" in c.content]
        assert grid and "📎 scan.pdf, p. 1" in grid[0].content
        assert tariffs and "📎 scan.pdf, p. 2" in tariffs[0].content
        assert not any("1.2 million" in c.content for c in cards)  # page 3: past the limit


async def test_bad_pdfs_are_answered_plainly_and_nothing_is_queued(
    sandbox: Sandbox, db_url: str
) -> None:
    async with open_desk(sandbox, db_url, pdf_max_pages=2, pdf_max_bytes=200_000) as desk:
        _, long_pdf = report("en", paragraphs=40)
        before = await counts(desk)
        locked = encrypted_pdf_bytes("The grid lost 12 percent of its capacity in 2025.")
        answers = [
            (("secret.pdf", locked, PDF), "secret.pdf is protected with a password"),
            (("cut.pdf", long_pdf[:3000], PDF), "cut.pdf is damaged or not really a PDF"),
            (("notes.pdf", b"just some text, not a PDF", PDF), "notes.pdf is not a PDF inside"),
            (("annual.pdf", long_pdf, PDF), "annual.pdf has 3 pages; I read PDFs of up to 2"),
            (("big.pdf", b"%PDF-1.7\n" + b"0" * 300_000, PDF), "too big"),
        ]
        for document, expect in answers:
            await ask(desk, desk.bob, None, expect, document=document)
            await desk.settle()
        assert await counts(desk) == before


async def test_an_unreadable_pdf_with_a_forwarded_caption_queues_the_caption(desk: Desk) -> None:
    caption = (
        "The 212-kilometre Northern Rail Link was built in four years "
        "and came in 6 percent under budget."
    )
    desk.sandbox.send(
        desk.chat,
        desk.alice,
        caption=caption,
        document=("report.pdf", b"%PDF-1.7 ...", PDF),
        forward_origin={"channel": "Rail Watch"},
    )
    await desk.sandbox.wait_for(lambda: any("Northern Rail" in c.content for c in desk.cards()))


async def test_check_on_a_damaged_pdf_says_so_and_a_private_pdf_goes_to_the_team(
    desk: Desk,
) -> None:
    _, data = report("en", paragraphs=6)
    broken = desk.sandbox.send(
        desk.chat, desk.carol, caption="look", document=("b.pdf", data[:500], PDF)
    )
    await desk.settle()
    before = await counts(desk)
    # The short caption is not enough to stand in for the file: the member hears what is wrong.
    await ask(desk, desk.bob, "/check", "b.pdf is damaged", reply_to=broken)
    await desk.settle()
    assert await counts(desk) == before
    private = desk.sandbox.private_chat(desk.alice)
    desk.sandbox.send(private, desk.alice, document=("private.pdf", data, PDF))
    await desk.sandbox.wait_for(
        lambda: any("📎 private.pdf, p. 1" in card.content for card in desk.cards())
    )
