"""Inline buttons: one codec per kind, its handler pattern, and the message it belongs on.

Callback data comes back from the member's client, and a modified client can send any data on
any of the bot's messages. So every kind is decoded here, with the bounds of `handlers.arguments`,
and a press counts only on the kind of message the button was made for:

- card buttons (vote, "I'll check", a match offer) name a claim; the services check that the
  pressed message is that claim's stored card (`on_card`), which also works on cards so old that
  Telegram no longer sends their keyboard;
- queue pages, settings, team choices and "Queue it anyway" must find a button of the same
  kind (and the same team or article) on the pressed message's own keyboard, as Telegram
  delivers it with the press.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from telegram import CallbackQuery, Chat, MaybeInaccessibleMessage, Update
from telegram.error import TelegramError

from bot.i18n import LANGUAGES, N_, Words
from bot.records import Rating
from handlers.arguments import MAX_QUEUE_PAGE, MAX_ROW_ID, ascii_number

log = logging.getLogger(__name__)

MAX_DATA_BYTES = 64  # Telegram's limit on callback_data
# TRANSLATORS: the answer to a press of an old or unknown button (at most 200 characters).
INVALID = N_("This button is no longer valid.")
SETTING_NAMES = ("quorum", "cards")
AUTO_LANGUAGE = "auto"  # the language setting's value for "most members' language"
MAX_SETTING_VALUE = 99  # the desk clamps each setting to its own range
EXTRACTOR_NAME = re.compile(r"[a-z0-9_-]{1,40}")
RATINGS = {rating.value: rating for rating in Rating}


def _row_id(text: str) -> int | None:
    """A claim or team id from callback data."""
    return ascii_number(text, high=MAX_ROW_ID)


def _checked(data: str) -> str:
    """Callback data, after checking Telegram will take it."""
    if len(data.encode()) > MAX_DATA_BYTES:
        raise ValueError(f"callback data over {MAX_DATA_BYTES} bytes: {data[:80]!r}")
    return data


@dataclass(frozen=True)
class VoteButton:
    """A rating on a claim's card: 'v:<claim id>:<rating>'."""

    claim_id: int
    rating: Rating
    prefix: ClassVar[str] = "v"
    on_card: ClassVar[bool] = True

    def encode(self) -> str:
        return _checked(f"v:{self.claim_id}:{self.rating.value}")

    @classmethod
    def decode(cls, fields: list[str]) -> VoteButton | None:
        if len(fields) != 2:
            return None
        claim_id, rating = _row_id(fields[0]), RATINGS.get(fields[1])
        return cls(claim_id, rating) if claim_id is not None and rating is not None else None


@dataclass(frozen=True)
class TakeButton:
    """ "I'll check" on a claim's card: 'a:<claim id>'."""

    claim_id: int
    prefix: ClassVar[str] = "a"
    on_card: ClassVar[bool] = True

    def encode(self) -> str:
        return _checked(f"a:{self.claim_id}")

    @classmethod
    def decode(cls, fields: list[str]) -> TakeButton | None:
        claim_id = _row_id(fields[0]) if len(fields) == 1 else None
        return cls(claim_id) if claim_id is not None else None


@dataclass(frozen=True)
class MatchButton:
    """A match offer on a card: accept 'ma:<claim>:<matched>' or keep checking 'mk:…'."""

    claim_id: int
    matched_id: int
    accept: bool
    prefix: ClassVar[str] = "m[ak]"
    on_card: ClassVar[bool] = True

    def encode(self) -> str:
        return _checked(f"{'ma' if self.accept else 'mk'}:{self.claim_id}:{self.matched_id}")

    @classmethod
    def decode(cls, fields: list[str], *, accept: bool = True) -> MatchButton | None:
        if len(fields) != 2:
            return None
        claim_id, matched_id = _row_id(fields[0]), _row_id(fields[1])
        if claim_id is None or matched_id is None:
            return None
        return cls(claim_id, matched_id, accept)


