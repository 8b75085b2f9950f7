"""Strip an article down to its body: find the spans that are news, not page furniture.

Everything works on offsets into the ORIGINAL text, so a claim's quote and position always point
at what the user sent. Dropped: bylines, datelines, "Updated:" stamps, photo captions and credits,
subscribe/share prompts, author bios, "Related Topics", lines of hashtags or emoji, headings and
repeated lines, and the junk a line's form gives away (``junk.line_junk_kind``: code, references,
table rows, footers and menus, editors' notes, related-article lists with the headlines under
them). Symbols that carry meaning (°, №, ‰, currency signs) are not decoration.
"""

from __future__ import annotations

import re
import unicodedata

from bot.extraction.junk import has_fact_anchor, is_related_header, junk_kind, line_junk_kind

PROMPT_RE = re.compile(
    r"^\W*(subscribe|sign up|follow (us|him|her|them|me)|share (this|on)|read (more|also|next)"
    r"|related( topics| articles| stories)?\b|tags?:|advertisement|click here|download (our|the)"
    r"|join (us|our)|support (us|our)|donate|comments?\b|newsletter|listen to|watch:|see also"
    # the prompts' forms only: "Підписуйтесь", "Подписаться", "Поддержите нас", not "Подпись
    # министра…", "Підтримали законопроєкт 250 депутатів" or "Поддержка Украины составила…"
    r"|підпиш\w*|підписуйт\w*|підписатис[ья]|підписк\w*|підтримайте|підтримати|читайте|дивіться"
    r"|поділит\w*|поширт\w*|долучайтес\w*|приєднуйтес\w*|реклама|новини партнерів|подпиш\w*"
    r"|подписывайт\w*|подписатьс[яь]|подписк\w*|поддержите|поддержать|смотрите|поделит\w*"
    r"|присоединяйтес\w*"
    r"|pinned( message| post)?:|закріплен\w* (повідомлення|допис)|закрепл[её]нн\w* (сообщение|пост)"
    r"|джерело:|источник:)",
    re.IGNORECASE,
)
PROMPT_ANYWHERE_RE = re.compile(
    r"subscribe to|sign up for|our (telegram |whatsapp )?(channel|newsletter)|наш(ому|ем)? "
    r"(телеграм|telegram|канал)|follow (us|him|her) on|t\.me/|підписуйтес|подписывайтес"
    r"|contributed to this report|additional reporting by|(reporting|editing|writing) by\b",
    re.IGNORECASE,
)
CAPTION_RE = re.compile(
    r"\b(via (reuters|ap|afp|getty|epa|reuters connect|bloomberg)\b|getty images|/(ap|afp|reuters"
    r"|epa|tass)\b|\b(reuters|ap|afp|epa|getty images)/\w|\((photo|image|фото)"
    r"|(photo|image|credit|pictured|фото|світлина)\s*:"
    r"|^(chart|graphic|map|infographic|графік|график|карта|інфографіка|инфографика)\s*:"
    r"|(photo|image|picture)s? (by|courtesy)|in this (handout|file) (image|photo|picture)"
    r"|handout (photo|image)|file photo|фото:|фото ілюстративне|иллюстративное фото"
    r"|ілюстративне фото|(фото|photo)\s*[—–-]\s*\w"
    # a wire photo's caption: "Firefighters work at the site …, Kobylniki, Poland, November 18,
    # 2026."
    r"|,\s+[A-Z][\w .'’-]+,\s+(?:january|february|march|april|may|june|july|august|september"
    r"|october|november|december)\s+\d{1,2},\s+\d{4}\.?\s*$)",
    re.IGNORECASE,
)
# "GENEVA / KYIV (3 December 2026)": a press release's dateline alone on its line.
DATELINE_ONLY_RE = re.compile(
    r"^[A-ZА-ЯІЇЄҐ][A-ZА-ЯІЇЄҐ /,.'’-]{2,40}\(\s*\d{1,2}\s+\w+\s+\d{4}\s*\)\s*$"
)
STAMP_RE = re.compile(
    r"^\W*(updated|published|posted|last updated|modified|оновлено|опубліковано|обновлено"
    r"|опубликовано|дата публікації|дата публикации)\b",
    re.IGNORECASE,
)
BYLINE_RE = re.compile(r"^\W*(by|автор|author|written by|текст:)\s*:?\s+\S", re.IGNORECASE)
BIO_RE = re.compile(
    r"^[A-ZА-ЯІЇЄҐ][\w'’.-]+(?: [A-ZА-ЯІЇЄҐ][\w'’.-]+){0,3} (is|was|є|—|–|-) (a |an |the )?"
    r"([\w,-]+ ){0,5}(reporter|correspondent|journalist|editor|writer|columnist|contributor"
    r"|author|producer|кореспондент\w*|журналіст\w*|журналист\w*|редактор\w*|оглядач\w*)"
    # "Marta Kovalenko writes a fortnightly column on information warfare for The Eastern Ledger"
    r"|^(?:[A-ZА-ЯІЇЄҐ][\w'’.-]+(?: [A-ZА-ЯІЇЄҐ][\w'’.-]+){1,3}|She|He|Вона|Він|Она|Он) "
    r"(writes|веде|ведёт|пише|пишет) "
    r"(?:a |the )?(?:\w+ ){0,2}(column|blog|newsletter|колонку|блог)\b",
)
# Words of a line that only dates a page: "December 6, 2026 9:42 AM GMT+2 · Updated 2 hours ago",
# "4 грудня 2026, 10:15 · Оновлено". Any other word makes the line something said.
_DATE_WORDS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?"
    r"|thu(?:rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?|am|pm|a\.m\.|p\.m\.|et|est|edt"
    r"|gmt|utc|bst|cet|cest|eet|eest|msk|kyiv time|at|on|updated|published|posted|ago|hours?"
    r"|last|modified|edited|changed|first|created"
    r"|minutes?|mins?|read|reading|time|today|yesterday|время|чтения|читання"
    r"|січ\w*|лют\w*|берез\w*|квіт\w*|травн?\w*|черв\w*|лип\w*|серп\w*|верес\w*|жовт\w*"
    r"|листопад\w*|груд\w*|январ\w*|феврал\w*|март\w*|апрел\w*|ма[яй]|июн\w*|июл\w*"
    r"|август\w*|сентябр\w*|октябр\w*|ноябр\w*|декабр\w*|оновлено|опубліковано|обновлено"
    r"|опубликовано|тому|назад|годин[иу]?|хвилин[иу]?|час(?:а|ов)?|минут[ыу]?|сьогодні|вчора"
    r"|сегодня|вчера|о|в"
)
DATE_ONLY_RE = re.compile(
    rf"^(?=.*\d)[\s\d.,:/|–—·•+-]*(?:(?:{_DATE_WORDS})\.?[\s\d.,:/|–—·•+-]*)*$",
    re.IGNORECASE,
)
DATELINE_RE = re.compile(
    r"^[A-ZА-ЯІЇЄҐ][A-ZА-ЯІЇЄҐ'’ .-]{2,30}(,[^.\n—–()]{1,30})?\s*"
    r"(\([\w .-]{2,25}\))?\s*[—–-]{1,2}\s+"
)
LABEL_RE = re.compile(
    r"^(breaking|urgent|just in|exclusive|opinion|analysis|терміново|важливо|блискавка"
    r"|срочно|важно|молния|эксклюзив|fake|фейк|маніпуляція|манипуляция)\s*[:|—–-]\s*",
    re.IGNORECASE,
)
# A channel's or an editor's own view, labelled as such: "Наша думка: 43 до Нового року цілком
# реально…", "OUR TAKE: …".
OUR_VIEW = r"(?:our (?:take|view|opinion)|наша думка|на нашу думку|наше мнение|по нашему мнению)"
OUR_TAKE_RE = re.compile(rf"^\W*(?:{OUR_VIEW}|имхо|imho)\s*[:—–-]", re.IGNORECASE)
HASHTAG_RE = re.compile(r"[#@][\w_]+|https?://\S+|www\.\S+")
LINK_RE = re.compile(r"https?://\S+|www\.\S+")
# Category "So" holds these too, but they are part of what is said: "60°C", "№ 123", "n°2019".
MEANINGFUL_SYMBOLS = frozenset("°№℃℉‰‱℅™®©")
TERMINAL = tuple('.!?…:;"”»)')
FIRST_SENTENCE_RE = re.compile(r"[^\n]*?[.!?…](?=\s|$)|[^\n]+")
# A page is a story when at least this many paragraphs, and a third of them, open as fiction.
NARRATIVE_PARAGRAPHS = 3


