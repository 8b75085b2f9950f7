"""Quotation marks in a sentence: which words are what was said, and which are a name in
guillemets ("сообщили в «Газпроме»") that only looks like a quotation."""

from __future__ import annotations

import re

from bot.extraction.mentions import NAME_QUOTE_RE

QUOTE_OPEN, QUOTE_CLOSE = "“«„", "”»"


def name_quotes(sentence: str) -> set[int]:
    """Offsets of guillemets around a name after a word ("сообщили в «Газпроме»"), which do not
    open a quotation; a speech quote ("«Ні», — сказав він") opens a sentence or a colon's clause."""
    marks: set[int] = set()
    for match in NAME_QUOTE_RE.finditer(sentence):
        before = sentence[: match.start()].rstrip()[-1:]
        after = sentence[match.end() :].lstrip()[:1]
        if before.isalpha() and after not in ("—", "–"):
            marks |= {match.start(), match.end() - 1}
    return marks


def quote_mask(sentence: str) -> list[bool]:
    """For each character, whether it lies inside quotation marks (unbalanced ones included)."""
    inside = [False] * len(sentence)
    names = name_quotes(sentence)
    marks = [
        (i, ch)
        for i, ch in enumerate(sentence)
        if ch in QUOTE_OPEN + QUOTE_CLOSE + '"' and i not in names
    ]
    state, start = False, 0
    if marks and (marks[0][1] in QUOTE_CLOSE):
        state = True  # the quotation began in an earlier sentence
    for i, ch in marks:
        opening = ch in QUOTE_OPEN or (ch == '"' and not state)
        if opening and not state:
            state, start = True, i + 1
        elif state and not opening:
            inside[start:i] = [True] * (i - start)
            state = False
    if state:
        inside[start:] = [True] * (len(sentence) - start)
    return inside


def quoted_parts(sentence: str, mask: list[bool]) -> str | None:
    """The quoted words of a sentence when they are most of it, else None."""
    letters = [i for i, ch in enumerate(sentence) if ch.isalnum()]
    if not letters or sum(mask[i] for i in letters) < 0.5 * len(letters):
        return None
    parts = re.findall(
        r"[^\x00]+", "".join(ch if mask[i] else "\x00" for i, ch in enumerate(sentence))
    )
    parts = [p.strip(" ,") for p in parts if p.strip(" ,")]
    return " ".join(parts) if parts else None
