"""Scenario player: act out a JSON script against a running bot and record what happened."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.i18n import LANGUAGES, words
from bot.sandbox.core import Sandbox
from bot.sandbox.scenario_files import check_image, file_spec, mime_type
from bot.sandbox.state import Chat, Message, User
from bot.sandbox.transcript import format_event, format_transcript

__all__ = ["ScenarioResult", "format_event", "format_transcript", "play_scenario"]

Event = dict[str, Any]
ID_REFERENCE = re.compile(r"\{id:([^}]+)\}")
# How factcheck-bot's cards begin, in each language it speaks: "Claim #17 · 🆕 open",
# "Твердження #17 · …". Events name the claim a card shows, so a transcript tells claim ids
# ("claim #3") from Telegram's message ids ("message #6").
CARD_HEAD = "<b>Claim #{id}</b> · {status}"  # handlers/render.py card_text's first line
CARD = re.compile(
    r"^\s*(?:"
    + "|".join(
        re.escape(re.sub(r"<[^>]+>", "", words(language)._(CARD_HEAD)).split("{id}")[0])
        for language in LANGUAGES
    )
    + r")(\d+)\b"
)
BOT_KINDS = {
    "sendmessage": "message",
    "senddocument": "document",
    "editmessagetext": "edit",
    "editmessagecaption": "edit",
    "editmessagereplymarkup": "edit",
    "answercallbackquery": "answer",
}
# Where a step happens ("in"): the scenario's group (the default) or the user's private chat.
PLACES = ("group", "private")
# The forward origins a forward step, and a photo, album, document or voice step, may name.
ORIGIN_KEYS = ("from_channel", "from_user", "from_hidden", "from_chat")


class StepFailed(Exception):
    """A step could not be carried out or its expectation was not met."""


@dataclass
class ScenarioResult:
    """Outcome of a scenario: ok, the failures (at most one: the player stops), the events."""

    ok: bool
    failures: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    failed_step: int | None = None
    chat_id: int | None = None  # the scenario's group (for `factcheck-bot export --chat`)
    skipped: list[int] = field(default_factory=list)  # steps left out for an unmet "needs"


def card_claim(text: str | None) -> int | None:
    """The claim id a card shows ("Claim #17 · …"), or None for any other message."""
    found = CARD.match(text or "")
    return int(found.group(1)) if found else None


def chat_label(chat: dict[str, Any] | None) -> str | None:
    """How events name a chat: the group's title, or "private:<name>" for a private chat."""
    if not chat:
        return None
    if chat.get("type") == "private":
        return f"private:{chat.get('username') or chat.get('first_name') or chat.get('id')}"
    return str(chat.get("title") or chat.get("id"))


def bot_event(step: int, method: str, params: dict[str, Any], result: Any) -> Event | None:
    """Turn one successful Bot API call into a transcript event (None if not worth showing)."""
    kind = BOT_KINDS.get(method.lower())
    if kind is None:
        return None
    event: Event = {"step": step, "from": "bot", "kind": kind}
    if kind == "answer":
        event.update(
            text=params.get("text") or "", show_alert=params.get("show_alert") in (True, "true")
        )
        return event
    message = result if isinstance(result, dict) else {}
    markup = message.get("reply_markup") or {}
    event.update(
        message_id=message.get("message_id"),
        text=message.get("text", message.get("caption", "")),
        buttons=[[b.get("text", "") for b in row] for row in markup.get("inline_keyboard", [])],
    )
    chat = chat_label(message.get("chat"))
    if chat is not None:
        event["chat"] = chat
    claim = card_claim(event["text"])
    if claim is not None:
        event["claim"] = claim
    replied = message.get("reply_to_message")
    if replied:
        event["reply_to"] = replied["message_id"]
        sender = replied.get("from") or {}
        if sender.get("username") or sender.get("first_name"):
            event["reply_to_from"] = sender.get("username") or sender.get("first_name")
    if method.lower() == "editmessagereplymarkup":
        event["part"] = "buttons"
    if kind == "document":
        event["filename"] = (message.get("document") or {}).get("file_name")
    return event


