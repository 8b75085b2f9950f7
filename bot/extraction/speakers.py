"""The grammar of attribution: "X said", "said X", "according to X" and their kin in a sentence.

Works on tokens, so the noun phrase of a construction is read word by word from the verb outwards:
names (capitalised words), role nouns ("ministry", "spokesperson"), a few modifiers ("chief",
"foreign") and a determiner. A phrase that does not start at a clause boundary, or is only a
sentence opener ("In", "Earlier", "Both"), is no claimant. Verbs inside quotation marks are what
was said, not who said it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extraction.lexicon import PRONOUN_START
from bot.extraction.mentions import (
    CYRILLIC_RE,
    DOCUMENT_RE,
    TOKEN_RE,
    named_document,
)
from bot.extraction.noun_phrases import QUANTIFIERS, is_cap, is_role, valid_phrase
from bot.extraction.quotes import QUOTE_CLOSE, quote_mask, quoted_parts
from bot.extraction.speaker_words import (
    ACCORDING_SOURCES,
    ADVERBS,
    BOUNDARY_WORDS,
    FORWARD_STOP_EN,
    FORWARD_STOP_SLAVIC,
    MODIFIERS,
    OPENERS,
    ORG_SLAVIC,
    TIME_WORDS,
    VERBS_EN,
    VERBS_SLAVIC,
)

VERB_RE = re.compile(rf"(?:{VERBS_EN}|{VERBS_SLAVIC})")
ACCORDING_RE = re.compile(
    r"\b(?:according to|згідно з даними|відповідно до даних|согласно данным|следует из данных"
    r"|за словами|за даними|за інформацією|за повідомленням|по словам|по версии|за версією"
    r"|по данным|по информации|по сообщению|як повідом\w+|как сообща\w+|как сообщи\w+"
    r"|по оценк[еам]\w*|за оцінк(?:ою|ами)|по подсч[её]там|за підрахунками"
    r"|про це (?:повідом\w*|заяв\w*|сказа\w*)|об этом (?:сообщ\w*|заяв\w*|сказа\w*"
    r"|рассказа\w*))\s+(?:(?:в|у|во)\s+)?",
    re.IGNORECASE,
)
# "…, йдеться в повідомленні бюро", "…, говорится в сводке": what a statement says.
STATEMENT_SAYS_RE = re.compile(
    r"\b(?:йдеться|зазначається|говориться|говорится|указывается|отмечается)\s+(?:в|у|во)\s+"
    r"(?:повідомленні|заяві|звіті|зведенні|документі|сообщении|заявлении|отч[её]те|сводке"
    r"|документе|релизе|релізі)\b\s*",
    re.IGNORECASE,
)
# "За його словами" / "по его словам" / "по их данным": according to him (or them), whoever
# spoke last.
PRONOUN_ACCORDING_RE = re.compile(
    r"\b(?:за\s+(?P<uk>його|її|їхніми)\s+(?:словами|даними|підрахунками|оцінками)"
    r"|по\s+(?P<ru>его|ее|её|их)\s+(?:словам|данным|подсч[её]там|оценкам))",
    re.IGNORECASE,
)
POSSESSIVE_TO_PRONOUN = {
    "його": "він",
    "її": "вона",
    "їхніми": "вони",
    "его": "он",
    "ее": "она",
    "её": "она",
    "их": "они",
}
# "added" reports speech in "he added that …", "…,” he added."; not in "El Niño added to the heat".
NOT_REPORTING_AFTER = frozenset(
    "to a an the up its their his her some more about nearly $ £ €".split()
)
ATTRIBUTION_ONLY_RE = re.compile(
    rf"^(?:про це|об этом|this was|that was|as|так)\s+(?:[\w«»'’-]+\s+){{0,3}}"
    rf"(?:{VERBS_EN}|{VERBS_SLAVIC})\b[^,;:]{{0,140}}$",
    re.IGNORECASE,
)
# "У Запорізькій міській раді зазначили, що …", "В Минобороны заявили …": a body speaks through
# an impersonal plural ("at the council they noted"); the body stays as written (the locative).
IMPERSONAL_RE = re.compile(
    r"(?:^|(?<=\s))(?:[ВвУу]|Во|во)\s+(?P<body>(?:[\w'’«»-]+\s+){0,3}?[\w'’«»-]+)"
    r"\s+(?:також\s+|также\s+|тоже\s+|теж\s+)?"
    r"(?P<verb>повідомили|заявили|зазначили|наголосили|підтвердили|розповіли|уточнили|пояснили"
    r"|додали|назвали|сообщили|отметили|подчеркнули|подтвердили|рассказали|объяснили"
    r"|добавили)\b"
)
# "data from the defence ministry show", "Preliminary results published by the Central Election
# Commission on Sunday show": the body whose figures they are.
DATA_SHOW_RE = re.compile(
    r"\b(?:data|figures|statistics|results|estimates|records|numbers)\s+"
    r"(?:(?:published|released|compiled|provided|issued)\s+)?(?:from|by)\s+"
    r"(?P<who>(?:[\w'’.-]+\s+){0,7}[\w'’.-]+)\s+(?:show|shows|showed|suggest"
    r"|suggests|indicate|indicates)\b",
    re.IGNORECASE,
)
DOC_REF_RE = re.compile(
    r"(?:(?:the|this|that|a|an|its|their|our|one|another)\s+)?(?:new\s+|latest\s+|same\s+)?"
    r"(?:report|study|paper|survey|analysis|research|data|review|statement|document|figures)"
    r"|(?:це |це\s)?(?:дослідження|звіт|доповідь|исследование|доклад|отчет|отчёт)",
    re.IGNORECASE,
)
DASHES = frozenset("— – -".split())
RELATIVE_END = frozenset(". , ; and or but is was are were about in to before".split())
ISSUED = frozenset("issued published released compiled provided statement".split())
SOURCE_NOUNS = frozenset(
    "estimates estimate data figures statistics report survey poll research study analysis"
    " assessment calculations count tally".split()
)
SOURCE_PREPS = frozenset("by from of".split())
# Where something was said ("в комментарии", "в інтерв'ю"): not part of who said it.
VENUES = frozenset(
    "комментарии коментарі коментарях интервью інтерв'ю інтерв’ю эфире ефірі заявлении заяві"
    " обращении зверненні соцсетях соцмережах telegram телеграм-канале телеграм-каналі".split()
)
SOURCE_SLAVIC = ("источник", "джерел")  # "a source": never a body's name after it
DATIVE_ENDINGS = ("ому", "ему", "ові", "еві", "ам", "ям")
# Posts, videos and channels: who spreads a claim (see `_media_subject`).
MEDIA_NOUNS = frozenset(
    "post posts video videos channel channels account accounts message messages tweet tweets"
    " blog blogs blogger bloggers website websites outlet outlets meme memes".split()
)
MEDIA_DESCRIBERS = frozenset("linked shared circulating spreading run seen viewed on from".split())
# "according to two diplomats familiar with the talks": sources the text does not name, but
# sources all the same (a desk weighs an anonymous source differently, it does not drop it).
NUMBERS = frozenset("two three four five six several".split())
ANONYMOUS_HEADS = frozenset("people officials sources diplomats persons insiders".split())
FAMILIAR = ("familiar with", "close to", "briefed on", "with knowledge of", "involved in")


@dataclass(frozen=True)
class Found:
    """What one sentence says about its source, before the context resolves it."""

    who: str | None = None
    quoted: str | None = None
    gender: str | None = None
    phrases: tuple[str, ...] = ()


def _skip_adverbs(tokens: list[str], j: int) -> int:
    """Step back over "also", "has", "on Monday" and a parenthesised acronym ("(ONS)")."""
    while j >= 0:
        if tokens[j].lower() in ADVERBS or tokens[j].lower() in TIME_WORDS:
            j -= 1
        elif j >= 2 and tokens[j] == ")" and tokens[j - 2] == "(" and tokens[j - 1].isupper():
            j -= 3  # "the Office for National Statistics (ONS) said": the name before it
        else:
            return j
    return j


def _skip_venue(tokens: list[str], j: int) -> int:
    """Step back over where a speaker said it, between the speaker and the verb: "Главный врач
    Сергей Ульянов в комментарии местному порталу заявил", "… у коментарі «Суспільному» сказав"."""
    for k in range(j, max(j - 5, -1), -1):
        if tokens[k].lower() in ("в", "у", "во") and k + 1 <= j and tokens[k + 1].lower() in VENUES:
            return k - 1
    return j


