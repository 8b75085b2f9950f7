"""Bot API methods that send and change messages, plus the method registry and parameters."""

from __future__ import annotations

import time
from typing import Any

from bot.sandbox.html import HtmlError, parse_html
from bot.sandbox.protocol import METHODS, ApiError, Params, bad_request, find_chat, method
from bot.sandbox.state import Chat, Message, SandboxState, StoredFile, now

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


# -- shared checks -----------------------------------------------------------------------------


def writable_chat(state: SandboxState, params: Params) -> Chat:
    """The target chat, if the bot may post there."""
    chat = find_chat(state, params)
    if chat.type == "private":
        if chat.id in state.blocked_by:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat
    kind = "supergroup chat" if chat.type == "supergroup" else f"{chat.type} chat"
    member = state.member(chat.id, state.bot.id)
    if member is None or member.status == "left":
        raise ApiError(403, f"Forbidden: bot is not a member of the {kind}")
    if member.status == "kicked":
        raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")
    return chat


def check_rate(state: SandboxState, chat: Chat) -> None:
    """Simulate Telegram's ~20 messages a minute into one group, when turned on."""
    limit = state.rate_limit_per_minute
    if not limit or chat.type == "private":
        return
    moment = time.monotonic()
    recent = [t for t in state.sent_times.get(chat.id, []) if moment - t < 60]
    if len(recent) >= limit:
        retry = max(1, int(60 - (moment - recent[0])) + 1)
        raise ApiError(429, f"Too Many Requests: retry after {retry}", {"retry_after": retry})
    state.sent_times[chat.id] = [*recent, moment]


def formatted(params: Params, field_name: str, limit: int) -> tuple[str, str | None, list[Any]]:
    """Parse text or caption per parse_mode: (plain text, raw HTML or None, entities)."""
    raw = params.str(field_name) or ""
    mode = (params.str("parse_mode") or "").lower()
    html = None
    entities = params.json("entities" if field_name == "text" else "caption_entities") or []
    if mode == "html":
        try:
            plain, entities = parse_html(raw)
        except HtmlError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        html = raw
    else:
        plain = raw  # Markdown modes are not simulated: the text is kept as sent
    if field_name == "text" and not plain.strip():
        raise bad_request("message text is empty")
    if len(plain) > limit:
        raise bad_request(
            "message is too long" if field_name == "text" else "message caption is too long"
        )
    return plain, html, entities


def checked_markup(params: Params) -> dict[str, Any] | None:
    """The reply_markup, with inline buttons validated as Telegram does."""
    markup: dict[str, Any] | None = params.json("reply_markup")
    if not markup:
        return None
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_EMPTY")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
                raise bad_request("BUTTON_URL_INVALID")
    return markup


def reply_target(state: SandboxState, chat: Chat, params: Params) -> Message | None:
    """The message this one replies to (reply_parameters or reply_to_message_id)."""
    options = params.json("reply_parameters") or {}
    message_id = options.get("message_id") or params.int("reply_to_message_id")
    if not message_id:
        return None
    target = state.get_message(chat.id, int(message_id))
    allow = options.get("allow_sending_without_reply") or params.bool("allow_sending_without_reply")
    if target is None and not allow:
        raise bad_request("message to be replied not found")
    return target


def new_bot_message(state: SandboxState, chat: Chat, params: Params) -> Message:
    """A bot message skeleton with the options every send method shares."""
    reply_to = reply_target(state, chat, params)
    thread_id = params.int("message_thread_id") or (reply_to.thread_id if reply_to else None)
    message = Message(chat, state.next_message_id(chat.id), state.bot, now(), reply_to=reply_to)
    message.thread_id = thread_id
    message.reply_markup = checked_markup(params)
    if params.values.get("link_preview_options"):
        message.extra["link_preview_options"] = params.json("link_preview_options")
    return message


def bot_message_to_edit(state: SandboxState, params: Params) -> Message:
    """The bot message an edit method targets."""
    if params.values.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not simulated
    chat = find_chat(state, params)
    message = state.get_message(chat.id, params.int("message_id", required=True) or 0)
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


# -- sending -----------------------------------------------------------------------------------


@method("sendMessage")
def send_message(state: SandboxState, params: Params) -> dict[str, Any]:
    """Post a text message."""
    chat = writable_chat(state, params)
    text, html, entities = formatted(params, "text", MAX_TEXT)
    message = new_bot_message(state, chat, params)
    message.text, message.html, message.entities = text, html, entities
    check_rate(state, chat)
    return state.store_message(message).to_api()


