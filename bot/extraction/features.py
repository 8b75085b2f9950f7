"""Turn a sentence into the features the check-worthiness scorer weighs.

Two kinds: a small vector of hand-designed, mostly language-independent signals of
checkability (numbers, dates, names, attribution, opinion, modality, ...) and hashed word
n-grams, which only help for English (the language of the training data).
"""

from __future__ import annotations

import math
import re
import zlib
from functools import lru_cache

import numpy as np

from bot.extraction import lexicon as lx

HASH_BITS = 18
HASH_SIZE = 1 << HASH_BITS

TOKEN_RE = re.compile(r"\$|€|£|₴|%|\d+(?:[.,:/]\d+)*|\w+(?:['’]\w+)*|[^\w\s]")
CYRILLIC_RE = re.compile(r"[а-яіїєґё]", re.IGNORECASE)
CURRENCY = frozenset("$€£₴")
YEAR_RE = re.compile(r"^(1[89]\d\d|20\d\d)$")
ED_STOP = frozenset(
    "need indeed speed seed feed bed red shed weed breed greed proceed exceed".split()
)
SENTENCE_STARTERS = frozenset(lx.PRONOUN_START) | {"i", "we", "the", "a", "but", "and", "so"}

# Lexicons checked per word; each word's memberships are computed once and cached as flags.
LEXICONS = {
    "attribution": lx.compile_lexicon(lx.ATTRIBUTION),
    "according_to": lx.compile_lexicon(lx.ACCORDING_TO),
    "opinion": lx.compile_lexicon(lx.OPINION),
    "first_singular": lx.compile_lexicon(lx.FIRST_SINGULAR),
    "first_plural": lx.compile_lexicon(lx.FIRST_PLURAL),
    "second_person": lx.compile_lexicon(lx.SECOND_PERSON),
    "modal_future": lx.compile_lexicon(lx.MODAL_FUTURE),
    "imperative": lx.compile_lexicon(lx.IMPERATIVE_START),
    "comparison": lx.compile_lexicon(lx.COMPARISON),
    "quantity": lx.compile_lexicon(lx.QUANTITY),
    "date": lx.compile_lexicon(lx.MONTHS),
    "past_aux": lx.compile_lexicon(lx.PAST_AUXILIARY),
}
FLAG = {name: 1 << i for i, name in enumerate(LEXICONS)}


@lru_cache(maxsize=1 << 16)
def word_flags(low: str) -> int:
    """Bit flags of the lexicons a lower-cased word belongs to."""
    flags = 0
    for name, lexicon in LEXICONS.items():
        if lx.in_lexicon(low, lexicon):
            flags |= FLAG[name]
    return flags


HAND_FEATURES = (
    "len_lt5",
    "len_5_9",
    "len_10_19",
    "len_20_39",
    "len_ge40",
    "has_digit",
    "n_numbers",
    "has_year",
    "has_percent",
    "has_currency",
    "quantity_word",
    "date_word",
    "has_name",
    "n_names",
    "has_acronym",
    "attribution",
    "according_to",
    "first_singular",
    "first_plural",
    "second_person",
    "modal_future",
    "opinion",
    "n_opinion",
    "hedge_i_think",
    "question",
    "exclamation",
    "imperative_start",
    "comparison",
    "past_tense",
    "n_past",
    "pronoun_start",
    "stage_direction",
)
N_HAND = len(HAND_FEATURES)


def tokenize(text: str) -> list[str]:
    """Split text into words, numbers and punctuation, keeping case."""
    return TOKEN_RE.findall(text)


def is_cyrillic(text: str) -> bool:
    """Whether most letters in the text are Cyrillic (Ukrainian or Russian)."""
    letters = sum(ch.isalpha() for ch in text)
    return letters > 0 and len(CYRILLIC_RE.findall(text)) * 2 > letters


def _is_past_word(low: str, cyrillic: bool) -> bool:
    """Guess a past-tense verb from its ending (English -ed, Slavic -в/-л/-ла/-ли)."""
    if cyrillic:
        if len(low) < 4:
            return False
        return low.endswith(("ла", "ли", "ло", "ил", "ал", "ел", "ив", "ав", "ів", "ув"))
    return len(low) > 4 and low.endswith("ed") and low not in ED_STOP