def _coordinated(tokens: list[str], j: int) -> bool:
    """Whether the phrase after ``tokens[j]`` opens a second clause (", and Meta said …")."""
    return j > 0 and tokens[j - 1] == "," and tokens[j].lower() in ("and", "but", "while")


def _backward(tokens: list[str], i: int) -> tuple[str | None, bool]:
    """The subject noun phrase that ends just before ``tokens[i]``, read from the verb backwards,
    and whether it opens a second clause of the sentence."""
    phrase, j = _backward_at(tokens, i)
    return phrase, phrase is not None and _coordinated(tokens, j)


def _backward_at(tokens: list[str], i: int) -> tuple[str | None, int]:
    """The phrase before the verb at ``i`` and the index of the token before it."""
    j = _skip_venue(tokens, _skip_adverbs(tokens, i - 1))
    if j >= 0 and tokens[j] == ",":
        # "John Kirby, the NSC coordinator, told …": the name is before the appositive.
        k = j - 1
        while k >= 0 and tokens[k] != "," and j - k < 15 and tokens[k] not in QUOTE_CLOSE + '"':
            k -= 1
        if k < 0 or tokens[k] != ",":
            return None, j
        inner = tokens[k + 1 : j]
        if 2 <= len(inner) <= 4 and all(is_cap(w) and w.replace("-", "").isalpha() for w in inner):
            return " ".join(inner), k  # "Russia’s ambassador to the US, Anatoly Antonov, said"
        if 3 <= len(inner) <= 5 and is_role(inner[0]) and all(map(is_cap, inner[-2:])):
            return " ".join(inner[-2:]), k  # "Организатор акции, активистка Елена Барсукова,"
        j = k - 1
    elif j >= 0 and tokens[j] in DASHES:
        # "Kirby — who spoke at the briefing — said": the same, between dashes.
        k = j - 1
        while k >= 0 and tokens[k] in DASHES:
            k -= 1
        while k >= 0 and tokens[k] not in DASHES and j - k < 20:
            k -= 1
        if k < 0 or tokens[k] not in DASHES:
            return None, j
        while k >= 0 and tokens[k] in DASHES:
            k -= 1
        j = k
    if j >= 0 and tokens[j].lower() in PRONOUN_START:
        before = tokens[j - 1] if j > 0 else ""
        pronoun = j == 0 or not before.isalnum() or before in BOUNDARY_WORDS
        return (tokens[j] if pronoun else None), j - 1
    end, words, extra = j, 0, 0
    while j >= 0 and words < 9:
        word = tokens[j]
        low = word.lower()
        left = tokens[j - 1] if j > 0 else ""
        bare = low.removesuffix("’s").removesuffix("'s")
        adjective = bare.isalpha() and low not in FORWARD_STOP_EN | BOUNDARY_WORDS | ADVERBS
        # "many experts say": nobody in particular; but "his lawyer told the court".
        adjective = adjective and (low not in OPENERS or low in ("his", "her", "their"))
        if is_cap(word) or is_role(word) or low in MODIFIERS:
            j -= 1
            words += 1
        elif CYRILLIC_RE.match(word) and left[:1].isalpha() and _names_or_role(left, j - 1):
            # "міністр оборони Рустем Умєров": a genitive after a role or a name.
            j -= 1
            words += 1
        elif (
            adjective and extra < 2 and end > j and any(is_role(t) for t in tokens[j + 1 : end + 1])
        ):
            # "the electoral commission", "the opposition leader": an adjective of a role.
            j -= 1
            words += 1
            extra += 1
        elif low in ("питань", "вопросам") and left in ("з", "по") and j > 1:
            j -= 2  # "Голова комітету з питань нацбезпеки …": a committee's name
        elif (
            low in ("людини", "человека")
            and j > 2
            and left.lower() in ("прав", "правам")
            and tokens[j - 2].lower() in ("з", "по")
        ):
            j -= 3  # "Уповноважений Верховної Ради з прав людини": the ombudsman's title
            words += 1
        elif low == "in" and j > 0 and is_role(left) and is_cap(tokens[j + 1]):
            j -= 1  # "officials in Swat", "police in London"
        elif low in ("of", "for", "and", "at") and j > 0 and (is_cap(left) or is_role(left)):
            j -= 1  # "Ministry of Defence", "analysts at Counterpoint"
        elif low in ("та", "і", "и") and words and j > 0 and (is_cap(left) or is_role(left)):
            j -= 1  # "Національне антикорупційне бюро та Спеціалізована … прокуратура"
        elif words == 0 and bare.isalpha() and left in ("for", "of") and j > 1:
            if not is_role(tokens[j - 2]):
                break
            j -= 1  # "a spokesperson for customs": the body a role speaks for
            words += 1
        elif (
            low in NUMBERS
            and words
            and any(t.lower() in ANONYMOUS_HEADS for t in tokens[j + 1 : end + 1])
        ):
            j -= 1  # "three EU diplomats said": a counted source
            words += 1
        elif low in ("the", "a", "an"):
            j -= 1
            if j > 0 and tokens[j].lower() in ("for", "of", "at") and is_role(tokens[j - 1]):
                j -= 1  # "A spokesperson for the agency"
                continue
            break
        else:
            break
    phrase = tokens[j + 1 : end + 1]
    before = tokens[j] if j >= 0 else ""
    after = tokens[i + 1].lower() if i + 1 < len(tokens) else "."
    if before.lower() in ("that", "what", "which") and after in RELATIVE_END:
        return None, j  # "everything that the president has said and …": an object, not a source
    if j >= 0 and all(t.lower() in OPENERS for t in tokens[: j + 1]):
        j = -1  # "Тим часом Генштаб ЗСУ повідомив": only openers before the speaker
    if j >= 0 and before.isalnum() and before.lower() not in BOUNDARY_WORDS:
        # "A statement issued by the UK Foreign Office said": the body, not the statement.
        issued = j > 0 and (is_role(tokens[j - 1]) or tokens[j - 1].lower() in ISSUED)
        if before.lower() not in ("by", "from") or not issued:
            return None, j
    if j < 0:
        while phrase and phrase[0].lower() in OPENERS:
            if phrase[0].lower() in QUANTIFIERS and len(phrase) > 1 and not is_cap(phrase[1]):
                return None, j  # "Many economists say": nobody in particular
            if phrase[0].lower() in ("the", "a", "an"):
                phrase = [phrase[0].lower(), *phrase[1:]]
                break
            phrase = phrase[1:]
    return valid_phrase(phrase), j


