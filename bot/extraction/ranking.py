"""Order an article's check-worthy sentences the way a fact-checking desk would.

Check-worthiness says whether a sentence could be checked; it does not say what the article is
about. A desk reads the headline and the lede first, then the statements that support them, the
officials' attributed words and the figures; it skips worries, intentions and forecasts (nothing
to check yet) and sentences that only make sense with the one before. This module turns those
habits into a rank score and picks the best claims, one of each near-duplicate group.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.extraction.cleaning import OUR_VIEW

DUPLICATE_OVERLAP = 0.8
# A headline line is dropped when a body sentence carries this share of its words: the body says
# it in full, usually with who said it ("Russia launched 31 drones …, the air force said").
RESTATED_HEADLINE = 0.6
RESTATED_BY_LEDE = 0.5
HEADLINE_MAX_WORDS = 30
STEM = 5  # words are compared on their first letters ("дрони"/"дронів"), or as prefixes

# How much each signal moves the rank; check-worthiness itself counts half (see rank_score).
HEADLINE_WEIGHT = 0.45
LEAD_WEIGHT = 0.25
SPEAKER_WEIGHT = 0.12
FIGURE_WEIGHT = 0.05
SPECULATION_PENALTY = 0.3
DEPENDENT_PENALTY = 0.25
BACKGROUND_PENALTY = 0.15
NON_EVENT_PENALTY = 0.2
AUTHOR_PENALTY = 0.3
# Below this a check-worthy sentence is not worth a card: an author's aside, a bare worry.
RANK_FLOOR = 0.3

WORD_RE = re.compile(r"\w+")
FIGURE_RE = re.compile(r"\d")
YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")

STOPWORDS = frozenset(
    """
    the and that this with from have has had been were was are for not but its their they them
    his her she him who whom which what when where will would could should about into over after
    before than then there these those also said says told more most some such only other very
    just being does did doing your our out off per
    та що які який яка яке цей ця це ці від для про при після перед його її їх він вона вони
    був була були було буде також сказав заявив зазначив щодо якщо але або ще вже
    что как это этот эта эти для при после перед его ее её их был была были было будет также
    сказал заявил отметил если или уже еще ещё
    """.split()
)

# Worries, intentions and forecasts: nothing has happened that a checker could verify yet.
SPECULATION_RE = re.compile(
    r"\b(?:(?:is|are|was|were|remains?|became|be)\s+(?:deeply\s+|very\s+|increasingly\s+)?"
    r"(?:concerned|worried|alarmed|afraid)|(?:voiced|expressed|raised)\s+(?:\w+\s+)?concerns?"
    r"|fears?\s+that|may\s+(?:attempt|try|seek|want|decide|be|have|soon)|might|could\s+(?!not\b)"
    r"|will\s+(?:likely|probably|possibly)"
    r"|(?:is|are|was|were)\s+(?:likely|expected|set|poised|forecast)\s+to"
    r"|forecasters?\s+(?:expect|predict|warn)\w*"
    r"|(?:expects?|forecasts?|projects?|predicts?)\s+(?:[\w'’-]+\s+){1,8}?to\s+(?:be|fall|rise"
    r"|reach|grow|drop|increase|decrease|decline|remain|return|exceed|hit|top|cost|double)\b"
    r"|plans?\s+to|planning\s+to|intends?\s+to|aims?\s+to|hopes?\s+to|threatens?\s+to"
    r"|urge[sd]?\s+(?:[\w'’-]+\s+){1,6}?to\b|call(?:s|ed)?\s+on\s+(?:[\w'’-]+\s+){1,6}?to\b"
    r"|заклика(?:є|ють|в|ла|ли)\b|призыва(?:ет|ют|л|ла|ли)\b"
    r"|висловив\w*\s+стурбован\w*|стурбован\w*|занепокоєн\w*|може\b|можуть\b|ймовірно"
    r"|планує\w*|планують|має\s+намір|мають\s+намір|збирає\w*|очікує\w*"
    r"|обеспокоен\w*|выразил\w*\s+обеспокоенн\w*|может\b|могут\b|вероятно|планиру\w*"
    r"|намерен\w*|собирает\w*|ожида\w*)",
    re.IGNORECASE,
)
# A fact stated before the forecast ("has received dozens of UAVs so far and will likely ...")
# keeps half the penalty: there is something to check.
DONE_BEFORE_RE = re.compile(r"\b(?:has|have|had)\s+(?:\w+ly\s+)?\w+(?:ed|en|wn|t)\b", re.IGNORECASE)
# What did not happen or is not known yet: the reporter's note, not a claim.
NON_EVENT_RE = re.compile(
    r"\b(?:no immediate|not immediately|did not (?:provide|respond|comment|return|say)"
    r"|declined to (?:comment|say)|(?:has|have) not (?:issued|commented|responded|said)"
    r"|could not be reached|were not immediately|не відповіл\w*|не прокоментува\w*"
    r"|не ответил\w*|не прокомментировал\w*|отказал\w* от комментариев)",
    re.IGNORECASE,
)
# Hearsay from nobody in particular: "Half of them say …", "Some claim …", "Others insist …" —
# what the text reports people believe, not a fact it states or attributes.
VAGUE_SOURCE_RE = re.compile(
    r"^(?:the\s+other\s+|a\s+)?(?:half|some|many|most|others|a\s+few|several|critics|people)"
    r"(?:\s+of\s+(?:them|us|those|these|the\s+\w+|people))?(?:\s+\w+ly)?"
    r"\s+(?:say|said|claim|claimed|believe|believed|think|thought|argue|argued|insist|insisted"
    r"|write|wrote|suggest|suggested)\b"
    r"|^(?:дехто|деякі|багато\s+хто|інші|некоторые|многие|кое-кто|другие)\s+(?:\w+\s+)?"
    r"(?:кажуть|вважають|стверджують|пишуть|говорят|считают|утверждают|пишут)\b",
    re.IGNORECASE,
)
VAGUE_SOURCE_PENALTY = 0.3
# A quotation with no figure that gives a view ("“We are buying at a scale that was
# unthinkable,” he said"): how a speaker sees things more often than a fact to check. It goes
# after the facts but is not dropped for it: the penalty orders, it does not count against
# RANK_FLOOR.
QUOTE_OPENING_RE = re.compile(r"^\W*[“\"«„]")
# … in the speaker's own person, or judging ("This is a deliberate attempt", "… – це збережені
# життя"): the quotation that is a view, not a report ("“Iranian military personnel were on the
# ground in Crimea,” he added" reports).
VIEW_RE = re.compile(
    r"\b(?:I|we|We|our|Our|my|My|us|я|ми|мы|нас|нам|наш\w*|Я|Ми|Мы|Наш\w*)\b"
    r"|^\W*(?:this|it|that|це|это)\s+(?:is|was|'s|’s|є|есть)\b|\s[–—]\s+(?:це|это)\b",
    re.IGNORECASE,
)
BARE_QUOTE_PENALTY = 0.15
# The author speaking ("I have lived here twenty years"): an aside, unless someone is quoted.
# (a view labelled with a colon, "Наша думка: …", is furniture already: cleaning.OUR_TAKE_RE)
AUTHOR_VOICE_RE = re.compile(rf"^(?:[^,]{{1,30}}, )?(?:I|We|Я|Ми|Мы)\b|^(?i:{OUR_VIEW})\b")
# "May" with a capital in mid-sentence is the month; the regex above must not see it.
MONTH_MAY_RE = re.compile(r"(?<=\w )May\b")

# An opening that only makes sense with the sentence before: "It means that ...", "This is ...".
DEPENDENT_START_RE = re.compile(
    r"^(?:According to [^,]+, |[^,]{1,30}, )?"
    r"(?:it|this|that|these|those|they|he|she|such|це|воно|вони|він|вона|это|они|он|она)\b"
    r"(?!\s+(?:is|was)\s+(?:the|a)\s+first)",
    re.IGNORECASE,
)


class Rankable(Protocol):
    """What ranking needs of a candidate sentence."""

    start: int
    sentence: str
    claim: str
    claimant: str | None
    score: float


C = TypeVar("C", bound=Rankable)


@dataclass(frozen=True)
class ArticleFrame:
    """What a desk knows about an article before reading on: its headline and its lede."""

    headline: frozenset[str]
    headline_end: int  # where the headline line ends in the text; 0 when it is not in the text
    lead_end: int
    length: int
    main_speaker: str | None
    latest_year: int


def stems(text: str) -> frozenset[str]:
    """Content-word stems of a text (stopwords and words under four letters left out)."""
    words = (w.lower() for w in WORD_RE.findall(text))
    return frozenset(w[:STEM] for w in words if len(w) > 3 and w not in STOPWORDS)


def headline_overlap(words: frozenset[str], headline: frozenset[str]) -> int:
    """How many headline stems the sentence shares ("Iran" matches "Iranian": one is a prefix)."""
    return sum(any(w.startswith(h) or h.startswith(w) for w in words) for h in headline)


def headline_of(text: str) -> str:
    """The article's first line, or its first sentence when the first line is a paragraph."""
    return _headline_line(text)[0]


