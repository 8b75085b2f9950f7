"""Claim matching: is a new claim the same as one the team already has? Pure functions, no I/O.

Lexical similarity comes from rapidfuzz on a canonical form of each claim (case-folded,
stop words dropped, words cut to a stem prefix, numbers rewritten to their value). Three guards
then veto a match that similarity alone would allow: different numbers ("38,000" vs "83,000"),
opposite polarity ("did" vs "did not") and opposite direction ("rose" vs "fell").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rapidfuzz import fuzz, process

DEFAULT_THRESHOLD = 80.0
STEM_LENGTH = 6  # a prefix this long survives most English, Ukrainian and Russian inflection
MAX_INDEX_TERMS = 32
# Points taken off when one claim gives a figure the other leaves out.
MISSING_NUMBER_PENALTY = 5.0
# Points taken off for each content word one claim has in place of another's.
SUBSTITUTION_PENALTY = 8.0
TYPO_RATIO = 85.0  # two stems this alike are the same word spelled differently

# A numeric literal: "3,000", "3 000" (NFKC turns no-break and thin spaces into spaces),
# "1.000.000", "12.5", "12,5"; or a run of letters.
_TOKEN = re.compile(
    r"(?P<num>(?<![\w.,])\d{1,3}(?:(?:,\d{3})+|(?: \d{3})+|(?:\.\d{3}){2,})(?:[.,]\d+)?(?!\d)"
    r"|\d+(?:[.,]\d+)?)"
    r"|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)?)"
)
_PREPARE = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "ё": "е", "%": " percent "})
_NEGATED_VERB = re.compile(r"\b\w+n't\b|\bcannot\b|\bfail(?:s|ed)? to\b|\bfalse that\b")
# Negation said without a negative particle: contractions typed without the apostrophe ("didnt"),
# and verbs that deny or refuse what the claim asserts ("refused to sign" is "did not sign").
NEGATING_WORDS = frozenset(
    "didnt doesnt dont isnt arent wasnt werent hasnt havent hadnt wont wouldnt couldnt shouldnt "
    "cant mustnt aint refuse refused refuses refusing deny denies denied denying неправда".split()
)
NEGATING_PREFIXES = ("відмов", "запереч", "отказа", "отказыва", "отрица")

NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor nowhere without "
    "не ні нет ни ніколи никогда немає нема нічого ничего ніхто никто жоден жодного жодних "
    "жодна ниодного".split()
)
_UP = ("increas", "rise", "rose", "risen", "rising", "grew", "grow", "higher", "more", "doubl",
       "tripl", "gain", "surg", "jump", "soar", "вырос", "зрос", "збільш", "увелич", "подорож",
       "подораж", "більше", "больше", "rais", "hike", "lift", "boost", "повыс", "підвищ", "зріс",
       "вище", "выше")  # fmt: skip
_DOWN = ("decreas", "fall", "fell", "drop", "declin", "lower", "less", "fewer", "halv", "shrank",
         "shrink", "reduc", "plung", "slump", "сниз", "сниж", "зниз", "зниж", "зменш", "уменьш",
         "скорот", "сократ", "упал", "впав", "впал", "подешев", "менше", "меньше", "cut", "slash",
         "понизи", "пониж", "нижче", "ниже")  # fmt: skip

STOP_WORDS = frozenset(
    "a an the of in on at to for from by with and or but as is are was were be been being has "
    "have had do does did that this these those it its their his her they he she we our you "
    "than then there which who whom whose what when where will would shall should can could may "
    "might about into over under after before since also just only said says say according "
    "reported report claims claimed claim states stated some "
    "і й та в у на з із зі до від по за для що це як але а про його її їх він вона вони ми "
    "було був була були є також який яка які саме "
    "и во с со к ко от что это как но о об ее он она они было был была были есть который "
    "которая которые".split()
)
# Words that mean the same unit, folded to one token.
SYNONYMS = {
    "percent": "pct", "pct": "pct", "відсотків": "pct", "відсотки": "pct", "відсотка": "pct",
    "процентов": "pct", "процента": "pct", "процент": "pct",
    "dollars": "usd", "dollar": "usd", "usd": "usd", "$": "usd",
    "euros": "eur", "euro": "eur", "eur": "eur", "€": "eur",
    "hryvnias": "uah", "hryvnia": "uah", "грн": "uah", "гривень": "uah", "гривні": "uah",
}  # fmt: skip

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}  # fmt: skip
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 10**3, "thousands": 10**3, "k": 10**3, "million": 10**6,
           "millions": 10**6, "mln": 10**6, "mn": 10**6, "billion": 10**9,
           "billions": 10**9, "bln": 10**9, "bn": 10**9, "trillion": 10**12, "tn": 10**12,
           "тис": 10**3, "тыс": 10**3, "млн": 10**6, "млрд": 10**9, "трлн": 10**12}  # fmt: skip
# "$2m", "£5b", "1.5m refugees": m and b glued to a figure are millions and billions (news
# shorthand); with a space they are left alone ("a 2,000 m climb").
_GLUED_SCALE = re.compile(r"(?<=\d)([mb])\b")
_WORD_SCALES = {"thousand": 10**3, "thousands": 10**3, "million": 10**6, "millions": 10**6,
                "billion": 10**9, "billions": 10**9, "trillion": 10**12}  # fmt: skip
_NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_WORD_SCALES) | {"hundred"}
_SCALE_PREFIXES = (("тисяч", 10**3), ("тысяч", 10**3), ("мільйон", 10**6), ("миллион", 10**6),
                   ("мільярд", 10**9), ("миллиард", 10**9))  # fmt: skip
# Ukrainian and Russian number words, in the forms figures take ("три", "трьох", "двох").
_CYRILLIC_NUMBERS = {
    **dict.fromkeys("один одна одне одно одного одній одной одним одному".split(), 1),
    **dict.fromkeys("два дві две двох двух двом двум двома".split(), 2),
    **dict.fromkeys("три трьох трех трьом трем".split(), 3),
    **dict.fromkeys("чотири чотирьох четыре четырех".split(), 4),
    **dict.fromkeys("п'ять п'яти п'ятьох пять пяти".split(), 5),
    **dict.fromkeys("шість шести шістьох шесть".split(), 6),
    **dict.fromkeys("сім семи сімох семь".split(), 7),
    **dict.fromkeys("вісім восьми вісьмох восемь".split(), 8),
    **dict.fromkeys("дев'ять дев'яти девять девяти".split(), 9),
    **dict.fromkeys("десять десяти".split(), 10),
    "двадцять": 20, "двадцать": 20, "тридцять": 30, "тридцать": 30, "сорок": 40,
    "п'ятдесят": 50, "пятьдесят": 50, "шістдесят": 60, "шестьдесят": 60, "сімдесят": 70,
    "семьдесят": 70, "вісімдесят": 80, "восемьдесят": 80, "дев'яносто": 90, "девяносто": 90,
    "сто": 100,
}  # fmt: skip
_ONES = frozenset(w for w, v in _CYRILLIC_NUMBERS.items() if v == 1) | {"one"}
_ONE_AND_A_HALF = frozenset("півтора півтори полтора полторы".split())
_HALF_WORDS = frozenset(("пів", "пол"))  # "пів мільйона", "пол миллиона"
# Scale words standing alone ("мільйон людей", "тисячі"), not words that merely start like one
# ("тисячоліття" is a millennium).
_CYRILLIC_SCALE = re.compile(
    r"(?P<half>пів|пол)?(?:(?P<k>тисяч|тысяч)(?:а|і|и|у|ею|ей|ам|ами|ах)?"
    r"|(?P<m>мільйон|миллион)(?:а|и|ы|і|ів|ов|ом|ам|ами|ах|е)?"
    r"|(?P<b>мільярд|миллиард)(?:а|и|ы|і|ів|ов|ом|ам|ами|ах|е)?)"
)
_NUMBER_STARTS = (
    _NUMBER_WORDS | frozenset(_CYRILLIC_NUMBERS) | _ONE_AND_A_HALF | _HALF_WORDS
    | {"a", "an", "half"}
)  # fmt: skip


@dataclass(frozen=True)
class ClaimForm:
    """A claim prepared for comparison: canonical tokens, numbers, polarity and direction."""

    tokens: tuple[str, ...]
    numbers: frozenset[str]
    negated: bool
    direction: int  # +1 up, -1 down, 0 neither or both
    names: tuple[frozenset[str], ...] = ()  # `names_of`: the stems of each name it gives
    # a comparison ("X … more … than Y"): `_compared`
    compared: tuple[frozenset[str], frozenset[str], int] | None = None

    @property
    def canonical(self) -> str:
        """The tokens joined, as rapidfuzz compares them."""
        return " ".join(self.tokens)


@dataclass(frozen=True)
class Similarity:
    """How alike two claims are, and why a guard vetoed them (empty when none did)."""

    score: float
    veto: str = ""

    def is_match(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        """Whether the pair counts as the same claim at this threshold."""
        return not self.veto and self.score >= threshold


def normalize(text: str) -> str:
    """Unicode-normalise, case-fold and unify apostrophes (keeps punctuation for numbers)."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_PREPARE)
    text = text.replace("$", " usd ").replace("€", " eur ").replace("₴", " uah ")
    text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", text)  # "forty-two", "re-elected"
    return re.sub(r"\s+", " ", text.replace("per cent", "percent")).strip()