def _names_or_role(word: str, at: int) -> bool:
    """Whether a word can govern a genitive in a speaker's title ("міністр оборони")."""
    if is_role(word) or word.lower() in ("питань", "вопросам"):
        return True
    return is_cap(word) and not (at == 0 and word.lower() in OPENERS)


def _forward(tokens: list[str], i: int, *, according: bool = False) -> str | None:
    """The noun phrase that starts at ``tokens[i]`` ("said Foreign Secretary James Cleverly")."""
    slavic = i < len(tokens) and bool(CYRILLIC_RE.match(tokens[i].lstrip("«")))
    stop = FORWARD_STOP_SLAVIC if slavic else FORWARD_STOP_EN
    phrase: list[str] = []
    j = i
    while j < len(tokens) and tokens[j].lower() in ("в", "у", "во"):
        j += 1  # "сообщили в Гидрометцентре"
    if according:
        # "according to estimates by the research firm IDC", "… a flash estimate by the National
        # Statistical Institute": the source, not the estimates.
        k = j + (j < len(tokens) and tokens[j].lower() in ("a", "an", "the", "new"))
        for _ in range(3):
            if k + 1 < len(tokens) and tokens[k].lower() in SOURCE_NOUNS:
                break
            plain = k < len(tokens) and tokens[k].replace("-", "").isalpha()
            k += plain and tokens[k].islower()  # "tanker-tracking data compiled by …"
        if k + 2 < len(tokens) and tokens[k].lower() in SOURCE_NOUNS and tokens[k + 1] in ISSUED:
            k += 1  # "according to figures published by the Danish defence ministry"
        by = k + 1
        if k < len(tokens) and tokens[k] in ISSUED:
            while by < len(tokens) and tokens[by].lower() in TIME_WORDS:
                by += 1  # "… published last week by …"
        if k < len(tokens) and tokens[k].lower() in SOURCE_NOUNS | ISSUED and by < len(tokens):
            if tokens[by] in SOURCE_PREPS:
                j = by + 1
        anonymous = _anonymous(tokens, j)
        if anonymous:
            return anonymous
    while j < len(tokens) and len(phrase) < (14 if "," in phrase else 8):
        word = tokens[j]
        low = word.lower()
        acronym = len(word) > 1 and word.isupper()  # "according to the WHO"
        # "источник в правоохранительных органах": where a source sits is part of who it is
        placed = slavic and phrase and phrase[-1].lower().startswith(SOURCE_SLAVIC)
        if placed and low in ("в", "у", "во", "из", "з", "із") and j + 1 < len(tokens):
            phrase.append(word)
            j += 1
            continue
        if word == "," and not slavic and _title_goes_on(phrase, tokens, j + 1):
            phrase.append(word)  # "Minister of Economy, Environment and Agriculture Taras …"
            j += 1
            continue
        joined = (
            slavic
            and low in ("та", "і", "и")
            and phrase
            and phrase[-1].isupper()
            and j + 1 < len(tokens)
            and tokens[j + 1].isupper()
        )  # "речника Київського обласного ТЦК та СП Андрія Левченка"
        if not word.lstrip("«")[:1].isalnum() or (low in stop and not acronym and not joined):
            break
        if low in TIME_WORDS and not phrase:
            j += 1
            continue
        phrase.append(word)
        j += 1
    if phrase and phrase[-1].lower() in ("of", "and", "for", "the"):
        phrase.pop()
    if "," in phrase:
        return " ".join(phrase).replace(" ,", ",")
    if slavic:
        if len(phrase) >= 2 and is_cap(phrase[0]) and phrase[1].lower().startswith(SOURCE_SLAVIC):
            phrase = phrase[1:]  # "рассказал ФедВест источник в …": the outlet was told
        return " ".join(phrase) if any(is_cap(w) or is_role(w) for w in phrase) else None
    if according and len(phrase) <= 6 and any(is_cap(w) for w in phrase):
        return " ".join(phrase)  # "according to" is attribution enough: "CME Group’s tool"
    if according and 2 <= len(phrase) <= 4 and phrase[-1].lower() in ACCORDING_SOURCES:
        return " ".join(phrase)  # "according to the release notes", "… court filings"
    return valid_phrase(phrase)