def _headline_line(text: str) -> tuple[str, int]:
    """The headline and where its title line ends (0 when the first line is a paragraph)."""
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.strip()
        offset += len(raw)
        if len(WORD_RE.findall(line)) >= 3:
            if len(line.split()) <= HEADLINE_MAX_WORDS:
                return line, offset
            first = re.split(r"(?<=[.!?])\s+", line, maxsplit=1)[0]
            return " ".join(first.split()[:HEADLINE_MAX_WORDS]), 0
    return "", 0


def frame_article(
    text: str, candidates: Sequence[Rankable], headline: str | None = None
) -> ArticleFrame:
    """Headline words, the end of the lede (the first two candidate sentences) and main speaker.

    Without a ``headline`` (a fetched page's title), the text's first line stands for it.
    """
    ordered = sorted(candidates, key=lambda c: c.start)
    lead_end = ordered[min(1, len(ordered) - 1)].start if ordered else 0
    speakers = Counter(_surname(c.claimant) for c in ordered if c.claimant)
    main = speakers.most_common(1)[0][0] if speakers else None
    latest = max((int(y) for y in YEAR_RE.findall(text)), default=0)
    first_line, first_end = _headline_line(text)
    if headline and stems(headline) != stems(first_line):
        first_end = 0  # the title came apart from the text, which starts with its lede
    title = stems(headline or first_line)
    return ArticleFrame(title, first_end, lead_end, max(len(text), 1), main, latest)


