"""Who a later pronoun or "the report" may mean: the people, bodies and studies a sentence names.

``kind_of`` tells a man (m) from a woman (f), a person of unknown sex (x), an organisation (n)
and a group (p), from first names, titles, Slavic name endings and organisation words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extraction.lexicon import PRONOUN_START
from bot.extraction.speaker_words import (
    DOCUMENT_EN,
    FEMALE_NAMES,
    FEMALE_ROLE,
    MALE_A_NAMES,
    MALE_NAMES,
    MALE_ROLE,
    OPENERS,
    ORG_SLAVIC,
    ORG_WORDS,
    PERSON_NOUNS,
    PLURAL_WORDS,
    ROLE_EN,
)

# A name in guillemets ("«Укренерго»", "«Газпроме»") is one word: who, not what was said.
NAME_QUOTE_RE = re.compile(r"«[A-ZА-ЯІЇЄҐ][\w'’-]*(?:\s[\w'’-]+){0,3}»")
TOKEN_RE = re.compile(
    rf"{NAME_QUOTE_RE.pattern}|(?:[A-Za-zА-Яа-яІіЇїЄєҐґ]\.){{2,}}|[A-ZА-ЯІЇЄҐ]\.(?=\s+[A-ZА-ЯІЇЄҐ])"
    r"|\w[\w'’-]*|[^\w\s]"
)
CYRILLIC_RE = re.compile(r"[а-яіїєґё]", re.IGNORECASE)
DOCUMENT_RE = re.compile(
    r"\b(?:[Aa]n?|[Tt]he)\s+(?:new\s+|recent\s+|latest\s+|\w+\s+)?(report|study|paper|survey|analysis"
    r"|review)\s+(?:(?:published|released|issued|led|conducted|commissioned)\s+)?(by|from|in)\s+"
    r"((?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:of\s+|for\s+|and\s+)?[A-Z][\w'’-]*){0,6})"
)
# Kinds a pronoun may stand for: "he" a man or a person of unknown sex, "it" an organisation.
COMPATIBLE = {"m": {"m", "x"}, "f": {"f", "x"}, "n": {"n"}, "p": {"p", "n"}}
# "the company said" after a sentence that opens with the company's name.
GENERIC_BODIES = frozenset(
    "company firm airline carrier bank group drugmaker carmaker retailer lender insurer".split()
)
NAMED_SOURCE_RE = re.compile(
    r"\b(?:the\s+)?(?:[A-Z][\w'’-]*\s+){1,5}(?:Database|Index|Survey|Report|Study|Monitor|Tracker)\b"
)


@dataclass(frozen=True)
class Speaker:
    """Someone or something that can speak: a name and a kind (m, f, x person, n org, p plural)."""

    name: str
    kind: str


def _is_cap(word: str) -> bool:
    return word.lstrip("«")[:1].isupper()


def kind_of(name: str, gender: str | None = None) -> str:
    """A speaker's kind: man (m), woman (f), person (x), organisation (n) or many (p)."""
    words = name.split()
    lows = [w.lower().strip("'’") for w in words]
    if gender:
        return gender
    if any(w in FEMALE_ROLE for w in lows) or lows[0] in ("mrs", "ms", "mrs.", "ms."):
        return "f"
    if any(w in MALE_ROLE for w in lows) or lows[0] in ("mr", "mr."):
        return "m"
    if any(w in FEMALE_NAMES for w in lows) or _cyrillic_female(words):
        return "f"
    if any(w in MALE_NAMES for w in lows):
        return "m"
    if lows[-1] in PLURAL_WORDS:
        return "p"
    if any(CYRILLIC_RE.match(w) and w.startswith(ORG_SLAVIC) for w in lows):
        return "n"
    if len(words) > 2 and all(_is_cap(w) and w.isalpha() for w in words[-2:]):
        if not set(lows[-2:]) & ORG_WORDS:
            return "x"  # "NATO Secretary General Jens Stoltenberg": a title, then a person
    if any(w in ORG_WORDS for w in lows) or (len(words) == 1 and words[0].isupper()):
        return "n"
    if lows[0] == "the" and len(words) > 1 and _is_cap(words[1]):
        return "n"  # "the United Nations", "the Kremlin": people are not named with "the"
    if not _is_cap(words[-1]) and lows[-1] not in PERSON_NOUNS and not _is_person_role(lows[-1]):
        return "n"
    return "x"