def _scale(word: str) -> int | None:
    """The multiplier a scale word stands for ("thousand", "млн", "тисячі"), if it is one."""
    if word in _SCALES:
        return _SCALES[word]
    return next((value for prefix, value in _SCALE_PREFIXES if word.startswith(prefix)), None)


def _literal(text: str) -> Decimal | None:
    """The value of a numeric literal, reading "," and "." as thousands marks or decimal points."""
    text = text.replace(" ", "")
    if text.count(".") > 1:
        text = text.replace(".", "")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", text):
        text = text.replace(",", "")
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def _fmt(value: Decimal) -> str:
    """One spelling per value: 3000, 1.5, 1500000."""
    return format(value.normalize(), "f")


def tokenize(normalized: str) -> list[str]:
    """Words and numbers, with every number (digits, scale words, English words) as '#value'."""
    normalized = _GLUED_SCALE.sub(lambda m: " mln" if m.group(1) == "m" else " bn", normalized)
    raw = [(m.group("num"), m.group("word")) for m in _TOKEN.finditer(normalized)]
    out: list[str] = []
    i = 0
    while i < len(raw):
        num, word = raw[i]
        if num is not None:
            value = _literal(num)
            nxt = raw[i + 1][1] if i + 1 < len(raw) else None
            if value is not None and nxt is not None and (scale := _scale(nxt)) is not None:
                value *= scale
                i += 1
            out.append(f"#{_fmt(value)}" if value is not None else num)
            i += 1
            continue
        if word not in _NUMBER_STARTS and _word_scale(word) is None:
            out.append(str(word))  # the common case: a word that cannot start a number
            i += 1
            continue
        run_end, value = _word_number(raw, i)
        if value is not None:
            out.append(f"#{_fmt(value)}")
            i = run_end
        else:
            out.append(word)
            i += 1
    return out