def _surname(claimant: str) -> str:
    """The last word of a claimant, so "John Kirby" and "Kirby" count as one speaker."""
    words = WORD_RE.findall(claimant)
    return words[-1].lower() if words else claimant.lower()


def is_speculation(sentence: str) -> bool:
    """A worry, an intention or a forecast rather than something that happened."""
    return speculation_at(sentence) is not None


def speculation_at(sentence: str) -> int | None:
    """Where a worry, intention or forecast is expressed in the sentence, if anywhere."""
    match = SPECULATION_RE.search(MONTH_MAY_RE.sub("Mayday", sentence))
    return match.start() if match else None


def speculation_penalty(sentence: str) -> float:
    """The full penalty for a forecast, half when a completed fact comes before it."""
    at = speculation_at(sentence)
    if at is None:
        return 0.0
    done = DONE_BEFORE_RE.search(sentence, 0, at)
    return SPECULATION_PENALTY / 2 if done else SPECULATION_PENALTY


def is_dependent(candidate: Rankable) -> bool:
    """A claim that leans on the sentence before: a leading "It", "This", "They" left unresolved."""
    return bool(DEPENDENT_START_RE.match(candidate.claim or candidate.sentence))


def is_background(sentence: str, latest_year: int) -> bool:
    """History rather than news: every year the sentence names is before the article's latest."""
    years = [int(y) for y in YEAR_RE.findall(sentence)]
    return bool(years) and max(years) < latest_year


def is_headline(candidate: Rankable, frame: ArticleFrame) -> bool:
    """Whether the candidate is the headline line itself."""
    return candidate.start < frame.headline_end


