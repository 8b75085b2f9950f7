"""Retrieval terms of a claim or a social-media post: cleaned, normalised and stemmed.

A post is cleaned first: links, "RT", "via @x", the @handles a reply opens with or a post ends
with (tags), the date and handle of an embedded tweet's "— Name (@x) date" signature (its name
stays: who posted is often who the claim is about) and "Forwarded from …" go; an @handle
inside the text and a hashtag become their words ("@JoeBiden" → "Joe Biden", "#ZhytomyrRegion"
→ "Zhytomyr Region"). Then Unicode-normalised (NFKC, case-fold, stress marks and Latin accents
dropped — but not the marks that make й and ї letters), numbers read as values
(`bot.matching.matching.tokenize`), stop words dropped, and each word reduced: English and
Russian with the Snowball stemmers (PyStemmer), Ukrainian with pymorphy3's Ukrainian
dictionary (Snowball has no Ukrainian stemmer), so "домогосподарств" and "домогосподарства" or
"households" and "household" meet. Pure functions, cached per word (PyStemmer keeps its own
cache; Ukrainian lemmas come from a child process that holds the dictionary, `lemmas.py`, and
are cached here in a bounded LRU).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type hints

from bot.matching import lemmas
from bot.matching.matching import NEGATIONS, STOP_WORDS, SYNONYMS, normalize, tokenize

STEM_CACHE = 20_000  # words whose Snowball stems each stemmer keeps (PyStemmer's own cache)

_URL = re.compile(r"(?:https?://|www\.)\S+|\b(?:t\.me|pic\.twitter\.com|bit\.ly)/\S+", re.I)
_HANDLE = re.compile(r"(?<![\w@])@(\w{2,})")
# "@a @b actually…" (whom a reply answers) and "RT @x:" (whose post is shared): not subjects.
_REPLY_TO = re.compile(r"^\s*(?:rt\s+@\w+\s*:?|(?:@\w+\s+)+)", re.I)
_TAGGED = re.compile(r"(?:\s+@\w+)+\s*$")  # "… 3 000 homes without hot water @kyivcity": tags
_HASHTAG = re.compile(r"(?<![\w#])#([^\W\d_][\w]*)")
_RT = re.compile(r"^\s*(?:rt|via|fwd?)\b\s*:?\s*", re.I)
_VIA = re.compile(r"\b(?:via|h/t|cc)\s*:?\s*@\w+", re.I)  # a source, not a subject
# "— Jane Doe (@jane) March 3, 2024" closing an embedded tweet; "Forwarded from Channel".
_SIGNATURE = re.compile(r"[—–-]{1,2}\s*([^\n()]{0,60})\(@\w+\)[^\n]{0,40}$")
_FORWARDED = re.compile(
    r"^\s*(?:forwarded from|переслано від|переслано из|пересланное сообщение)[^\n]*\n?", re.I | re.M
)
# Word breaks inside a handle or hashtag: camel case ("JoeBiden"), an acronym before a word
# ("USArmy"), digits ("WW3").
_WORD_BREAK = re.compile(
    r"(?<=[a-zа-яіїєґ])(?=[A-ZА-ЯІЇЄҐ])|(?<=[A-Z])(?=[A-Z][a-z])"
    r"|(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])"
)
_UK_LETTERS = frozenset("іїєґ")
_UK_RE = re.compile("[іїєґ]")
_RU_RE = re.compile("[ыэъё]")
_CYRILLIC_WORD_RE = re.compile("[\u0400-\u04ff]+")
_CYRILLIC_LETTER_RE = re.compile("[\u0400-\u04ff]")
UKRAINIAN_SHARE = 0.75  # of a text's Cyrillic words the Ukrainian dictionary must know
# Combining marks, except the breve and diaeresis that make Cyrillic й, ї and ё letters.
_MARKS = re.compile(r"[\u0300-\u0305\u0307\u0309-\u036f]|(?<![\u0400-\u04ff])[\u0306\u0308]")

MORE_STOP_WORDS = frozenset(
    "без після после "
    "i me my us am im it's isn't aren't wasn't here now very so such all any more most other "
    "own same too s t will just don should now rt via breaking news update people make made "
    "я ти ви ми нас нам вам мені тут там так ще вже щоб коли бо чи лише тільки дуже всі все "
    "цей ця ці той та ті свій своїх свої може можна треба буде будуть стало стала "
    "я ты вы мы нас нам вам мне тут там так еще уже чтобы когда или только очень все всё "
    "этот эта эти тот та те свой своих свои может можно надо будет будут стало стала".split()
)
# What posts wrap a claim in: calls to share, alarm words, chat fillers (never the claim itself).
POST_WORDS = frozenset(
    "breaking urgent wake share shared forward retweet repost delete deleted watch thread lol omg "
    "wow wtf fun fact know shocking admitted exposed truth thoughts respect hate spread word "
    "увага терміново поширте поширити шок правда поділіться "
    "внимание срочно перешлите поделитесь распространите шок правда".split()
)
_DROP = STOP_WORDS | MORE_STOP_WORDS | POST_WORDS
# One spelling for abbreviations and a few near-synonyms that news and posts use interchangeably.
VARIANTS = {
    "usa": "united states", "america": "united states", "american": "united states",
    "eu": "european union", "uk": "united kingdom", "britain": "united kingdom",
    "british": "united kingdom", "un": "united nations",
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june",
    "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
    "dec": "december", "km": "kilometres", "kilometers": "kilometres", "min": "minutes",
    "mins": "minutes", "covid19": "covid", "coronavirus": "covid", "sars": "covid",
    "jab": "vaccine", "jabs": "vaccine", "vaccination": "vaccine",
    "homes": "households", "chips": "microchips", "chip": "microchips",
    "gasoline": "petrol", "gas-powered": "petrol", "prohibit": "ban", "prohibited": "banned",
    "detained": "arrested", "masts": "towers", "mast": "towers", "legislation": "law",
    "salary": "wage", "wages": "wage", "kids": "children", "child": "children", "warm": "hot",
    "сша": "сполучені штати", "єс": "європейський союз", "ес": "евросоюз",
}  # fmt: skip


def clean_post(text: str) -> str:
    """Strip what a post wraps a claim in (links, reply handles, sources, signature dates) and
    turn the names it mentions (handles, hashtags) into words."""
    if "\n" in text:
        text = _FORWARDED.sub(" ", text)
    if "/" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _SIGNATURE.sub(r" \1 ", text.strip())
        text = _VIA.sub(" ", text)
        text = _REPLY_TO.sub(" ", text)
        text = _TAGGED.sub(" ", text)
        text = _HANDLE.sub(_name_words, text)
    text = _RT.sub("", text)
    if "#" in text:
        text = _HASHTAG.sub(_name_words, text)
    return text


def _name_words(match: re.Match[str]) -> str:
    """The words of an @handle or a hashtag inside a post: "@JoeBiden" → "Joe Biden",
    "@defense_news" → "defense news", "#ZhytomyrRegion" → "Zhytomyr Region" (who and what a
    post names is what its claim is about)."""
    return _WORD_BREAK.sub(" ", match.group(1).replace("_", " "))


def fold_marks(text: str) -> str:
    """Drop stress marks and accents (café → cafe, а́ → а) but keep й, ї and ё whole."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _MARKS.sub("", decomposed))


