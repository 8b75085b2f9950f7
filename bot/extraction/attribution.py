"""Who said it: find a sentence's claimant and rewrite the claim so it stands on its own.

Handles the patterns of news copy in English, Ukrainian and Russian: "Kirby told reporters
that ...", "“...,” he added", "“...,” said Foreign Secretary James Cleverly", "according to
the ministry", "— заявив Зеленський", "за даними Генштабу", "по данным Минобороны". A leading
"He"/"She"/"Він"/"Она" is resolved to the speaker or person last named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.extraction.lexicon import PRONOUN_START

VERBS_EN = (
    r"said|says|told|tells|added|adds|stated|announced|announces|reported|claimed|claims|confirmed"
    r"|noted|wrote|writes|tweeted|posted|warned|warns|accused|insisted|estimated|testified"
    r"|indicated|explained|argued|revealed|alleged|acknowledged|denied|admitted|declared"
)
VERBS_SLAVIC = (
    r"заяви\w*|повідоми\w*|сказа\w*|зазначи\w*|додав|додала|додали|наголоси\w*|підтверди\w*"
    r"|розповів|розповіла|розповіли|написа\w*|заявил\w*|сообщил\w*|отметил\w*|добавил\w*"
    r"|подчеркну\w*|подтверди\w*|рассказа\w*|уточни\w*"
)
VERB = rf"(?:{VERBS_EN}|{VERBS_SLAVIC})"
CLOSE_QUOTE = '”"»'
OPEN_QUOTE = '“"«„'
TIME_PHRASE_RE = re.compile(
    r"\s+(on|last|this|earlier|late|в|у|во)\s+(\w+day|week|month|year|night|morning|evening"
    r"|понеділок|вівторок|середу|четвер|п'ятницю|суботу|неділю|понедельник|вторник|среду"
    r"|четверг|пятницу|субботу|воскресенье|\w+\.? \d+)\b",
    re.IGNORECASE,
)
BARE_TIME_RE = re.compile(
    r"\s+(today|yesterday|tonight|сьогодні|вчора|учора|сегодня|вчера)\b", re.IGNORECASE
)
APPOSITIVE_RE = re.compile(r",[^,]{2,90},")
LEADING_RE = re.compile(
    rf"^(?P<who>[^“\"«„]{{2,140}}?)\s+(?:(?:also|has|had|також|теж|также|тоже)\s+)?(?:{VERB})\b"
)
TRAILING_RE = re.compile(
    rf"[{CLOSE_QUOTE}]\s*[,.]?\s*(?:[—–-]\s*)?(?:(?P<verb_first>{VERB})\s+(?P<who_after>[^.!?;]{{2,80}})"
    rf"|(?P<who_before>[^.!?;{OPEN_QUOTE}]{{2,60}}?)\s+(?:{VERB}))(?P<rest>[^{OPEN_QUOTE}]*)$"
)
ACCORDING_RE = re.compile(
    r"(?:according to|за даними|за словами|за інформацією|по данным|по словам|по информации"
    r"|як повідоми\w*|как сообщи\w*|про це (?:повідоми\w*|заяви\w*)|об этом (?:сообщи\w*|заяви\w*))"
    r"\s+(?:в|у|во)?\s*(?P<who>[^,.;:!?]{2,80})",
    re.IGNORECASE,
)
WHO_TAIL_RE = re.compile(
    r"\s+(in|to|on|at|during|with|after|before|under|під час|в|у|на|во|of the statement)\b.*$",
    re.IGNORECASE,
)
FINAL_SAID_RE = re.compile(
    rf",\s*(?P<who>[^,“\"«„]{{2,60}}?)\s+(?:{VERB})(?:\s+\w+){{0,3}}\s*(?:[.!]?$|,\s+adding)"
)
# Ukrainian and Russian put the verb first: "…, сообщил источник в полиции."
FINAL_VERB_FIRST_RE = re.compile(rf",\s*(?:{VERBS_SLAVIC})\s+(?P<who>[^,“\"«„.!?]{{2,80}})[.!]?$")
ORGANISATION_RE = re.compile(
    r"ministry|officials|police|spokes|government|military|army|office|agency|department|source"
    r"|джерел|источник"
    r"|міністерств|відомств|поліці|уряд|штаб|міністерств|министерств|ведомств|полици|правительств",
    re.IGNORECASE,
)
ATTRIBUTION_ONLY_RE = re.compile(
    rf"^(?:про це|об этом|this was|that was|as|так)\s+(?:\w+\s+){{0,2}}(?:{VERB})\b[^,;:]{{0,80}}$",
    re.IGNORECASE,
)
CYRILLIC_RE = re.compile(r"[а-яіїєґё]", re.IGNORECASE)
NAME_SEQ_RE = re.compile(r"\b[A-ZА-ЯІЇЄҐ][\w'’-]+(?:\s+[A-ZА-ЯІЇЄҐ][\w'’-]+){1,3}")
DETERMINERS = frozenset("the a an this that these those at in on by for and but it its".split())
ORG_WORDS = frozenset(
    "house council ministry office department peninsula forces army union states kingdom news"
    " committee agency service government party".split()
)
PRONOUNS_AS_CLAIMANT = frozenset(PRONOUN_START) | {"him", "her"}
MAX_CLAIM_CHARS = 300


@dataclass(frozen=True)
class Attribution:
    """A sentence made self-contained: the claim text, who made it, the words quoted if any."""

    claim: str
    claimant: str | None
    quoted: str | None


@dataclass
class SpeakerContext:
    """What the reader knows so far: the people named and the last speaker."""

    people: dict[str, str] = field(default_factory=dict)
    last_speaker: str | None = None
    last_person: str | None = None

    def learn_names(self, sentence: str) -> None:
        """Remember full names, so that a later bare surname can be expanded."""
        for match in NAME_SEQ_RE.finditer(sentence):
            words = match.group(0).split()
            if words[0].lower() in DETERMINERS or any(w.lower() in ORG_WORDS for w in words):
                continue
            full = " ".join(words[-2:])
            self.people.setdefault(words[-1].lower(), full)
            self.last_person = full

    def full_name(self, who: str) -> str:
        """Expand a bare surname to the full name seen earlier; resolve pronouns."""
        if who.lower() in PRONOUNS_AS_CLAIMANT:
            return self.last_speaker or self.last_person or who
        words = who.split()
        if len(words) == 1:
            return self.people.get(who.lower(), who)
        return who


def _clean_who(who: str, *, leading: bool = False) -> str | None:
    """Trim a claimant phrase to the name: drop appositives, time phrases and tails."""
    who = APPOSITIVE_RE.sub("", who + ",").rstrip(",").strip()
    who = TIME_PHRASE_RE.sub("", who)
    who = BARE_TIME_RE.sub("", who)
    who = WHO_TAIL_RE.sub("", who).strip(' ,—–-"“”«»')
    issued_by = re.search(r"\b(?:issued by|from|by)\s+(.+)$", who)
    if issued_by:
        who = issued_by.group(1)
    words = who.split()
    if not words or len(words) > 8 or any(ch.isdigit() for ch in who):
        return None
    if who.lower() in PRONOUNS_AS_CLAIMANT:
        return who
    named = any(w[0].isupper() for w in (words[1:] if leading and len(words) > 1 else words))
    return who if named or ORGANISATION_RE.search(who) else None


def find_claimant(sentence: str) -> tuple[str | None, str | None]:
    """Return (claimant phrase, quoted content) as written in the sentence, either may be None."""
    trailing = TRAILING_RE.search(sentence)
    if trailing:
        who = trailing.group("who_after") or trailing.group("who_before") or ""
        return _clean_who(who), sentence[: trailing.start() + 1]
    according = ACCORDING_RE.search(sentence)
    if according:
        return _clean_who(according.group("who")), None
    final = FINAL_SAID_RE.search(sentence) or FINAL_VERB_FIRST_RE.search(sentence)
    if final:
        return _clean_who(final.group("who")), None
    leading = LEADING_RE.match(sentence)
    if leading:
        return _clean_who(leading.group("who"), leading=True), None
    return None, None


def _strip_quotes(text: str) -> str:
    """Remove the quotation marks around quoted content and a trailing comma."""
    text = text.strip().strip(OPEN_QUOTE + CLOSE_QUOTE).strip()
    return text[:-1] + "." if text.endswith(",") else text


def _resolve_leading_pronoun(text: str, context: SpeakerContext) -> str:
    """Replace a sentence-initial he/she (він/вона/он/она) with the person meant."""
    match = re.match(r"^(\w+)\b", text)
    if not match or match.group(1).lower() not in PRONOUN_START:
        return text
    kind = PRONOUN_START[match.group(1).lower()]
    if kind in ("m", "f"):
        name = context.last_speaker or context.last_person
    else:
        # "It"/"They" is only safe to resolve when it reports speech ("It said ...").
        said = re.match(rf"^\w+\s+(?:{VERB})\b", text)
        name = context.last_speaker if said else None
    return _upper_first(name) + text[match.end() :] if name else text


def trim_claim(text: str, limit: int = MAX_CLAIM_CHARS) -> str:
    """Shorten a claim to ``limit`` characters at a clause boundary, marking the cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = max(head.rfind(sep) for sep in (", ", "; ", " — ", " – ", ": "))
    if cut < limit // 2:
        cut = head.rfind(" ")
    return head[:cut].rstrip(" ,;:—–") + "…"


