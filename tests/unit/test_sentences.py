"""Sentence splitting: abbreviations, initials, decimals, quotes, Cyrillic, and offsets."""

from __future__ import annotations

from bot.extraction.sentences import split_sentences


def sentences(text: str) -> list[str]:
    """The sentences of a text as strings."""
    return [text[a:b] for a, b in split_sentences(text)]


def test_abbreviations_dates_and_decimals_do_not_end_sentences() -> None:
    text = "The U.S. said on Nov. 14 that 3.5 million people left. Dr. Smith agreed."
    assert sentences(text) == [
        "The U.S. said on Nov. 14 that 3.5 million people left.",
        "Dr. Smith agreed.",
    ]


def test_initials_stay_with_the_name() -> None:
    assert sentences("J. K. Rowling wrote it. She was 32.") == [
        "J. K. Rowling wrote it.",
        "She was 32.",
    ]


def test_abbreviation_at_the_end_of_a_sentence_splits_before_an_opener() -> None:
    assert sentences("Prices rose in the U.S. The Fed acted.") == [
        "Prices rose in the U.S.",
        "The Fed acted.",
    ]


def test_quote_closing_after_the_period_stays_with_its_sentence() -> None:
    text = "“Russia has received dozens of UAVs.” He said it twice. “Really?” she asked."
    assert sentences(text) == [
        "“Russia has received dozens of UAVs.”",
        "He said it twice.",
        "“Really?” she asked.",
    ]


def test_question_and_exclamation_end_sentences() -> None:
    assert sentences("Was it enough? Yes! It was.") == ["Was it enough?", "Yes!", "It was."]


def test_ukrainian_initials_and_thousands_abbreviation() -> None:
    text = "Президент В. Зеленський заявив, що 5 тис. військових прибули. Він додав деталі."
    assert sentences(text) == [
        "Президент В. Зеленський заявив, що 5 тис. військових прибули.",
        "Він додав деталі.",
    ]


def test_year_abbreviation_ends_sentence_before_attribution() -> None:
    text = "Зарплату підвищили з 1 квітня 2024 р. Про це заявив Шмигаль."
    assert sentences(text) == ["Зарплату підвищили з 1 квітня 2024 р.", "Про це заявив Шмигаль."]


def test_russian_year_abbreviation_mid_sentence() -> None:
    text = "В 2014 г. Россия аннексировала Крым. Об этом сообщил В.В. Иванов."
    assert sentences(text) == [
        "В 2014 г. Россия аннексировала Крым.",
        "Об этом сообщил В.В. Иванов.",
    ]


def test_spans_are_offsets_into_the_original_text() -> None:
    text = "Header\n\n  First one. Second one.  "
    spans = split_sentences(text, 8)
    assert [text[a:b] for a, b in spans] == ["First one.", "Second one."]
    assert spans[0][0] == text.index("First")


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("   ") == []
