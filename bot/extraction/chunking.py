"""Split a long article into pieces that fit a model's token budget, and merge their claims.

Chunks are spans of the original text, cut at paragraph breaks where possible, then at sentence
ends, and only as a last resort at a space, so every claim keeps its context and every offset
still points into the article the user sent.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.extraction.base import ExtractedClaim

# No tokenizer: tiktoken downloads its BPE files at run time. Four characters a token is close
# enough for English and errs on the safe side for most other languages written in Latin script.
CHARS_PER_TOKEN = 4

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")


@dataclass(frozen=True)
class Chunk:
    """A span of the article: ``text == article[start:end]``."""

    start: int
    end: int
    text: str


def estimate_tokens(text: str) -> int:
    """Estimate how many tokens ``text`` costs (about four characters a token)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def split_into_chunks(text: str, *, chunk_tokens: int) -> list[Chunk]:
    """Cut ``text`` into chunks of at most ``chunk_tokens`` estimated tokens each."""
    limit = max(1, chunk_tokens) * CHARS_PER_TOKEN
    pieces = _pieces(text, 0, len(text), limit)
    chunks: list[Chunk] = []
    start: int | None = None
    end = 0
    for piece_start, piece_end in pieces:
        if start is not None and piece_end - start > limit:
            chunks.append(Chunk(start, end, text[start:end]))
            start = None
        if start is None:
            start = piece_start
        end = piece_end
    if start is not None:
        chunks.append(Chunk(start, end, text[start:end]))
    return chunks


def _pieces(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Return paragraph spans no longer than ``limit``, splitting the long ones further."""
    spans: list[tuple[int, int]] = []
    for para_start, para_end in _spans_between(text, start, end, _PARAGRAPH_BREAK):
        if para_end - para_start <= limit:
            spans.append((para_start, para_end))
            continue
        for sent_start, sent_end in _spans_between(text, para_start, para_end, _SENTENCE_END):
            if sent_end - sent_start <= limit:
                spans.append((sent_start, sent_end))
            else:
                spans.extend(_hard_split(text, sent_start, sent_end, limit))
    return spans


def _spans_between(
    text: str, start: int, end: int, separator: re.Pattern[str]
) -> list[tuple[int, int]]:
    """Spans of non-blank text in ``text[start:end]`` between matches of ``separator``."""
    spans = []
    cursor = start
    for match in separator.finditer(text, start, end):
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [_strip_span(text, s, e) for s, e in spans if text[s:e].strip()]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _hard_split(text: str, start: int, end: int, limit: int) -> list[tuple[int, int]]:
    """Cut an over-long sentence at the last space before each ``limit``-sized step."""
    spans = []
    while end - start > limit:
        cut = text.rfind(" ", start + 1, start + limit)
        if cut <= start:
            cut = start + limit
        spans.append(_strip_span(text, start, cut))
        start = cut
    spans.append(_strip_span(text, start, end))
    return [(s, e) for s, e in spans if e > s]


def merge_claims(claims: list[ExtractedClaim], max_claims: int) -> list[ExtractedClaim]:
    """De-duplicate claims from several chunks, best first, at most ``max_claims``."""
    ranked = sorted(claims, key=lambda c: (-c.score, c.start))
    kept: list[ExtractedClaim] = []
    for claim in ranked:
        if not any(_same_claim(claim, other) for other in kept):
            kept.append(claim)
    return kept[:max_claims]


def _same_claim(a: ExtractedClaim, b: ExtractedClaim) -> bool:
    """Same claim: equal texts once normalised, or quotes that mostly overlap."""
    if _normalised(a.text) == _normalised(b.text):
        return True
    overlap = min(a.end, b.end) - max(a.start, b.start)
    shorter = min(a.end - a.start, b.end - b.start)
    return shorter > 0 and overlap / shorter > 0.8


def _normalised(text: str) -> str:
    """Lower-case letters and digits only, for comparing claim texts."""
    return re.sub(r"\W+", " ", text.casefold()).strip()
