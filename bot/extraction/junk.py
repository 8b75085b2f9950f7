"""Tell page junk from claims: code, references, tables, footers, related links, notes and more.

Two entry points. ``line_junk_kind`` judges a whole line of a page, where the line itself is the
unit (a table row, a menu, a reference entry, a code line, an editor's note). ``junk_kind``
judges one sentence, the unit of a claim, and adds the kinds that only a sentence shows
(forecasts, calls to action, fiction). Both return the kind of junk, or None for text that may
be a claim. Every pattern is compiled once: the check runs on every sentence of every article.

A sentence with a fact anchor (a number together with a name or a past event) is protected from
the weak kinds, which guess from style; the strong kinds (code, references, tables, notes) are
about the form of the text and win regardless.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from bot.extraction.junk_patterns import (
    CLIMATE_RE,
    CODE_HINT_RE,
    CODE_START_RE,
    CODE_TOKEN_RE,
    COOKIE_RE,
    CTA_ANYWHERE_RE,
    CTA_START_RE,
    DIALOGUE_RE,
    DIARY_VERBS,
    DIGIT_RE,
    FACT_PAST_RE,
    FOOTER_RE,
    FORECAST_WORD_RE,
    FUTURE_RE,
    HOURS_RE,
    LONG_WORD_RE,
    MARKET_RE,
    MENU_SPLIT_RE,
    MENU_WORD_RE,
    MID_CAPITAL_RE,
    NARRATIVE_SUBJECT_RE,
    NARRATIVE_VERBS,
    NAV_TERM_RE,
    NOTE_ANYWHERE_RE,
    NOTE_START_RE,
    NUMBER_TOKEN_RE,
    OBJECT_PRONOUN_RE,
    PAST_RE,
    REFERENCE_ENTRY_RE,
    REFERENCE_STRONG_RE,
    REFERENCE_WEAK_RE,
    RELATED_RE,
    REPORTING_RE,
    SOCIAL_RE,
    TABLE_SEPARATOR_RE,
    TERMINAL,
    WEATHER_RE,
    YEAR_RE,
)

JunkKind = Literal[
    "code",
    "reference",
    "table",
    "navigation",
    "related",
    "update_note",
    "forecast",
    "call_to_action",
    "fiction",
]
# Longer lines are prose, whatever marks they carry.
MAX_ROW_WORDS = 40
MAX_CODE_WORDS = 40
MAX_REFERENCE_WORDS = 70
MAX_MENU_WORDS = 25

JUNK_KINDS: tuple[JunkKind, ...] = get_args(JunkKind)


def has_fact_anchor(text: str) -> bool:
    """A number together with a name or a past event: what makes a sentence worth checking."""
    return _has_fact_anchor(text, text.lower())


def _has_fact_anchor(text: str, low: str) -> bool:
    """``has_fact_anchor`` with the lower-cased text already at hand."""
    if not DIGIT_RE.search(text):
        return False
    return bool(MID_CAPITAL_RE.search(text) or PAST_RE.search(low))


# The helpers below take the text and its lower-cased copy: the word-list patterns are compiled
# for lower-cased text (``caseless``), which is several times faster than re.IGNORECASE.


MARKUP_TAG_RE = re.compile(r"</?[A-Za-z][\w-]*(?:\s[^<>]*)?>")
MIN_PROSE_WORDS = 8


def _is_code(text: str) -> bool:
    """Source code or a shell command: a code opener, or code tokens dense among few words."""
    # Tags typed around prose ("<b>Breaking</b>: officials said …") are markup, not a program:
    # judge the words between them, unless hardly any are left.
    prose = MARKUP_TAG_RE.sub(" ", text)
    if prose != text and len(prose.split()) >= MIN_PROSE_WORDS:
        text = prose.strip()
    if CODE_START_RE.match(text):
        return True
    words = len(text.split())
    # Every code token holds a hint character, so too few hints rule the line out cheaply.
    if len(CODE_HINT_RE.findall(text)) * 3 < words:
        return False
    tokens = CODE_TOKEN_RE.findall(text)
    return len(tokens) >= 2 and len(tokens) * 3 >= words


def _is_reference(text: str, low: str) -> bool:
    """A bibliography entry or citation: an identifier, or several marks of a reference list."""
    if REFERENCE_STRONG_RE.search(low):
        return True
    weak = len(REFERENCE_WEAK_RE.findall(text))
    if REFERENCE_ENTRY_RE.match(text):
        return weak >= 1 or bool(YEAR_RE.search(text))
    return weak >= 3


def _is_table_row(text: str) -> bool:
    """Cells of a table: pipe- or tab-separated, or mostly numbers with hardly any prose."""
    if text.count("|") >= 2 or text.count("\t") >= 2 or TABLE_SEPARATOR_RE.match(text):
        return True
    tokens = len(text.split())
    if not 3 <= tokens <= MAX_ROW_WORDS:
        return False
    numbers = len(NUMBER_TOKEN_RE.findall(text))
    return numbers >= 3 and numbers >= 0.5 * tokens and len(LONG_WORD_RE.findall(text)) <= 2


def _is_footer(low: str) -> bool:
    """A copyright line or a cookie notice."""
    return bool(FOOTER_RE.search(low) or COOKIE_RE.search(low))


def _is_navigation(text: str, low: str) -> bool:
    """A footer, a cookie notice, a menu of short items, or a line of site links."""
    if _is_footer(low):
        return True
    nav_terms = len(NAV_TERM_RE.findall(low))
    if nav_terms >= 2 or (nav_terms == 1 and len(text.split()) <= 6):
        return True
    items = [item for item in MENU_SPLIT_RE.split(text.strip()) if item]
    if len(items) >= 3 and all(len(item.split()) <= 4 for item in items):
        return True
    if HOURS_RE.match(low):
        return True
    # "Main Terms Policy Disclaimer Contacts": a menu flattened into one line.
    if text.endswith(TERMINAL):
        return False
    return len(MENU_WORD_RE.findall(low)) >= 3 or len(SOCIAL_RE.findall(low)) >= 3


def _is_update_note(low: str) -> bool:
    """An editor's update or correction note about the article itself."""
    return bool(NOTE_START_RE.match(low) or NOTE_ANYWHERE_RE.search(low))