def _restated(candidates: Sequence[Rankable], frame: ArticleFrame) -> bool:
    """Whether the body says most of what the headline says: one sentence most of its words, or
    the lede (the first two sentences after it) half of them — "Guided bomb strike on Kharkiv
    apartment block kills 9, injures 43" is told in full, with who says so, by the lede."""
    if not frame.headline:
        return False
    body = [c for c in candidates if not is_headline(c, frame)]
    need = RESTATED_HEADLINE * len(frame.headline)
    if any(headline_overlap(stems(c.sentence), frame.headline) >= need for c in body):
        return True
    if not frame.headline_end:
        return False
    lede = frozenset().union(*(stems(c.sentence) for c in body[:2]))
    return headline_overlap(lede, frame.headline) >= RESTATED_BY_LEDE * len(frame.headline)


def rank_score(candidate: Rankable, frame: ArticleFrame) -> float:
    """How early a desk would want to see a check-worthy sentence (higher is earlier)."""
    words = stems(candidate.sentence)
    rank = candidate.score / 2
    if frame.headline and words:
        shared = headline_overlap(words, frame.headline)
        rank += HEADLINE_WEIGHT * shared / min(len(frame.headline), len(words), 6)
    if candidate.start <= frame.lead_end:
        rank += LEAD_WEIGHT
    else:
        rank += LEAD_WEIGHT * 0.6 * (1 - candidate.start / frame.length)
    if candidate.claimant:
        main = frame.main_speaker and _surname(candidate.claimant) == frame.main_speaker
        rank += SPEAKER_WEIGHT if main else SPEAKER_WEIGHT / 2
    if FIGURE_RE.search(candidate.sentence):
        rank += FIGURE_WEIGHT
    rank -= speculation_penalty(candidate.sentence)
    if NON_EVENT_RE.search(candidate.sentence):
        rank -= NON_EVENT_PENALTY
    if not candidate.claimant and AUTHOR_VOICE_RE.match(candidate.sentence):
        rank -= AUTHOR_PENALTY
    if not candidate.claimant and VAGUE_SOURCE_RE.match(candidate.sentence):
        rank -= VAGUE_SOURCE_PENALTY
    if is_dependent(candidate):
        rank -= DEPENDENT_PENALTY
    if is_background(candidate.sentence, frame.latest_year):
        rank -= BACKGROUND_PENALTY
    return rank


def order_penalty(candidate: Rankable) -> float:
    """What moves a claim down the order without taking it out: a quotation with no figure."""
    sentence = candidate.sentence
    bare = QUOTE_OPENING_RE.match(sentence) and not FIGURE_RE.search(sentence)
    return BARE_QUOTE_PENALTY if bare and VIEW_RE.search(sentence) else 0.0


def _word_set(text: str) -> frozenset[str]:
    """Lower-cased words, the basis of near-duplicate detection."""
    return frozenset(WORD_RE.findall(text.lower()))


def _duplicate_of(words: frozenset[str], kept: list[frozenset[str]]) -> int | None:
    """Index of a kept sentence sharing most words with this one (either way), if any."""
    for i, other in enumerate(kept):
        overlap = len(words & other) / max(min(len(words), len(other)), 1)
        if overlap >= DUPLICATE_OVERLAP:
            return i
    return None


def rank_candidates(
    text: str, candidates: Sequence[C], max_claims: int, *, headline: str | None = None
) -> list[C]:
    """The best ``max_claims`` candidates in desk order, one of each group of near-duplicates.

    Of two near-duplicates the attributed one is kept (the body sentence that says who said it
    rather than the headline that paraphrases it), else the earlier-ranked one.
    """
    frame = frame_article(text, candidates, headline)
    if _restated(candidates, frame):
        candidates = [c for c in candidates if not is_headline(c, frame)]
    ranks = {id(c): rank_score(c, frame) for c in candidates}
    ranked = sorted(candidates, key=lambda c: (-ranks[id(c)] + order_penalty(c), c.start))
    kept: list[C] = []
    kept_words: list[frozenset[str]] = []
    for candidate in ranked:
        if len(kept) >= max_claims:
            break
        if ranks[id(candidate)] < RANK_FLOOR:
            continue  # the order is not the rank alone (order_penalty): look on
        words = _word_set(candidate.sentence)
        twin = _duplicate_of(words, kept_words)
        if twin is None:
            kept.append(candidate)
            kept_words.append(words)
        elif candidate.claimant and not kept[twin].claimant:
            kept[twin], kept_words[twin] = candidate, words
    return kept[:max_claims]
