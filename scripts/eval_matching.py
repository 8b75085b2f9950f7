"""Measure claim matching on the labeled pairs: precision, recall and F1, and a threshold sweep.

.venv/bin/python scripts/eval_matching.py [--threshold 80] [--pairs FILE] [--errors]
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from bot.matching.matching import DEFAULT_THRESHOLD, compare

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "matching_pairs.json"
SWEEP = (60.0, 65.0, 70.0, 75.0, 80.0, 85.0, 90.0, 95.0)


@dataclass(frozen=True)
class Scores:
    """Confusion counts and the figures derived from them."""

    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        """Share of predicted matches that are real matches."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of real matches that were found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_pairs(path: Path = PAIRS) -> list[dict]:
    """The labeled pairs: a, b, match (bool), kind, lang."""
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate(pairs: list[dict], threshold: float) -> Scores:
    """Count hits and misses of `compare` on the pairs at one threshold."""
    tp = fp = fn = tn = 0
    for pair in pairs:
        predicted = compare(pair["a"], pair["b"]).is_match(threshold)
        if pair["match"]:
            tp, fn = tp + predicted, fn + (not predicted)
        else:
            fp, tn = fp + predicted, tn + (not predicted)
    return Scores(tp, fp, fn, tn)


def errors(pairs: list[dict], threshold: float) -> list[str]:
    """One line per pair the matcher gets wrong, for tuning and for the docs' limits."""
    lines = []
    for pair in pairs:
        result = compare(pair["a"], pair["b"])
        if result.is_match(threshold) != pair["match"]:
            label = "missed" if pair["match"] else "false match"
            lines.append(
                f"{label:11} {result.score:5.1f} {result.veto or '-':9} [{pair['kind']}] "
                f"{pair['a']!r} ~ {pair['b']!r}"
            )
    return lines


def main() -> None:
    """Print the figures at the chosen threshold and a small sweep."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--errors", action="store_true", help="list the pairs it gets wrong")
    args = parser.parse_args()
    pairs = load_pairs(args.pairs)
    positives = sum(1 for pair in pairs if pair["match"])
    print(f"{len(pairs)} pairs ({positives} matches, {len(pairs) - positives} non-matches)")
    s = evaluate(pairs, args.threshold)
    print(
        f"threshold {args.threshold:g}: precision {s.precision:.3f}  recall {s.recall:.3f}  "
        f"F1 {s.f1:.3f}  (tp {s.tp}, fp {s.fp}, fn {s.fn}, tn {s.tn})"
    )
    print("\nthreshold  precision  recall  F1")
    for threshold in SWEEP:
        t = evaluate(pairs, threshold)
        print(f"{threshold:9g}  {t.precision:9.3f}  {t.recall:6.3f}  {t.f1:.3f}")
    if args.errors:
        print()
        print("\n".join(errors(pairs, args.threshold)))


if __name__ == "__main__":
    main()
