"""Is a candidate the same claim as the query? Scores, vetoes and the calibrated decision.

The score (0..100) is a calibrated probability: a logistic model over the TF-IDF cosine of the
two claims' retrieval terms (IDF from the team's index, so rare words count most), how much of
each claim's weight the other covers, a rapidfuzz token ratio, the content words one claim has
in place of another's, and a figure only one side gives. The guards (numbers, negation,
direction, names: `veto`) then veto whatever the score. The weights and the threshold were
fitted by cross-validation on the dev benchmark (`scripts/eval_matching.py --fit`).

A post of several sentences is also asked whether it is *about* the candidate, which a tweet
usually is rather than a restatement of it: a second logistic model (`about_probability`,
fitted on real tweets against Snopes fact-checks by `scripts/eval_public_retrieval.py
--fit-about`), put on the same scale; the pair keeps the higher score, and the guards still veto.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from rapidfuzz import fuzz, process

from bot.matching.matching import ClaimForm, number_veto, prepare
from bot.matching.text import analyze, clean_post, language_of

DEFAULT_THRESHOLD = 86.5  # calibrated: see docs/matching.md
# Logistic weights of `features`, fitted by `scripts/eval_matching.py --fit` on the dev benchmark.
WEIGHTS = (2.174, 3.756, 1.412, 6.214, 0.018, -1.874)
INTERCEPT = -10.098
TYPO_RATIO = 85.0
SEMANTIC_THRESHOLD = 0.86  # cosine of two embeddings that count as the same claim (model-dependent)
# The second question of the decision: is the candidate the fact-check the post is *about*? A
# tweet seldom restates the claim it spreads ("Here is a homeless, elderly couple from California
# sleeping on concrete…" for "A photo shows an elderly homeless couple…"). Logistic weights of
# `pair_evidence`'s list, fitted by `scripts/eval_public_retrieval.py --fit-about` on tweets
# against Snopes fact-checks (the CLEF 2020 CheckThat! train split) and the dev benchmark; the
# probability at which it calls a match was chosen by cross-validation (see docs/matching.md).
ABOUT_WEIGHTS = (0.112, 7.135, 5.642, 3.687, 2.183, 1.641, 2.886, 3.196, 0.014, 0.874)
ABOUT_INTERCEPT = -16.492
ABOUT_THRESHOLD = 0.95


@dataclass(frozen=True)
class Scored:
    """How alike a query and a candidate are, and the guard that vetoed them (empty if none).

    `score` is what the decision weighs; `meaning` is the embedding cosine on the same scale,
    which orders candidates always but decides only across languages (see `score_pair`).
    """

    score: float
    veto: str = ""
    semantic: float | None = None
    meaning: float | None = None

    def is_match(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        """Whether the pair counts as the same claim at this threshold."""
        return not self.veto and self.score >= threshold

    @property
    def rank(self) -> float:
        """How close the pair is, for ordering candidates (meaning included)."""
        return self.score if self.meaning is None else max(self.score, self.meaning)


@dataclass(frozen=True)
class Prepared:
    """A claim ready for scoring: its retrieval terms, its guard form and its language.

    `parts` are a post's claim-sized spans (`spans`), prepared the same way: the claim a post
    repeats is usually one of them, amid commentary.
    """

    terms: tuple[str, ...]
    form: ClaimForm
    language: str = "en"
    parts: tuple[Prepared, ...] = ()


# Sentences end at a full stop, a line break, or (posts) a run of emoji: "Flu season reminder 😷
# Masks reduce the spread of the flu." holds the claim as a sentence of its own.
_SENTENCE_END = re.compile(
    r"(?<=[.!?…])[\"'»”)]*\s+|\s*\n+\s*"
    r"|\s*[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+\s*"
)
_CLAUSE_END = re.compile(r"\s*(?:[,;:]|\s[—–-])\s+")
CLAUSE_WORDS = 4  # the fewest words a clause must have to be judged on its own


def spans(text: str) -> list[tuple[str, str]]:
    """A post's claim-sized spans, each with the sentence that holds it (whose numbers, negation
    and direction guard it): every sentence, every two neighbouring sentences, and each clause
    of a sentence that has several ("Kherson update: the ministry said 1,200 people were
    evacuated, officials say"). None for a text of one sentence and one clause."""
    sentences = [part for part in _SENTENCE_END.split(text) if len(part.split()) >= 3]
    found = [(a, a) for a in sentences]
    found += [(f"{a} {b}", f"{a} {b}") for a, b in pairwise(sentences)]
    for sentence in sentences:
        pieces = _CLAUSE_END.split(sentence)
        clauses = [c for c in pieces if len(c.split()) >= CLAUSE_WORDS]
        if len(pieces) > 1 and clauses:  # "Kherson update: the ministry said…" keeps its claim
            found += [(clause, _after_lead_in(sentence, clause)) for clause in clauses]
    return found if len(found) > 1 else []


def _after_lead_in(sentence: str, clause: str) -> str:
    """The part of a sentence that guards a clause: all of it, but for a clause after a colon,
    not the lead-in before it ("Can't believe the media buried this: the Pope endorsed Donald
    Trump…" — the lead-in's "can't" is the poster's, not the claim's)."""
    at = sentence.find(clause)
    colon = sentence.rfind(":", 0, at) if at > 0 else -1
    return sentence[colon + 1 :].strip() if colon >= 0 else sentence


@lru_cache(maxsize=16384)
def prepared(text: str) -> Prepared:
    """Terms and guard form of a claim or post (cached: the same claims come back)."""
    cleaned = clean_post(text)
    parts = tuple(
        Prepared(tuple(analyze(span)), _span_form(span, sentence), language_of(span))
        for span, sentence in spans(cleaned)
    )
    return Prepared(tuple(analyze(text)), prepare(cleaned), language_of(cleaned), parts)


def _span_form(span: str, sentence: str) -> ClaimForm:
    """A span's guard form: the negation and direction of the sentence that holds it (a "not"
    in the other clause may still rule it), its own figures ("Inflation reached 11.1 percent in
    October, a 41-year high": the 41 belongs to the aside, not the claim), words and names."""
    form = prepare(sentence)
    if span == sentence:
        return form
    own = prepare(span)
    return replace(form, numbers=own.numbers, tokens=own.tokens, names=own.names)


NAME_PREFIX = 5  # letters two spellings of a name share at least ("Россия", "Россией")


def _present(token: str, other: Sequence[str]) -> bool:
    """Whether a token, or another form of it, is among the other side's tokens."""
    key = token[:NAME_PREFIX]
    return any(t == token or (len(token) >= NAME_PREFIX and t[:NAME_PREFIX] == key) for t in other)


def _acronym(short: frozenset[str], name: frozenset[str]) -> bool:
    """Whether a one-word name is the initials of a longer one ("EU", "European Union")."""
    if len(short) != 1 or len(name) < 2:
        return False
    (word,) = short
    return len(word) == len(name) and sorted(word) == sorted(t[0] for t in name)


def swapped_name(a: ClaimForm, b: ClaimForm) -> bool:
    """Whether two claims say the same but of another place, person or body ("38,000 households
    in Vinnytsia region lost power…" and "… in Zhytomyr region …"): each gives a name the other
    lacks entirely, and everything else either says is in the other. Names in two alphabets
    ("NATO", "НАТО") are not compared."""
    scripts = set()
    for one, other in ((a, b), (b, a)):
        # "Finland's" is a name but no token (the guards' tokens drop possessives)
        known = [*other.tokens, *(t for name in other.names for t in name)]
        missing = [
            name
            for name in one.names
            if not any(_present(t, known) for t in name)
            and not any(_acronym(name, known) or _acronym(known, name) for known in other.names)
        ]
        if not missing:
            return False
        named = set().union(*missing)
        if any(t not in named and not _present(t, other.tokens) for t in one.tokens):
            return False
        scripts.add(frozenset("latin" if "a" <= t[0] <= "z" else "other" for t in named))
    return len(scripts) == 1


def reversed_comparison(a: ClaimForm, b: ClaimForm) -> bool | None:
    """Whether two comparisons of the same things say the other way round: "Wind turbines kill
    more birds than cats do" and "cats kill far more birds than wind turbines do" (True), or
    "Cats kill fewer birds than wind turbines do", the same claim turned round (False); None
    when they do not compare the same things in reverse order."""
    if not (a.compared and b.compared):
        return None
    (a_left, a_right, a_sign), (b_left, b_right, b_sign) = a.compared, b.compared
    if not (a_left & b_right and a_right & b_left):
        return None
    return a_sign == b_sign


def veto(a: ClaimForm, b: ClaimForm) -> str:
    """The guard that rules the pair out: 'numbers', 'negation', 'direction', 'names' or ''."""
    if number_veto(a.numbers, b.numbers):
        return "numbers"
    if swapped_name(a, b):
        return "names"
    if a.negated != b.negated:
        return "negation"
    if reversed_comparison(a, b) is not None:  # a comparison decides its own direction
        return "direction" if reversed_comparison(a, b) else ""
    if a.direction and b.direction and a.direction != b.direction:
        return "direction"
    return ""


def cosine(a: Sequence[str], b: Sequence[str], idf: Callable[[str], float]) -> float:
    """TF-IDF cosine of two term lists (log term frequency, the index's IDF)."""
    if not a or not b:
        return 0.0
    wa = {t: (1 + math.log(n)) * idf(t) for t, n in Counter(a).items()}
    wb = {t: (1 + math.log(n)) * idf(t) for t, n in Counter(b).items()}
    dot = sum(w * wb[t] for t, w in wa.items() if t in wb)
    na = math.sqrt(sum(w * w for w in wa.values()))
    nb = math.sqrt(sum(w * w for w in wb.values()))
    return dot / (na * nb) if na and nb else 0.0


def _unmatched(terms: set[str], other: set[str]) -> int:
    """Distinct terms with no equal or near-equal (a typo, a spelling) on the other side."""
    return sum(
        1
        for term in terms
        if term not in other
        and not term.startswith("#")
        and process.extractOne(term, other, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO) is None
    )


def substitutions(a: Sequence[str], b: Sequence[str]) -> int:
    """Content words swapped for others: missing on both sides at once (additions cost nothing)."""
    left, right = set(a), set(b)
    return min(_unmatched(left, right), _unmatched(right, left))


def coverage(a: Sequence[str], b: Sequence[str], idf: Callable[[str], float]) -> float:
    """Share of `a`'s weight (IDF of its distinct terms) that `b` also has."""
    terms, other = set(a), set(b)
    total = sum(idf(t) for t in terms)
    return sum(idf(t) for t in terms if t in other) / total if total else 0.0


def features(query: Prepared, candidate: Prepared, idf: Callable[[str], float]) -> list[float]:
    """What the decision weighs: cosine, how much of each claim the other says, fuzzy ratio,
    swapped words, and whether only one side gives a figure."""
    left, right = " ".join(query.terms), " ".join(candidate.terms)
    ratio = 0.5 * fuzz.token_set_ratio(left, right) + 0.5 * fuzz.token_sort_ratio(left, right)
    return [
        cosine(query.terms, candidate.terms, idf),
        coverage(candidate.terms, query.terms, idf),
        coverage(query.terms, candidate.terms, idf),
        ratio / 100,
        float(min(substitutions(query.terms, candidate.terms), 4)),
        float(query.form.numbers != candidate.form.numbers),
    ]


def probability(values: Sequence[float]) -> float:
    """The calibrated chance that the pair is the same claim (logistic over `features`)."""
    z = INTERCEPT + sum(w * x for w, x in zip(WEIGHTS, values, strict=True))
    return 1 / (1 + math.exp(-z))


def score_pair(
    query: Prepared,
    candidate: Prepared,
    idf: Callable[[str], float],
    *,
    semantic: float | None = None,
    same_claim: float = SEMANTIC_THRESHOLD,
    about: bool = True,
) -> Scored:
    """Score a query against a candidate (0..100: the calibrated probability), with the veto.

    The score is the higher of two calibrated answers on one scale: is the candidate the same
    claim (`_lexical`, over the post and its spans), and is it the fact-check the post is about
    (`about_probability`). An embedding cosine (`semantic`) decides only when the two are in
    different languages, where words cannot: in one language the lexical evidence does, because
    a cosine says "same topic" rather than "same claim" ("hired" and "laid off" 12,000 workers
    embed alike). `same_claim` is the cosine at which the embedder's model calls two texts the
    same claim (a setting per model: EMBEDDINGS_SAME_CLAIM). `about=False` asks only the first
    question: a queued claim is a claim, whatever its clauses, and is the same claim as a
    checked one or not ("Russia moved 40,000 troops to the Finnish border, Finnish border guards
    say" is not *about* "NATO moved 40,000 troops to the Russian border").
    """
    score, vetoed, evidence = pair_evidence(query, candidate, idf)
    if evidence and about:
        score = max(score, about_score(about_probability(evidence)))
    meaning = None if semantic is None else round(semantic_score(semantic, same_claim), 1)
    if meaning is not None and query.language != candidate.language:
        score = max(score, meaning)
    return Scored(round(score, 1), vetoed, semantic, meaning)


def pair_evidence(
    query: Prepared, candidate: Prepared, idf: Callable[[str], float]
) -> tuple[float, str, list[float]]:
    """The same-claim score of a pair (0..100) with its veto, and what `about_probability`
    weighs: empty unless the query is a post of several sentences or clauses (`spans`), since a
    single sentence is a claim, which the same-claim score judges.

    A long post is judged, guards included, by the span that says the claim better, when one
    scores higher than the whole post."""
    if not (query.terms and candidate.terms):
        return 0.0, veto(query.form, candidate.form), []
    whole = features(query, candidate, idf)
    score, vetoed = 100 * probability(whole), veto(query.form, candidate.form)
    parts = said_by(query, candidate, idf)
    for part in parts:
        part_score, part_veto = _lexical(part, candidate, idf)
        if part_score > score:  # the span's guards come with its score
            score, vetoed = part_score, part_veto
    if not parts:  # one sentence, one clause: it is a claim, and the same-claim score judges it
        return score, vetoed, []
    # the closest span's cosine and the fullest span's share of the claim
    span_cosine = max(cosine(p.terms, candidate.terms, idf) for p in parts)
    span_held = max(coverage(candidate.terms, p.terms, idf) for p in parts)
    logit = math.log((score / 100 + 1e-3) / (1 - score / 100 + 1e-3))
    evidence = [logit, *whole[:5], span_cosine, span_held,
                math.log1p(len(query.terms)), math.log1p(len(candidate.terms))]  # fmt: skip
    return score, vetoed, evidence


def about_probability(evidence: Sequence[float]) -> float:
    """The calibrated chance that the candidate is the fact-check the post is about (logistic
    over `pair_evidence`'s list: the same-claim score's logit, cosine, the share of each side
    the other holds, fuzzy ratio, swapped words, the closest span's cosine and the fullest
    span's share of the claim, and both lengths)."""
    z = ABOUT_INTERCEPT + sum(w * x for w, x in zip(ABOUT_WEIGHTS, evidence, strict=True))
    return 1 / (1 + math.exp(-min(max(z, -50.0), 50.0)))


def about_score(p: float, threshold: float = ABOUT_THRESHOLD) -> float:
    """`about_probability` on the score's scale: `threshold` maps to DEFAULT_THRESHOLD, 1 to
    100, and below it linearly down to 0."""
    top = DEFAULT_THRESHOLD
    if p >= threshold:
        return top + (100 - top) * (p - threshold) / (1 - threshold)
    return top * p / threshold


def said_by(query: Prepared, candidate: Prepared, idf: Callable[[str], float]) -> list[Prepared]:
    """The spans of a post that may say the candidate claim, so a long post is judged, guards
    included, by the sentence that repeats the claim rather than by its commentary: the span
    most like the claim (TF-IDF cosine) and, when it is another, the tightest of those that hold
    most of the claim's weight ("ешьте чеснок — он защищает от коронавируса!!!" says the claim;
    its clause "он защищает от коронавируса" is closer by cosine but lost the garlic). None for
    a post of one sentence and one clause."""
    if not query.parts:
        return []
    cosines = [cosine(part.terms, candidate.terms, idf) for part in query.parts]
    held = [round(coverage(candidate.terms, part.terms, idf), 6) for part in query.parts]
    closest = max(range(len(cosines)), key=cosines.__getitem__)
    fullest = max(range(len(cosines)), key=lambda k: (held[k], cosines[k]))
    picks = [closest] if fullest == closest else [closest, fullest]
    return [query.parts[k] for k in picks]


def _lexical(
    query: Prepared, candidate: Prepared, idf: Callable[[str], float]
) -> tuple[float, str]:
    """The calibrated word-level score of a pair (0..100) and its veto."""
    if not (query.terms and candidate.terms):
        return 0.0, veto(query.form, candidate.form)
    return 100 * probability(features(query, candidate, idf)), veto(query.form, candidate.form)


def semantic_score(cos: float, threshold: float = SEMANTIC_THRESHOLD) -> float:
    """An embedding cosine on the lexical score's scale: the semantic threshold maps to the
    decision's default threshold."""
    return max(0.0, min(100.0, DEFAULT_THRESHOLD + (cos - threshold) * 200.0))


FUSION_K = 60  # reciprocal rank fusion's constant (the usual one)


def relevance(
    retrieved: Sequence[int], semantic: Mapping[int, float] | None = None
) -> dict[int, float]:
    """How relevant each candidate is, for ordering: its place in the lexical retrieval (BM25),
    fused with its place by embedding cosine when there is one (reciprocal rank fusion).

    The pair score and the vetoes decide whether the first candidate *is* the same claim; they do
    not order the rest. Measured on tweets against 868 Snopes fact-checks (CLEF 2020 CheckThat!,
    scripts/eval_public_retrieval.py): ordering by the pair score with vetoed candidates last gave
    MAP@5 0.579, the retrieval order 0.836 — a tweet about a fact-checked story often has a date
    or a figure of its own, which vetoes the right fact-check as "the same claim" but not as the
    one to read.
    """
    score: dict[int, float] = {}
    for place, key in enumerate(retrieved):
        score[key] = score.get(key, 0.0) + 1 / (FUSION_K + place)
    if semantic:
        nearest = sorted(semantic, key=lambda key: semantic[key], reverse=True)
        for place, key in enumerate(nearest):
            score[key] = score.get(key, 0.0) + 1 / (FUSION_K + place)
    return score


def rerank(
    query: Prepared,
    candidates: Sequence[tuple[int, str]],
    idf: Callable[[str], float],
    *,
    semantic: dict[int, float] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    same_claim: float = SEMANTIC_THRESHOLD,
    about: bool = True,
) -> list[tuple[int, Scored]]:
    """Score (id, text) candidates, given in retrieval order, and order them: the matches
    (best first), then by `relevance`. `about`: as `score_pair`'s."""
    scored = []
    for key, text in candidates:
        near = (semantic or {}).get(key)
        pair = score_pair(
            query, prepared(text), idf, semantic=near, same_claim=same_claim, about=about
        )
        scored.append((key, pair))
    order = relevance([key for key, _ in candidates], semantic)

    def sort_key(item: tuple[int, Scored]) -> tuple[bool, float, float]:
        matched = item[1].is_match(threshold)
        return (matched, item[1].rank if matched else 0.0, order[item[0]])

    return sorted(scored, key=sort_key, reverse=True)