def _word_scale(word: str | None) -> tuple[int, bool] | None:
    """(multiplier, halved) of a scale word said in letters: "million", "тисячі",
    "півмільйона" (half of one); None if the word is no scale."""
    if word is None:
        return None
    if word in _WORD_SCALES:
        return _WORD_SCALES[word], False
    if word[0] not in "тмп" or not (found := _CYRILLIC_SCALE.fullmatch(word)):
        return None
    value = 10**3 if found["k"] else 10**6 if found["m"] else 10**9
    return value, bool(found["half"])


def _unit_value(word: str) -> Decimal | None:
    """The value of a number word below a hundred-scale ("forty", "три", "півтора")."""
    if word in _UNITS:
        return Decimal(_UNITS[word])
    if word in _TENS:
        return Decimal(_TENS[word])
    if word in _CYRILLIC_NUMBERS:
        return Decimal(_CYRILLIC_NUMBERS[word])
    if word in _ONE_AND_A_HALF:
        return Decimal("1.5")
    return None


def _word_number(
    raw: list[tuple[str | None, str | None]], start: int
) -> tuple[int, Decimal | None]:
    """Read "three thousand", "forty two", "a million", "half a million", "one and a half
    million", "три тисячі", "півтора мільйона" from `start`; (end, value or None)."""
    counted: list[str] = []
    total, current, last_scale = Decimal(0), Decimal(0), 0
    i = start

    def word_at(k: int) -> str | None:
        return raw[k][1] if k < len(raw) else None

    while i < len(raw) and (word := raw[i][1]) is not None:
        following = word_at(i + 1)
        if (value := _unit_value(word)) is not None:
            current += value
        elif word == "hundred":
            current = (current or Decimal(1)) * 100
        elif (scale := _word_scale(word)) is not None:
            multiplier, halved = scale
            total += (current or Decimal(1)) * multiplier / (2 if halved else 1)
            current, last_scale = Decimal(0), multiplier
        elif word in ("a", "an") and not counted and _word_scale(following):
            i += 1
            continue
        elif not counted and (
            (word in _HALF_WORDS and _word_scale(following))
            or (word == "half" and following in ("a", "an") and _word_scale(word_at(i + 2)))
        ):
            current = Decimal("0.5")  # "half a million", "пів мільйона"
            i += 1 if word in _HALF_WORDS else 2
            counted.append(word)
            continue
        elif word == "and" and counted and following in ("a", "an") and word_at(i + 2) == "half":
            # "one and a half million" halves what follows; "a million and a half" what came
            if current or not last_scale:
                current += Decimal("0.5")
            else:
                total += Decimal(last_scale) / 2
            i += 3
            counted.append("half")
            continue
        elif word == "and" and counted and following in _NUMBER_WORDS:
            i += 1
            continue
        else:
            break
        counted.append(word)
        i += 1
    # "one" alone is usually a pronoun ("no one", "one of the", "один з"), not a figure.
    if not counted or (len(counted) == 1 and counted[0] in _ONES):
        return start, None
    return i, total + current


