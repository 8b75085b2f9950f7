"""Random updates through the real bot: it answers or ignores, never fails, the queue stays sound.

Each example is an Update built from the Bot API's shapes (a message with a command and odd
arguments, a button press with forged data, a member change, an edit, a reaction, a kind the
library does not know), with fields dropped, nulled, made huge or filled with odd Unicode. It is
pushed through the sandbox and read by the bot exactly as Telegram's would be (getUpdates, the
update store, the handlers). One bot per database serves every example: hypothesis drives it
from the test's thread while the bot's event loop runs in another.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app.factory import running_bot
from bot.app.pump import wait_until_drained
from bot.sandbox import Sandbox
from storage import updates as update_q
from tests.conftest import POSTGRES_SKIP, POSTGRES_URL, bot_settings
from tests.utils import load

GENERIC_ERROR = "Something went wrong"
COMMANDS = ["status", "claim", "queue", "mine", "note", "verdict", "reopen", "dismiss", "check",
            "settings", "help", "start", "export", "nosuchcommand"]  # fmt: skip
odd_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
    st.sampled_from(["²", "١٢", "𝟙𝟚", "99999999999999999999", "-1", "0", "#17", "\x00", "\u202e",
                     "‍", "<b>", "&amp;", "9" * 400, "true", "false", "maybe"]),
)  # fmt: skip
huge_text = st.integers(min_value=1, max_value=5000).map(lambda n: "ы" * n)
odd_int = st.one_of(
    st.integers(min_value=-(2**31), max_value=2**31),
    st.sampled_from([0, -1, 2**31, 2**53, 2**53 + 1, 2**63, -(2**63) - 1]),
)

odd_value = st.one_of(odd_text, huge_text, odd_int, st.just([]), st.just({}))
# The library's own report of an update it cannot parse; the bot then stores it raw and skips it.
LIBRARY_PARSE_ERROR = "Error while parsing updates"
# Errors of the bot and its library; asyncio's "Task was destroyed" from other tests' closed
# loops can surface at any garbage collection and says nothing about this bot.
BOT_LOGGERS = ("handlers", "bot", "storage", "telegram")


@dataclass
class Live:
    """The bot and the sandbox, running on an event loop in a thread of their own."""

    loop: asyncio.AbstractEventLoop
    sandbox: Sandbox | None = None
    app: Any = None
    world: dict[str, Any] = field(default_factory=dict)
    errors: list[logging.LogRecord] = field(default_factory=list)

    def run(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
        """Run a coroutine on the bot's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)


class KeepErrors(logging.Handler):
    """Collects the bot's ERROR records (a handler failing goes through the error log)."""

    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in BOT_LOGGERS:
            self.into.append(record)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Live]:
    """A running bot with a team, a card and a /queue page, for the whole module."""
    if request.param == "postgresql" and not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    live = Live(loop)
    keep = KeepErrors(live.errors)
    logging.getLogger().addHandler(keep)
    stack = contextlib.AsyncExitStack()
    folder = tmp_path_factory.mktemp("fuzz")
    try:
        live.run(_start(live, stack, request.param, folder))
        yield live
    finally:
        live.run(stack.aclose())
        live.run(_cancel_the_rest())
        logging.getLogger().removeHandler(keep)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


async def _cancel_the_rest() -> None:
    """Cancel what is still running on the loop (a long poll the sandbox was serving)."""
    rest = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in rest:
        task.cancel()
    await asyncio.gather(*rest, return_exceptions=True)


async def _start(live: Live, stack: contextlib.AsyncExitStack, kind: str, folder: Path) -> None:
    """Start the sandbox and the bot; queue one article so there are cards to press on."""
    from tests.conftest import fresh_database_url

    url = await stack.enter_async_context(fresh_database_url(kind, folder))
    sandbox = await stack.enter_async_context(Sandbox())
    chat = sandbox.add_chat("Fact desk")
    alice, bob, stranger = (sandbox.add_user(n) for n in ("Alice", "Bob", "Mallory"))
    sandbox.add_member(chat, alice, "administrator")
    sandbox.add_member(chat, bob)
    live.app = await stack.enter_async_context(running_bot(bot_settings(sandbox, url)))
    live.sandbox = sandbox
    sandbox.send(
        chat, alice, load.article_text(1, random.Random(1)), forward_origin={"channel": "N"}
    )
    card = await sandbox.wait_for(
        lambda: next(
            (m for m in sandbox.bot_messages(chat) if m.content.startswith("Claim #")), None
        ),
        timeout=30,
    )
    sandbox.send(chat, bob, "/queue")
    listing = await sandbox.wait_for(lambda: sandbox.find_bot_message(chat, "Open queue"), 30)
    live.world = {
        "chat": chat.to_api(),
        "users": [alice.to_api(), bob.to_api(), stranger.to_api()],
        "messages": [card.to_api(), listing.to_api()],
        "claim": int(card.content.split("#", 1)[1].split()[0]),
    }