def cyrillic_language(text: str) -> str:
    """'uk' or 'ru' for Cyrillic text: by the letters only one of the two alphabets has, or,
    when those do not tell (short texts often have none), by whether the Ukrainian dictionary
    knows most of its words."""
    uk, ru = len(_UK_RE.findall(text)), len(_RU_RE.findall(text))
    if uk != ru:
        return "uk" if uk > ru else "ru"
    words = [w for w in _CYRILLIC_WORD_RE.findall(text.casefold()) if len(w) > 2]
    if not words:
        return "ru"  # no Cyrillic word to stem: the choice does not matter
    known = sum(lemmas.known(words))
    return "uk" if known >= UKRAINIAN_SHARE * len(words) else "ru"


def language_of(text: str) -> str:
    """'en', 'uk' or 'ru': Latin letters against Cyrillic, then `cyrillic_language`."""
    latin = sum(1 for ch in text if "a" <= ch <= "z" or "A" <= ch <= "Z")
    cyrillic = len(_CYRILLIC_LETTER_RE.findall(text))
    return "en" if latin >= cyrillic else cyrillic_language(text.casefold())


@cache
def _stemmer(language: str) -> Any:
    """A Snowball stemmer (built once per process), with its own bounded cache of stems."""
    return Stemmer.Stemmer(language, STEM_CACHE)