def extract_numbers(text: str) -> list[str]:
    """Every number a text states, as canonical values: '3,000' = '3 000' = 'three thousand'."""
    return [token[1:] for token in tokenize(normalize(text)) if token.startswith("#")]


def stem(word: str) -> str:
    """A crude, language-agnostic stem: the word's first letters (numbers stay whole)."""
    return word if word.startswith("#") else word[:STEM_LENGTH]


def is_negated(normalized: str, words: list[str]) -> bool:
    """Whether the text states something negatively ("did not", "never", "не", "refused to",
    "відмовився")."""
    return bool(_NEGATED_VERB.search(normalized)) or any(
        word in NEGATIONS or word in NEGATING_WORDS or word.startswith(NEGATING_PREFIXES)
        for word in words
    )


def direction(words: list[str]) -> int:
    """+1 if the text speaks of a rise, -1 of a fall, 0 if neither or both."""
    up = any(word.startswith(_UP) for word in words)
    down = any(word.startswith(_DOWN) for word in words)
    return int(up) - int(down)


@lru_cache(maxsize=8192)
def prepare(text: str) -> ClaimForm:
    """Turn claim text into the form the comparison and the index use."""
    normalized = normalize(text)
    words = tokenize(normalized)
    numbers = frozenset(word[1:] for word in words if word.startswith("#"))
    tokens = tuple(
        stem(SYNONYMS.get(word, word))
        for word in words
        if word not in STOP_WORDS
        and word not in NEGATIONS
        and "'" not in word
        and (len(word) > 1 or word.isdigit())
    )
    return ClaimForm(
        tokens, numbers, is_negated(normalized, words), direction(words), names_of(text),
        _compared(words),
    )  # fmt: skip