def _title_goes_on(phrase: list[str], tokens: list[str], j: int) -> bool:
    """Whether a role's title continues after a comma with more of its capitalised words and
    ends in the holder's name at the end of the sentence ("said Minister of Economy, Environment
    and Agriculture Taras Bondarenko.")."""
    if not any(is_role(w) for w in phrase) or not is_cap(phrase[-1]):
        return False
    rest = []
    for word in tokens[j:]:
        if not word[:1].isalnum():
            break
        rest.append(word)
    if not rest or len(rest) > 8 or j + len(rest) < len(tokens) - 1:
        return False
    capitals = [w for w in rest if is_cap(w)]
    return len(capitals) >= 3 and all(is_cap(w) or w in ("and", "of", "for", "the") for w in rest)


def _anonymous(tokens: list[str], j: int) -> str | None:
    """ "two diplomats familiar with the talks" at ``tokens[j]``: a counted, described source."""
    if j + 1 >= len(tokens) or tokens[j].lower() not in NUMBERS:
        return None
    if tokens[j + 1].lower() not in ANONYMOUS_HEADS:
        return None
    rest = " ".join(tokens[j + 2 : j + 6]).lower()
    familiar = next((f for f in FAMILIAR if rest.startswith(f)), None)
    if familiar is None:
        return None
    end = j + 2 + len(familiar.split())
    while end < len(tokens) and len(tokens[end]) > 0 and tokens[end].isalpha() and end - j < 9:
        if tokens[end].lower() in ("who", "which", "and", "but", "said"):
            break
        end += 1
    return " ".join(tokens[j:end])


