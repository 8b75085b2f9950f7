"""Plurals in every language: 1, 2, 5, 11 and 21 of a thing (issue 17)."""

from __future__ import annotations

import pytest

from bot.i18n import words

COUNTS = (1, 2, 5, 11, 21)
# The noun's form for each count, as the summary says "Queued {n} claims." in each language.
CLAIMS = {
    "en": ("1 claim.", "2 claims.", "5 claims.", "11 claims.", "21 claims."),
    "uk": ("1 твердження", "2 твердження", "5 тверджень", "11 тверджень", "21 твердження"),
    "ru": ("1 утверждение", "2 утверждения", "5 утверждений", "11 утверждений", "21 утверждение"),
}


@pytest.mark.parametrize("language", sorted(CLAIMS))
def test_queued_claims_take_the_right_plural_form(language: str) -> None:
    said = [words(language).ngettext("Queued {n} claim.", "Queued {n} claims.", n) for n in COUNTS]
    for text, form in zip(said, CLAIMS[language], strict=True):
        assert form in text, (language, text)
    if language == "en":
        assert said[0] == "Queued 1 claim." and said[-1] == "Queued 21 claims."


@pytest.mark.parametrize("language", ["uk", "ru"])
def test_every_plural_message_picks_the_cldr_form(language: str) -> None:
    """1 and 21 share a form, 2 another, 5 and 11 the third — for every plural message."""
    from babel.messages.pofile import read_po

    from bot.i18n import catalogue_path

    with catalogue_path(language).open("rb") as source:
        catalog = read_po(source, locale=language)
    plural = [m for m in catalog if m.id and isinstance(m.id, tuple)]
    assert plural, "the catalogue has plural messages"
    speaker = words(language)
    for message in plural:
        singular, many = message.id
        forms = [speaker._t.ngettext(singular, many, n) for n in COUNTS]
        assert forms[0] == forms[4] == message.string[0], message.id
        assert forms[1] == message.string[1], message.id
        assert forms[2] == forms[3] == message.string[2], message.id


def test_numbers_and_dates_are_written_the_local_way() -> None:
    from datetime import date

    assert words("en").number(38000) == "38,000"
    assert words("uk").number(38000) == "38\xa0000"
    assert words("ru").number(1.5) == "1,5"
    assert words("uk").date(date(2026, 12, 2), "d MMMM y") == "2 грудня 2026"
    assert words("ru").date(date(2026, 12, 2), "d MMMM y") == "2 декабря 2026"
