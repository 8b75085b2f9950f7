"""The one boundary where a raw Update becomes input for the services: its text made storable.

PostgreSQL refuses NUL in text columns (CharacterNotInRepertoireError), and any field of an
update may end up in one: a member's first name, a forward's channel title or signature, a
/verdict reason, a note. Rather than clean each field where it is stored, every string in the
update is cleaned once, before python-telegram-bot reads it (`bot.app.pump`).
"""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")

# NUL becomes a space, not nothing: entity offsets (UTF-16 units) after it stay right.
NUL, STAND_IN = "\x00", " "
# Telegram's integers (ids, dates, sizes) fit in 53 bits; a larger one is not from Telegram, and
# would overflow the database's BIGINT columns.
MAX_TELEGRAM_INT = 2**53


class NotAnUpdate(ValueError):
    """The payload cannot have come from Telegram."""


# The fields the handlers rely on, per Bot API type: name -> (expected type, required). A
# payload that breaks these (a message without a chat, a text that is a number) is not one
# Telegram sends; python-telegram-bot reads it anyway, leniently, and the handlers would trip.
Shape = dict[str, tuple[Any, bool]]
USER: Shape = {"id": (int, True), "is_bot": (bool, True), "first_name": (str, True),
               "last_name": (str, False), "username": (str, False)}  # fmt: skip
CHAT: Shape = {"id": (int, True), "type": (str, True), "title": (str, False),
               "username": (str, False), "is_forum": (bool, False)}  # fmt: skip
ENTITY: Shape = {"type": (str, True), "offset": (int, True), "length": (int, True),
                 "url": (str, False)}  # fmt: skip
ORIGIN: Shape = {"type": (str, True), "date": (int, True), "sender_user": (USER, False),
                 "sender_chat": (CHAT, False), "chat": (CHAT, False),
                 "sender_user_name": (str, False), "author_signature": (str, False),
                 "message_id": (int, False)}  # fmt: skip
DOCUMENT: Shape = {"file_id": (str, True), "file_unique_id": (str, True),
                   "file_name": (str, False), "mime_type": (str, False),
                   "file_size": (int, False)}  # fmt: skip
MESSAGE: Shape = {
    "message_id": (int, True), "date": (int, True), "chat": (CHAT, True), "from": (USER, False),
    "sender_chat": (CHAT, False), "text": (str, False), "caption": (str, False),
    "entities": ([ENTITY], False), "caption_entities": ([ENTITY], False),
    "forward_origin": (ORIGIN, False), "document": (DOCUMENT, False),
    "new_chat_members": ([USER], False), "left_chat_member": (USER, False),
    "message_thread_id": (int, False), "is_topic_message": (bool, False),
    "migrate_to_chat_id": (int, False), "migrate_from_chat_id": (int, False),
}  # fmt: skip
MESSAGE["reply_to_message"] = (MESSAGE, False)
MEMBER: Shape = {"status": (str, True), "user": (USER, True)}
MEMBER_CHANGE: Shape = {"chat": (CHAT, True), "from": (USER, True), "date": (int, True),
                        "old_chat_member": (MEMBER, True),
                        "new_chat_member": (MEMBER, True)}  # fmt: skip
CALLBACK: Shape = {"id": (str, True), "from": (USER, True), "chat_instance": (str, True),
                   "data": (str, False), "message": (MESSAGE, False),
                   "inline_message_id": (str, False)}  # fmt: skip
REACTION: Shape = {"chat": (CHAT, True), "message_id": (int, True), "date": (int, True),
                   "user": (USER, False), "actor_chat": (CHAT, False)}  # fmt: skip
REACTION_COUNT: Shape = {"chat": (CHAT, True), "message_id": (int, True),
                         "date": (int, True)}  # fmt: skip
UPDATE: Shape = {
    "update_id": (int, True), "message": (MESSAGE, False), "edited_message": (MESSAGE, False),
    "channel_post": (MESSAGE, False), "edited_channel_post": (MESSAGE, False),
    "callback_query": (CALLBACK, False), "chat_member": (MEMBER_CHANGE, False),
    "my_chat_member": (MEMBER_CHANGE, False), "message_reaction": (REACTION, False),
    "message_reaction_count": (REACTION_COUNT, False),
}  # fmt: skip


