"""Event claims: "Zelensky bought a villa in Italy", "Russian troops captured Kupiansk".

The check-worthiness model learnt from political debates, where what is checked is mostly
figures and records; it scores the claims that spread on Telegram and that desks check most (a
named actor did something: bought, fled, banned, endorsed, captured, was arrested) at 0.2–0.4:
"Zelensky bought a villa in Italy." 0.20, "Pope Francis endorsed Donald Trump for president."
0.32, "Президент України втік з країни." 0.30. In its training data such sentences are
check-worthy far more often than the rest: 88 % of the 32 ClaimBuster sentences this rule finds
and 75 % of the 79 in CheckThat! 2024 train, against 25 % and 24 % of all sentences; the model
already scores most of them check-worthy, and the rule lifts 2 and 15 it does not (all labelled
not check-worthy there: debates hold few claims of this kind). A sentence that states such an
event, in the past, about someone named, with no first or second person, modal, opinion word,
hedge or question, is given at least `EVENT_FLOOR`: check-worthy, and ranked below the claims
with figures and sources (on the annotated pages, which fill their ten places with those, it
changed nothing).
"""

from __future__ import annotations

import re

from bot.extraction.features import FLAG, count_names, tokenize, word_flags
from bot.extraction.lexicon import COMMON_OPENERS

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
# The scorer's own word lists: the writer's view, a plan or a forecast is no event.
RULED_OUT = (
    FLAG["first_singular"] | FLAG["first_plural"] | FLAG["second_person"]
    | FLAG["modal_future"] | FLAG["opinion"]
)  # fmt: skip
HEDGES = frozenset(
    "if whether unless maybe perhaps can't cannot won't wouldn't couldn't shouldn't якщо чи если"
    " ли".split()
)


def _names_someone(tokens: list[str]) -> bool:
    """Someone named: a capitalised word after the first ("… captured Kupiansk"), or a first
    word that is no common sentence opener ("Zelensky bought…", not "The minister bought…")."""
    first = next((t for t in tokens if t[0].isalpha()), "")
    opens_named = first[:1].isupper() and first.lower() not in COMMON_OPENERS and first != "I"
    return opens_named or count_names(tokens) > 0


def is_event_claim(sentence: str) -> bool:
    """Whether the sentence states a past event of someone named, flatly."""
    if "?" in sentence:
        return False
    tokens = tokenize(sentence)
    words = [t.lower() for t in tokens if t[0].isalpha()]
    if not words or len(words) > MAX_WORDS:
        return False
    if not (_ENGLISH.search(sentence) or _UKRAINIAN.search(sentence) or _RUSSIAN.search(sentence)):
        return False
    if any(word_flags(w) & RULED_OUT or w in HEDGES for w in words):
        return False
    return _names_someone(tokens)


def event_floor(sentence: str, score: float) -> float:
    """The score, raised to `EVENT_FLOOR` for an event claim."""
    return max(score, EVENT_FLOOR) if is_event_claim(sentence) else score
