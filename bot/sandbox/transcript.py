"""Readable transcripts of scenario events: who said what, buttons, edits, toasts.

Telegram's message ids and the desk's claim ids are both small numbers, so the transcript
always says which is which: "message #6" is a message in the chat, "claim #3" a claim in the
queue (a card is "message #6 · card of claim #3"). Bot messages are shown whole, wrapped; only
what a user forwards or sends (an article they pasted) is cut to its first lines. What happens
in a private chat with the bot is marked with the chat: "[private:carol] 👤 carol: …".
"""

from __future__ import annotations

import textwrap
from typing import Any

WIDTH = 88
INDENT = "      "
USER_LINES = 4  # forwarded articles: the first lines are enough to recognise them


def wrap(text: str, lines: int | None = None) -> list[str]:
    """Wrap text to the transcript width (blank runs collapsed); keep `lines` lines if given."""
    wrapped: list[str] = []
    for paragraph in text.strip().splitlines() or [""]:
        if paragraph.strip() or (wrapped and wrapped[-1]):
            wrapped += textwrap.wrap(
                paragraph, WIDTH - len(INDENT), break_on_hyphens=False, break_long_words=False
            ) or [""]
    if lines is not None and len(wrapped) > lines:
        shown = wrapped[:lines]
        while shown and not shown[-1]:
            shown.pop()
        hidden = len(" ".join(wrapped)) - len(" ".join(shown))
        wrapped = [*shown, f"… ({hidden:,} more characters)"]
    return wrapped


def _block(head: str, text: str, lines: int | None = None) -> list[str]:
    """A head line followed by the text, indented under it (on the same line when short)."""
    body = wrap(text, lines)
    if not body or body == [""]:
        return [head]
    if len(body) == 1 and len(head) + len(body[0]) < WIDTH:
        return [f"{head} {body[0]}"]
    return [head, *(f"{INDENT}{line}" for line in body)]


def _buttons(rows: list[list[str]]) -> list[str]:
    """Keyboard rows as `[✅ True] [❌ False]`."""
    return [INDENT + " ".join(f"[{label}]" for label in row) for row in rows if row]


def message_name(event: dict[str, Any], key: str = "message_id") -> str:
    """'message #6', or 'message #6 · card of claim #3' when it shows a claim's card."""
    name = f"message #{event.get(key)}"
    if event.get("claim") is not None:
        name += f" · card of claim #{event['claim']}"
    return name


def _target(event: dict[str, Any], key: str) -> str:
    """What a user acted on: 'the card of claim #3 (message #6)' or 'message #6'."""
    if event.get("claim") is not None:
        return f"the card of claim #{event['claim']} (message #{event[key]})"
    return f"message #{event[key]}"


def _sent(event: dict[str, Any], what: str) -> str:
    """'sent a photo' or 'forwarded a photo from channel “Daily News”'."""
    if event.get("origin"):
        return f"forwarded {what} from {event['origin']}"
    return f"sent {what}"


def _duration(seconds: int) -> str:
    """0:42, as Telegram shows a voice message's length."""
    return f"{seconds // 60}:{seconds % 60:02d}"


def _files(event: dict[str, Any], who: str, action: str) -> list[str]:
    """Lines for a photo, an album, a document or a voice message (captions under them)."""
    if action == "album":
        names = event.get("filenames") or []
        captions = event.get("captions") or [None] * len(names)
        lines = [f"{who} {_sent(event, f'an album of {len(names)}')}:"]
        for name, caption in zip(names, captions, strict=False):
            head = f"{INDENT}🖼 {name}:" if caption else f"{INDENT}🖼 {name}"
            lines += _block(head, caption or "", USER_LINES)
        return lines
    what = {"photo": "a photo", "voice": "a voice message", "document": "a document"}[action]
    head = f"{who} {_sent(event, what)}: {event['filename']}"
    if action == "voice" and event.get("duration") is not None:
        head += f" ({_duration(int(event['duration']))})"
    if not event.get("caption"):
        return [head]
    return [head, *(f"{INDENT}{line}" for line in wrap(event["caption"], USER_LINES))]


def _user(event: dict[str, Any]) -> list[str]:
    """Lines for a user's action."""
    who, action = f"👤 {event['from']}", event.get("action")
    if action == "forward":
        head = f"{who} forwarded message #{event['message_id']} from {event['origin']}:"
        return _block(head, event["text"], USER_LINES)
    if action == "press":
        return [f"{who} pressed [{event['button']}] on {_target(event, 'message_id')}"]
    if action == "reply":
        return _block(f"{who} replied to {_target(event, 'reply_to')}:", event["text"], USER_LINES)
    if action in ("photo", "album", "document", "voice"):
        return _files(event, who, action)
    return _block(f"{who}:", event.get("text") or "", USER_LINES)


def _bot(event: dict[str, Any]) -> list[str]:
    """Lines for something the bot did."""
    kind = event["kind"]
    if kind == "answer":
        text = event.get("text") or "(answered silently)"
        return [f"   ↳ {'alert' if event.get('show_alert') else 'toast'}: {text}"]
    if kind == "edit" and event.get("part") == "buttons":
        return [f"✎ bot edited the buttons of {message_name(event)}:", *_buttons(event["buttons"])]
    if kind == "edit":
        head = f"✎ bot edited {message_name(event)}:"
    elif kind == "document":
        head = f"🤖 bot · {message_name(event)} · 📎 {event.get('filename')}"
    else:
        head = f"🤖 bot · {message_name(event)}"
        if event.get("reply_to"):
            whom = event.get("reply_to_from")
            head += f" · reply to {whom}" if whom else f" · reply to message #{event['reply_to']}"
        head += ":"
    return [*_block(head, event.get("text") or ""), *_buttons(event.get("buttons", []))]


def format_event(event: dict[str, Any]) -> str:
    """One event as transcript lines (no trailing newline)."""
    kind = event.get("kind")
    if kind == "setup":
        title = f"━━ {event['chat']} ({event['type']}) · members: {event['members']} "
        return title + "━" * max(3, WIDTH - len(title))
    if kind == "expect":
        mark = "✔ saw" if event["ok"] else "✘ never saw"
        return f"   {mark} “{event['text']}”"
    if kind == "failure":
        return f"✘ {event['text']}"
    if kind == "skip":
        return f"   ⤼ {event['text']}"
    lines = _user(event) if kind == "user" else _bot(event)
    chat = str(event.get("chat") or "")
    if chat.startswith("private:") and kind != "answer":  # group lines stay as they were
        lines[0] = f"[{chat}] {lines[0]}"
    return "\n".join(lines)


def format_transcript(events: list[dict[str, Any]]) -> str:
    """The whole scenario as a readable chat log, steps separated by blank lines."""
    out: list[str] = []
    step = None
    for event in events:
        if event.get("kind") in ("user", "skip") and step is not None:
            out.append("")
        step = event.get("step")
        out.append(format_event(event))
    return "\n".join(out) + "\n"
