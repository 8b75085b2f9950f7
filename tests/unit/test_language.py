"""Language detection: en/uk/ru are never refused; other languages only on strong evidence."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from bot.extraction import language
from bot.extraction.language import (
    MIN_LETTERS,
    SUPPORTED,
    detect_language,
    language_name,
    unsupported_language,
)

FIXTURE = Path(__file__).parents[1] / "fixtures" / "languages.jsonl"
ROWS = [json.loads(line) for line in FIXTURE.read_text().splitlines() if line.strip()]
GERMAN = (
    "Die Bundesregierung hat am Mittwoch beschlossen, die Ausgaben für die Bundeswehr im "
    "kommenden Jahr um 12 Prozent zu erhöhen. Nach Angaben des Finanzministeriums steigen die "
    "Kosten damit auf 58 Milliarden Euro."
)
ENGLISH = (
    "The government decided on Wednesday to raise defence spending by 12 percent next year. "
    "According to the finance ministry, costs will rise to 58 billion euros. The opposition "
    "called the decision inadequate and demanded a debate in parliament before the vote."
)


def letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r["lang"] in SUPPORTED], ids=lambda r: r["text"][:30]
)
def test_texts_in_english_ukrainian_and_russian_are_never_refused(row: dict[str, str]) -> None:
    assert unsupported_language(row["text"]) is None


@pytest.mark.parametrize(
    "row",
    [r for r in ROWS if r["lang"] in ("uk", "ru") and letters(r["text"]) >= MIN_LETTERS],
    ids=lambda r: r["text"][:30],
)
def test_ukrainian_and_russian_are_told_apart(row: dict[str, str]) -> None:
    assert detect_language(row["text"]).code == row["lang"]


def test_most_unsupported_sentences_of_the_fixture_are_named() -> None:
    other = [r for r in ROWS if r["lang"] not in SUPPORTED]
    named = [r for r in other if unsupported_language(r["text"]) == r["lang"]]
    wrongly = [r for r in other if unsupported_language(r["text"]) not in (None, r["lang"])]
    assert len(named) >= 0.8 * len(other)
    assert wrongly == []  # never refused under another language's name


def test_a_german_article_is_refused_as_german() -> None:
    assert unsupported_language(GERMAN) == "de"
    assert language_name("de") == "German"


def test_a_short_foreign_text_is_not_refused_on_weak_evidence() -> None:
    assert letters("Danke schön!") < MIN_LETTERS
    assert unsupported_language("Danke schön!") is None


def test_an_english_article_with_a_german_quote_is_read() -> None:
    mixed = f"{ENGLISH}\n\n„Das ist ein schwarzer Tag für Europa“, sagte der Minister.\n\n{ENGLISH}"
    assert unsupported_language(mixed) is None
    assert detect_language(mixed).code == "en"


def test_half_german_half_english_is_read() -> None:
    assert unsupported_language(f"{GERMAN}\n\n{ENGLISH}") is None


def test_links_hashtags_and_capitals_do_not_decide_the_language() -> None:
    shouting = "VACCINES CAUSE AUTISM IN CHILDREN, THE VIDEO CLAIMS WITHOUT ANY EVIDENCE AT ALL"
    assert detect_language(shouting).code == "en"
    tagged = f"{GERMAN} https://example.com/en/news/english-words-here #breaking @newsdesk"
    assert unsupported_language(tagged) == "de"


def test_detection_needs_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    language._model.cache_clear()
    assert unsupported_language(GERMAN) == "de"


def test_empty_and_number_only_texts_have_no_language() -> None:
    assert detect_language("").code is None
    assert detect_language("12 345 678 — 2024").code is None
    assert unsupported_language("") is None


def test_the_eval_script_reports_no_false_refusals(capsys: pytest.CaptureFixture[str]) -> None:
    from scripts.eval_language import main

    assert main(["--detector", "bot"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["decisions"]["false_refusals"] == 0
    assert report["texts"] == len(ROWS)