_THAN = frozenset({"than", "чем", "ніж", "аніж"})
_LESS = frozenset("fewer less lower smaller cheaper менше менш нижче меньше ниже дешевле".split())


def _compared(words: list[str]) -> tuple[frozenset[str], frozenset[str], int] | None:
    """The two sides of a comparison's one "than" (the stems only one side has), and +1 for
    "more" or -1 for "fewer"/"less" before it; None if it compares nothing."""
    at = [i for i, word in enumerate(words) if word in _THAN]
    if len(at) != 1:
        return None

    def side(part: list[str]) -> frozenset[str]:
        return frozenset(stem(w) for w in part if w not in STOP_WORDS and len(w) > 1)

    left, right = side(words[: at[0]]), side(words[at[0] + 1 :])
    sign = -1 if _LESS.intersection(words[: at[0]]) else 1
    return left - right, right - left, sign


# Words in capitals that are dates, not names: a changed date is the numbers guard's business.
_CALENDAR = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_TITLES = frozenset("mr mrs ms dr st gen col lt sgt prof".split())
# Countries and cities that claims about the war swap for one another, in the three languages:
# a sentence that opens with one of them opens with a name ("Germany has taken in …", "Росія
# втратила …"), though it starts the sentence alone.
PLACES = """
ukraine russia poland germany france britain england italy spain hungary slovakia czechia
romania moldova belarus lithuania latvia estonia finland sweden norway denmark turkey iran israel
georgia kazakhstan china japan india canada austria bulgaria serbia croatia greece portugal
kyiv kharkiv odesa lviv dnipro zaporizhzhia kherson mykolaiv sumy chernihiv poltava donetsk
luhansk crimea moscow belgorod kursk
україна росія польща німеччина франція британія італія іспанія угорщина словаччина чехія
румунія молдова білорусь литва латвія естонія фінляндія швеція норвегія данія туреччина іран
ізраїль грузія казахстан китай японія індія канада австрія болгарія сербія хорватія греція
київ харків одеса львів дніпро запоріжжя херсон миколаїв суми чернігів полтава донецьк луганськ
крим москва бєлгород курськ
украина россия польша германия франция британия италия испания венгрия словакия чехия румыния
молдавия белоруссия беларусь литва латвия эстония финляндия швеция норвегия дания турция иран
израиль грузия казахстан китай япония индия канада австрия болгария сербия хорватия греция
киев харьков одесса львов днепр запорожье херсон николаев сумы чернигов полтава донецк луганск
крым москва белгород курск
""".split()
_PLACE_STEMS = frozenset(w[:STEM_LENGTH] for w in PLACES)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\S")
_OPENS = re.compile(r"[.!?:;\"«“„(—–-]")  # after these the next word opens a sentence