def is_decoration(ch: str) -> bool:
    """Emoji, pictographs, bullets and other symbols that carry no words."""
    if ch in "\u200d\ufe0f\ufe0e\u20e3":
        return True
    if ch in MEANINGFUL_SYMBOLS:
        return False
    return unicodedata.category(ch) in ("So", "Sk", "Cn", "Co", "Cs") or ch in "•▪►▶●◾◽★☆|"


def is_boilerplate(text: str) -> bool:
    """Whether a line or sentence is page furniture rather than article content."""
    return _starts_as_furniture(text.strip()) or bool(PROMPT_ANYWHERE_RE.search(text))


def _starts_as_furniture(text: str) -> bool:
    """Whether text opens as furniture (prompt, stamp, bio, byline, an editor's "Our take:")
    or carries a photo credit."""
    if PROMPT_RE.match(text) or STAMP_RE.match(text) or BIO_RE.match(text):
        return True
    if OUR_TAKE_RE.match(text):
        return True
    if CAPTION_RE.search(text):
        return True
    return len(text.split()) <= 12 and bool(BYLINE_RE.match(text))


def _is_furniture_line(line: str) -> bool:
    """A whole line of furniture; a prompt inside a longer paragraph only costs its sentence."""
    if _starts_as_furniture(line):
        return True
    found = PROMPT_ANYWHERE_RE.search(line)
    return found is not None and not re.search(r"[.!?…]\s", line[: found.start()])