def _quote_balance(sentence: str) -> int:
    """Quotation marks in a sentence: odd means a quotation opens or closes across sentences."""
    return sum(sentence.count(q) for q in '“”"«»„')


def _quote_groups(sentences: list[str]) -> list[int]:
    """For each sentence, the index of the first sentence of the quotation it belongs to."""
    groups: list[int] = []
    open_at: int | None = None
    for i, sentence in enumerate(sentences):
        odd = _quote_balance(sentence) % 2 == 1
        if open_at is None:
            groups.append(i)
            if odd and sentence.lstrip()[:1] in OPEN_QUOTE:
                open_at = i
        else:
            groups.append(open_at)
            if odd:
                open_at = None
    return groups


def is_attribution_only(sentence: str) -> bool:
    """A sentence that only says who said the previous one ("Про це заявив Шмигаль.")."""
    return bool(ATTRIBUTION_ONLY_RE.match(sentence))


def _claim_text(body: str, claimant: str) -> str:
    """Phrase quoted content as an attributed, self-contained claim."""
    body = _strip_quotes(body)
    if CYRILLIC_RE.search(body):
        # Ukrainian and Russian inflect the name after "за словами"; a colon needs no grammar.
        return trim_claim(f"{_upper_first(claimant)}: «{body}»")
    if re.search(r"\b(I|we|We|our|Our|my|My|я|ми|мы|наш\w*|Я|Ми|Мы|Наш\w*)\b", body):
        return trim_claim(f"{_upper_first(claimant)} said: “{body}”")
    return trim_claim(f"According to {claimant}, {_lower_first(body)}")