@dataclass(frozen=True)
class QueueButton:
    """Previous/next under a /queue page: 'q:<page>'."""

    page: int
    prefix: ClassVar[str] = "q"
    on_card: ClassVar[bool] = False

    def encode(self) -> str:
        return _checked(f"q:{self.page}")

    @classmethod
    def decode(cls, fields: list[str]) -> QueueButton | None:
        page = ascii_number(fields[0], high=MAX_QUEUE_PAGE) if len(fields) == 1 else None
        return cls(page) if page is not None else None


@dataclass(frozen=True)
class SettingButton:
    """A change on /settings: 'set:quorum:3', 'set:extractor:openai', 'set:answers:on',
    'set:language:uk' ('set:language:auto': most members' language)."""

    name: str
    value: str
    prefix: ClassVar[str] = "set"
    on_card: ClassVar[bool] = False

    def encode(self) -> str:
        return _checked(f"set:{self.name}:{self.value}")

    @classmethod
    def decode(cls, fields: list[str]) -> SettingButton | None:
        if len(fields) != 2:
            return None
        name, value = fields
        if name in SETTING_NAMES and ascii_number(value, high=MAX_SETTING_VALUE) is not None:
            return cls(name, value)
        if name == "extractor" and EXTRACTOR_NAME.fullmatch(value):
            return cls(name, value)
        if name == "answers" and value in ("on", "off"):
            return cls(name, value)
        if name == "language" and value in (*LANGUAGES, AUTO_LANGUAGE):
            return cls(name, value)
        return None


@dataclass(frozen=True)
class TeamButton:
    """The choice of team for a forward sent in private: 'route:<team id>'."""

    team_id: int
    prefix: ClassVar[str] = "route"
    on_card: ClassVar[bool] = False

    def encode(self) -> str:
        return _checked(f"route:{self.team_id}")

    @classmethod
    def decode(cls, fields: list[str]) -> TeamButton | None:
        team_id = _row_id(fields[0]) if len(fields) == 1 else None
        return cls(team_id) if team_id is not None else None


@dataclass(frozen=True)
class QueueWholeButton:
    """ "Queue it anyway" / "as one claim" under an article's summary: 'qa:<article id>'."""

    article_id: int
    prefix: ClassVar[str] = "qa"
    on_card: ClassVar[bool] = False

    def encode(self) -> str:
        return _checked(f"qa:{self.article_id}")

    @classmethod
    def decode(cls, fields: list[str]) -> QueueWholeButton | None:
        article_id = _row_id(fields[0]) if len(fields) == 1 else None
        return cls(article_id) if article_id is not None else None


@dataclass(frozen=True)
class SettledButton:
    """On a settled card: "🔒 Verdict" 'sv:<claim id>' explains it, "Reopen" 'sr:<claim id>'."""

    claim_id: int
    reopen: bool
    prefix: ClassVar[str] = "s[vr]"
    on_card: ClassVar[bool] = True

    def encode(self) -> str:
        return _checked(f"{'sr' if self.reopen else 'sv'}:{self.claim_id}")

    @classmethod
    def decode(cls, fields: list[str], *, reopen: bool = False) -> SettledButton | None:
        claim_id = _row_id(fields[0]) if len(fields) == 1 else None
        return cls(claim_id, reopen) if claim_id is not None else None


@dataclass(frozen=True)
class BlockSenderButton:
    """ "Block sender" under a tipline notice in the team's group: 'tb:<request id>'."""

    request_id: int
    prefix: ClassVar[str] = "tb"
    on_card: ClassVar[bool] = False

    def encode(self) -> str:
        return _checked(f"tb:{self.request_id}")

    @classmethod
    def decode(cls, fields: list[str]) -> BlockSenderButton | None:
        request_id = _row_id(fields[0]) if len(fields) == 1 else None
        return cls(request_id) if request_id is not None else None