def _dative(phrase: str) -> bool:
    """A Ukrainian or Russian phrase in the dative ("«Северному вестнику»", "журналістам"):
    the one a speaker told, never the speaker."""
    first = phrase.split()[0].strip("«»").lower()
    return bool(CYRILLIC_RE.match(first)) and first.endswith(DATIVE_ENDINGS)


def _media_subject(tokens: list[str], k: int) -> str | None:
    """The post, video or channel a sentence opens with, when a participle or preposition
    describes it before its verb: "A Facebook post shared 40,000 times claimed …", "Russian
    Telegram channels linked to the military claimed …" (what spreads a claim is who claims it)."""
    head = next((h for h in range(min(k, 5)) if tokens[h].lower() in MEDIA_NOUNS), None)
    if head is None or head + 1 >= k or k - head > 14:
        return None
    opener = tokens[:head]
    if not opener or not (opener[0].lower() in ("a", "an", "the") or is_cap(opener[0])):
        return None
    if not all(is_cap(w) or w.lower() in ("a", "an", "the") or w.islower() for w in opener):
        return None
    after = tokens[head + 1]
    if not (after.islower() and (after.endswith("ed") or after in MEDIA_DESCRIBERS)):
        return None
    between = tokens[head + 1 : k]
    for n, word in enumerate(between):
        inside_number = word == "," and 0 < n < len(between) - 1 and between[n + 1].isdigit()
        if not (word[:1].isalnum() or word in ("-", "’", "'") or inside_number):
            return None  # a comma, a dash, a quotation: not one noun phrase up to the verb
    words = [
        w.lower() if n == 0 and w.lower() in ("a", "an", "the") else w
        for n, w in enumerate(tokens[: head + 1])
    ]
    return " ".join(words)


