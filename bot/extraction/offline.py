"""The offline claim extractor: no network, no key, deterministic and fast.

Pipeline: keep the article body (``cleaning``), split it into sentences (``sentences``), score each
for check-worthiness (``scorer``), attribute it and make it self-contained (``attribution``), drop
near-duplicates and return the best ``max_claims``. Quotes and offsets refer to the text passed in.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass

from bot.extraction.attribution import (
    SpeakerContext,
    attribute_paragraph,
    is_attribution_only,
    said_text,
)
from bot.extraction.base import ExtractedClaim, ExtractionResult
from bot.extraction.cleaning import (
    LINK_RE,
    clean_article,
    is_boilerplate,
    is_decoration,
    kept_blocks,
    trim_span,
)
from bot.extraction.events import event_floor
from bot.extraction.interview import answer_blocks, interviewee
from bot.extraction.junk import is_junk
from bot.extraction.lexicon import COMMAND_START
from bot.extraction.ranking import rank_candidates
from bot.extraction.scorer import (
    CHECKWORTHY_THRESHOLD,
    is_checkworthy,
    score_lines,
    score_sentence,
)
from bot.extraction.scoring import OfflineScorer, SentenceScorer
from bot.extraction.sentences import split_sentences
from bot.extraction.validate import clause_spans, validate_claim

__all__ = [
    "CHECKWORTHY_THRESHOLD",
    "OfflineExtractor",
    "clean_article",
    "extract_claims",
    "is_checkworthy",
    "score_lines",
    "score_sentence",
]

MIN_WORDS = 4
COMMANDS = frozenset(COMMAND_START)
DEFAULT_SCORER: SentenceScorer = OfflineScorer()


@dataclass
class Candidate:
    """A sentence of the article body with its score and attribution."""

    start: int
    end: int
    sentence: str
    score: float
    claim: str = ""
    claimant: str | None = None
    quoted: str | None = None
    antecedent: str | None = None
    speakers: tuple[str, ...] = ()


def readable(span_text: str) -> str:
    """The words of a span without emoji or links, on one line; "#aufschrei" and "60°C" stay."""
    text = LINK_RE.sub(" ", span_text)
    text = "".join(" " if is_decoration(ch) else ch for ch in text)
    return " ".join(text.split())


def _is_command(sentence: str) -> bool:
    """A call to action: starts with an imperative ("Subscribe", "Підписуйтесь", "Mark ...")."""
    first = re.match(r"\W*(\w+(?:'\w+)?)", sentence)
    if not first:
        return False
    word = first.group(1).lower()
    return word in COMMANDS or word.endswith(("йтесь", "йтеся", "итесь", "ітесь", "итеся"))


def _is_candidate(sentence: str) -> bool:
    """Whether a sentence could be a claim at all: long enough, not a question, not furniture."""
    if len(re.findall(r"\w+", sentence)) < MIN_WORDS or _is_command(sentence):
        return False
    if sentence.rstrip('”"»)’ ').endswith("?") or is_attribution_only(sentence):
        return False
    return not is_boilerplate(sentence) and not is_junk(sentence)


def _document_sentences(text: str) -> list[Candidate]:
    """Every sentence of the article body, attributed in reading order.

    A sentence longer than a card holds is split at clause boundaries, never cut.
    """
    context = SpeakerContext()
    found: list[Candidate] = []
    blocks = []
    for start, end in kept_blocks(text):
        spans = [trim_span(text, a, b) for a, b in split_sentences(text, start, end)]
        spans = [part for a, b in spans if a < b for part in clause_spans(text, a, b)]
        spans = [trim_span(text, a, b) for a, b in spans]
        spans = [(a, b) for a, b in spans if a < b]
        blocks.append((spans, [readable(text[a:b]) for a, b in spans]))
    interview = answer_blocks([sentences for _, sentences in blocks])
    speaker = None
    if interview:
        speaker = interviewee([s for _, block in blocks[: interview[0]] for s in block], text)
        context.interviewee = speaker
    for k, (spans, sentences) in enumerate(blocks):
        attributed = attribute_paragraph(sentences, context)
        for (a, b), sentence, who in zip(spans, sentences, attributed, strict=True):
            candidate = Candidate(a, b, sentence, 0.0, who.claim, who.claimant, who.quoted)
            candidate.antecedent, candidate.speakers = who.antecedent, who.speakers
            if speaker and interview and interview[1][k] and not who.claimant:
                _credit_answer(candidate, speaker)
            found.append(candidate)
    return found


def _credit_answer(candidate: Candidate, speaker: str) -> None:
    """An interview's answer, credited to the interviewee: "Iryna Vakulenko said: “Last year
    we cleared 1,240 hectares…”" (the words as said, without the dialogue dash)."""
    said = candidate.sentence.lstrip("—–-− ").strip()
    if not said:
        return
    candidate.claimant, candidate.quoted = speaker, said
    candidate.claim, candidate.antecedent = said_text(said, speaker), None


