"""The message catalogues: complete, current and consistent in every language (issue 17)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue_path

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "bot" / "i18n"
TRANSLATED = [language for language in LANGUAGES if language != DEFAULT_LANGUAGE]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "N_": None}


def _method_map() -> list[tuple[str, str]]:
    """The mapping of bot/i18n/babel.cfg, as `make messages` reads it."""
    from babel.messages.frontend import parse_mapping_cfg

    with (I18N / "babel.cfg").open() as cfg:
        method_map, _ = parse_mapping_cfg(cfg)
    return method_map


def _in_code() -> dict[tuple[str, str | None], tuple[str, ...]]:
    """Every message the code marks: (msgid, context) → its forms (singular[, plural])."""
    found: dict[tuple[str, str | None], tuple[str, ...]] = {}
    for top in ("bot", "handlers"):
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / top, _method_map(), keywords=KEYWORDS
        ):
            forms = message if isinstance(message, tuple) else (message,)
            if not forms[0]:
                continue
            found[(forms[0], context)] = forms
    return found


@pytest.fixture(scope="module")
def in_code() -> dict[tuple[str, str | None], tuple[str, ...]]:
    return _in_code()


def _catalogue(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def _entries(catalog: Catalog) -> dict[tuple[str, str | None], object]:
    entries = {}
    for message in catalog:
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key:
            entries[(key, message.context)] = message
    return entries


def _fields(text: str) -> set[str]:
    """The `{placeholders}` of a message ({n} included)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_template_holds_exactly_what_the_code_says(in_code) -> None:
    template = _entries(_catalogue(I18N / "messages.pot"))
    missing = sorted(key[0] for key in in_code.keys() - template.keys())
    stale = sorted(key[0] for key in template.keys() - in_code.keys())
    assert not missing and not stale, (
        f"bot/i18n/messages.pot is stale: run `make messages`. Missing: {missing[:10]}; "
        f"no longer in the code: {stale[:10]}"
    )


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_with_the_same_placeholders(in_code, language) -> None:
    catalog = _catalogue(catalogue_path(language), locale=language)
    entries = _entries(catalog)
    plurals = Locale.parse(language).plural_form
    nplurals = catalog.num_plurals
    assert nplurals == len(plurals.tags), f"{language}: Plural-Forms header is not CLDR's"
    problems = []
    for key, forms in in_code.items():
        message = entries.get(key)
        if message is None:
            problems.append(f"missing: {key[0]!r}")
            continue
        if message.fuzzy:
            problems.append(f"fuzzy (needs review): {key[0]!r}")
        wanted = set().union(*(_fields(form) for form in forms))
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if len(forms) > 1 and len(strings) != nplurals:
            problems.append(f"{len(strings)} plural forms, not {nplurals}: {key[0]!r}")
        for text in strings:
            if not text:
                problems.append(f"untranslated: {key[0]!r}")
            elif len(forms) == 1 and _fields(text) != wanted:
                problems.append(f"placeholders {_fields(text)} ≠ {wanted}: {key[0]!r}")
            elif len(forms) > 1 and not _fields(text) <= wanted | {"n"}:
                problems.append(f"unknown placeholders in {text!r}: {key[0]!r}")
    assert not problems, f"{language}: " + "\n".join(problems[:30])


@pytest.mark.parametrize("language", TRANSLATED)
def test_markup_and_commands_survive_translation(language) -> None:
    """HTML tags and /commands in a message stay the same in its translation."""
    tags = re.compile(r"</?[a-z]+[^>]*>")
    commands = re.compile(r"(?<![\w/])/[a-z_]+")
    problems = []
    for message in _catalogue(catalogue_path(language), locale=language):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            if sorted(tags.findall(text)) != sorted(tags.findall(source[0])):
                problems.append(f"tags differ: {source[0]!r} → {text!r}")
            if set(commands.findall(text)) != set(commands.findall(source[0])):
                problems.append(f"commands differ: {source[0]!r} → {text!r}")
    assert not problems, "\n".join(problems[:30])


# What fits across a 360-pixel-wide phone in one row of inline buttons at Telegram's button font
# (about 32 characters of Cyrillic or Latin text, emoji counted as one), before labels are cut.
PHONE_ROW = 32


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cards_buttons_fit_a_phones_width(language: str) -> None:
    """Rating buttons stay short enough for a phone in every language (issue 17 item 3)."""
    from bot.i18n import words
    from handlers import render

    keyboard = render.claim_keyboard(12345, words(language))
    for row in keyboard.inline_keyboard:
        labels = [button.text for button in row]
        assert sum(len(label) for label in labels) <= PHONE_ROW, labels