def _cyrillic_female(words: list[str]) -> bool:
    """ "Олена Коваль", "Ірина Венедіктова": a Slavic woman's first name or surname."""
    if len(words) < 2 or not CYRILLIC_RE.match(words[-1]):
        return False
    first, last = words[-2].lower(), words[-1].lower()
    if _is_cap(words[-2]) and first.endswith(("а", "я")) and first not in MALE_A_NAMES:
        return True
    return last.endswith(("ська", "цька", "ова", "ева", "єва", "іна", "ина", "ая"))


def _is_person_role(word: str) -> bool:
    return word in ROLE_EN and word not in ORG_WORDS and word not in DOCUMENT_EN


def _is_shout(words: list[str]) -> bool:
    """Capitals that shout rather than name: "ATTENTION PARENTS", "BREAKING NEWS" (several
    words in upper case, one of them long), not "NATO" or "UN OCHA"."""
    return (
        len(words) > 1
        and all(w.isupper() and len(w) > 1 for w in words)
        and any(len(w) >= 6 for w in words)
    )


def people_mentioned(sentence: str) -> list[Speaker]:
    """Names and person nouns of a sentence, as antecedents a later pronoun could mean."""
    tokens = TOKEN_RE.findall(sentence)
    found: list[Speaker] = []
    run: list[str] = []
    for k, word in enumerate([*tokens, "."]):
        initial = k == 0 or tokens[k - 1] in '.:“«"—'
        if _is_cap(word) and word[:1].isalpha() and not (initial and word.lower() in OPENERS):
            if not (initial and word.lower() in PRONOUN_START):
                run.append(word)
                continue
        following = tokens[k + 1] if k + 1 < len(tokens) else ""
        if run and word in ("of", "for") and _is_cap(following):
            run.append(word)  # "Bank of England", "Ministry of Defence"
            continue
        if run and not _is_shout(run):
            found.append(Speaker(" ".join(run), kind_of(" ".join(run))))
        run = []
        if word.lower() in PERSON_NOUNS and k > 0 and tokens[k - 1].lower() in ("the", "a"):
            found.append(Speaker(f"the {word.lower()}", "x"))
    return found


ROLE_MENTION_RE = re.compile(
    r"\b(?:[Tt]he|[Aa]n?)\s+(?:[\w'’-]+\s+){0,2}?(?:spokesman|spokeswoman|spokesperson|minister"
    r"|secretary|official|chief executive|director|captain|ambassador|envoy|adviser|mayor"
    r"|governor|commander)(?:\s+(?:for|of|at)\s+(?:the\s+)?[\w'’-]+(?:\s+(?:and\s+|of\s+)?[A-Z][\w'’-]*){0,5})?"
)


def roles_mentioned(sentence: str) -> list[Speaker]:
    """People described by their role ("a spokesman for the employers"), for "he said" next."""
    found = []
    for match in ROLE_MENTION_RE.finditer(sentence):
        phrase = match.group(0)
        found.append(Speaker(phrase[0].lower() + phrase[1:], kind_of(phrase)))
    return found


def named_document(sentence: str) -> str | None:
    """The study or report a sentence names, for a later "the paper"/"the study" to refer to."""
    match = DOCUMENT_RE.search(sentence)
    if match:
        kind, prep, source = match.groups()
        return f"the {kind} {'in' if prep == 'in' else 'by'} {source}"
    named = NAMED_SOURCE_RE.search(sentence)
    return named.group(0) if named else None


def sentence_subject(sentence: str, kind: str) -> str | None:
    """The body a sentence opens with ("The company will …, it said"), when a pronoun of that
    kind can stand for it: "the" and an organisation word, or a name the reader knows is a body."""
    match = re.match(r"^(?:The|the)\s+(\w+)\b", sentence)
    if match and match.group(1).lower() in ORG_WORDS and kind == "n":
        return match.group(0)
    people = people_mentioned(sentence)
    first = people[0] if people else None
    if first and sentence.startswith(first.name) and first.kind in COMPATIBLE.get(kind, set()):
        return first.name if first.kind != "x" or kind in ("m", "f") else None
    return None


def sentence_body(sentence: str) -> str | None:
    """The company a sentence opens with by a one-word name ("Ryanair carried …, the airline
    said"); a longer name may be a person's, so none."""
    people = people_mentioned(sentence)
    first = people[0] if people else None
    if first and sentence.startswith(first.name) and first.kind in ("n", "x"):
        return first.name if " " not in first.name or first.kind == "n" else None
    return None