def attribute_article(text: str) -> list[Candidate]:
    """The offline analysis of an article's sentences, for validating another extractor's claims."""
    return _document_sentences(text)


def _score_all(candidates: list[Candidate], scorer: SentenceScorer) -> None:
    """Check-worthiness, in one batch; a quotation is judged half on what was said, half as
    reported ("X said" lifts any quote; the quoted words alone are what a checker verifies)."""
    texts = [c.sentence for c in candidates]
    quoted = [i for i, c in enumerate(candidates) if c.quoted and c.quoted != c.sentence]
    scores = scorer.score_many(texts + [candidates[i].quoted or "" for i in quoted])
    for candidate, score in zip(candidates, scores[: len(texts)], strict=True):
        candidate.score = score
    for i, score in zip(quoted, scores[len(texts) :], strict=True):
        candidates[i].score = (candidates[i].score + score) / 2
    for candidate in candidates:  # what spreads: someone named did something (events.py)
        candidate.score = event_floor(candidate.sentence, candidate.score)


def _scored_candidates(text: str, scorer: SentenceScorer | None = None) -> list[Candidate]:
    """Sentences that may be claims, scored; "Про це заявив X" credits the sentence before."""
    sentences = _document_sentences(text)
    for previous, current in itertools.pairwise(sentences):
        if current.claimant and not previous.claimant and is_attribution_only(current.sentence):
            previous.claimant = current.claimant
    candidates = [c for c in sentences if _is_candidate(c.sentence)]
    _score_all(candidates, scorer or DEFAULT_SCORER)
    return candidates


def extract_claims(
    text: str,
    *,
    max_claims: int = 10,
    headline: str | None = None,
    scorer: SentenceScorer | None = None,
) -> list[ExtractedClaim]:
    """The check-worthy claims of an article, headline claim first, at most ``max_claims``.

    ``headline`` is the page title when the text does not start with it (a fetched page);
    ``scorer`` the check-worthiness scorer (``CLAIM_SCORER``; the offline model by default).
    """
    candidates = [c for c in _scored_candidates(text, scorer) if is_checkworthy(c.score)]
    claims: list[ExtractedClaim] = []
    for candidate in rank_candidates(text, candidates, max_claims, headline=headline):
        claim = ExtractedClaim(
            text=candidate.claim,
            quote=text[candidate.start : candidate.end],
            claimant=candidate.claimant,
            score=round(candidate.score, 4),
            start=candidate.start,
            end=candidate.end,
        )
        # The claimant came from an attribution construction; the text is checked all the same.
        claims.append(validate_claim(claim, antecedent=candidate.antecedent))
    return claims


class OfflineExtractor:
    """Extractor backend that runs locally, without network or key."""

    name = "offline"

    def __init__(self, scorer: SentenceScorer | None = None) -> None:
        self.scorer = scorer or DEFAULT_SCORER

    async def extract(
        self, text: str, *, max_claims: int, headline: str | None = None
    ) -> ExtractionResult:
        """Extract claims in a worker thread so the event loop stays free."""
        claims = await asyncio.to_thread(
            extract_claims, text, max_claims=max_claims, headline=headline, scorer=self.scorer
        )
        return ExtractionResult(claims=claims, extractor=self.name)
