"""How much junk the offline extractor queues, and how many real claims the junk filter drops.

Reads the labelled junk set in ``tests/fixtures/junk/``:

- ``junk_lines.jsonl``: lines labelled ``junk`` (with their kind) or ``claim``; gives the junk
  filter's recall per kind and its false-drop rate on real claims, per language;
- ``pages/*.txt`` with ``pages/labels.json``: whole pages mixing article body and furniture; the
  extractor runs on each page and every claim it returns is looked up among the labelled lines,
  giving junk precision (the share of returned claims that are junk; target <= 5 %) with the
  junk filter and without it.

The annotated news and blog pages of ``tests/fixtures/annotated/`` (written for the ranking
evaluation, not for this filter) are run the same way when present: their ``junk`` fragments and
``claims`` give junk precision and the claims kept on pages written for another purpose.

With the shared development data present (``--data`` or ``FACTCHECK_SHARED_DIR``) it also reports
the false-drop rate on the check-worthy sentences of ClaimBuster (train) and CheckThat! 2024
(train and dev), which the filter was not written against.

    python scripts/eval_junk.py [--json] [--data DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.extraction import cleaning, offline  # noqa: E402
from bot.extraction.junk import JUNK_KINDS, junk_kind  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures" / "junk"
ANNOTATED = REPO / "tests" / "fixtures" / "annotated"
LANGUAGES = ("en", "uk", "ru")


@dataclass
class PageFigures:
    """What the extractor returned on the labelled pages."""

    claims_returned: int = 0
    junk_returned: int = 0
    real_claims_labelled: int = 0
    real_claims_returned: int = 0
    junk_quotes: list[str] = field(default_factory=list)

    @property
    def junk_precision(self) -> float:
        """Share of returned claims that are junk (lower is better)."""
        return self.junk_returned / self.claims_returned if self.claims_returned else 0.0


def load_rows(path: Path = FIXTURES / "junk_lines.jsonl") -> list[dict[str, str]]:
    """The labelled lines."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_pages(folder: Path = FIXTURES / "pages") -> dict[str, tuple[str, dict[str, list[str]]]]:
    """Each page's text with its labelled claim and junk lines."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    return {
        name: ((folder / name).read_text(encoding="utf-8"), lab) for name, lab in labels.items()
    }


def load_annotated(folder: Path = ANNOTATED) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """The annotated pages in the extracted languages, as (text, claim and junk fragments)."""
    pages: dict[str, tuple[str, dict[str, list[str]]]] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        page = json.loads(path.read_text(encoding="utf-8"))
        if page.get("language") in LANGUAGES:
            claims = [claim["quote"] for claim in page.get("claims", [])]
            pages[path.stem] = (page["text"], {"claims": claims, "junk": page.get("junk", [])})
    return pages


@contextmanager
def junk_filter_off() -> Iterator[None]:
    """The extractor as it was before the junk filter, for comparison."""
    saved = offline.is_junk, cleaning.line_junk_kind, cleaning.is_related_header, cleaning.junk_kind
    offline.is_junk = lambda sentence: False
    cleaning.line_junk_kind = lambda line: None
    cleaning.is_related_header = lambda line: False
    cleaning.junk_kind = lambda sentence: None
    try:
        yield
    finally:
        (
            offline.is_junk,
            cleaning.line_junk_kind,
            cleaning.is_related_header,
            cleaning.junk_kind,
        ) = saved


def _inside(quote: str, lines: list[str]) -> bool:
    """Whether a returned quote comes from one of the lines (or spans one of them)."""
    quote = " ".join(quote.split())
    return any(quote in line or line in quote for line in lines)


def _found(line: str, quotes: list[str]) -> bool:
    """Whether a labelled claim is among the returned quotes (whole, or split into parts)."""
    return any(quote in line or line in quote for quote in quotes)


def page_figures(pages: dict[str, tuple[str, dict[str, list[str]]]]) -> PageFigures:
    """Run the extractor on every page and classify what it returns."""
    figures = PageFigures()
    for text, labels in pages.values():
        claims = offline.extract_claims(text, max_claims=50)
        figures.claims_returned += len(claims)
        for claim in claims:
            if _inside(claim.quote, labels["junk"]):
                figures.junk_returned += 1
                figures.junk_quotes.append(claim.quote)
        figures.real_claims_labelled += len(labels["claims"])
        quotes = [" ".join(c.quote.split()) for c in claims]
        figures.real_claims_returned += sum(_found(line, quotes) for line in labels["claims"])
    return figures


def row_figures(rows: list[dict[str, str]]) -> dict[str, object]:
    """Recall of the junk filter per kind and its false-drop rate on real claims."""
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    dropped_by_language: Counter[str] = Counter()
    claims_by_language: Counter[str] = Counter()
    false_drops: list[str] = []
    for row in rows:
        kind = junk_kind(row["text"])
        if row["label"] == "claim":
            claims_by_language[row["lang"]] += 1
            if kind:
                dropped_by_language[row["lang"]] += 1
                false_drops.append(f"{kind}: {row['text']}")
        else:
            total[row["kind"]] += 1
            found[row["kind"]] += kind is not None
    claims = sum(claims_by_language.values())
    return {
        "junk_rows": sum(total.values()),
        "junk_recall": sum(found.values()) / max(sum(total.values()), 1),
        "recall_by_kind": {k: (found[k], total[k]) for k in JUNK_KINDS if total[k]},
        "claim_rows": claims,
        "false_drop_rate": sum(dropped_by_language.values()) / max(claims, 1),
        "false_drops_by_language": {
            lang: (dropped_by_language[lang], n) for lang, n in sorted(claims_by_language.items())
        },
        "false_drops": false_drops,
    }


def shared_false_drops(data: Path) -> dict[str, tuple[int, int]]:
    """False drops on the check-worthy sentences of the shared benchmark training sets."""
    results: dict[str, tuple[int, int]] = {}
    claimbuster = data / "claims" / "claimbuster-train.json"
    if claimbuster.is_file():
        items = json.loads(claimbuster.read_text(encoding="utf-8"))
        texts = [i["text"] for i in items if int(i.get("label", 0)) == 1]
        results["claimbuster_train_checkworthy"] = (
            sum(bool(junk_kind(t)) for t in texts),
            len(texts),
        )
    for split in ("train", "dev"):
        checkthat = data / "claims" / f"checkthat2024-task1-en-{split}.tsv"
        if not checkthat.is_file():
            continue
        with checkthat.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        texts = [r["Text"] for r in rows if r.get("class_label") == "Yes"]
        results[f"checkthat2024_{split}_checkworthy"] = (
            sum(bool(junk_kind(t)) for t in texts),
            len(texts),
        )
    return results


def evaluate(data: Path | None) -> dict[str, object]:
    """All figures, as plain data."""
    report: dict[str, object] = {}
    for name, pages in (("pages", load_pages()), ("annotated_pages", load_annotated())):
        if not pages:
            continue
        with_filter = page_figures(pages)
        with junk_filter_off():
            without_filter = page_figures(pages)
        report[name] = {
            "count": len(pages),
            "with_junk_filter": asdict(with_filter)
            | {"junk_precision": with_filter.junk_precision},
            "without_junk_filter": asdict(without_filter)
            | {"junk_precision": without_filter.junk_precision},
        }
    report["lines"] = row_figures(load_rows())
    if data is not None and data.is_dir():
        report["shared_false_drops"] = shared_false_drops(data)
    return report


def _print(report: dict[str, object]) -> None:
    """The figures for a reader."""
    titles = {
        "pages": "Pages of the junk set (tests/fixtures/junk/pages)",
        "annotated_pages": "Annotated pages of the ranking evaluation (tests/fixtures/annotated)",
    }
    for key, title in titles.items():
        if key not in report:
            continue
        pages = report[key]
        assert isinstance(pages, dict)
        print(f"{title}: {pages['count']}")
        for name in ("without_junk_filter", "with_junk_filter"):
            page = pages[name]
            print(
                f"  {name.replace('_', ' ')}: {page['claims_returned']} claims returned, "
                f"{page['junk_returned']} junk = junk precision {page['junk_precision']:.1%}; "
                f"labelled claims returned {page['real_claims_returned']}"
                f"/{page['real_claims_labelled']}"
            )
    lines = report["lines"]
    assert isinstance(lines, dict)
    print(f"Lines: {lines['junk_rows']} junk, {lines['claim_rows']} real claims (junk_lines.jsonl)")
    print(f"  junk filter recall: {lines['junk_recall']:.1%}")
    for kind, (hit, total) in lines["recall_by_kind"].items():
        print(f"    {kind:<15} {hit:>3}/{total:<3} {hit / total:.0%}")
    print(f"  false-drop rate on real claims: {lines['false_drop_rate']:.1%}")
    for lang, (hit, total) in lines["false_drops_by_language"].items():
        print(f"    {lang}: {hit}/{total}")
    for text in lines["false_drops"]:
        print(f"    dropped: {text}")
    for name, (hit, total) in report.get("shared_false_drops", {}).items():  # type: ignore[union-attr]
        print(f"  false-drop rate, {name}: {hit}/{total} = {hit / total:.1%}")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, evaluate, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    default = Path(os.environ.get("FACTCHECK_SHARED_DIR", REPO.parent / "shared")) / "data"
    parser.add_argument("--data", type=Path, default=default, help="shared development data")
    args = parser.parse_args(argv)
    report = evaluate(args.data)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
