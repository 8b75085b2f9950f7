"""Callback data: one codec per button kind, bounded, and valid only on its own kind of message."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Chat, InlineKeyboardMarkup, Message

from bot.desk.desk import TeamSettings
from bot.i18n import ENGLISH
from handlers import buttons, render
from handlers.admin import settings_keyboard
from handlers.arguments import MAX_QUEUE_PAGE, MAX_ROW_ID
from handlers.buttons import (
    MatchButton,
    QueueButton,
    QueueWholeButton,
    SettingButton,
    TakeButton,
    TeamButton,
    VoteButton,
)
from handlers.teams_choice import team_keyboard
from storage.models import Rating, Team

KINDS = [
    VoteButton, TakeButton, MatchButton, QueueButton, SettingButton, TeamButton, QueueWholeButton
]  # fmt: skip
ids = st.integers(min_value=1, max_value=MAX_ROW_ID)
any_button = st.one_of(
    st.builds(VoteButton, ids, st.sampled_from(list(Rating))),
    st.builds(TakeButton, ids),
    st.builds(MatchButton, ids, ids, st.booleans()),
    st.builds(QueueButton, st.integers(min_value=1, max_value=MAX_QUEUE_PAGE)),
    st.builds(
        SettingButton,
        st.sampled_from(["quorum", "cards"]),
        st.integers(min_value=1, max_value=99).map(str),
    ),
    st.builds(
        SettingButton, st.just("extractor"), st.from_regex(r"[a-z0-9_-]{1,40}", fullmatch=True)
    ),
    st.builds(TeamButton, ids),
    st.builds(QueueWholeButton, ids),
)
# Data a modified client could send: bot-like prefixes with odd fields, and anything at all.
field_text = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["²", "¹", "١٢", "𝟙𝟚", "0", "00017", " 1", "1 ", "+1", "-1", "1e3", ""]),
)
forged_data = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda prefix, fields: ":".join([prefix, *fields]),
        st.sampled_from(["v", "a", "ma", "mk", "q", "set", "route", "qa", "zz", ""]),
        st.lists(field_text, max_size=4),
    ),
)
FUZZ = settings(max_examples=300, deadline=None)


@FUZZ
@given(any_button)
def test_every_button_decodes_to_itself_within_telegrams_64_bytes(button: buttons.Button) -> None:
    data = button.encode()
    assert len(data.encode()) <= 64
    assert buttons.decode(data) == button
    assert re.match(buttons.pattern(type(button)), data)
    assert [k for k in KINDS if re.match(buttons.pattern(k), data)] == [type(button)]


@FUZZ
@given(forged_data)
def test_any_data_decodes_to_a_bounded_button_or_to_nothing(data: str) -> None:
    button = buttons.decode(data)
    if button is None:
        return
    assert buttons.decode(button.encode()) == button
    for number in re.findall(r"\d+", button.encode()):
        assert number.isascii() and 0 < int(number) <= MAX_ROW_ID


@pytest.mark.parametrize(
    "data",
    [
        "v:²:true",
        "a:¹",
        "q:²",
        "ma:¹:²",
        "route:١٢",
        "qa:²",
        "qa:1:x",
        "set:quorum:²",
        f"v:{MAX_ROW_ID + 1}:true",
        "v:99999999999999999999:true",
        "a:" + "9" * 5000,
        f"q:{MAX_QUEUE_PAGE + 1}",
        "q:0",
        "v:0:true",
        "v:17:maybe",
        "v:17:true:extra",
        "set:quorum:100",
        "set:extractor:../../etc",
        "set:colour:red",
        "set:language:de",
        "set:language:uk:ru",
        None,
    ],
)
def test_unicode_digits_huge_numbers_and_odd_fields_are_no_button(data: str | None) -> None:
    assert buttons.decode(data) is None


def test_data_over_64_bytes_is_never_built() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        SettingButton("extractor", "x" * 60).encode()


def message_with(markup: InlineKeyboardMarkup | None) -> Message:
    """A bot message carrying this keyboard, as a button press delivers it."""
    chat = Chat(-100123, Chat.SUPERGROUP, title="Fact desk")
    return Message(1, datetime(2026, 1, 1, tzinfo=UTC), chat, reply_markup=markup)


def test_each_kind_belongs_only_on_its_own_kind_of_message() -> None:
    card = message_with(render.claim_keyboard(17, ENGLISH))
    queue = message_with(render.queue_keyboard(2, more=True, words=ENGLISH))
    setup = message_with(
        settings_keyboard(TeamSettings(2, 5, "offline"), ["offline", "openai"], ENGLISH)
    )
    teams = message_with(
        team_keyboard([Team(id=4, chat_id=-1, title="A", chat_type="group")], ENGLISH)
    )

    assert buttons.belongs_on(QueueButton(9), queue)
    assert not buttons.belongs_on(QueueButton(1), card)
    assert not buttons.belongs_on(QueueButton(1), setup)
    assert buttons.belongs_on(SettingButton("quorum", "1"), setup)
    assert not buttons.belongs_on(SettingButton("quorum", "1"), card)
    assert not buttons.belongs_on(SettingButton("quorum", "1"), queue)
    assert buttons.belongs_on(TeamButton(4), teams)
    assert not buttons.belongs_on(TeamButton(5), teams)  # a team the question did not offer
    assert not buttons.belongs_on(TeamButton(4), card)
    assert not buttons.belongs_on(QueueButton(1), message_with(None))  # no keyboard at all
