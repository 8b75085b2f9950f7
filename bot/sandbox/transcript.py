"""Readable transcripts of scenario events: who said what, buttons, edits, toasts."""

from __future__ import annotations

import textwrap
from typing import Any

WIDTH = 88
MAX_LINES = 14  # bot messages longer than this are cut in the transcript (not in the chat)
USER_LINES = 4  # forwarded articles: the first lines are enough to recognise them


def _clip(text: str, lines: int) -> list[str]:
    """Wrap text to the transcript width (blank runs collapsed) and keep the first lines."""
    wrapped: list[str] = []
    for paragraph in text.strip().splitlines() or [""]:
        if paragraph.strip() or (wrapped and wrapped[-1]):
            wrapped += textwrap.wrap(
                paragraph, WIDTH - 10, break_on_hyphens=False, break_long_words=False
            ) or [""]
    if len(wrapped) > lines:
        shown = wrapped[:lines]
        while shown and not shown[-1]:
            shown.pop()
        hidden = len(" ".join(wrapped)) - len(" ".join(shown))
        wrapped = [*shown, f"… ({hidden:,} more characters)"]
    return wrapped


def _block(head: str, text: str, lines: int, indent: str = "      ") -> list[str]:
    """A head line followed by the text, indented under it."""
    body = _clip(text, lines)
    if not body or body == [""]:
        return [head]
    if len(body) == 1 and len(head) + len(body[0]) < WIDTH:
        return [f"{head} {body[0]}"]
    return [head, *(f"{indent}{line}" for line in body)]


def _buttons(rows: list[list[str]]) -> list[str]:
    """Keyboard rows as `[✅ True] [❌ False]`."""
    return ["      " + " ".join(f"[{label}]" for label in row) for row in rows if row]


def _user(event: dict[str, Any]) -> list[str]:
    """Lines for a user's action."""
    who, action = f"👤 {event['from']}", event.get("action")
    number = f"#{event['message_id']}" if event.get("message_id") else ""
    if action == "forward":
        return _block(
            f"{who} forwarded {number} from {event['origin']}:", event["text"], USER_LINES
        )
    if action == "press":
        return [f"{who} pressed [{event['button']}] on #{event['message_id']}"]
    if action == "reply":
        return _block(f"{who} replied to #{event['reply_to']}:", event["text"], USER_LINES)
    if action == "document":
        return [f"{who} sent a document: {event['filename']}"]
    return _block(f"{who}:", event.get("text") or "", USER_LINES)


def _bot(event: dict[str, Any]) -> list[str]:
    """Lines for something the bot did."""
    kind = event["kind"]
    if kind == "answer":
        text = event.get("text") or "(answered silently)"
        return [f"   ↳ {'alert' if event.get('show_alert') else 'toast'}: {text}"]
    number = f"#{event.get('message_id')}"
    if kind == "edit" and event.get("part") == "buttons":
        return [f"✎ edited {number} buttons:", *_buttons(event.get("buttons", []))]
    if kind == "edit":
        head = f"✎ edited {number}:"
    elif kind == "document":
        head = f"🤖 bot {number} 📎 {event.get('filename')}"
    else:
        reply = f" (reply to #{event['reply_to']})" if event.get("reply_to") else ""
        head = f"🤖 bot {number}{reply}:"
    return [*_block(head, event.get("text") or "", MAX_LINES), *_buttons(event.get("buttons", []))]


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
    lines = _user(event) if kind == "user" else _bot(event)
    return "\n".join(lines)


def format_transcript(events: list[dict[str, Any]]) -> str:
    """The whole scenario as a readable chat log, steps separated by blank lines."""
    out: list[str] = []
    step = None
    for event in events:
        if event.get("kind") == "user" and step is not None:
            out.append("")
        step = event.get("step")
        out.append(format_event(event))
    return "\n".join(out) + "\n"