# "…, writing on X that …", "…, saying that …": the subject of the sentence said it.
PARTICIPLE_RE = re.compile(
    r",\s+(?:saying|writing|adding|noting|warning|claiming|stating|telling reporters)"
    r"(?:\s+(?:on|in)\s+(?:X|Twitter|Telegram|Facebook|Instagram|a statement|a post))?"
    r"(?:\s+that)?\s+\S"
)


def _opening_subject(tokens: list[str]) -> str | None:
    """The name or role a sentence opens with, up to its (lower-case) verb: "President Volodymyr
    Zelenskiy renewed his appeal …, writing on X that …", "The ministry published …, saying …"."""
    k = 0
    while (
        k < len(tokens)
        and k < 8
        and (
            is_cap(tokens[k])
            or is_role(tokens[k])
            or (k == 0 and tokens[k] in ("The", "A"))
            or tokens[k].lower() in MODIFIERS
        )
    ):
        k += 1
    if not 1 <= k < len(tokens) or not tokens[k].isalpha() or not tokens[k].islower():
        return None
    if tokens[0].lower() in OPENERS and tokens[0] not in ("The", "A"):
        return None
    phrase = [tokens[0].lower() if tokens[0] in ("The", "A") else tokens[0], *tokens[1:k]]
    named = [w for w in phrase if is_cap(w)]
    if not (any(map(is_role, phrase)) or len(named) >= 2 or any(w.isupper() for w in named)):
        return None  # "Prices rose …, saying": a capital that opens the sentence is no name
    return valid_phrase(phrase)


SLAVIC_PREPOSITIONS = frozenset(
    "за під при з із зі на до від для по про через після перед між над "
    "под при с со на до от для по про через после перед между над из".split()
)


def _slavic_opening(tokens: list[str], k: int) -> str | None:
    """A Ukrainian or Russian subject that runs from the start of the sentence to its reporting
    verb at ``tokens[k]``, with no punctuation between: a body or an official with the genitives
    of a title ("Департамент образования Одесского городского совета заявил", "Главный врач
    областной инфекционной больницы Виктор Шевчук сказал нам"), without where it was said
    ("Президент Володимир Зеленський у вечірньому зверненні заявив")."""
    if not 2 <= k <= 10 or not CYRILLIC_RE.match(tokens[k]) or not is_cap(tokens[0]):
        return None
    words = tokens[:k]
    for n in range(len(words) - 1):
        if words[n].lower() in ("в", "у", "во") and any(
            w.lower() in VENUES for w in words[n + 1 : n + 4]
        ):
            words = words[:n]  # "у вечірньому зверненні": where, not who
            break
    if len(words) < 2 or words[0].lower() in OPENERS or _dative(" ".join(words[-1:])):
        return None
    if not all(CYRILLIC_RE.match(w.lstrip("«")) or is_cap(w) for w in words):
        return None  # a figure, a dash, a comma: more than one noun phrase
    if any(w.lower() in SLAVIC_PREPOSITIONS for w in words[1:]):
        return None  # "Детективи НАБУ за процесуального керівництва САП …": not one name
    if not any(is_role(w) or w.lower().startswith(ORG_SLAVIC) for w in words):
        return None  # "Хто б що не казав …": no one who speaks for anything
    return " ".join(words)


