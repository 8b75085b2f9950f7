"""Claimant precision and coverage on the labelled set in tests/fixtures/claimants.json.

    python scripts/eval_claimants.py            # table by language
    python scripts/eval_claimants.py --json     # the same figures as JSON
    python scripts/eval_claimants.py --errors   # and every sentence the attribution got wrong

Figures are given overall, by language and by batch (see the fixture's "about": every batch has
been used to improve the rules, so these are development figures, not held-out ones).

Each snippet is attributed paragraph by paragraph, in reading order, as the offline extractor
does. Precision: of the claimants given, the share that are right. Coverage: of the sentences
that name a claimant, the share that get the right one. Accuracy: sentences whose answer (a
claimant or none) is right. A label may list alternatives ("Dmytro Kuleba", "Kuleba"); a null
among them means "none" is right too, and such a sentence does not count towards coverage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.extraction.attribution import SpeakerContext, attribute_paragraph  # noqa: E402
from bot.extraction.speaker_words import MODIFIERS, ROLE_EN  # noqa: E402

FIXTURE = REPO / "tests" / "fixtures" / "claimants.json"
CLAIMBUSTER_LABELS = REPO / "tests" / "fixtures" / "claimants_claimbuster.json"
SHARED_DATA = Path(os.environ.get("FACTCHECK_SHARED_DIR", REPO.parent / "shared")) / "data"
TITLE_WORDS = ROLE_EN | MODIFIERS | {"of", "for", "at", "and"}


@dataclass
class Tally:
    """Counts for one language (or all)."""

    sentences: int = 0
    given: int = 0
    given_right: int = 0
    attributable: int = 0
    covered: int = 0
    right: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)

    def figures(self) -> dict[str, float | int]:
        """Precision, coverage and accuracy, with the counts behind them."""
        return {
            "sentences": self.sentences,
            "precision": round(self.given_right / self.given, 3) if self.given else 1.0,
            "coverage": round(self.covered / self.attributable, 3) if self.attributable else 1.0,
            "accuracy": round(self.right / self.sentences, 3) if self.sentences else 1.0,
            "claimants_given": self.given,
            "attributable": self.attributable,
        }


def _alternatives(label: object) -> list[str | None]:
    return list(label) if isinstance(label, list) else [label]  # type: ignore[arg-type]


def _names(text: str) -> list[str]:
    return [w.strip(".,'’").lower() for w in text.split() if w.lower() not in ("the", "a", "an")]


def names_speaker(predicted: str, label: str) -> bool:
    """Whether a claimant names the labelled speaker: the same words, the label with more of
    the speaker's title ("Ukrenergo chief executive Volodymyr Kudrytskyi" for "Volodymyr
    Kudrytskyi"), or a bare surname of it. Extra words that are not a title do not count."""
    got, want = _names(predicted), _names(label)
    if got == want:
        return True
    extra = [w for w in predicted.split() if w.strip(".,'’").lower() not in want]
    # Ukrainian and Russian titles are lower-case genitives ("Міністр енергетики Герман …").
    titled = all(
        w[:1].isupper() or w.lower() in TITLE_WORDS or (w.islower() and not w.isascii())
        for w in extra
    )
    if set(want) <= set(got) and titled and got[-1] == want[-1]:
        return True
    # A shorter form of the same name: "Kathy Hochul" for "Governor Kathy Hochul".
    return set(got) <= set(want) and got[-1] == want[-1] and label.split()[-1][:1].isupper()


def is_right(predicted: str | None, label: object) -> bool:
    """Whether a predicted claimant (or none) matches a label."""
    options = _alternatives(label)
    if predicted is None:
        return None in options
    return any(o is not None and names_speaker(predicted, o) for o in options)


def evaluate(path: Path = FIXTURE) -> dict[str, Tally]:
    """Attribute every snippet and tally the answers, by language and overall."""
    return _tally(json.loads(path.read_text(encoding="utf-8")))


def _tally(data: dict[str, list[dict[str, object]]]) -> dict[str, Tally]:
    """Attribute each snippet in reading order and count right and wrong answers."""
    tallies: dict[str, Tally] = {"all": Tally()}
    for snippet in data["snippets"]:
        context = SpeakerContext()
        groups = [
            tallies["all"],
            tallies.setdefault(snippet["lang"], Tally()),
            tallies.setdefault(snippet.get("set", "batch-1"), Tally()),
        ]
        for paragraph in snippet["paragraphs"]:
            sentences = [sentence for sentence, _ in paragraph]
            found = attribute_paragraph(sentences, context)
            for (sentence, label), attribution in zip(paragraph, found, strict=True):
                predicted = attribution.claimant
                right = is_right(predicted, label)
                for tally in groups:
                    tally.sentences += 1
                    tally.right += right
                    if predicted is not None:
                        tally.given += 1
                        tally.given_right += right
                    if None not in _alternatives(label):
                        tally.attributable += 1
                        tally.covered += right and predicted is not None
                    if not right:
                        tally.errors.append(
                            {
                                "id": snippet["id"],
                                "sentence": sentence,
                                "expected": label,
                                "got": predicted,
                            }
                        )
    return tallies


def evaluate_claimbuster(data_dir: Path) -> dict[str, Tally] | None:
    """The same figures on real debate sentences (ids and labels in the fixture), if present."""
    source = data_dir / "claims" / "claimbuster-train.json"
    if not source.is_file():
        return None
    texts = {r["sentence_id"]: r["text"] for r in json.loads(source.read_text(encoding="utf-8"))}
    labels = json.loads(CLAIMBUSTER_LABELS.read_text(encoding="utf-8"))["labels"]
    snippets = [
        {
            "id": f"cb-{x['sentence_id']}",
            "lang": "en",
            "set": f"claimbuster batch-{x['batch']}",
            "paragraphs": [[[texts[x["sentence_id"]], x["claimant"]]]],
        }
        for x in labels
    ]
    tallies = _tally({"snippets": snippets})
    tallies["claimbuster (real)"] = tallies.pop("all")
    del tallies["en"]
    return tallies


def main() -> None:
    """Print the figures (and optionally the errors) for the labelled set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--errors", action="store_true", help="list the wrong answers")
    parser.add_argument("--data", type=Path, default=FIXTURE, help="labelled set (JSON)")
    parser.add_argument("--shared", type=Path, default=SHARED_DATA, help="shared data directory")
    args = parser.parse_args()
    tallies = evaluate(args.data)
    real = evaluate_claimbuster(args.shared)
    if real is not None:
        tallies.update(real)
    if args.json:
        print(json.dumps({k: t.figures() for k, t in tallies.items()}, indent=2))
    else:
        print("| set | sentences | precision | coverage | accuracy |")
        print("|---|---|---|---|---|")
        for name, tally in tallies.items():
            f = tally.figures()
            print(
                f"| {name} | {f['sentences']} | {f['precision']:.3f} ({tally.given_right}/"
                f"{tally.given}) | {f['coverage']:.3f} ({tally.covered}/{tally.attributable}) | "
                f"{f['accuracy']:.3f} |"
            )
    if args.errors:
        for error in tallies["all"].errors:
            print(
                f"{error['id']}: {error['sentence']}\n    expected {error['expected']!r}, "
                f"got {error['got']!r}"
            )


if __name__ == "__main__":
    main()
