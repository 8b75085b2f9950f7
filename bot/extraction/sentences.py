"""Split a block of text into sentences, as (start, end) offsets into the original string.

Rules of thumb a copy editor would use: a sentence ends at ``.``, ``!``, ``?`` or ``…`` (and any
closing quotes or brackets after it) when the next word starts with a capital, a digit or an
opening quote, unless the period belongs to an abbreviation ("Nov. 14", "Dr. Smith", "т. д."),
an initial ("J. K. Rowling", "В. Зеленський") or a number.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen col lt sgt capt cmdr adm gov sen rep rev st mt ft jr sr vs v
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    inc ltd co corp dept univ est approx fig vol ed eds al e.g i.e etc cf a.m p.m
    u.s u.k u.n e.u d.c u.s.a
    ім вул просп пл обл р рр ст с стор див напр тис млн млрд грн дол їх т.д т.п т.зв ін
    им ул пр г гг тыс руб долл см т.е т.к т.н др
    """.split()
)

# Abbreviations that also end sentences: split after them when a typical sentence opener follows.
SENTENCE_FINAL_ABBREVIATIONS = frozenset(
    "inc ltd co corp etc a.m p.m u.s u.k u.n e.u d.c u.s.a р рр г гг тис тыс грн руб".split()
)
# Abbreviations only when a number follows ("No. 5", "p. 12"); otherwise ordinary words.
NUMBER_ABBREVIATIONS = frozenset("no nos p pp fig vol".split())
SENTENCE_OPENERS = frozenset(
    """
    the a an he she it they we i you this that these those there but and so in on at for
    however meanwhile his her their its our my what why how when where if as after before
    він вона воно вони ми я це цей ця але і та у в на за проте однак тим про як
    он она оно они мы я это этот эта но и а в на за однако при об как
    """.split()
)

BOUNDARY_RE = re.compile(r"[.!?…]+[\"”»’'\)\]]*(?=\s+(\S))")
OPENING_CHARS = frozenset("\"“«„‘'([—–-")
WORD_BEFORE_RE = re.compile(r"([\w.]+)$")
NEXT_WORD_RE = re.compile(r"[\"“«„‘'(\[]*(\w+)")


def _word_before(text: str, dot: int) -> str:
    """The word (with inner dots) that ends right before position ``dot``."""
    # Look back a short window only: searching from 0 would make splitting quadratic.
    m = WORD_BEFORE_RE.search(text, max(0, dot - 40), dot)
    return m.group(1).lower().strip(".") if m else ""


def _next_word(text: str, pos: int) -> str:
    """The first word at or after ``pos``, lower-cased."""
    m = NEXT_WORD_RE.match(text, pos)
    return m.group(1).lower() if m else ""


def _is_boundary(text: str, match: re.Match[str]) -> bool:
    """Whether the punctuation in ``match`` ends a sentence."""
    nxt = match.group(1)
    if not (nxt.isupper() or nxt.isdigit() or nxt in OPENING_CHARS or not nxt.isalpha()):
        return False
    if match.group(0)[0] != ".":
        return True
    word = _word_before(text, match.start())
    if not word:
        return True
    if word in SENTENCE_FINAL_ABBREVIATIONS:
        return _next_word(text, _skip_space(text, match.end())) in SENTENCE_OPENERS
    if word in NUMBER_ABBREVIATIONS:
        return not text[_skip_space(text, match.end())].isdigit()
    if word in ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isalpha():
        # An initial ("J. Smith", "В. Зеленський"); a lower-case letter is a word ("це я.").
        return not text[match.start() - 1].isupper()
    # Dotted acronyms not in the list ("F.B.I.") behave like final abbreviations.
    if "." in word and all(len(part) == 1 for part in word.split(".")):
        return _next_word(text, _skip_space(text, match.end())) in SENTENCE_OPENERS
    return True


def _skip_space(text: str, pos: int) -> int:
    """Position of the first non-space character at or after ``pos``."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink (start, end) past surrounding whitespace; None if nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans within ``text[start:end]``, as offsets into ``text``."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    begin = start
    for match in BOUNDARY_RE.finditer(text, start, end):
        if match.end() >= end or not _is_boundary(text, match):
            continue
        span = _trimmed(text, begin, match.end())
        if span:
            spans.append(span)
        begin = match.end()
    span = _trimmed(text, begin, end)
    if span:
        spans.append(span)
    return spans
