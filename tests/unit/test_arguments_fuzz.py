"""Ids and pages members type, and the text of every update: fuzzed (issue 13, items 6, 7, 10)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.desk.errors import BadArguments, ClaimNotFound, DeskError
from bot.intake.inbound import (
    MAX_TELEGRAM_INT,
    NotAnUpdate,
    clean_update,
    read_stored,
    read_update,
    storable,
    stored_text,
)
from handlers.arguments import MAX_QUEUE_PAGE, MAX_ROW_ID, parse_claim_id, parse_page

FUZZ = settings(max_examples=300, deadline=None)
# Digits of every script, signs, spaces, "#", and plain text: what follows "/claim ".
unicode_digits = st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=6)
arguments = st.one_of(
    st.text(max_size=40),
    unicode_digits,
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.integers(min_value=0, max_value=10**40).map(lambda n: f"#{n}"),
    st.text("0123456789", min_size=1, max_size=5000),
)


@FUZZ
@given(arguments)
def test_a_claim_id_argument_is_a_bounded_number_or_a_clear_answer(argument: str) -> None:
    try:
        claim_id = parse_claim_id(argument)
    except DeskError as error:  # BadArguments or ClaimNotFound: a sentence for the chat
        assert len(str(error)) < 200
        return
    assert 0 <= claim_id <= MAX_ROW_ID
    assert argument.strip().removeprefix("#").isascii()


@FUZZ
@given(arguments)
def test_a_page_argument_is_a_bounded_page_or_a_clear_answer(argument: str) -> None:
    try:
        page = parse_page(argument)
    except BadArguments as error:
        assert len(str(error)) < 200
        return
    assert 1 <= page <= MAX_QUEUE_PAGE


@FUZZ
@given(unicode_digits.filter(lambda text: not text.isascii()))
def test_digits_of_other_scripts_are_not_ids(argument: str) -> None:
    with pytest.raises(BadArguments, match="not a claim id"):
        parse_claim_id(argument)


@pytest.mark.parametrize("argument", ["99999999999999999999", "2147483648", "9" * 4300])
def test_a_number_too_large_for_any_claim_is_no_claim(argument: str) -> None:
    with pytest.raises(ClaimNotFound, match="no claim #"):
        parse_claim_id(argument)


def test_ids_and_pages_in_ascii_digits_are_read() -> None:
    assert parse_claim_id("#0017") == 17
    assert parse_claim_id(str(MAX_ROW_ID)) == MAX_ROW_ID
    assert parse_page("2") == 2
    with pytest.raises(BadArguments, match="no page"):
        parse_page(str(MAX_QUEUE_PAGE + 1))
    with pytest.raises(BadArguments, match="/queue"):
        parse_page("0")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-MAX_TELEGRAM_INT, max_value=MAX_TELEGRAM_INT)
    | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


def strings_in(value: Any) -> list[str]:
    """Every string in a JSON value, keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *strings_in(v)]]
    return []


@FUZZ
@given(json_values)
def test_no_string_of_an_update_keeps_a_nul_and_nothing_else_changes(value: Any) -> None:
    cleaned = clean_update(json.loads(json.dumps(value)))
    assert not any("\x00" in s for s in strings_in(cleaned))
    assert json.dumps(cleaned) == json.dumps(value).replace("\\u0000", " ")


def test_numbers_beyond_53_bits_are_not_from_telegram() -> None:
    with pytest.raises(NotAnUpdate):
        clean_update({"message": {"chat": {"id": 2**63}}})
    assert clean_update({"id": -(2**53)}) == {"id": -(2**53)}


USER = {"id": 5, "is_bot": False, "first_name": "Bob"}
CHAT = {"id": -100123, "type": "supergroup", "title": "Fact desk"}
MESSAGE = {"message_id": 7, "date": 1_760_000_000, "chat": CHAT, "from": USER, "text": "/status"}


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 1, "message": MESSAGE},
        {"update_id": 2, "message": {**MESSAGE, "reply_to_message": MESSAGE, "text": None}},
        {"update_id": 3, "callback_query": {"id": "9", "from": USER, "chat_instance": "1",
                                            "inline_message_id": "AAE", "data": "v:1:true"}},
        {"update_id": 4, "poll": {"id": "p"}},  # a kind no handler reads is not checked
        {"update_id": 5, "message_reaction": {"chat": CHAT, "message_id": 7, "date": 1,
                                              "user": USER, "old_reaction": [],
                                              "new_reaction": [{"type": "emoji", "emoji": "👍"}]}},
    ],
)  # fmt: skip
def test_updates_telegram_sends_are_read(update: dict[str, Any]) -> None:
    assert read_update(update) == update


@pytest.mark.parametrize(
    "update",
    [
        {"update_id": 1, "message": {**MESSAGE, "chat": None}},
        {"update_id": 1, "message": {**MESSAGE, "text": 17}},
        {"update_id": 1, "message": {**MESSAGE, "message_id": True}},
        {"update_id": 1, "message": {**MESSAGE, "entities": [{"type": "url"}]}},
        {"update_id": 1, "message": {**MESSAGE, "reply_to_message": {"text": "x"}}},
        {"update_id": 1, "callback_query": {"id": "9", "from": {"id": 5}, "chat_instance": "1"}},
        {"update_id": 1, "chat_member": {"chat": CHAT, "from": USER, "date": 1,
                                         "old_chat_member": {"status": "member", "user": USER}}},
        {"update_id": 1, "message_reaction": {"chat": {**CHAT, "id": ""}, "message_id": 7,
                                              "date": 1, "user": USER}},
        {"message": MESSAGE},
        [],
    ],
)  # fmt: skip
def test_payloads_telegram_never_sends_are_not_updates(update: Any) -> None:
    with pytest.raises(NotAnUpdate):
        read_update(update)


# The update store's own path (bot.app.pump): the JSON text it keeps and reads back.
raw_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**60), max_value=2**60)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),  # lone surrogates and NUL included
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


def _walked(value: Any) -> Any:
    """What the store kept and read back before its fast path: every string walked twice."""
    return clean_update(json.loads(json.dumps(storable(value), ensure_ascii=False)))


@FUZZ
@given(raw_values)
def test_the_stored_text_reads_back_as_the_walked_update_would(value: Any) -> None:
    text = stored_text({"update_id": 1, "x": value})
    text.encode("utf-8")  # storable in either database: no lone surrogate is left
    try:
        expected: Any = _walked({"update_id": 1, "x": value})
    except NotAnUpdate:
        with pytest.raises(NotAnUpdate):
            read_stored(text)
        return
    assert read_stored(text) == expected


def test_the_stored_text_of_a_nul_a_surrogate_and_a_huge_number() -> None:
    text = stored_text({"update_id": 1, "message": {**MESSAGE, "text": "a\x00b\ud800c"}})
    assert read_stored(text)["message"]["text"] == "a b\ufffdc"
    with pytest.raises(NotAnUpdate, match="53 bits"):
        read_stored(stored_text({"update_id": 1, "message": {**MESSAGE, "date": 2**60}}))
    with pytest.raises(NotAnUpdate, match="chat"):
        read_stored(stored_text({"update_id": 1, "message": {**MESSAGE, "chat": None}}))
