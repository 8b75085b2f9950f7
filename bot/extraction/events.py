"""Event claims: "Zelensky bought a villa in Italy", "Russian troops captured Kupiansk".

The check-worthiness model learnt from political debates, where what is checked is mostly
figures and records; it scores the claims that spread on Telegram and that desks check most (a
named actor did something: bought, fled, banned, endorsed, captured, was arrested) at 0.2–0.4:
"Zelensky bought a villa in Italy." 0.20, "Pope Francis endorsed Donald Trump for president."
0.32, "Президент України втік з країни." 0.30. In its training data such sentences are
check-worthy far more often than the rest: 86 % of the 35 ClaimBuster sentences this rule finds
and 73 % of the 85 in CheckThat! 2024 train, against 25 % and 24 % of all sentences; the model
already scores most of them check-worthy, and the rule lifts 2 and 17 it does not (all labelled
not check-worthy there: debates hold few claims of this kind). A sentence that states such an
event, in the past, about someone named, with no first or second person, modal, opinion word,
hedge or question, is given at least `EVENT_FLOOR`: check-worthy, and ranked below the claims
with figures and sources (on the annotated pages, which fill their ten places with those, it
changed nothing).
"""

from __future__ import annotations

import re

from bot.extraction.attribution import SENTENCE_OPENERS
from bot.extraction.lexicon import (
    FIRST_PLURAL,
    FIRST_SINGULAR,
    MODAL_FUTURE,
    OPINION,
    SECOND_PERSON,
    compile_lexicon,
    in_lexicon,
)

EVENT_FLOOR = 0.55
MAX_WORDS = 40

_ENGLISH = re.compile(
    r"\b(?:endorsed|bought|sold|fled|captured|seized|recaptured|liberated|banned|blocked|vetoed"
    r"|joined|killed|shot|arrested|detained|died|resigned|fired|sacked|dismissed|signed|approved"
    r"|adopted|launched|attacked|struck|destroyed|downed|deported|sanctioned|suspended|invaded"
    r"|annexed|elected|appointed|sentenced|convicted|charged|indicted|acquitted|withdrew"
    r"|withdrawn|deployed|evacuated|bombed|shelled|poisoned|hacked|leaked|stole|stolen"
    r"|pardoned|abolished|cancell?ed|nationali[sz]ed|confiscated|expelled|raided|kidnapped"
    r"|executed|tortured|blew up|blown up|collapsed|crashed|exploded|confessed|married|visited"
    r"|met|defeated|rigged|funded|bribed|donated|demolished|shut down)(?!['’]\w)\b",
    re.IGNORECASE,
)
# Past forms: a Ukrainian stem takes -в/-ла/-ли/-ло, a Russian one -л/-ла/-ли/-ло (and -ся).
_UKRAINIAN = re.compile(
    r"(?<!\w)(?:(?:купи|прода|захопи|заборони|заблокува|ветува|підписа|ухвали|схвали|атакува"
    r"|знищи|зби|депортува|запровади|скасува|призначи|засуди|обстріля|підірва|викра|вкра"
    r"|затрима|заарештува|вби|евакуюва|анексува|конфіскува|отрути|розстріля|пограбува"
    r"|підтрима|відвіда|звільни|приєдна)(?:в|ла|ли|ло)(?:ся|сь)?"
    r"|втік|втекла|втекли|помер|померла|загину[вл]\w*)(?!\w)",
    re.IGNORECASE,
)
_RUSSIAN = re.compile(
    r"(?<!\w)(?:(?:купи|прода|захвати|запрети|заблокирова|подписа|одобри|атакова|уничтожи|сби"
    r"|депортирова|отмени|назначи|осуди|обстреля|подорва|похити|укра|задержа|арестова|уби"
    r"|эвакуирова|аннексирова|конфискова|отрави|расстреля|ограби|поддержа|посети|освободи"
    r"|присоедини)(?:л|ла|ли|ло)(?:ся|сь)?"
    r"|сбежал\w*|умер|умерла|умерли|погиб\w*)(?!\w)",
    re.IGNORECASE,
)
_RULED_OUT = compile_lexicon(
    FIRST_SINGULAR + FIRST_PLURAL + SECOND_PERSON + MODAL_FUTURE + OPINION
    + "if whether unless maybe perhaps can't cannot won't wouldn't couldn't shouldn't якщо чи"
    " если ли".split()
)  # fmt: skip
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def _names_someone(words: list[str]) -> bool:
    """A capitalised word that is a name: any after the first, or a first that opens no
    sentence ("Zelensky bought…", not "The minister bought…")."""
    if not words:
        return False
    first = words[0]
    if first[0].isupper() and first.lower() not in SENTENCE_OPENERS:
        return True
    return any(word[0].isupper() and word != "I" for word in words[1:])


def is_event_claim(sentence: str) -> bool:
    """Whether the sentence states a past event of someone named, flatly."""
    if "?" in sentence:
        return False
    words = _WORD_RE.findall(sentence)
    if not words or len(words) > MAX_WORDS:
        return False
    if not (_ENGLISH.search(sentence) or _UKRAINIAN.search(sentence) or _RUSSIAN.search(sentence)):
        return False
    if any(in_lexicon(word.lower(), _RULED_OUT) for word in words):
        return False
    return _names_someone(words)


def event_floor(sentence: str, score: float) -> float:
    """The score, raised to `EVENT_FLOOR` for an event claim."""
    return max(score, EVENT_FLOOR) if is_event_claim(sentence) else score