def _is_ukrainian_word(word: str, language: str) -> bool:
    """Whether `stem_word` reduces this word with the Ukrainian dictionary."""
    return (
        "\u0400" <= word[0] <= "\u04ff"
        and not word.isdigit()
        and (language == "uk" or not _UK_LETTERS.isdisjoint(word))
    )


def stem_word(word: str, language: str) -> str:
    """One word's stem (English, Russian) or lemma (Ukrainian); numbers ('#3000') stay whole."""
    if word.startswith("#") or word.isdigit():
        return word
    if "a" <= word[0] <= "z":
        return str(_stemmer("english").stemWord(word))
    if not "\u0400" <= word[0] <= "\u04ff":
        return word
    if language == "uk" or _UK_LETTERS.intersection(word):
        return lemmas.lemma(word).replace("ґ", "г")
    return str(_stemmer("russian").stemWord(word.replace("ё", "е")))


def _words(text: str) -> tuple[list[str], str]:
    """The words of a text that become terms (before stemming), and its language."""
    normalized = normalize(fold_marks(clean_post(text)))
    language = cyrillic_language(normalized)
    words = []
    for token in tokenize(normalized):
        for word in VARIANTS.get(token, token).split():
            word = word.replace("'", "")
            if word in _DROP or word in NEGATIONS or (len(word) < 2 and not word.isdigit()):
                continue
            words.append(SYNONYMS.get(word, word))
    return words, language


def _stems(words: Sequence[str], language: str) -> list[str]:
    """`stem_word` of each word, the Ukrainian lemmas asked for in one go."""
    ukrainian = [word for word in words if _is_ukrainian_word(word, language)]
    if not ukrainian:
        return [stem_word(word, language) for word in words]
    found = dict(zip(ukrainian, lemmas.lemmas(ukrainian), strict=True))
    return [
        found[word].replace("ґ", "г") if word in found else stem_word(word, language)
        for word in words
    ]


def _prefetch(texts: Iterable[tuple[Sequence[str], str]]) -> None:
    """Ask for the Ukrainian lemmas of many texts' words at once (one request, not one each)."""
    wanted = [word for words, lang in texts for word in words if _is_ukrainian_word(word, lang)]
    if wanted:
        lemmas.lemmas(wanted)


def analyze(text: str) -> list[str]:
    """The retrieval terms of a text, in order (repeats kept: BM25 counts them)."""
    words, language = _words(text)
    return _stems(words, language)


def analyze_many(texts: Sequence[str], *, batch: int = 1000) -> list[list[str]]:
    """`analyze` of many texts, with the Ukrainian lemmas of `batch` texts asked for at once
    (few enough words that the lemma cache still holds them when they are stemmed)."""
    terms: list[list[str]] = []
    for start in range(0, len(texts), batch):
        split = [_words(text) for text in texts[start : start + batch]]
        _prefetch(split)
        terms += [_stems(words, language) for words, language in split]
    return terms