def tesseract_missing() -> str | None:
    """Why images cannot be read here (Tesseract or its English data missing), or None."""
    from bot.intake.media.ocr import tesseract_status

    status = tesseract_status()
    return None if status.ready else status.install_hint


# Capabilities a step can need ("needs"): each says why it is missing, or None when it is not.
NEEDS: dict[str, Callable[[], str | None]] = {"tesseract": tesseract_missing}


def unmet_needs(spec: dict[str, Any]) -> str | None:
    """Why a step cannot run here (a capability its "needs" names is missing), or None."""
    needs = spec.get("needs") or []
    for need in [needs] if isinstance(needs, str) else needs:
        check = NEEDS.get(need)
        if check is None:
            raise StepFailed(f"unknown need {need!r} (known: {', '.join(NEEDS)})")
        reason = check()
        if reason is not None:
            return reason
    return None


class Player:
    """Plays one scenario against a sandbox whose bot is already running."""

    def __init__(
        self,
        sandbox: Sandbox,
        scenario: dict[str, Any],
        base_dir: Path,
        on_event: Callable[[Event], Any] | None,
        pages_url: str | None,
        quiet: float,
        expect_timeout: float,
        busy: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        self.sandbox, self.scenario, self.base_dir = sandbox, scenario, base_dir
        self.on_event, self.pages_url = on_event, pages_url
        self.quiet, self.expect_timeout = quiet, expect_timeout
        self.busy = busy
        self.events: list[Event] = []
        self.window: list[Event] = []  # bot events since the previous user step
        self.cursor = 0  # calls already turned into events
        self.users: dict[str, User] = {}
        self.chat: Chat | None = None
        self.here: Chat | None = None  # where the current step happens

    def emit(self, event: Event) -> None:
        """Record an event and pass it to the caller."""
        self.events.append(event)
        if event.get("from") == "bot":
            self.window.append(event)
        if self.on_event is not None:
            self.on_event(event)

    def collect(self, step: int) -> None:
        """Turn the bot's new calls into events."""
        calls = self.sandbox.calls(self.cursor)
        self.cursor += len(calls)
        for call in calls:
            if call.error is None:
                event = bot_event(step, call.method, call.params, call.result)
                if event is not None:
                    if event["kind"] == "answer":
                        self.answered_in(event, str(call.params.get("callback_query_id", "")))
                    self.emit(event)

    def answered_in(self, event: Event, query_id: str) -> None:
        """Name the chat of the message whose button a callback answer answers."""
        record = self.sandbox.state.callbacks.get(query_id)
        if record is not None:
            event["chat"] = chat_label(record.message.chat.to_api())

    async def settle(self, step: int) -> None:
        """Wait until the bot is idle, then record what it did.

        Quiet on Telegram's side is not enough on a loaded machine: between an article's
        summary and its first card the bot can make no call for longer than `quiet` (reading,
        its database work). With `busy` (the bot's own word that it still has work), the
        player also waits for that to end, up to `expect_timeout`, and for quiet again.
        """
        try:
            await self.sandbox.wait_idle(timeout=self.expect_timeout, quiet=self.quiet)
            if self.busy is not None:
                deadline = time.monotonic() + self.expect_timeout
                while True:  # polled: the bot is another component, with no event to await
                    if not await self.busy() or time.monotonic() > deadline:
                        break
                    await asyncio.sleep(0.05)
                await self.sandbox.wait_idle(timeout=self.expect_timeout, quiet=self.quiet)
        finally:
            self.collect(step)

    # -- set-up ------------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """Substitute {pages} (page server URL) and {id:phrase} (the #number in a bot message)."""
        value = value.replace("{pages}", self.pages_url or "{pages}")
        return ID_REFERENCE.sub(lambda match: self.number_in(match.group(1)), value)

    def number_in(self, phrase: str) -> str:
        """The claim id of the newest card containing the phrase; else the first "#123" in the
        newest bot message containing it (a list such as /status names many claims). The
        chat the step happens in is searched first, then the group."""
        wanted = self.text(phrase).casefold()
        for chat in self.search_order():
            for message in reversed(self.sandbox.bot_messages(chat)):
                claim = card_claim(message.content)
                if claim is not None and wanted in message.content.casefold():
                    return str(claim)
        message = self.bot_message(phrase)
        found = re.search(r"#(\d+)", message.content)
        if found is None:
            raise StepFailed(f"bot message #{message.message_id} shows no #number")
        return found.group(1)

    def search_order(self) -> list[Chat]:
        """The chats to look for bot messages in: the step's own first, then the group."""
        assert self.chat is not None
        here = self.here or self.chat
        return [here] if here.id == self.chat.id else [here, self.chat]

    def user(self, name: str) -> User:
        """The simulated user called `name` (created on first mention)."""
        if name not in self.users:
            self.users[name] = self.sandbox.add_user(name.capitalize(), username=name)
        return self.users[name]

    async def set_up(self) -> None:
        """Create the chat and its members; the first admin adds the bot."""
        spec = self.scenario.get("chat", {})
        chat = self.sandbox.add_chat(
            spec.get("title", "Fact desk"),
            spec.get("type", "supergroup"),
            bool(spec.get("is_forum", False)),
            bot_status=None,
        )
        self.chat = chat
        members = self.scenario.get("members", [])
        for index, member in enumerate(members):
            status = member.get("status", "member")  # member, left, kicked, restricted
            if member.get("admin"):
                status = "creator" if index == 0 else "administrator"
            user = self.user(member["name"])
            if "language" in member:  # the client's language_code (null: none sent)
                user.language_code = member["language"] or None
            self.sandbox.add_member(chat, user, status)
        bot_status = spec.get("bot_status", "administrator")
        self.sandbox.add_member(chat, self.sandbox.bot_user, bot_status, notify=True)
        names = ", ".join(m["name"] + (" (admin)" if m.get("admin") else "") for m in members)
        self.emit({"step": 0, "from": "sandbox", "kind": "setup", "chat": chat.title,
                   "chat_id": chat.id, "type": chat.type, "members": names})  # fmt: skip
        await self.settle(0)

    # -- steps -------------------------------------------------------------------------------

    def bot_message(self, contains: str) -> Message:
        """The newest bot message containing the text, in the step's chat (then the group)."""
        wanted = self.text(contains)
        for chat in self.search_order():
            message = self.sandbox.find_bot_message(chat, wanted)
            if message is not None:
                return message
        raise StepFailed(f"no bot message contains {contains!r}")

    def read_text(self, spec: dict[str, Any]) -> str:
        """A step's text: inline, or from a file next to the scenario."""
        if "text_file" in spec:
            return self.text((self.base_dir / spec["text_file"]).read_text(encoding="utf-8"))
        return self.text(spec.get("text", ""))

    def place(self, spec: dict[str, Any], user: User) -> Chat:
        """The chat a step happens in: "in": "group" (the default) or "private"."""
        assert self.chat is not None
        where = spec.get("in", "group")
        if where not in PLACES:
            raise StepFailed(f'"in" must be one of {", ".join(PLACES)}, not {where!r}')
        return self.sandbox.private_chat(user) if where == "private" else self.chat

    def act(self, step: int, spec: dict[str, Any]) -> Event:
        """Carry out one user step; return its event."""
        name = spec["as"]
        user, sandbox = self.user(name), self.sandbox
        chat = self.here = self.place(spec, user)
        base: Event = {"step": step, "from": name, "kind": "user",
                       "chat": chat_label(chat.to_api())}  # fmt: skip
        if "send" in spec:
            sent = sandbox.send(chat, user, self.text(spec["send"]))
            return {**base, "action": "send", "message_id": sent.message_id, "text": sent.text}
        if "forward" in spec:
            forward = spec["forward"]
            origin, label = self.origin(forward)
            sent = sandbox.send(chat, user, self.read_text(forward), forward_origin=origin)
            return {**base, "action": "forward", "origin": label, "message_id": sent.message_id,
                    "text": sent.text}  # fmt: skip
        if "press" in spec:
            target = self.bot_message(spec["press"]["on"])
            label = self.button(target, spec["press"]["button"])
            sandbox.press(user, target, spec["press"]["button"])
            return {**base, "action": "press", "button": label, "message_id": target.message_id,
                    **self.about(target)}  # fmt: skip
        if "reply" in spec:
            target = self.bot_message(spec["reply"]["to"])
            sent = sandbox.send(chat, user, self.text(spec["reply"]["text"]), reply_to=target)
            return {**base, "action": "reply", "reply_to": target.message_id,
                    "message_id": sent.message_id, "text": sent.text,
                    **self.about(target)}  # fmt: skip
        for action in ("document", "photo", "voice"):
            if action in spec:
                return {**base, **self.send_file(action, chat, user, spec[action])}
        if "album" in spec:
            return {**base, **self.send_album(chat, user, spec)}
        raise StepFailed(f"unknown step: {sorted(spec)}")

    def send_file(self, action: str, chat: Chat, user: User, value: Any) -> Event:
        """A document, photo or voice message, forwarded when an origin is named."""
        spec = file_spec(value)
        path = self.base_dir / spec["file"]
        content = path.read_bytes()
        origin, label = self.optional_origin(spec)
        caption = self.text(spec["caption"]) if spec.get("caption") else None
        event: Event = {"action": action, "filename": path.name}
        if action == "photo":
            check_image(path.name, content)
            sent = self.sandbox.send(
                chat, user, photo=content, caption=caption, forward_origin=origin
            )
        elif action == "voice":
            duration = int(spec.get("duration", 5))
            sent = self.sandbox.send(
                chat, user, voice=content, duration=duration, caption=caption,
                forward_origin=origin,
            )  # fmt: skip
            event["duration"] = duration
        else:
            mime = str(spec.get("mime_type") or mime_type(path.name, content))
            sent = self.sandbox.send(
                chat, user, document=(path.name, content, mime), caption=caption,
                forward_origin=origin,
            )  # fmt: skip
            event["mime_type"] = mime
        event["message_id"] = sent.message_id
        if caption is not None:
            event["caption"] = caption
        if label is not None:
            event["origin"] = label
        return event

    def send_album(self, chat: Chat, user: User, spec: dict[str, Any]) -> Event:
        """Images sharing a media_group_id, one message each; the origin is the album's."""
        items = spec["album"]
        if not isinstance(items, list) or not items:
            raise StepFailed('an album is a non-empty list of {"file": …, "caption": …}')
        parts = [file_spec(item) for item in items]
        paths = [self.base_dir / part["file"] for part in parts]
        images = [
            (path.read_bytes(), self.text(part["caption"]) if part.get("caption") else None)
            for path, part in zip(paths, parts, strict=True)
        ]
        for path, (content, _) in zip(paths, images, strict=True):
            check_image(path.name, content)
        origin, label = self.optional_origin(spec)
        sent = self.sandbox.send_album(chat, user, images, forward_origin=origin)
        event: Event = {
            "action": "album",
            "message_id": sent[0].message_id,
            "message_ids": [message.message_id for message in sent],
            "filenames": [path.name for path in paths],
            "captions": [caption for _, caption in images],
        }
        if label is not None:
            event["origin"] = label
        return event

    @staticmethod
    def about(target: Message) -> Event:
        """{"claim": id} when the message a user acts on is a claim's card."""
        claim = card_claim(target.content)
        return {"claim": claim} if claim is not None else {}

    def optional_origin(self, spec: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
        """The forward origin a file step names, if any (the same keys as a forward's)."""
        if not any(key in spec for key in ORIGIN_KEYS):
            return None, None
        return self.origin(spec)

    def origin(self, forward: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """The forward origin of a forward step, and how the transcript names it."""
        if "from_channel" in forward:
            return {"channel": forward["from_channel"]}, f"channel “{forward['from_channel']}”"
        if "from_user" in forward:
            return {"user": self.user(forward["from_user"])}, forward["from_user"]
        if "from_hidden" in forward:
            return {"hidden_user": forward["from_hidden"]}, f"{forward['from_hidden']} (hidden)"
        if "from_chat" in forward:
            return {"chat": forward["from_chat"]}, f"chat “{forward['from_chat']}”"
        raise StepFailed("forward needs from_channel, from_user, from_hidden or from_chat")

    def button(self, message: Message, wanted: str) -> str:
        """The label of the first button containing `wanted` (any case)."""
        for label in message.button_labels:
            if wanted.casefold() in label.casefold():
                return label
        raise StepFailed(f"message #{message.message_id} has no button containing {wanted!r}")

    async def expect(self, step: int, wanted: str) -> None:
        """Wait until a bot message, edit or answer since the last user step contains `wanted`."""
        wanted = self.text(wanted)
        deadline = time.monotonic() + self.expect_timeout
        while not any(wanted.casefold() in str(e.get("text", "")).casefold() for e in self.window):
            if time.monotonic() > deadline:
                self.emit({"step": step, "from": "sandbox", "kind": "expect", "text": wanted,
                           "ok": False})  # fmt: skip
                raise StepFailed(
                    f"expected a bot message containing {wanted!r} within {self.expect_timeout:g}s"
                )
            await asyncio.sleep(0.1)
            self.collect(step)
        self.emit({"step": step, "from": "sandbox", "kind": "expect", "text": wanted, "ok": True})

    def skip(self, steps: list[dict[str, Any]], index: int, reason: str) -> list[int]:
        """Leave out step `index` (1-based) and, for a user step, the expectations and waits
        right after it (they check what it would have made the bot say); one event says so."""
        last = index
        if "as" in steps[index - 1]:
            while last < len(steps) and "as" not in steps[last]:
                last += 1
        skipped = list(range(index, last + 1))
        which = f"step {index}" if index == last else f"steps {index}–{last}"
        text = f"skipped {which} ({describe(steps[index - 1])}): {reason}"
        self.emit(
            {"step": index, "from": "sandbox", "kind": "skip", "steps": skipped, "text": text}
        )
        return skipped

    async def run(self) -> ScenarioResult:
        """Play every step; stop at the first failure."""
        await self.set_up()
        steps: list[dict[str, Any]] = self.scenario.get("steps", [])
        skipped: list[int] = []
        for step, spec in enumerate(steps, start=1):
            if step in skipped:
                continue
            try:
                reason = unmet_needs(spec)
                if reason is not None:
                    skipped += self.skip(steps, step, reason)
                    continue
                if "expect" in spec:
                    await self.expect(step, spec["expect"])
                    continue
                if "wait" in spec:
                    await asyncio.sleep(float(spec["wait"]))
                    self.collect(step)
                    continue
                self.collect(step - 1)  # late bot output belongs to the step before
                self.window = []
                self.emit(self.act(step, spec))
                await self.settle(step)
            except (StepFailed, TimeoutError, KeyError, OSError, ValueError) as error:
                message = f"step {step} ({describe(spec)}) failed: {error}"
                self.emit({"step": step, "from": "sandbox", "kind": "failure", "text": message})
                return ScenarioResult(False, [message], self.events, step, self.chat_id, skipped)
        return ScenarioResult(True, [], self.events, chat_id=self.chat_id, skipped=skipped)

    @property
    def chat_id(self) -> int | None:
        """The scenario's group, once it exists."""
        return self.chat.id if self.chat is not None else None


def describe(spec: dict[str, Any]) -> str:
    """A short name for a step, for failure messages."""
    if "expect" in spec:
        return f"expect {spec['expect']!r}"
    action = next((key for key in spec if key not in ("as", "in", "needs")), "?")
    where = " in private" if spec.get("in") == "private" else ""
    return f"{spec.get('as', '?')} {action}{where}"


async def play_scenario(
    sandbox: Sandbox,
    scenario: dict[str, Any],
    *,
    base_dir: Path,
    on_event: Callable[[Event], Any] | None = None,
    pages_url: str | None = None,
    quiet: float = 0.3,
    expect_timeout: float = 10.0,
    busy: Callable[[], Awaitable[bool]] | None = None,
) -> ScenarioResult:
    """Play a scenario (see docs/sandbox.md) against the bot already polling `sandbox`;
    `busy`, when given, says whether the bot still has work (`bot.app.pump.has_work`)."""
    player = Player(sandbox, scenario, base_dir, on_event, pages_url, quiet, expect_timeout, busy)
    return await player.run()