SOURCE_LABEL_RE = re.compile(r"^(?P<who>[^:;,.!?\d\"«“]{2,40}?):\s+(?=\S)")
# Labels before a colon that are not a source: "Update:", "Claim:", "Фото:", "Увага:" …
NOT_SOURCES = frozenset(
    """
    update updates breaking claim claims verdict fact facts rating summary photo photos video
    note correction source sources context background why what how who when where read watch
    listen warning alert attention important analysis opinion comment editorial live timeline
    оновлення оновлено увага важливо терміново фото відео джерело джерела коментар думка
    обновление обновлено внимание важно срочно видео источник источники комментарий мнение
    фейк fake правда факт
    """.split()
)


def _source_label(sentence: str) -> str | None:
    """A channel post's source before a colon: "Росстат: гречка за месяц подорожала на 14%",
    "UNHCR: over 9,300 Ukrainians crossed into Moldova last week", "Повітряні сили: вночі ворог
    атакував …" — a name (capitalised words or an abbreviation) or a body's noun, up to four
    words; never a label ("Update:", "Claim:", "Фото:")."""
    match = SOURCE_LABEL_RE.match(sentence)
    if not match:
        return None
    words = match.group("who").split()
    if not 1 <= len(words) <= 4 or any(w.lower() in NOT_SOURCES for w in words):
        return None
    if words[0].lower() in OPENERS or not is_cap(words[0]):
        return None
    named = all(is_cap(w) or is_role(w) or w.lower().startswith(ORG_SLAVIC) for w in words)
    acronym = any(len(w) > 1 and w.isupper() for w in words)
    body = any(is_role(w) or w.lower().startswith(ORG_SLAVIC) for w in words)
    if not named or not (acronym or body):
        return None  # "Kherson", "Харків", "Зеленський": a place or a name alone is a dateline
    return " ".join(words)


def _gender_of_verb(verb: str) -> str | None:
    """Ukrainian and Russian past tense tells the speaker's sex: "заявила" is a woman."""
    if not CYRILLIC_RE.match(verb):
        return None
    return (
        "f" if verb.lower().endswith("ла") else "m" if verb.lower().endswith(("в", "л")) else None
    )