Button = (
    VoteButton | TakeButton | MatchButton | QueueButton | SettingButton | TeamButton
    | QueueWholeButton | SettledButton | BlockSenderButton
)  # fmt: skip
B = TypeVar(
    "B", VoteButton, TakeButton, MatchButton, QueueButton, SettingButton, TeamButton,
    QueueWholeButton, SettledButton, BlockSenderButton,
)  # fmt: skip


def pattern(kind: type[Button]) -> str:
    """The CallbackQueryHandler pattern for a kind of button."""
    return rf"^{kind.prefix}:"


def decode(data: object) -> Button | None:
    """Any button from its callback data; None for data no button of this bot carries."""
    if not isinstance(data, str) or len(data.encode(errors="replace")) > MAX_DATA_BYTES:
        return None
    prefix, _, rest = data.partition(":")
    fields = rest.split(":")
    if prefix == "v":
        return VoteButton.decode(fields)
    if prefix == "a":
        return TakeButton.decode(fields)
    if prefix in ("ma", "mk"):
        return MatchButton.decode(fields, accept=prefix == "ma")
    if prefix == "q":
        return QueueButton.decode(fields)
    if prefix == "set":
        return SettingButton.decode(fields)
    if prefix == "route":
        return TeamButton.decode(fields)
    if prefix == "qa":
        return QueueWholeButton.decode(fields)
    if prefix in ("sv", "sr"):
        return SettledButton.decode(fields, reopen=prefix == "sr")
    if prefix == "tb":
        return BlockSenderButton.decode(fields)
    return None


def _place(button: Button) -> tuple[object, ...]:
    """Which message a button belongs on: a claim's card, a queue page, settings, a team choice."""
    if isinstance(button, VoteButton | TakeButton | MatchButton | SettledButton):
        return ("card", button.claim_id)
    if isinstance(button, TeamButton):
        return ("route", button.team_id)
    if isinstance(button, QueueWholeButton):
        return ("qa", button.article_id)
    if isinstance(button, BlockSenderButton):
        return ("tb", button.request_id)
    return (button.prefix,)


def belongs_on(button: Button, message: MaybeInaccessibleMessage | None) -> bool:
    """Whether the pressed message's own keyboard has a button for the same place."""
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return False
    place = _place(button)
    return any(
        (other := decode(item.callback_data)) is not None and _place(other) == place
        for row in markup.inline_keyboard
        for item in row
    )


def pressed(query: CallbackQuery, kind: type[B]) -> B | None:
    """The button of this kind that was pressed, or None for malformed or misplaced data.

    Card buttons are checked against the claim's stored card by the service they go to.
    """
    if query.message is None:  # an inline message: the bot posts none
        return None
    button = decode(query.data)
    if not isinstance(button, kind):
        return None
    if not kind.on_card and not belongs_on(button, query.message):
        return None
    return button


@dataclass(frozen=True)
class Press(Generic[B]):
    """A button of one kind pressed in a chat: the query to answer, the chat, the button."""

    query: CallbackQuery
    chat: Chat
    button: B


async def press_in_chat(
    update: Update, kind: type[B], *, words: Words, alert: bool = False
) -> Press[B] | None:
    """The press of a `kind` button in a chat; None, answered as invalid (in `words`), for any
    other press."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return None  # button handlers are registered for presses on a message in a chat
    button = pressed(query, kind)
    if button is None:
        await answer(query, words._(INVALID), alert=alert)
        return None
    return Press(query, chat, button)


async def answer(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a press; a refusal (Telegram takes answers for ~15 s only) is logged, not raised.

    The press's effect is already stored and the card refresh is scheduled apart from this, so
    a late answer costs the member only the toast.
    """
    try:
        await query.answer(text[:200] if text else None, show_alert=alert)
    except TelegramError as error:
        log.info("Could not answer button press %s: %s", query.id, error)