async def _push_and_settle(live: Live, update: dict[str, Any]) -> list[str]:
    """Push one update; once the bot has handled it, what it said."""
    sandbox = live.sandbox
    assert sandbox is not None
    before = len(sandbox.calls())
    sandbox.push_update(update)
    await sandbox.wait_idle(timeout=30, quiet=0.0)
    await wait_until_drained(live.app.bot_data.services.db, timeout=30)
    await sandbox.wait_idle(timeout=30, quiet=0.05)
    return [
        str(call.params.get("text", ""))
        for call in sandbox.calls(before)
        if call.method in ("sendMessage", "editMessageText", "answerCallbackQuery")
    ]


# -- the updates ---------------------------------------------------------------------------------


@st.composite
def mutated(draw: st.DrawFn, value: Any, depth: int = 0) -> Any:
    """The value with some fields dropped, nulled, made huge or odd (nested dicts too)."""
    if isinstance(value, dict) and depth < 3:
        result = {}
        for key, item in value.items():
            action = draw(st.sampled_from(["keep"] * 6 + ["drop", "null", "odd", "recurse"]))
            if action == "drop":
                continue
            if action == "null":
                result[key] = None
            elif action == "odd":
                result[key] = draw(
                    st.one_of(odd_text, huge_text, odd_int, st.just([]), st.just({}))
                )
            else:
                result[key] = draw(mutated(item, depth + 1)) if action == "recurse" else item
        return result
    return value


@st.composite
def command_text(draw: st.DrawFn, claim: int) -> str:
    """A command with arguments from the strange to the plausible."""
    name = draw(st.sampled_from(COMMANDS))
    args = draw(st.lists(st.one_of(odd_text, st.just(str(claim))), max_size=3))
    return " ".join([f"/{name}", *args])


@st.composite
def an_update(draw: st.DrawFn, world: dict[str, Any]) -> dict[str, Any]:
    """One Update of a random kind, then mutated."""
    chat, claim = world["chat"], world["claim"]
    user = draw(st.sampled_from(world["users"]))
    kind = draw(
        st.sampled_from(["command", "text", "press", "member", "edit", "reaction", "other"])
    )
    message = {"message_id": draw(st.integers(1, 10**6)), "date": 1_760_000_000, "chat": chat,
               "from": user}  # fmt: skip
    if kind == "command":
        text = draw(command_text(claim))
        entity = {"type": "bot_command", "offset": 0, "length": len(text.split(" ", 1)[0])}
        update = {"message": {**message, "text": text, "entities": [entity]}}
    elif kind == "text":
        update = {"message": {**message, "text": draw(st.one_of(odd_text, huge_text))}}
    elif kind == "press":
        data = draw(st.one_of(
            st.builds(lambda p, f: ":".join([p, *f]),
                      st.sampled_from(["v", "a", "ma", "mk", "q", "set", "route", "qa"]),
                      st.lists(st.one_of(odd_text, st.just(str(claim)), st.sampled_from(
                          ["true", "false", "quorum", "cards", "1"])), max_size=3)),
            odd_text,
        ))  # fmt: skip
        pressed_on = draw(st.sampled_from(world["messages"]))
        query_id = str(draw(st.integers(1, 10**12)))
        update = {"callback_query": {"id": query_id, "from": user, "chat_instance": "1",
                                     "data": data, "message": pressed_on}}  # fmt: skip
    elif kind == "member":
        statuses = ["member", "left", "kicked", "administrator", "restricted", "creator", "x"]
        new = {"status": draw(st.sampled_from(statuses)), "user": user}
        update = {"chat_member": {"chat": chat, "from": user, "date": 1_760_000_000,
                                  "old_chat_member": {"status": "member", "user": user},
                                  "new_chat_member": new}}  # fmt: skip
    elif kind == "edit":
        update = {"edited_message": {**message, "text": draw(odd_text), "edit_date": 1}}
    elif kind == "reaction":
        thumbs = [{"type": "emoji", "emoji": "👍"}]
        update = {"message_reaction": {"chat": chat, "message_id": 1, "date": 1, "user": user,
                                       "old_reaction": [], "new_reaction": thumbs}}  # fmt: skip
    else:
        update = {draw(st.sampled_from(["future_thing", "poll", "channel_post"])): draw(
            st.dictionaries(st.text(max_size=8), odd_text, max_size=3))}  # fmt: skip
    return draw(mutated(update))


# hypothesis drives a module-wide bot: the fixture is shared on purpose, and each example waits
# for the bot to finish with it (a few hundred milliseconds).
FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(data=st.data())
def test_random_updates_are_answered_or_ignored_never_failed(
    live: Live, data: st.DataObject
) -> None:
    update = data.draw(an_update(live.world))
    mark = len(live.errors)
    said = live.run(_push_and_settle(live, update))
    errors = [
        logging.Formatter().format(record)
        for record in live.errors[mark:]
        if LIBRARY_PARSE_ERROR not in record.getMessage()
    ]
    assert errors == [], (update, errors)
    assert not [text for text in said if GENERIC_ERROR in text], (update, said)


def test_after_the_fuzzing_the_queue_and_the_update_store_are_consistent(live: Live) -> None:
    db = live.app.bot_data.services.db

    async def check() -> tuple[list[str], dict[str, int]]:
        await wait_until_drained(db, timeout=30)
        async with db.read() as session:
            states = await update_q.state_counts(session)
        return await load.history_consistent(db), states

    problems, states = live.run(check())
    assert problems == []
    assert set(states) == {"done"}, states
