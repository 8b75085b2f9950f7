"""Interviews: the answers are the interviewee's words.

An interview in question-and-answer form ("— Скільки людей ще живе у п'ятикілометровій зоні?"
/ "— Від початку вересня ми евакуювали 1 246 людей…") says who speaks once, in its
introduction ("…поговорив із заступником начальника ОВА Ігорем Коваленком", "Its director,
Iryna Vakulenko, … spoke to us"), and never again: every answer is that person's, in the first
person. A desk queues those answers as the interviewee's statements, so the extractor credits
them (`answer_blocks`, `interviewee`) where no other source is named in the sentence itself.

A page is an interview when at least `MIN_EXCHANGES` short paragraphs ending with a question
mark are each followed by an answer, and the introduction before the first question names one
person in full (or several, of whom one is named most often). Otherwise nothing changes: a
FAQ or a column with rhetorical questions and no one introduced keeps its sentences as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.extraction.mentions import people_mentioned

MIN_EXCHANGES = 3  # questions followed by an answer that make a page an interview
QUESTION_WORDS = 60  # a question paragraph is short; a longer one ending "?" is an answer
NAME_PREFIX = 5  # letters two case forms of a surname share ("Коваленко", "Коваленком")
BYLINE_RE = re.compile(r"(?:by|автор|авторка)\s", re.IGNORECASE)


def is_question(sentences: Sequence[str]) -> bool:
    """Whether a paragraph is an interviewer's question: short, and ending with "?"."""
    if not sentences:
        return False
    words = sum(len(s.split()) for s in sentences)
    return sentences[-1].rstrip('”"»)’ ').endswith("?") and words <= QUESTION_WORDS


def answer_blocks(blocks: Sequence[Sequence[str]]) -> tuple[int, list[bool]] | None:
    """Where the interview starts (the first question's paragraph) and, for each paragraph,
    whether it is an answer (after a question, before the next); None unless the page is an
    interview in question-and-answer form."""
    questions = [is_question(block) for block in blocks]
    exchanges = sum(1 for k in range(len(blocks) - 1) if questions[k] and not questions[k + 1])
    if exchanges < MIN_EXCHANGES:
        return None
    first = questions.index(True)
    answers, asked = [], False
    for k in range(len(blocks)):
        asked = questions[k] or (asked and k > first)
        answers.append(asked and not questions[k])
    return first, answers


def _byline(sentence: str) -> bool:
    """A byline or dateline ("8 грудня 2026, 09:30 · Олена Гнатюк", "By Mark Delaney | …"):
    the interviewer, not the person interviewed."""
    return "·" in sentence or "|" in sentence or bool(BYLINE_RE.match(sentence))


def _full_names(sentence: str) -> list[tuple[str, str]]:
    """(name, kind) of the people a sentence names in full: two words or more, each a
    capitalised word (no abbreviation: "Чернігівської ОВА" is a body)."""
    found = []
    for person in people_mentioned(sentence):
        words = person.name.split()
        if person.kind not in ("m", "f", "x") or len(words) < 2:
            continue
        if all(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in words):
            found.append((" ".join(words[-2:]), person.kind))
    return found


def interviewee(intro: Sequence[str], text: str = "") -> str | None:
    """The person the introduction (title, standfirst, lede; not the byline) names in full:
    one man or woman the name lists know, else one person of unknown sex; None when none or
    several. Spelled as the text spells them shortest ("Ігор Коваленко", in a photo caption,
    over "Ігорем Коваленком" in the standfirst's instrumental case)."""
    named = [found for s in intro if not _byline(s) for found in _full_names(s)]
    for kinds in (("m", "f"), ("x",)):
        surnames = {name.split()[-1][:NAME_PREFIX].lower(): name for name, k in named if k in kinds}
        if len(surnames) == 1:
            (name,) = surnames.values()
            return _shortest_spelling(name, text)
        if len(surnames) > 1:
            return None
    return None


def _shortest_spelling(name: str, text: str) -> str:
    """The shortest form of a full name in the text: the same first letters of each word."""
    first, last = name.split()[-2:]
    pattern = re.compile(
        rf"\b{re.escape(first[:3])}\w*\s+{re.escape(last[:NAME_PREFIX])}\w*", re.IGNORECASE
    )
    forms = [m.group() for m in pattern.finditer(text) if m.group()[:1].isupper()]
    return min(forms, key=len) if forms else name