def _is_heading(text: str) -> bool:
    """A line with no sentence punctuation that is short or Title Cased: a heading or a label."""
    if text.rstrip().endswith(TERMINAL):
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text)]
    if len(words) < 4:
        return True
    capitalised = sum(w[0].isupper() for w in words if len(w) > 3)
    long_words = sum(len(w) > 3 for w in words)
    return long_words > 0 and capitalised >= 0.75 * long_words


def _has_words(text: str) -> bool:
    """Whether anything but hashtags, mentions, links, emoji and punctuation is left."""
    rest = HASHTAG_RE.sub(" ", text)
    return sum(ch.isalpha() for ch in rest) >= 3


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past a leading dateline and emoji, and trailing hashtags, emoji and links."""
    while start < end and (text[start].isspace() or is_decoration(text[start])):
        start += 1
    # A pattern's "^" does not match at a ``pos`` argument, hence the slice.
    for prefix in (LABEL_RE, DATELINE_RE):
        found = prefix.match(text[start:end])
        if found and start + found.end() < end:
            start += found.end()
    while True:
        while end > start and (text[end - 1].isspace() or is_decoration(text[end - 1])):
            end -= 1
        tail = re.search(r"(?:[#@][\w_]+|https?://\S+)$", text[start:end])
        if not tail or tail.start() == 0:
            return start, end
        end = start + tail.start()


def _normal_key(text: str) -> str:
    """Lower-cased letters and digits only: the identity of a line for spotting repeats."""
    return re.sub(r"\W+", " ", text.lower()).strip()


# A live blog's time stamp on a line of its own: "22:10", "12m ago", "1h ago", "5 хв тому".
LIVE_STAMP_RE = re.compile(
    r"^\s*(?:\d{1,2}[:.]\d{2}|\d+\s?(?:m|min|mins|h|hr|hrs|minutes?|hours?)\s+ago"
    r"|\d+\s?(?:хв|хвилин[иу]?|год|годин[иу]?)\.?\s+тому|\d+\s?(?:мин|минут[ыу]?|ч|час(?:а|ов)?)\.?"
    r"\s+назад)\s*$",
    re.IGNORECASE,
)
LIVE_STAMPS = 3  # stamped updates that make a page a live blog


def _is_update_heading(line: str) -> bool:
    """A short line without a full stop right under a live blog's stamp ("Odesa death toll rises
    to three"): the update's heading."""
    stripped = line.strip()
    return len(stripped.split()) <= 15 and not stripped.endswith((".", "!", "…", "»", "”", '"'))


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty lines of the text."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]*\S[^\n]*", text)]


def _keep_line(text: str, start: int, end: int, seen: set[str]) -> tuple[int, int] | None:
    """The trimmed span of a line worth reading, or None for furniture and repeats."""
    start, end = trim_span(text, start, end)
    line = text[start:end]
    key = _normal_key(line)
    if not key or key in seen:
        return None
    seen.add(key)
    if (
        not _has_words(line)
        or _is_furniture_line(line)
        or line_junk_kind(line)
        or _is_heading(line)
    ):
        return None
    if DATE_ONLY_RE.match(line) or DATELINE_ONLY_RE.match(line.strip()) or is_meta_line(line):
        return None
    return start, end


