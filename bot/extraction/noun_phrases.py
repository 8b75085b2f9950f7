"""Noun phrases that can name a speaker: names, role nouns ("the ministry"), their titles."""

from __future__ import annotations

from bot.extraction.lexicon import PRONOUN_START
from bot.extraction.mentions import CYRILLIC_RE
from bot.extraction.speaker_words import DOCUMENT_EN, MODIFIERS, OPENERS, ROLE_EN, ROLE_SLAVIC

PERSONAL = frozenset("i me we us you я ми мы ви вы ти ты".split())
DETERMINERS = frozenset("the a an".split())
COUNTS = frozenset("two three four five six seven several".split())  # "three EU diplomats"
QUANTIFIERS = frozenset("many some most several few all both".split())


def is_cap(word: str) -> bool:
    """A capitalised word, a name in guillemets included ("«Укренерго»")."""
    return word.lstrip("«")[:1].isupper()


def is_role(word: str) -> bool:
    """A noun that can speak without a capital letter ("ministry", "spokesman", "міністр")."""
    low = word.lower().removesuffix("'s").removesuffix("’s")
    if low in ROLE_EN or low in DOCUMENT_EN:
        return True
    # "центру" is the centre that speaks, "центральній" only where
    return bool(CYRILLIC_RE.match(low)) and low.startswith(ROLE_SLAVIC) and low[:7] != "централ"


def is_personal(word: str) -> bool:
    """First or second person, or a pronoun with a contraction ("I'll", "He's")."""
    low = word.lower().replace("’", "'")
    return low in PERSONAL or ("'" in low and low.split("'")[0] in PERSONAL | set(PRONOUN_START))


def valid_phrase(phrase: list[str]) -> str | None:
    """A phrase that can name a speaker: a pronoun, a name, or a role or document noun."""
    if not phrase or (len(phrase) == 1 and phrase[0].lower() in ("the", "a", "an")):
        return None
    if len(phrase) == 1 and phrase[0].lower() in PRONOUN_START:
        return phrase[0]
    if any(is_personal(w) for w in phrase):
        return None  # "as I said", "I'll tell you", "He's added": no one the text names
    possessive = phrase[0].lower() in ("his", "her", "their", "its")
    if possessive and len(phrase) >= 3 and is_role(phrase[1]) and all(map(is_cap, phrase[2:])):
        return " ".join(phrase[2:])  # "their operator Baltnet Fibre said": the operator's name
    if possessive and not all(is_role(w) or w.lower() in MODIFIERS for w in phrase[1:]):
        return None  # "His own analysis says"; but "his lawyer told the court"
    counted = phrase[0].lower() in COUNTS and len(phrase) > 1 and is_role(phrase[-1])
    if not (is_cap(phrase[0]) or is_role(phrase[0]) or phrase[0].lower() in DETERMINERS or counted):
        # "intelligence officials said", "public broadcaster NHK said": lower-case words only
        # before a role (and the name it introduces).
        described = any(is_role(w) for w in phrase) and phrase[0].lower() not in OPENERS
        if not possessive and not (described and (is_role(phrase[-1]) or is_cap(phrase[-1]))):
            return None
    glue = ("the", "a", "an", "of", "and", "for", "at", "in", "та", "і", "и")
    lowercase = [w.lower().replace("’", "'") for w in phrase if not is_cap(w)]
    lowercase = [w for w in lowercase if w not in glue]
    odd = [w for w in lowercase if not (is_role(w) or w in MODIFIERS or CYRILLIC_RE.match(w))]
    # "a spokesman for immigration": the body a role speaks for may be any noun.
    body = len(phrase) >= 3 and phrase[-2].lower() in ("for", "of") and is_role(phrase[-3])
    # "regional fire service spokesman Lukasz Grzelak": a name after its role and description.
    titled = is_cap(phrase[-1]) and any(is_role(w) for w in phrase) and len(odd) <= 1
    headed = is_role(phrase[-1]) or body or titled
    if len(lowercase) > 4 or len(odd) > 2 or (odd and not headed):
        return None
    if not any(is_cap(w) for w in phrase) and not headed:
        return None
    return " ".join(phrase)