def check_shape(value: Any, shape: Shape, where: str = "update") -> None:
    """Raise NotAnUpdate unless `value` has the fields of `shape`, of the right types."""
    if not isinstance(value, dict):
        raise NotAnUpdate(f"{where} is not an object")
    for name, (kind, required) in shape.items():
        if value.get(name) is None:  # left out (null is read as left out too)
            if required:
                raise NotAnUpdate(f"{where}.{name} is missing")
            continue
        _check_field(value[name], kind, f"{where}.{name}")


def _check_field(item: Any, kind: Any, where: str) -> None:
    """One field: a nested shape, a list of one, or a plain type (bool is not an int here)."""
    if isinstance(kind, dict):
        check_shape(item, kind, where)
    elif isinstance(kind, list):
        if not isinstance(item, list):
            raise NotAnUpdate(f"{where} is not a list")
        for index, element in enumerate(item):
            _check_field(element, kind[0], f"{where}[{index}]")
    elif not isinstance(item, kind) or (kind is int and isinstance(item, bool)):
        raise NotAnUpdate(f"{where} is not {kind.__name__}")


def storable(payload: Any) -> Any:
    """The raw update with lone surrogates replaced by U+FFFD, so it can be stored at all.

    json.loads joins escaped surrogate pairs into one character, so any surrogate left is lone:
    a valid JSON escape that is no text, which neither database can encode. Both the webhook and
    polling store through this, before the update is acknowledged.
    """
    if isinstance(payload, str):
        return _SURROGATE.sub("\ufffd", payload)
    if isinstance(payload, list):
        return [storable(item) for item in payload]
    if isinstance(payload, dict):
        return {storable(key): storable(value) for key, value in payload.items()}
    return payload


def stored_text(raw: Any) -> str:
    """A raw update as the JSON text the update store keeps (lone surrogates replaced).

    Serialised as it is first: only a text that shows a surrogate is walked and cleaned, so the
    common update costs one `json.dumps`, not a copy of every string in it.
    """
    text = json.dumps(raw, ensure_ascii=False)
    if _SURROGATE.search(text) is None:
        return text
    return json.dumps(storable(raw), ensure_ascii=False)


def _checked_int(literal: str) -> int:
    """An integer of a stored update; NotAnUpdate beyond what Telegram sends (53 bits)."""
    value = int(literal)
    if abs(value) > MAX_TELEGRAM_INT:
        raise NotAnUpdate(f"an integer beyond 53 bits: {literal[:30]}")
    return value


def read_stored(text: str) -> Any:
    """`read_update` of a stored update's JSON text, walking its strings only if one holds NUL.

    Inside JSON text NUL can only be written escaped (json.loads refuses a raw control
    character in a string), so a text without the escape has none anywhere, keys included.
    """
    payload = json.loads(text, parse_int=_checked_int)
    if "\\u0000" in text:
        payload = clean_update(payload)
    check_shape(payload, UPDATE)
    return payload


def read_update(payload: Any) -> Any:
    """A raw update ready for python-telegram-bot: its shape checked and its text cleaned."""
    cleaned = clean_update(payload)
    check_shape(cleaned, UPDATE)
    return cleaned


def clean_update(payload: Any) -> Any:
    """The payload with NUL replaced in every string (keys too); NotAnUpdate for huge numbers."""
    if isinstance(payload, str):
        return payload.replace(NUL, STAND_IN) if NUL in payload else payload
    if isinstance(payload, bool) or payload is None or isinstance(payload, float):
        return payload
    if isinstance(payload, int):
        if abs(payload) > MAX_TELEGRAM_INT:
            raise NotAnUpdate(f"an integer beyond 53 bits: {str(payload)[:30]}")
        return payload
    if isinstance(payload, list):
        return [clean_update(item) for item in payload]
    if isinstance(payload, dict):
        return {clean_update(key): clean_update(value) for key, value in payload.items()}
    return payload
