"""Claims that say what the article says: the checks every extractor's output goes through.

A claim's ``text`` may differ from its ``quote`` only by checked transformations: an attribution
("According to X, …", "X said: “…”") with a claimant the article supports, a leading pronoun
replaced by its one antecedent, a dangling "But"/"However" dropped, quotation marks and the
"he said" tail removed. Every number, name and content word of the text must come from the quote,
the claimant or the antecedent; negations must survive; a pronoun must not become a noun phrase of
its own sentence; nothing ends in "…" unless the quote does. A claim that fails gets its quote,
verbatim. A claimant no attribution construction near the quote supports is dropped, and so is
a model's claim whose quote the junk filter refuses.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Protocol

from bot.extraction.base import ExtractedClaim
from bot.extraction.junk import is_junk
from bot.extraction.speaker_words import NEGATIONS
from bot.extraction.speakers import find_claimant

MAX_CLAIM_CHARS = 600  # a card has room for this much claim; longer sentences are split
WORD_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’-][^\W\d_]+)*")
# Words an attribution or a rewrite may add without taking them from the article.
TEMPLATE = frozenset("according to said the a an за словами".split())
# Grammar words a rephrasing may bring in; none of them carries a fact (negations are counted).
FUNCTION_WORDS = frozenset(
    """
    a an the of to in on at by for with from as is are was were be been being has have had that
    this these those it its and or than then there their his her they he she which who whom
    into onto over under about after before since until during per also
    в у на з із до від по за про для що і й та а це є був була було були его її їх
    и что это от для о об с со к как был была было были
    """.split()
)
PRONOUNS = frozenset(
    "he she it they him her his its their them він вона воно вони його її їх він он она оно они"
    " его ее её их".split()
)
CONNECTIVE_GLITCH_RE = re.compile(r"[,:]\s+[“«]?(?:But|And|However|Але|Однак|Но|Однако)\b")
CLAUSE_RE = re.compile(r";\s+|,\s+(?:and|but|while|whereas|а|але|і|но|и|однак|однако)\s+")
ELLIPSIS = ("…", "...")
MIN_CLAUSE_CHARS = 80


class SentenceFacts(Protocol):
    """What the offline analysis knows about one sentence of the article."""

    start: int
    end: int
    claimant: str | None
    antecedent: str | None
    speakers: tuple[str, ...]


def verbatim(quote: str) -> str:
    """The quote as a claim text: the same words, whitespace normalised."""
    return " ".join(quote.split())


def _words(text: str | None) -> list[str]:
    return [w.lower().replace(",", "") for w in WORD_RE.findall(text or "")]


def _inflection_of(word: str, source: set[str]) -> bool:
    """A content word the text inflects differently ("received" for "receive")."""
    if len(word) < 5 or word[0].isdigit():
        return False
    stem = word[: max(4, len(word) - 3)]
    return any(s.startswith(stem) and abs(len(s) - len(word)) <= 3 for s in source)


def is_faithful(
    text: str,
    quote: str,
    claimant: str | None,
    antecedent: str | None,
    *,
    sentence: str | None = None,
) -> bool:
    """Whether ``text`` says what ``quote`` says, given the claimant and the resolved pronoun.

    ``sentence`` is the whole sentence when the quote is a fragment of it (a model's quote):
    its words may complete the fragment, but nothing else may.
    """
    text, quote = verbatim(text), verbatim(quote)
    if text == quote:
        return True
    if text.endswith(ELLIPSIS) and not quote.rstrip("”»\"').").endswith(ELLIPSIS):
        return False  # cut: the claim lost its ending
    if CONNECTIVE_GLITCH_RE.search(text) and not CONNECTIVE_GLITCH_RE.search(quote):
        return False  # "According to X, But in the other 75 percent …"
    quote_words, text_words = _words(quote), _words(text)
    extra = set(_words(claimant)) | set(_words(antecedent)) | set(_words(sentence))
    source = set(quote_words) | extra
    for word, raw in zip(text_words, WORD_RE.findall(text), strict=True):
        if word in source or word in TEMPLATE or word in FUNCTION_WORDS:
            continue
        if raw[:1].isupper() or word[0].isdigit() or not _inflection_of(word, source):
            return False  # a name, a number or a word the article did not give
    if sum(w in NEGATIONS for w in text_words) != sum(w in NEGATIONS for w in quote_words):
        if sentence is None or not _negations_match(text_words, _words(sentence)):
            return False
    return _pronouns_resolved_honestly(quote_words, text_words, antecedent)


def _negations_match(text_words: list[str], sentence_words: list[str]) -> bool:
    """A text completed from its sentence keeps no more and no fewer negations than it."""
    return sum(w in NEGATIONS for w in text_words) == sum(w in NEGATIONS for w in sentence_words)


def _pronouns_resolved_honestly(
    quote_words: list[str], text_words: list[str], antecedent: str | None
) -> bool:
    """A pronoun may become its antecedent, never a noun phrase of the same sentence."""
    wanted = _words(antecedent)
    matcher = difflib.SequenceMatcher(None, quote_words, text_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "replace" or not any(w in PRONOUNS for w in quote_words[i1:i2]):
            continue
        added = [w for w in text_words[j1:j2] if w not in TEMPLATE]
        if not wanted or not set(added) <= set(wanted):
            return False
        if " ".join(wanted) in " ".join(quote_words):
            return False  # "She is married to … Christian Ponder" → "Christian Ponder is …"
    return True


def validate_claim(
    claim: ExtractedClaim,
    *,
    antecedent: str | None = None,
    claimant_supported: bool = True,
    sentence: str | None = None,
) -> ExtractedClaim:
    """The claim if its text is faithful to its quote, else the claim with its quote as text."""
    claimant = claim.claimant if claimant_supported else None
    text = claim.text
    if not is_faithful(text, claim.quote, claimant, antecedent, sentence=sentence):
        text = verbatim(claim.quote)
    if text == claim.text and claimant == claim.claimant:
        return claim
    return claim.model_copy(update={"text": text, "claimant": claimant})


def same_speaker(a: str, b: str) -> bool:
    """Whether two phrases name the same speaker ("Kirby", "John Kirby", "the ministry")."""
    a_words = [w for w in _words(a) if w not in ("the", "a", "an")]
    b_words = [w for w in _words(b) if w not in ("the", "a", "an")]
    if not a_words or not b_words:
        return False
    if " ".join(a_words) in " ".join(b_words) or " ".join(b_words) in " ".join(a_words):
        return True
    return a_words[-1] == b_words[-1] and len(a_words[-1]) > 2


def validate_claims(
    claims: Sequence[ExtractedClaim], article: str, sentences: Sequence[SentenceFacts]
) -> list[ExtractedClaim]:
    """Validate another extractor's claims against the offline analysis of the same article.

    A claim whose quote is junk (code, a reference, an update note, a call to action …) is
    dropped: a model is no better than the offline extractor at telling page furniture from news.
    """
    checked = []
    for claim in claims:
        if is_junk(claim.quote):
            continue
        at = [k for k, s in enumerate(sentences) if s.start < claim.end and s.end > claim.start]
        near = sentences[max(at[0] - 1, 0) : at[-1] + 2] if at else []
        known = [s.claimant for s in near if s.claimant]
        known += [p for s in near for p in s.speakers]
        known += list(find_claimant(article[claim.start : claim.end]).phrases)
        supported = claim.claimant is None or any(same_speaker(claim.claimant, k) for k in known)
        first = sentences[at[0]] if at else None
        antecedent = first.antecedent if first is not None and first.start == claim.start else None
        whole = article[sentences[at[0]].start : sentences[at[-1]].end] if at else None
        checked.append(
            validate_claim(
                claim, antecedent=antecedent, claimant_supported=supported, sentence=whole
            )
        )
    return checked


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence as one span, or, when longer than a card holds, split at clause boundaries."""
    if end - start <= MAX_CLAIM_CHARS:
        return [(start, end)]
    middle = (start + end) // 2
    cuts = [
        m
        for m in CLAUSE_RE.finditer(text, start, end)
        if m.start() - start >= MIN_CLAUSE_CHARS and end - m.end() >= MIN_CLAUSE_CHARS
    ]
    if not cuts:
        return [(start, end)]  # no clause boundary: the whole sentence beats a cut one
    cut = min(cuts, key=lambda m: abs(m.start() - middle))
    head_end = cut.start()
    while head_end > start and text[head_end - 1] in " ,;":
        head_end -= 1
    return clause_spans(text, start, head_end) + clause_spans(text, cut.end(), end)
