"""Judge the offline extractor on whole annotated pages (tests/fixtures/annotated/*.json).

Usage: python scripts/eval_pages.py [--dir DIR] [--max-claims N] [--scorer NAME] [--verbose]
       [--json]

Each page holds the text as the bot receives it (title line, body and the furniture real pages
carry), the claims a fact-checker would queue (substrings of the text, with their claimant where
the text says who), the headline claim(s) and junk lines that must never be queued. Reported:
recall of the claims to queue within ``MAX_CLAIMS``, pages whose headline claim is in the top 5,
the junk share of what is returned, claimant accuracy on the matched claims, and the number of
claims cut with "…" mid-sentence. The set is a development set: it was written while building
the extractor, so its figures are optimistic for unseen pages.

Each check-worthiness scorer (``CLAIM_SCORER``) is judged in turn: the default one, and the
embeddings one when its optional extra is installed (``--scorer`` picks one).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.extraction.base import ExtractedClaim  # noqa: E402
from bot.extraction.embeddings import extra_installed  # noqa: E402
from bot.extraction.offline import extract_claims  # noqa: E402
from bot.extraction.scoring import SCORERS, SentenceScorer, make_scorer  # noqa: E402

PAGES_DIR = REPO / "tests" / "fixtures" / "annotated"
MAX_CLAIMS = 10
HEADLINE_TOP = 5
TARGETS = {"recall": 0.9, "headline_top5": 0.9, "junk_share": 0.05, "claimant_accuracy": 0.9}


@dataclass
class PageTally:
    """Counts over pages, from which the figures are computed."""

    pages: int = 0
    to_queue: int = 0
    found: int = 0
    headline_pages: int = 0
    headline_hits: int = 0
    returned: int = 0
    junk: int = 0
    claimants: int = 0
    claimants_right: int = 0
    cut: int = 0
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float | int]:
        """The reported figures."""
        return {
            "pages": self.pages,
            "recall": self.found / max(self.to_queue, 1),
            "headline_top5": self.headline_hits / max(self.headline_pages, 1),
            "junk_share": self.junk / max(self.returned, 1),
            "claimant_accuracy": self.claimants_right / max(self.claimants, 1),
            "cut_claims": self.cut,
            "claims_returned": self.returned,
        }


def span_of(text: str, fragment: str) -> tuple[int, int]:
    """Offsets of an annotated fragment in the page text."""
    start = text.find(fragment)
    if start < 0:
        raise ValueError(f"annotation not in the text: {fragment!r}")
    return start, start + len(fragment)


def covers(claim: ExtractedClaim, span: tuple[int, int]) -> bool:
    """Whether a claim's quote covers most of an annotated span (or the span most of the quote)."""
    overlap = min(claim.end, span[1]) - max(claim.start, span[0])
    shorter = min(claim.end - claim.start, span[1] - span[0])
    return overlap > 0 and overlap * 2 >= shorter


def same_claimant(found: str | None, expected: str | list[str] | None) -> bool:
    """Claimants agree: both absent, or one name contains the other ("Kirby" in "John Kirby").

    An annotation may list several acceptable names ("the World Health Organization", "the agency").
    """
    if isinstance(expected, list):
        return any(same_claimant(found, name) for name in expected)
    if found is None or expected is None:
        return found is None and expected is None
    a, b = (" ".join(s.lower().strip("«»“”\"' ").split()) for s in (found, expected))
    return bool(a and b) and (a in b or b in a)


def is_cut(claim: ExtractedClaim) -> bool:
    """A claim whose text ends with "…" where its sentence does not."""
    return claim.text.rstrip().endswith("…") and not claim.quote.rstrip('”"»’ ').endswith("…")


def judge_page(
    page: dict, tally: PageTally, max_claims: int, scorer: SentenceScorer | None = None
) -> None:
    """Add one page's counts to the tally."""
    text = page["text"]
    claims = extract_claims(text, max_claims=max_claims, scorer=scorer)
    tally.pages += 1
    tally.returned += len(claims)
    junk = [span_of(text, j) for j in page.get("junk", [])]
    tally.junk += sum(any(covers(c, s) for s in junk) for c in claims)
    tally.cut += sum(is_cut(c) for c in claims)
    for wanted in page["claims"]:
        span = span_of(text, wanted["quote"])
        tally.to_queue += 1
        match = next((c for c in claims if covers(c, span)), None)
        if match is None:
            tally.misses.append(f"{page['id']}: missed {wanted['quote'][:80]!r}")
            continue
        tally.found += 1
        if "claimant" in wanted:
            tally.claimants += 1
            if same_claimant(match.claimant, wanted["claimant"]):
                tally.claimants_right += 1
            else:
                tally.misses.append(
                    f"{page['id']}: claimant {match.claimant!r}, expected {wanted['claimant']!r}"
                )
    headlines = [span_of(text, h) for h in page.get("headline_claims", [])]
    if headlines:
        tally.headline_pages += 1
        top = claims[:HEADLINE_TOP]
        if any(covers(c, s) for c in top for s in headlines):
            tally.headline_hits += 1
        else:
            tally.misses.append(f"{page['id']}: headline claim not in the top {HEADLINE_TOP}")


def load_pages(folder: Path) -> list[dict]:
    """The annotated pages, in name order."""
    paths = sorted(folder.glob("*.json"))
    if not paths:
        sys.exit(f"No annotated pages in {folder}")
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def evaluate_pages(
    pages: list[dict], max_claims: int = MAX_CLAIMS, scorer: SentenceScorer | None = None
) -> PageTally:
    """Run the extractor (with this scorer; the default one if None) over every page and count."""
    tally = PageTally()
    for page in pages:
        judge_page(page, tally, max_claims, scorer)
    return tally


def main() -> None:
    """Print the figures against their targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=PAGES_DIR)
    parser.add_argument("--max-claims", type=int, default=MAX_CLAIMS)
    parser.add_argument("--scorer", choices=SCORERS, help="judge this scorer only")
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()
    pages = load_pages(args.dir)
    if args.scorer:
        names = [args.scorer]
    else:
        names = ["offline", *(["embeddings"] if extra_installed() else [])]
    for number, name in enumerate(names):
        if number:
            print()
        report(pages, name, args)
    if not args.scorer and not extra_installed():
        print("\nembeddings scorer: not installed (pip install '.[embeddings]' to judge it too)")


def report(pages: list[dict], name: str, args: argparse.Namespace) -> None:
    """Judge one scorer on the pages and print its figures against the targets."""
    tally = evaluate_pages(pages, args.max_claims, make_scorer(name))
    figures = tally.figures()
    print(
        f"Annotated pages, CLAIM_SCORER={name} "
        f"({figures['pages']} pages, {tally.to_queue} claims to queue)"
    )
    print("| figure | value | target |\n|---|---|---|")
    print(
        f"| recall of claims to queue (top {args.max_claims}) | {figures['recall']:.3f} | ≥ 0.9 |"
    )
    print(f"| headline claim in the top {HEADLINE_TOP} | {figures['headline_top5']:.3f} | ≥ 0.9 |")
    print(f"| junk share of returned claims | {figures['junk_share']:.3f} | ≤ 0.05 |")
    print(f"| claimant accuracy | {figures['claimant_accuracy']:.3f} | ≥ 0.9 |")
    print(f"| claims cut mid-sentence | {figures['cut_claims']} | 0 |")
    if args.verbose:
        print("\n".join(tally.misses))
    if args.json:
        print(json.dumps({"dataset": "annotated_pages", "scorer": name, **figures}))


if __name__ == "__main__":
    main()
