"""The parts of a screenshot that are the app, not the post: never text to check.

A screenshot of a Telegram, X or Facebook post carries the app around the words: the channel's
name and subscriber count in the header, the time, view and like counts, "Reply", "Share",
"Forward". None of it is a claim, and a count like "12.3K" next to a time would otherwise look
like a figure. These rules are pure and work on OCR lines (text and position).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words of the apps' buttons and labels, in English, Ukrainian and Russian.
UI_WORDS = frozenset(
    """
    reply replies share shares forward forwarded comment comments like likes views view
    subscribe subscribed join joined follow following followers subscribers members edited
    retweet retweets repost reposts quote quotes translate more show less pinned message
    leave a send sent read original post posts channel bookmark save saved
    відповісти відповідь відповіді поділитися переслати переслано коментар коментарі
    коментувати вподобати переглядів переглядів перегляди підписатися підписники
    підписників учасників змінено закріплено повідомлення канал
    ответить ответ ответы поделиться переслать переслано комментарий комментарии
    комментировать нравится просмотров просмотры подписаться подписчики подписчиков
    участников изменено закреплено сообщение канал
    """.split()
)
TIME = re.compile(r"^\d{1,2}[:.]\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?$")
COUNT = re.compile(r"^[+]?\d+(?:[.,]\d+)?[KkMmКкМм]?$|^\d{1,3}(?:[ ,.]\d{3})+$")
SHORT_DATE = re.compile(
    r"^(?:\d{1,2}|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|січ|лют|бер|кві|тра|чер|лип|"
    r"сер|вер|жов|лис|гру|янв|фев|мар|апр|мая|июн|июл|авг|сен|окт|ноя|дек)\w{0,8}\.?$",
    re.IGNORECASE,
)
SENTENCE_END = re.compile(r"[.!?…:;»\"”]$")
# The header band of a screenshot (channel name, avatar, "N subscribers"): its top share.
HEADER_SHARE = 0.12
HEADER_MAX_WORDS = 5
# The longest token taken for a count with an icon stuck to it ("Ф5,2К").
MANGLED_COUNT_MAX = 6


@dataclass(frozen=True)
class Line:
    """One line of text as OCR found it: the words, its top edge and height in pixels."""

    text: str
    top: int = 0
    height: int = 0


def is_chrome(line: Line, *, image_height: int = 0) -> bool:
    """Whether a line is the app's, not the post's: counts, times, buttons, the header."""
    tokens = re.findall(r"[\w.,:+]+", line.text)
    if not tokens:
        return True  # only symbols: icons, emoji, separators
    content = [token for token in tokens if not _ui_token(token)]
    if not content:
        return True
    if len(content) == 1 and len(tokens) > 1 and len(content[0]) <= 3:
        return True  # "❤ 234 👍 12 ok": one short word among counts
    if _stamp_line(tokens):
        return True
    return image_height > 0 and _header_line(line, tokens, image_height)


def _ui_token(token: str) -> bool:
    """A word of the app: a button label, a count, a time, a short date."""
    bare = token.strip(".,:+")
    if not bare:
        return True
    return (
        bare.casefold() in UI_WORDS
        or bool(TIME.match(bare))
        or bool(COUNT.match(bare))
        or (len(bare) <= 4 and bool(SHORT_DATE.match(bare)))
    )


def _stamp_line(tokens: list[str]) -> bool:
    """A post's footer, its icons read as letters: a time and short tokens with a digit in each
    ("👁 5,2K 09:15" read as "Ф5,К 09:15")."""
    times = [token for token in tokens if TIME.match(token.strip(".,:+"))]
    rest = [token for token in tokens if token not in times]
    return bool(times) and all(
        len(token) <= MANGLED_COUNT_MAX and any(ch.isdigit() for ch in token) for token in rest
    )


def _header_line(line: Line, tokens: list[str], image_height: int) -> bool:
    """A short line without sentence punctuation or figures at the top of the screenshot."""
    if line.top > image_height * HEADER_SHARE:
        return False
    if len(tokens) > HEADER_MAX_WORDS or SENTENCE_END.search(line.text.strip()):
        return False
    return not any(ch.isdigit() for ch in line.text)


def without_chrome(lines: list[Line], *, image_height: int = 0) -> tuple[list[Line], list[Line]]:
    """The post's lines and the app's lines, each in order."""
    kept: list[Line] = []
    dropped: list[Line] = []
    for line in lines:
        (dropped if is_chrome(line, image_height=image_height) else kept).append(line)
    return kept, dropped