def _is_forecast(text: str, low: str) -> bool:
    """A weather or market forecast: what will happen, with nothing said or done yet."""
    if REPORTING_RE.search(low) or FACT_PAST_RE.search(low):
        return False
    if CLIMATE_RE.search(low):
        return False  # "the world's temperature is going up" is a claim about climate
    weather = len(WEATHER_RE.findall(low))
    if weather >= 2:
        return True
    if not FUTURE_RE.search(low):
        return False
    if weather or FORECAST_WORD_RE.search(low):
        return True
    # Markets only with a figure: "Oil prices are expected to rise to $90 a barrel".
    return bool(DIGIT_RE.search(text) and MARKET_RE.search(low))


def _is_call_to_action(low: str) -> bool:
    """An appeal to the reader: subscribe, donate, share, sign, follow (three languages)."""
    return bool(CTA_START_RE.match(low) or CTA_ANYWHERE_RE.search(low))


def _is_fiction(text: str, low: str) -> bool:
    """Narrative: a pronoun acting on a pronoun, story dialogue, a first-person diary."""
    if DIALOGUE_RE.match(low):
        return True
    if DIGIT_RE.search(text) or REPORTING_RE.search(low):
        return False
    found = NARRATIVE_SUBJECT_RE.match(low)
    if found and found.group(1) in DIARY_VERBS:
        # A diary's "I saw Sven fall … his head": an action on a person, or no name at all.
        return bool(OBJECT_PRONOUN_RE.search(low)) or not MID_CAPITAL_RE.search(text)
    if not found or found.group(1) not in NARRATIVE_VERBS:
        return False
    if MID_CAPITAL_RE.search(text):
        return False
    return bool(OBJECT_PRONOUN_RE.search(low)) or len(text.split()) <= 8


def _line_kind(text: str, low: str) -> JunkKind | None:
    """``line_junk_kind`` on a stripped line and its lower-cased copy."""
    if not text:
        return None
    words = len(text.split())
    # A paragraph of prose is no table row, code line or reference entry, even when it cites
    # "pp. 5–7" or names a function: it is judged sentence by sentence instead.
    if words <= MAX_ROW_WORDS and _is_table_row(text):
        # "Privacy Policy | Terms of Use | Contact Us" is a menu laid out like a row.
        return "navigation" if len(NAV_TERM_RE.findall(low)) >= 2 else "table"
    if words <= MAX_CODE_WORDS and _is_code(text):
        return "code"
    if words <= MAX_REFERENCE_WORDS and _is_reference(text, low):
        return "reference"
    if _is_update_note(low):
        return "update_note"
    if RELATED_RE.match(low):
        return "related"
    if _is_footer(low):
        return "navigation"
    if words <= MAX_MENU_WORDS and _is_navigation(text, low) and not _has_fact_anchor(text, low):
        return "navigation"
    return None


def line_junk_kind(line: str) -> JunkKind | None:
    """The kind of junk a whole line of a page is, judged by its form; None for body text."""
    text = line.strip()
    return _line_kind(text, text.lower())


def is_related_header(line: str) -> bool:
    """A line that opens a list of related links ("Related:", "Read more", "Читайте також")."""
    return bool(RELATED_RE.match(line.strip().lower()))


def junk_kind(sentence: str) -> JunkKind | None:
    """The kind of junk a sentence is, or None when it may be a claim."""
    text = sentence.strip()
    low = text.lower()
    kind = _line_kind(text, low)
    if kind is not None:
        return kind
    if _is_call_to_action(low):
        return "call_to_action"
    # Before the fact anchor: "Temperatures will reach 30C on Friday" has a number and a name.
    if _is_forecast(text, low):
        return "forecast"
    if _has_fact_anchor(text, low):
        return None
    if _is_fiction(text, low):
        return "fiction"
    return None


def is_junk(sentence: str) -> bool:
    """Whether a sentence is junk of any kind."""
    return junk_kind(sentence) is not None