# The parts of a page's meta line: "8 грудня 2026, 09:30 · Олена Гнатюк · 2 417 переглядів".
_META_SEPARATOR = re.compile(r"\s[·•|]\s")
_COUNT_RE = re.compile(
    r"^[\d\s.,]+(?:[kкmм]|тис\.?|тыс\.?)?\s*(?:views?|comments?|shares?|likes?|subscribers?"
    r"|followers?|переглядів|перегляди|перегляд|коментар\w*|просмотр\w*|комментар\w*"
    r"|підписник\w*|подписчик\w*)$",
    re.IGNORECASE,
)
_NAME_PART = re.compile(r"^(?:[A-ZА-ЯІЇЄҐ][\w'’.-]+\s?){1,4}$")
# "Автор: Ирина Соколовская", "By Mark Delaney": a name with its label
_NAME_LABEL = re.compile(r"^(?:by|author|автор|авторка|текст|фото|photo)\s*:?\s+", re.IGNORECASE)
# "Время чтения: 4 мин", "Читати 5 хв": reading time
_READING_RE = re.compile(
    r"^(?:reading time|read|время чтения|час читання|читати|читать)\s*:?\s*\d+\s*"
    r"(?:min(?:ute)?s?|мин(?:ут[аы]?)?|хв(?:илин[аи]?)?)\.?(?:\s+read)?$"
    r"|^\d+\s*(?:min(?:ute)?s?|мин(?:ут[аы]?)?|хв(?:илин[аи]?)?)\.?\s+(?:read|чтения|читання)$",
    re.IGNORECASE,
)
# A channel's or a body's name beside its subscriber count: any words, no figure, no full stop.
_TITLE_PART = re.compile(r"^[A-ZА-ЯІЇЄҐ«][^\d.!?]{1,80}$")


def is_meta_line(line: str) -> bool:
    """Whether a line is a page's meta line: parts between "·", "•" or "|", each a date or time,
    a name (the author's), or a count of views or comments."""
    parts = [p.strip() for p in _META_SEPARATOR.split(line.strip())]
    if len(parts) < 2:
        return False
    dated = [bool(DATE_ONLY_RE.match(p) or _READING_RE.match(p)) for p in parts]
    counted = [bool(_COUNT_RE.match(p)) for p in parts]
    if not any(dated) and not any(counted):
        return False
    named = [bool(_NAME_PART.match(_NAME_LABEL.sub("", p))) for p in parts]
    if any(counted):  # "Запорізька обласна військова адміністрація · 186 тис. підписників"
        named = [n or bool(_TITLE_PART.match(p)) for n, p in zip(named, parts, strict=True)]
    return all(d or c or n for d, c, n in zip(dated, counted, named, strict=True))


def _is_link_headline(line: str) -> bool:
    """A headline in a list of links: short, without the full stop that ends a sentence."""
    stripped = line.strip().lstrip("-–—•*▪► ")
    return len(stripped.split()) <= 20 and not stripped.endswith((".", "!", "…", ":", ";"))


def kept_blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph spans of the article body; hard-wrapped lines are joined back into one."""
    blocks: list[tuple[int, int]] = []
    seen: set[str] = set()
    previous_line_end = -1
    in_related_list = False
    lines = _lines(text)
    stamps = [bool(LIVE_STAMP_RE.match(text[a:b])) for a, b in lines]
    live = sum(stamps) >= LIVE_STAMPS
    for n, (start, end) in enumerate(lines):
        line = text[start:end]
        if live and n and stamps[n - 1] and _is_update_heading(line):
            continue  # a live blog's update heading: its paragraph below tells it in full
        if is_related_header(line):
            in_related_list = True
        elif in_related_list and _is_link_headline(line):
            # The headlines under "Related:"/"Читайте також" are other articles, not this one.
            continue
        else:
            in_related_list = False
        kept = _keep_line(text, start, end, seen)
        if kept is None:
            previous_line_end = -1
            continue
        joins = (
            blocks
            and previous_line_end == blocks[-1][1]
            and not text[blocks[-1][0] : blocks[-1][1]].endswith(TERMINAL)
            and text[kept[0]].islower()
        )
        if joins:
            blocks[-1] = (blocks[-1][0], kept[1])
        else:
            blocks.append(kept)
        previous_line_end = kept[1]
    return _without_narrative(text, blocks)


def _without_narrative(text: str, blocks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """On a page that reads as a story or a diary, only paragraphs with a fact anchor stay."""
    openings = [FIRST_SENTENCE_RE.match(text, a, b) for a, b in blocks]
    narrative = sum(m is not None and junk_kind(m.group(0)) == "fiction" for m in openings)
    if narrative < NARRATIVE_PARAGRAPHS or narrative * 3 < len(blocks):
        return blocks
    # A game diary's "Hadvar draws his sword" is fiction even with a name in it.
    return [(a, b) for a, b in blocks if has_fact_anchor(text[a:b])]


def clean_article(text: str) -> str:
    """The article body as plain text, one paragraph per line-separated block."""
    return "\n\n".join(text[a:b] for a, b in kept_blocks(text))