def attribute_paragraph(sentences: list[str], context: SpeakerContext) -> list[Attribution]:
    """Claim text, claimant and quoted words for each sentence of one paragraph, in order."""
    found = [find_claimant(s) for s in sentences]
    groups = _quote_groups(sentences)
    group_who: dict[int, str] = {}
    for i, (who, _) in enumerate(found):
        if who:
            group_who.setdefault(groups[i], who)
    results = []
    for i, sentence in enumerate(sentences):
        context.learn_names(sentence)
        who, content = found[i]
        quoted = groups[i] != i or sentence.lstrip()[:1] in OPEN_QUOTE
        if who is None and quoted:
            who = group_who.get(groups[i])
        claimant = context.full_name(who) if who else None
        if claimant is None and quoted and sentence.rstrip()[-1:] in CLOSE_QUOTE:
            claimant = context.last_speaker
        if claimant and claimant.lower() in PRONOUNS_AS_CLAIMANT:
            claimant = None
        if claimant and quoted:
            said = _strip_quotes(content or sentence)
            results.append(Attribution(_claim_text(said, claimant), claimant, said))
        else:
            claim = trim_claim(_resolve_leading_pronoun(sentence, context))
            results.append(Attribution(claim, claimant, None))
        if claimant:
            context.last_speaker = claimant
    return results


def _lower_first(text: str) -> str:
    """Lower-case the first word when it is a common word rather than a name."""
    match = re.match(r"^(\w+)", text)
    common = {"the", "a", "an", "there", "this", "these", "it", "they", "some", "many", "most"}
    if match and match.group(1).lower() in common:
        return text[0].lower() + text[1:]
    return text


def _upper_first(text: str) -> str:
    """Capitalise the first letter, for a name that now opens a sentence."""
    return text[:1].upper() + text[1:]