def find_claimant(sentence: str) -> Found:
    """The attribution construction of a sentence: who (as written) and the quoted words."""
    mask = quote_mask(sentence)
    spans = [m for m in TOKEN_RE.finditer(sentence) if not mask[m.start()]]
    tokens = [m.group(0) for m in spans]
    quoted = quoted_parts(sentence, mask)
    phrases: list[str] = []
    who = gender = None
    unsure = False
    for match in ACCORDING_RE.finditer(sentence):
        if mask[match.start()]:
            continue
        at = next((k for k, m in enumerate(spans) if m.start() >= match.end()), len(tokens))
        found = _forward(tokens, at, according=True)
        if found:
            phrases.append(found)
            who = who or found
    for match in DATA_SHOW_RE.finditer(sentence):
        if mask[match.start()]:
            continue
        at = next((k for k, m in enumerate(spans) if m.start() >= match.start("who")), len(tokens))
        end = next((k for k, m in enumerate(spans) if m.start() >= match.end("who")), len(tokens))
        found = _forward(tokens[:end], at, according=True)
        if found:
            phrases.append(found)
            who = who or found
    for match in IMPERSONAL_RE.finditer(sentence):
        body = match.group("body")
        words = body.split()
        if mask[match.start("body")] or not CYRILLIC_RE.search(body):
            continue
        described = len(words) >= 2 and words[-1].lower().startswith(ORG_SLAVIC)
        if any(is_cap(w.lstrip("«")) for w in words) or described:
            # a name ("Генштабі", "«Нафтогазі»") or a described body ("региональном минздраве");
            # "в ведомстве объяснили" alone names no one
            phrases.append(body)
            who = who or body
    for match in STATEMENT_SAYS_RE.finditer(sentence):
        if mask[match.start()]:
            continue
        at = next((k for k, m in enumerate(spans) if m.start() >= match.end()), len(tokens))
        owner = _forward(tokens, at) if at < len(tokens) else None
        # "…, йдеться в повідомленні бюро": the bureau's; "…, говорится в сводке": the body
        # that spoke last (its statement), as "it" would be
        found = owner or ("воно" if re.search("[іїєґІЇЄҐ]", sentence) else "оно")
        phrases.append(found)
        who = who or found
    for match in PRONOUN_ACCORDING_RE.finditer(sentence):
        if not mask[match.start()]:
            possessive = (match.group("uk") or match.group("ru")).lower()
            phrases.append(POSSESSIVE_TO_PRONOUN[possessive])
            who = who or POSSESSIVE_TO_PRONOUN[possessive]
    for k, word in enumerate(tokens):
        if (is_cap(word) and k > 0) or not VERB_RE.fullmatch(word.lower()):
            continue
        following = tokens[k + 1].lower() if k + 1 < len(tokens) else ""
        if word.lower() in ("added", "adds", "add") and (
            following in NOT_REPORTING_AFTER or following[:1].isdigit()
        ):
            continue
        if following in ("up", "off", "out") and word.lower().startswith(("show", "told", "tell")):
            continue  # "showed up", "told off": not speech
        if (
            word.lower() in ("declared", "announced")
            and following.isalnum()
            and following != "that"
        ):
            continue  # "declared a state of emergency" is an act, not a statement
        if word.lower() == "say" and tokens[k - 3 : k] == ["went", "on", "to"]:
            k -= 3  # "she went on to say"
        found, second_clause = _backward(tokens, k)
        told = bool(found and _dative(found))
        if told:
            found = None  # "Об этом «Северному вестнику» сообщил X": who was told, not who told
        opened = k == 1 and tokens[0].lower() in ("як", "как")  # "Як зазначив X, …"
        # "Про це у вівторок повідомили в НАБУ": nothing but openers before the verb.
        only_openers = all(t.lower() in OPENERS or t.lower() in TIME_WORDS for t in tokens[:k])
        # "… повідомили в управлінні СБУ": the body named after the verb, in the locative.
        at_body = (
            k + 2 < len(tokens)
            and bool(CYRILLIC_RE.match(word))
            and tokens[k + 1].lower() in ("в", "у", "во")
            and any(
                is_cap(t.lstrip("«")) or is_role(t) or t.lower().startswith(ORG_SLAVIC)
                for t in tokens[k + 2 : k + 4]
            )
        )
        if not found and (
            k == 0
            or told
            or opened
            or only_openers
            or at_body
            or tokens[k - 1] in ",—–-" + QUOTE_CLOSE + '"'
        ):
            found = _forward(tokens, k + 1)
        if not found:
            found = _media_subject(tokens, k) or _slavic_opening(tokens, k)
        if found:
            phrases.append(found)
            if who is None and second_clause:
                # "Amazon announced 18,000 cuts, and Meta said …": Meta speaks for half of it.
                unsure = True
            elif who is None and not unsure:
                who, gender = found, _gender_of_verb(word)
    if who is None and not unsure and PARTICIPLE_RE.search(sentence):
        opener = _opening_subject(tokens)
        if opener:
            return Found(opener, None, None, (*phrases, opener))
    if who is None and not unsure:
        labelled = _source_label(sentence)
        if labelled:
            return Found(labelled, None, None, (*phrases, labelled))
    if who is None and not unsure:
        document = DOCUMENT_RE.search(sentence)
        # "A new study published in Nature found …": the study speaks; "A survey by the Kyiv
        # International Institute of Sociology published in October found …": its authors do
        after = sentence[document.end() :] if document else ""
        if document and re.match(rf"(?:\s+(?:published|released|issued|conducted|last|this"
                                 rf"|on|in|at|\w+day|[A-Z]\w+|\d+)){{0,4}}\s+(?:{VERBS_EN})\b",
                                 after):  # fmt: skip
            who = named_document(sentence)
            if who and document.group(2) == "by":
                who = document.group(3)
            return Found(who, quoted, None, (*phrases, who or ""))
        return Found(phrases=tuple(phrases))
    return Found(who, quoted, gender, tuple(phrases))


def is_attribution_only(sentence: str) -> bool:
    """A sentence that only says who said the previous one ("Про це заявив Шмигаль.")."""
    return bool(ATTRIBUTION_ONLY_RE.match(sentence))