def names_of(text: str) -> tuple[frozenset[str], ...]:
    """The names a text gives: each run of capitalised words ("in Vinnytsia region", "Pope
    Francis", "Donald J. Trump") as the set of its words' stems. A capitalised word that opens a
    sentence starts a name only when the next word is capitalised too ("Donald Trump said", but
    not "Prices rose"), it is an abbreviation in capitals ("NATO", "ЗСУ") or a country or city of
    `PLACES`. Initials and titles ("J.", "U.S.", "Dr.") neither end a sentence nor count as
    names."""
    runs: list[list[str]] = []
    run: list[str] = []
    opening = True
    tokens = _WORD.findall(text)
    for i, token in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        skipped = (len(token) == 1 and token.isupper()) or token.casefold() in _TITLES
        after_initial = (len(prev) == 1 and prev.isupper()) or prev.casefold() in _TITLES
        if skipped or (token == "." and after_initial):
            opening = opening and not skipped  # "Mr. Trump": a name follows a title
            continue
        if not token[0].isalpha():
            if run:
                runs.append(run)
                run = []
            opening = bool(_OPENS.fullmatch(token))
            continue
        word = normalize(token).replace("'", "")
        capital = token[0].isupper() and len(word) > 1 and word not in STOP_WORDS
        capital = capital and word not in _CALENDAR
        place = stem(word) in _PLACE_STEMS
        if capital and opening and not run and not token.isupper() and not place:
            # "NATO", "ЗСУ", "Germany" are names; "Prices" opening a sentence is not
            following = tokens[i + 1] if i + 1 < len(tokens) else ""
            capital = following[:1].isupper() and following[:1].isalpha()
        if capital:
            run.append(stem(word))
        elif run:
            runs.append(run)
            run = []
        opening = False
    if run:
        runs.append(run)
    return tuple(frozenset(r) for r in runs)


def number_veto(a: frozenset[str], b: frozenset[str]) -> bool:
    """Numbers disagree when both claims give some and neither set contains the other."""
    return bool(a and b and not (a <= b or b <= a))


def lexical_score(a: ClaimForm, b: ClaimForm) -> float:
    """Blend of token-set and token-sort ratios: order-free, but not fooled by one short side."""
    if not a.tokens or not b.tokens:
        return 0.0
    left, right = a.canonical, b.canonical
    return 0.5 * fuzz.token_set_ratio(left, right) + 0.5 * fuzz.token_sort_ratio(left, right)


def _unmatched(tokens: tuple[str, ...], other: tuple[str, ...]) -> int:
    """How many distinct tokens have no equal or near-equal (a typo, a spelling) in `other`."""
    pool = set(other)
    return sum(
        1
        for token in set(tokens)
        if token not in pool
        and process.extractOne(token, pool, scorer=fuzz.ratio, score_cutoff=TYPO_RATIO) is None
    )


def substitutions(a: ClaimForm, b: ClaimForm) -> int:
    """Content words swapped for others ("lost" for "moved", "Poland" for "Germany").

    Words only one side has are additions ("according to the ministry") and cost nothing here;
    a word missing on both sides at once is the mark of a different claim on the same topic.
    """
    return min(_unmatched(a.tokens, b.tokens), _unmatched(b.tokens, a.tokens))


def compare(a: str | ClaimForm, b: str | ClaimForm) -> Similarity:
    """Score two claims 0..100 and say which guard, if any, rules the pair out."""
    form_a = prepare(a) if isinstance(a, str) else a
    form_b = prepare(b) if isinstance(b, str) else b
    score = lexical_score(form_a, form_b) - SUBSTITUTION_PENALTY * substitutions(form_a, form_b)
    if number_veto(form_a.numbers, form_b.numbers):
        return Similarity(score, "numbers")
    if form_a.negated != form_b.negated:
        return Similarity(score, "negation")
    if form_a.direction and form_b.direction and form_a.direction != form_b.direction:
        return Similarity(score, "direction")
    if form_a.numbers != form_b.numbers:
        score -= MISSING_NUMBER_PENALTY
    return Similarity(max(score, 0.0))


def is_same_claim(a: str, b: str, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Whether two claim texts are the same claim at this threshold."""
    return compare(a, b).is_match(threshold)


def index_terms(text: str) -> list[str]:
    """The distinct terms a claim is indexed under: stems of content words and its numbers."""
    seen: dict[str, None] = {}
    for token in prepare(text).tokens:
        if token.startswith("#") or len(token) >= 3:
            seen.setdefault(token, None)
    return list(seen)[:MAX_INDEX_TERMS]