def uploaded_document(state: SandboxState, params: Params) -> StoredFile:
    """The document of a sendDocument call: a multipart upload or a known file_id."""
    value = params.str("document") or ""
    part = value.removeprefix("attach://") if value.startswith("attach://") else "document"
    if part in params.files:
        filename, content, mime = params.files[part]
        number = state.next_id()
        stored = StoredFile(
            f"BQACAgIAAx0sandbox{number:06d}", f"AgADsb{number:04d}",
            f"documents/file_{number}_{filename}", content, filename, mime,
        )  # fmt: skip
        state.files[stored.file_id] = stored
        return stored
    if value in state.files:
        return state.files[value]
    raise bad_request("wrong file identifier/HTTP URL specified")


@method("sendDocument")
def send_document(state: SandboxState, params: Params) -> dict[str, Any]:
    """Post a document with an optional caption."""
    chat = writable_chat(state, params)
    stored = uploaded_document(state, params)
    message = new_bot_message(state, chat, params)
    message.document = stored.to_document()
    if params.values.get("caption"):
        message.caption, message.html, message.caption_entities = formatted(
            params, "caption", MAX_CAPTION
        )
    check_rate(state, chat)
    return state.store_message(message).to_api()


# -- editing -----------------------------------------------------------------------------------


@method("editMessageText")
def edit_message_text(state: SandboxState, params: Params) -> dict[str, Any]:
    """Replace a bot message's text; without reply_markup the keyboard goes, as in Telegram."""
    message = bot_message_to_edit(state, params)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    text, html, entities = formatted(params, "text", MAX_TEXT)
    markup = checked_markup(params)
    if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
    message.text, message.html, message.entities, message.reply_markup = (
        text,
        html,
        entities,
        markup,
    )
    if params.values.get("link_preview_options"):
        message.extra["link_preview_options"] = params.json("link_preview_options")
    message.edit_date = now()
    return message.to_api()


@method("editMessageCaption")
def edit_message_caption(state: SandboxState, params: Params) -> dict[str, Any]:
    """Replace a bot message's caption."""
    message = bot_message_to_edit(state, params)
    caption, html, entities = formatted(params, "caption", MAX_CAPTION)
    markup = checked_markup(params)
    if (caption, entities, markup) == (
        message.caption,
        message.caption_entities,
        message.reply_markup,
    ):
        raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
    message.caption, message.html, message.caption_entities = caption, html, entities
    message.reply_markup, message.edit_date = markup, now()
    return message.to_api()


@method("editMessageReplyMarkup")
def edit_message_reply_markup(state: SandboxState, params: Params) -> dict[str, Any]:
    """Replace (or remove) a bot message's inline keyboard."""
    message = bot_message_to_edit(state, params)
    markup = checked_markup(params)
    if (markup or None) == (message.reply_markup or None):
        raise bad_request(NOT_MODIFIED.removeprefix("Bad Request: "))
    message.reply_markup, message.edit_date = markup, now()
    return message.to_api()


@method("deleteMessage")
def delete_message(state: SandboxState, params: Params) -> bool:
    """Delete a message (others' messages only where the bot is an administrator)."""
    chat = find_chat(state, params)
    message = state.get_message(chat.id, params.int("message_id", required=True) or 0)
    if message is None:
        raise bad_request("message to delete not found")
    member = state.member(chat.id, state.bot.id)
    is_admin = member is not None and member.status in ("administrator", "creator")
    if not message.from_bot and chat.type != "private" and not is_admin:
        raise bad_request("message can't be deleted")
    message.deleted = True
    return True


@method("setMessageReaction")
def set_message_reaction(state: SandboxState, params: Params) -> bool:
    """Set the bot's reactions on a message."""
    chat = find_chat(state, params)
    message = state.get_message(chat.id, params.int("message_id", required=True) or 0)
    if message is None:
        raise bad_request("message to react not found")
    message.reactions = params.json("reaction") or []
    return True


@method("answerCallbackQuery")
def answer_callback_query(state: SandboxState, params: Params) -> bool:
    """Answer a callback query once; a second answer or an unknown id fails like Telegram."""
    record = state.callbacks.get(params.str("callback_query_id") or "")
    window = state.callback_answer_seconds
    age = time.monotonic() - record.pressed_at if record is not None else 0.0
    late = window is not None and age > window
    if record is None or record.answers or late:
        raise bad_request(QUERY_TOO_OLD.removeprefix("Bad Request: "))
    answer = {"text": params.str("text"), "show_alert": params.bool("show_alert")}
    if params.values.get("url"):
        answer["url"] = params.str("url")
    record.answers.append(answer)
    return True


@method("sendChatAction")
def send_chat_action(state: SandboxState, params: Params) -> bool:
    """Show "typing…" (nothing to keep but the call log)."""
    writable_chat(state, params)
    return True


__all__ = ["METHODS", "ApiError", "Params", "bad_request", "find_chat", "method"]
