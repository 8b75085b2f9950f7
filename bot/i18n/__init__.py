"""The bot's words in its users' languages: gettext catalogues (Babel), plurals, numbers, dates.

Every sentence the bot says is an English message in the code, marked for extraction:
`words._("Queued {title}", title=...)`, `words.ngettext("{n} claim", "{n} claims", count)`, or
`N_("…")` where it is a constant translated later (`words._(CONSTANT)`). `make messages`
extracts them into `bot/i18n/messages.pot` and merges that into each language's
`locales/<lang>/LC_MESSAGES/messages.po`; the tests fail when a message is missing, untranslated
or has different placeholders in any language (docs/translating.md).

Placeholders are `str.format` names (`{title}`); values are formatted by the caller (escaped for
HTML where the message is HTML). In `ngettext` the count itself is `{n}`, formatted for the
locale. English is the source language: it has no catalogue of its own.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Iterable
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LANGUAGES = ("en", "uk", "ru")
DEFAULT_LANGUAGE = "en"
# Each language's name in itself, for /language and /settings.
LANGUAGE_NAMES = {"en": "English", "uk": "Українська", "ru": "Русский"}
CATALOGUES = Path(__file__).parent / "locales"
DOMAIN = "messages"


class Lazy(str):
    """An English message translated where it is shown: `words._(it)`, or as a placeholder's
    value (`words._("Only members can {action}.", action=N_("vote"))` translates both)."""

    __slots__ = ()


def N_(message: str) -> Lazy:
    """Mark a constant for extraction; it is translated where it is shown (`words._(it)`)."""
    return Lazy(message)


def supported(code: str | None) -> str | None:
    """The language of a Telegram `language_code` ("uk", "uk-UA", "ru_RU") we speak, or None."""
    if not code:
        return None
    language = code.replace("_", "-").split("-", 1)[0].strip().lower()
    return language if language in LANGUAGES else None


def catalogue_path(language: str) -> Path:
    """Where a language's `.po` catalogue lives."""
    return CATALOGUES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _translations(language: str) -> gettext.NullTranslations:
    """The language's catalogue, compiled in memory from its `.po` (no `.mo` kept in the repo)."""
    path = catalogue_path(language)
    if language == DEFAULT_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as source:
        catalog = read_po(source, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out, as msgfmt does
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


class Words:
    """One language's words: translated messages, plural forms, numbers and dates."""

    def __init__(self, language: str, translations: gettext.NullTranslations) -> None:
        self.language = language
        self.locale = Locale.parse(language)
        self._t = translations

    def _(self, message: str, /, **values: object) -> str:
        """The message in this language, its `{placeholders}` filled from `values`."""
        text = self._t.gettext(message)
        return text.format(**self._values(values)) if values else text

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        """As `_`, for a short message whose sense depends on where it stands (a button)."""
        text = self._t.pgettext(context, message)
        return text.format(**self._values(values)) if values else text

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """The plural form this language uses for `n` (three in Ukrainian and Russian); `{n}` is
        the count written for the locale."""
        text = self._t.ngettext(singular, plural, n)
        return text.format(n=self.number(n), **self._values(values))

    def _values(self, values: dict[str, object]) -> dict[str, object]:
        """Placeholder values, `Lazy` ones translated."""
        return {
            key: self._t.gettext(value) if isinstance(value, Lazy) else value
            for key, value in values.items()
        }

    def number(self, value: float) -> str:
        """A number as this language writes it (1,234 / 1 234)."""
        return format_decimal(value, locale=self.locale)

    def date(self, value: date | datetime, style: str = "medium") -> str:
        """A date as this language writes it ("2 Dec 2026", "2 груд. 2026 р.")."""
        return format_date(value, format=style, locale=self.locale)

    def datetime(self, value: datetime, pattern: str = "d MMM, HH:mm") -> str:
        """A moment as this language writes it, UTC ("2 Dec, 14:05")."""
        return format_datetime(value, pattern, tzinfo=None, locale=self.locale)

    def list(self, items: Iterable[str]) -> str:
        """Items joined as this language joins them ("a, b and c", "a, b і c")."""
        return format_list(list(items), locale=self.locale)

    def __repr__(self) -> str:
        return f"Words({self.language!r})"


@functools.cache
def words(language: str | None = None) -> Words:
    """The words of a language we speak; English for anything else (or None)."""
    chosen = supported(language) or DEFAULT_LANGUAGE
    return Words(chosen, _translations(chosen))


ENGLISH = words(DEFAULT_LANGUAGE)

__all__ = [
    "DEFAULT_LANGUAGE",
    "ENGLISH",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "N_",
    "Lazy",
    "Words",
    "supported",
    "words",
]
