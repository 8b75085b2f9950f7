"""Who said it: a sentence's claimant, from attribution constructions only, and its claim text.

A claimant comes from a construction — "X said/told reporters/added …", "…, said X", "according
to X", "X заявив", "за словами X", "як повідомляє X", "по данным X", "— сообщил X" — whose noun
phrase is a name, an organisation or a role ("the ministry"), never a sentence opener ("That",
"Earlier", "Citing …"). "He said" is the last speaker of that kind; "the report" is the report
named before; when neither is known the claimant is None. The claim text is the sentence itself,
or the quoted words with the speaker ("According to X, …"), without a dangling "But"/"Однак", and
with a leading pronoun replaced only when exactly one antecedent fits. ``validate.py`` checks it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.extraction.lexicon import COMMON_OPENERS, PRONOUN_START
from bot.extraction.mentions import (
    COMPATIBLE,
    GENERIC_BODIES,
    Speaker,
    kind_of,
    named_document,
    people_mentioned,
    roles_mentioned,
    sentence_body,
    sentence_subject,
)
from bot.extraction.noun_phrases import is_cap
from bot.extraction.speaker_words import CONNECTIVES, ORG_WORDS, VERBS_EN
from bot.extraction.speakers import DOC_REF_RE, Found, find_claimant, is_attribution_only

__all__ = [
    "Attribution",
    "SpeakerContext",
    "attribute_paragraph",
    "find_claimant",
    "is_attribution_only",
]

CLOSE_QUOTE = '”"»'
OPEN_QUOTE = '“"«„'
CYRILLIC_RE = re.compile(r"[а-яіїєґё]", re.IGNORECASE)
FIRST_PERSON_RE = re.compile(r"\b(I|we|We|our|Our|my|My|я|ми|мы|наш\w*|Я|Ми|Мы|Наш\w*)\b")
CONNECTIVE_RE = re.compile(
    r"^(?:" + "|".join(re.escape(c) for c in CONNECTIVES) + r")\b,?\s+(?=\S)", re.IGNORECASE
)
BACK_REFERENCE_ROLES = frozenset(
    "spokesperson spokesman spokeswoman official minister ambassador envoy adviser".split()
)
# ", it said in a filing." at the end of a sentence: "it" is the sentence's own subject.
TRAILING_PRONOUN_RE = re.compile(
    rf",\s+(?:it|he|she|they)\s+(?:also\s+|later\s+)?(?:{VERBS_EN})\b[^,;:]{{0,60}}[.!]?$"
)
# "за даними організації", "по данным ведомства", "як повідомляє бюро", "в министерстве": the
# body that spoke just before, when exactly one did and it was not a news outlet, else the one
# body named before whose name holds the noun (`slavic_body`); two candidates: as written.
ORGANISATION_SLAVIC = (
    "організаці", "организаци", "бюро", "відомств", "ведомств", "центр", "компані", "компани",
    "міністерств", "министерств", "служб",
)  # fmt: skip
# A body's full name in Ukrainian or Russian: an adjective in capitals, its noun, and up to four
# genitives ("Український центр оцінювання якості освіти", "Державна служба статистики"), before
# a bracket, a comma or a verb.
SLAVIC_BODY_RE = re.compile(
    r"\b(?:[А-ЯІЇЄҐ][а-яіїєґё'’-]+(?:ий|ій|а|е|ое|ая|ый|ой|ська|ский|ський|ская|ого|ої|ей)\s+"
    r"(?:[а-яіїєґё'’-]+(?:ий|ій|а|е|ое|ая|ый|ой|ська|ский|ський|ская|ого|ої|ей)\s+)?"
    r"(?:центр|служба|агентство|інспекція|инспекция|комісія|комиссия|фонд|бюро|рада|совет"
    r"|управління|управление|департамент|комітет|комитет|міністерство|министерство"
    r"|центру|служби|агентства|фонду|ради|комітету|міністерства|министерства)"
    r"|(?:Центр|Служба|Агентство|Міністерство|Министерство|Департамент|Комітет|Комитет|Бюро))"
    r"(?:\s+(?!(?:заяви|повідоми|сообщи|оприлюдни|опубликова)\w*)[а-яіїєґё'’-]+){0,4}"
    r"(?:\s+(?:при\s+)?[А-ЯІЇЄҐ][\w'’-]*)?"
)
# Titles before a surname that name the person seen in full before: "Dr Ostapenko".
TITLES = frozenset("dr mr mrs ms miss prof professor sir dame".split())
WINDOW = 3  # sentences back in which a pronoun looks for its antecedent
SPEAKER_WINDOW = 6  # sentences back in which "he said" looks for its speaker


@dataclass(frozen=True)
class Attribution:
    """A sentence made self-contained: claim text, claimant, quoted words, resolved pronoun."""

    claim: str
    claimant: str | None
    quoted: str | None
    antecedent: str | None = None
    speakers: tuple[str, ...] = ()


@dataclass
class SpeakerContext:
    """What the reader knows so far: people named, speakers, documents, in reading order."""

    people: dict[str, str] = field(default_factory=dict)
    speakers: list[tuple[int, Speaker]] = field(default_factory=list)
    mentions: list[tuple[int, Speaker]] = field(default_factory=list)
    roles: list[tuple[int, Speaker]] = field(default_factory=list)
    subjects: list[tuple[int, Speaker]] = field(default_factory=list)  # people of unknown sex
    documents: list[str] = field(default_factory=list)
    index: int = 0
    cyrillic: bool = False
    interviewee: str | None = None  # an interview's: who "he said" means when no one else can
    # Ukrainian and Russian bodies named in full ("Український центр оцінювання якості освіти")
    bodies: list[tuple[int, str]] = field(default_factory=list)

    def learn(self, sentence: str) -> None:
        """Remember the full names, people and documents a sentence mentions."""
        for person in people_mentioned(sentence):
            words = person.name.split()
            if len(words) >= 2 and person.kind in ("m", "f", "x"):
                self.people.setdefault(words[-1].lower(), " ".join(words[-2:]))
            self.mentions.append((self.index, self._known(person)))
            if _person_like(person, sentence):
                self.subjects.append((self.index, person))
        self.roles += [(self.index, role) for role in roles_mentioned(sentence)]
        document = named_document(sentence)
        if document:
            self.documents.append(document)
        self.bodies += [(self.index, body) for body in SLAVIC_BODY_RE.findall(sentence)]

    def _known(self, person: Speaker) -> Speaker:
        """A bare surname seen before in full is that person."""
        full = self.people.get(person.name.lower()) if " " not in person.name else None
        return Speaker(full, person.kind) if full else person

    def full_name(self, who: str) -> str:
        """Expand a bare surname, or a title and surname ("Dr Ostapenko"), to the full name seen
        earlier."""
        words = who.split()
        if len(words) == 2 and words[0].lower().rstrip(".") in TITLES:
            return self.people.get(words[1].lower(), who)
        if len(words) != 1:
            return who
        return self.people.get(who.lower()) or self._inflected(who.lower()) or who

    def _inflected(self, word: str) -> str | None:
        """A Ukrainian or Russian surname in another case ("по словам Белозеровой" after "Анна
        Белозерова"): the one full name whose surname differs only in its last letters."""
        if not CYRILLIC_RE.match(word) or len(word) < 5:
            return None
        found = {
            full
            for surname, full in self.people.items()
            if CYRILLIC_RE.match(surname)
            and len(surname) >= 4
            and (word[:-1] == surname or word[:-2] == surname[:-1] or word[:-1] == surname[:-1])
        }
        return next(iter(found)) if len(found) == 1 else None

    def pronoun_speaker(self, kind: str) -> tuple[str | None, bool]:
        """Who "he said" means: the latest speaker, or person just described, of that kind.

        Also tells whether that was in the sentence just before (then the text may name them).
        """
        fits = COMPATIBLE.get(kind, set()) | (self.slavic_extra(kind))
        pool = [(at, s) for at, s in self.speakers if self.index - at <= SPEAKER_WINDOW]
        pool += [(at, s) for at, s in self.roles if self.index - at <= 2]
        # "Secretary Antony Blinken arrived … He told reporters": a man or woman just named,
        # or a person whose sex the name lists do not know ("Mayor Vadym Kolesnyk spoke …").
        pool += [
            (at, s) for at, s in self.mentions if self.index - at == 1 and s.kind in ("m", "f")
        ]
        pool += [(at, s) for at, s in self.subjects if self.index - at == 1]
        if kind in ("n", "p"):
            # "The Bank of England raised rates. It said …": the body named just before.
            orgs = [(at, s) for at, s in self.mentions if self.index - at == 1 and s.kind == "n"]
            pool += orgs if len(orgs) == 1 else []
        pool = [(at, s) for at, s in pool if s.kind in fits]
        if not pool:
            return (self.interviewee if kind in ("m", "f") else None), False
        latest = max(at for at, _ in pool)
        spoke = [s for at, s in self.speakers if at == latest and s.kind in fits]
        named = {s.name.split()[-1].lower(): s for at, s in pool if at == latest}
        if not spoke and len(named) > 1:
            return None, False  # "The minister met John Smith. He said …": which of them?
        speaker = spoke[-1] if spoke else next(iter(named.values()))
        return speaker.name, self.index - latest == 1

    def slavic_extra(self, kind: str) -> set[str]:
        """Ukrainian and Russian "він"/"она" may stand for a body ("Генштаб", "Минобороны")."""
        return {"n"} if self.cyrillic and kind in ("m", "f") else set()

    def recent_speaker(self) -> str | None:
        """The speaker of the sentence just before, for a quotation that continues it."""
        if self.speakers and self.index - self.speakers[-1][0] <= 2:
            return self.speakers[-1][1].name
        return None

    def named_body(self, who: str, sentence: str = "") -> str | None:
        """ "the commission" after "the Central Election Commission": the body named in the
        sentence itself ("Firefighters from Northfell Fire and Rescue Service rescued 27 people,
        the service said") or before, whose name holds that noun (the latest one, within the
        speaker window), or None."""
        words = who.split()
        if not 2 <= len(words) <= 4 or words[0].lower() != "the":
            return None
        noun = words[-1].lower()
        if noun not in ORG_WORDS or any(is_cap(w) for w in words[1:]):
            return None
        described = [w.lower() for w in words[1:-1]]  # "the election commission"
        here = [(self.index, Speaker(n, "n")) for n in _names_holding(sentence, noun)]
        pool = sorted(self.speakers + self.mentions + self.roles, key=lambda e: e[0], reverse=True)
        for at, earlier in here + pool:  # the latest first; a speaker before a mere mention
            name = earlier.name.split()
            capitals = [w.lower() for w in name if is_cap(w)]
            # "the Central Election Commission", "the National Institute of Public Health"
            if (
                self.index - at <= SPEAKER_WINDOW
                and len(capitals) >= 2
                and noun in capitals
                and all(w in capitals for w in described)
            ):
                return earlier.name
        return None

    def slavic_body(self, who: str, sentence: str = "") -> str | None:
        """ "організації", "ведомства", "Центру" (one word): the body that spoke in the last two
        sentences, when exactly one did; else the one body named in the last few whose name
        holds the word ("Український центр оцінювання якості освіти" for "центру"); else the one
        abbreviation of the sentence itself ("сотрудники ФСБ …, по данным ведомства"); else None
        (the word stays as written)."""
        low = who.lower()
        if " " in who or not who[1:].islower() or not low.startswith(ORGANISATION_SLAVIC):
            return None  # one word, "ведомства" or "Центру"
        bodies = {
            s.name
            for at, s in self.speakers
            if 0 < self.index - at <= 2 and s.kind in ("n", "x") and _body_name(s.name)
        }
        if len(bodies) == 1:
            return next(iter(bodies))
        if bodies:
            return None
        # "За даними центру" after "Український центр оцінювання якості освіти оприлюднив …":
        # the body named before whose name holds the noun, though it did not speak
        stem = low[:5]
        named = {
            name
            for at, name in [(at, s.name) for at, s in self.mentions + self.speakers] + self.bodies
            if 0 < self.index - at <= SPEAKER_WINDOW
            and len(name.split()) >= 2
            and any(w.lower().startswith(stem) for w in name.split()[:3])
        }
        # one body named twice ("Національне антикорупційне бюро", "… бюро та … прокуратура")
        named = {n for n in named if not any(o != n and o in n for o in named)}
        if len(named) == 1:
            return next(iter(named))
        # "сотрудники ФСБ задержали …, который, по данным ведомства, …": the one body the
        # sentence names by its abbreviation
        here = {w for w in re.findall(r"\b[А-ЯІЇЄҐA-Z]{2,6}\b", sentence) if w.isupper()}
        return next(iter(here)) if len(here) == 1 and not named else None

    def only_candidate(self, kind: str) -> str | None:
        """The antecedent of a pronoun when exactly one entity of its kind precedes it."""
        pool = self.speakers + self.mentions + self.roles
        # One person named twice ("Kudrytskyi", "chief executive Volodymyr Kudrytskyi") is one.
        names = {
            s.name.split()[-1].lower(): s.name
            for at, s in pool
            if 0 < self.index - at <= WINDOW and s.kind in COMPATIBLE.get(kind, set())
        }
        return next(iter(names.values())) if len(names) == 1 else None

    def resolve(self, found: Found, sentence: str = "") -> str | None:
        """Turn the phrase of a construction into a claimant, or None when it is not known."""
        who = found.who
        if who is None:
            return None
        pronoun = PRONOUN_START.get(who.lower())
        self.cyrillic = bool(CYRILLIC_RE.search(who))
        if pronoun:
            trailing = TRAILING_PRONOUN_RE.search(sentence)
            own = sentence_subject(sentence, pronoun) if trailing else None
            return own or self.pronoun_speaker(found.gender or pronoun)[0]
        if DOC_REF_RE.fullmatch(who):
            return self.documents[-1] if self.documents else None
        if who.lower().removeprefix("the ") in GENERIC_BODIES and who.lower().startswith("the "):
            return sentence_body(sentence) or who  # "Microsoft will cut …, the company said"
        noun = who.lower().removeprefix("the ")
        named = self.named_body(who, sentence) or self.slavic_body(who, sentence)
        if named:
            return named
        if who.lower().startswith("the ") and noun in BACK_REFERENCE_ROLES:
            # "the spokesperson wrote": the spokesperson introduced before, if there was one.
            for _, earlier in reversed(self.speakers + self.roles):
                head = re.split(r"\s(?:for|of|at)\s", earlier.name.lower())[0].split()
                if noun in head and earlier.name.lower() != who.lower():
                    return earlier.name
        return self.full_name(who)


def _names_holding(sentence: str, noun: str) -> list[str]:
    """Capitalised names in the sentence with the noun among their words, glue words included
    ("Northfell Fire and Rescue Service" for "service")."""
    pattern = (
        r"(?:[A-Z][\w'’-]*\s+(?:(?:and|of|for|&)\s+)?){1,6}"
        + noun.capitalize()
        + r"\b(?:\s+(?:of|for)\s+(?:[A-Z][\w'’-]*\s*){1,4})?"
    )
    return [m.group(0).strip() for m in re.finditer(pattern, sentence)] if sentence else []


def _body_name(name: str) -> bool:
    """A body that can be "the agency" of the next sentence: a name or a described body
    ("ЦОС ФСБ России", "региональном минздраве"), not a news outlet in guillemets («Интерфакс»
    reports what an agency said; "в ведомстве" is that agency, not the outlet)."""
    if name.startswith("«") or name.lower().startswith(("джерел", "источник")):
        return False  # "джерела «Вінниці Сьогодні»": who told the outlet, no body
    return is_cap(name) or len(name.split()) >= 2


def _person_like(mention: Speaker, sentence: str) -> bool:
    """A name of unknown sex that reads as a person's and opens its sentence: two to four
    capitalised words, no body's noun ("Mayor Vadym Kolesnyk spoke to reporters"; not "March",
    not "Colleges Employers Association", not "Tel Aviv" in "… arrived in Tel Aviv")."""
    words = mention.name.split()
    return (
        mention.kind == "x"
        and 2 <= len(words) <= 4
        and sentence.lstrip().startswith(mention.name)
        and all(is_cap(w) for w in words)
        and not any(w.lower() in ORG_WORDS for w in words)
    )


def drop_connective(text: str) -> str:
    """Remove a sentence-initial "But"/"However,"/"Але" that points at a sentence not shown."""
    match = CONNECTIVE_RE.match(text)
    if not match or len(text) - match.end() < 12:
        return text
    return _upper_first(text[match.end() :])


def _strip_quotes(text: str) -> str:
    """Remove the quotation marks around quoted content and a trailing comma."""
    text = text.strip().strip(OPEN_QUOTE + CLOSE_QUOTE).strip()
    return text[:-1] + "." if text.endswith(",") else text


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


def said_text(body: str, claimant: str) -> str:
    """Quoted words phrased as an attributed, self-contained claim."""
    body = drop_connective(_strip_quotes(body))
    if not CYRILLIC_RE.search(body) and body[-1:].isalnum():
        body += "."
    if CYRILLIC_RE.search(body):
        # Ukrainian and Russian inflect the name after "за словами"; a colon needs no grammar.
        return f"{_upper_first(claimant)}: «{body}»"
    if FIRST_PERSON_RE.search(body):
        return f"{_upper_first(claimant)} said: “{body}”"
    return f"According to {claimant}, {_lower_first(body)}"


def _resolved_text(sentence: str, context: SpeakerContext) -> tuple[str, str | None]:
    """The sentence with a dangling connective dropped and a leading pronoun resolved."""
    text = drop_connective(sentence)
    match = re.match(r"^(\w+)\b(\s+(?:also|then|later|further|також|теж|также|тоже)\b)?", text)
    if not match or match.group(1).lower() not in PRONOUN_START:
        return text, None
    kind = PRONOUN_START[match.group(1).lower()]
    reports = find_claimant(text).who == match.group(1)
    if kind in ("n", "p") and not reports:
        return text, None  # "It is …", "They are …": too often not a thing named before
    if reports:
        # "He added …" names the speaker only when they spoke (or appeared) just before.
        speaker, adjacent = context.pronoun_speaker(kind)
        name = speaker if adjacent else None
    else:
        name = context.only_candidate(kind)
    if not name:
        return text, None
    return _upper_first(name) + text[match.end(1) :], name


def attribute_paragraph(sentences: list[str], context: SpeakerContext) -> list[Attribution]:
    """Claim text, claimant and quoted words for each sentence of one paragraph, in order."""
    found = [find_claimant(s) for s in sentences]
    groups = _quote_groups(sentences)
    results = []
    group_claimant: dict[int, str] = {}
    for i, sentence in enumerate(sentences):
        context.index += 1
        claimant = context.resolve(found[i], sentence)
        quoted = groups[i] != i or sentence.lstrip()[:1] in OPEN_QUOTE
        if claimant is None and quoted and found[i].who is None:
            later = [context.resolve(f) for j, f in enumerate(found) if groups[j] == groups[i]]
            claimant = group_claimant.get(groups[i]) or next((c for c in later if c), None)
            if claimant is None and sentence.rstrip()[-1:] in CLOSE_QUOTE:
                claimant = context.recent_speaker()
        # Words quoted in a sentence that names its speaker are only the quoted part ("“Next
        # prisoner,” says Hadvar, reading …" is no quotation to re-attribute as a whole).
        content = found[i].quoted if found[i].who else (sentence if quoted else None)
        antecedent = None
        if claimant and content:
            said = _strip_quotes(content)
            claim = said_text(said, claimant)
        else:
            said = None
            claim, antecedent = _resolved_text(sentence, context)
        results.append(Attribution(claim, claimant, said, antecedent, found[i].phrases))
        if claimant:
            group_claimant.setdefault(groups[i], claimant)
            context.speakers.append(
                (context.index, Speaker(claimant, kind_of(claimant, found[i].gender)))
            )
        context.learn(sentence)
    return results


def _lower_first(text: str) -> str:
    """Lower-case the first word when it is a common word rather than a name."""
    match = re.match(r"^(\w+)", text)
    word = match.group(1) if match else ""
    if word.lower() in COMMON_OPENERS and not (len(word) > 1 and word.isupper()):
        return text[0].lower() + text[1:]
    return text


def _upper_first(text: str) -> str:
    """Capitalise the first letter, for a name that now opens a sentence."""
    return text[:1].upper() + text[1:]