def _length_bucket(n: int) -> str:
    """Name of the one-hot length feature for n word tokens."""
    if n < 5:
        return "len_lt5"
    if n < 10:
        return "len_5_9"
    if n < 20:
        return "len_10_19"
    if n < 40:
        return "len_20_39"
    return "len_ge40"


def count_names(tokens: list[str]) -> int:
    """Count capitalised words not at the start of the sentence: a proxy for named entities."""
    names = 0
    at_start = True
    for tok in tokens:
        if not tok[0].isalpha():
            if tok in '.!?:;"“«—-':
                at_start = True
            continue
        if not at_start and tok[0].isupper() and tok.lower() not in lx.PRONOUN_START:
            names += 1
        at_start = False
    return names


def hand_features(text: str, tokens: list[str] | None = None) -> np.ndarray:
    """Compute the hand-designed feature vector of one sentence."""
    tokens = tokenize(text) if tokens is None else tokens
    words = [t for t in tokens if t[0].isalnum()]
    lows = [w.lower() for w in words]
    cyrillic = is_cyrillic(text)
    f = dict.fromkeys(HAND_FEATURES, 0.0)
    f[_length_bucket(len(words))] = 1.0
    numbers = [w for w in words if w[0].isdigit()]
    f["has_digit"] = float(bool(numbers))
    f["n_numbers"] = math.log1p(len(numbers))
    f["has_year"] = float(any(YEAR_RE.match(w) for w in numbers))
    f["has_percent"] = float("%" in tokens or any(w in ("percent", "per") for w in lows))
    f["has_currency"] = float(any(t in CURRENCY for t in tokens))
    flags = [word_flags(w) for w in lows]
    seen = 0
    for flag in flags:
        seen |= flag
    f["quantity_word"] = float(bool(seen & FLAG["quantity"]))
    f["date_word"] = float(bool(seen & FLAG["date"]))
    names = count_names(tokens)
    f["has_name"] = float(names > 0)
    f["n_names"] = math.log1p(names)
    f["has_acronym"] = float(any(len(w) > 1 and w.isupper() and w.isalpha() for w in words[1:]))
    f["attribution"] = float(bool(seen & FLAG["attribution"]))
    f["according_to"] = float(any(flag & FLAG["according_to"] for flag in flags[:-1]))
    for name in ("first_singular", "first_plural", "second_person", "modal_future"):
        f[name] = float(bool(seen & FLAG[name]))
    n_opinion = sum(bool(flag & FLAG["opinion"]) for flag in flags)
    f["opinion"] = float(n_opinion > 0)
    f["n_opinion"] = math.log1p(n_opinion)
    f["hedge_i_think"] = f["first_singular"] * f["opinion"]
    f["question"] = float("?" in tokens)
    f["exclamation"] = float("!" in tokens)
    f["imperative_start"] = float(bool(flags) and bool(flags[0] & FLAG["imperative"]))
    f["comparison"] = float(bool(seen & FLAG["comparison"]))
    n_past = sum(
        _is_past_word(w, cyrillic) or bool(flag & FLAG["past_aux"])
        for w, flag in zip(lows, flags, strict=True)
    )
    f["past_tense"] = float(n_past > 0)
    f["n_past"] = math.log1p(n_past)
    f["pronoun_start"] = float(bool(lows) and lows[0] in lx.PRONOUN_START)
    f["stage_direction"] = float(text.strip().startswith(("(", "[")) and len(words) < 4)
    return np.fromiter(f.values(), dtype=np.float32, count=N_HAND)


def _normal_token(tok: str) -> str:
    """Lower-case a token and reduce numbers to their kind, so n-grams generalise."""
    if tok[0].isdigit():
        return "<year>" if YEAR_RE.match(tok) else "<num>"
    return tok.lower()


def hashed_ngrams(tokens: list[str]) -> np.ndarray:
    """Hashed indices of the word unigrams and bigrams of a sentence (with repeats)."""
    norm = [_normal_token(t) for t in tokens if t[0].isalnum() or t in CURRENCY or t == "%"]
    grams = norm + [f"{a} {b}" for a, b in zip(["<s>", *norm], [*norm, "</s>"], strict=True)]
    return np.fromiter(
        (zlib.crc32(g.encode()) & (HASH_SIZE - 1) for g in grams), dtype=np.int64, count=len(grams)
    )


def featurize(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (hand feature vector, hashed n-gram indices) for one sentence."""
    tokens = tokenize(text)
    return hand_features(text, tokens), hashed_ngrams(tokens)
