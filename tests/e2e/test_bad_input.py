"""Hostile and broken input, each with the answer it should get (docs/reliability.md lists them).

Every case runs against one bot per database (module-scoped, to keep the suite quick). After
each case the test checks that no handler crashed (no generic "Something went wrong", no error
logged), that the token never reached a log, and that the bot still answers /status.
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from bot.app.factory import running_bot
from bot.app.logs import RedactTokens, setup_logging
from bot.sandbox import SANDBOX_TOKEN, Sandbox
from bot.sandbox.state import Chat, Message, User
from tests.conftest import bot_settings, fresh_database_url, settle
from tests.utils import load
from tests.utils.web import endless_page, serve_pages

pytestmark = pytest.mark.asyncio(loop_scope="module")

GENERIC_ERROR = "Something went wrong"
INVALID_BUTTON = "no longer valid"
NOW = 1_760_000_000


@dataclass
class Bench:
    """A running bot with a team group, a second team, and a page that never finishes."""

    sandbox: Sandbox
    chat: Chat
    alice: User
    bob: User
    other_chat: Chat
    foreign_claim: int
    own_card: Message
    endless_url: str
    database: str = "sqlite"
    app: Any = None


@pytest_asyncio.fixture(
    loop_scope="module",
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
async def bench(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Bench]:
    """One bot for the module's cases."""
    folder = tmp_path_factory.mktemp("bad")
    async with fresh_database_url(request.param, folder) as url:
        async with serve_pages({"/endless": endless_page()}) as pages, Sandbox() as sandbox:
            settings = bot_settings(
                sandbox,
                url,
                fetch_timeout_seconds=1.0,
                fetch_allowed_hosts=frozenset({pages.netloc}),
                max_document_bytes=2_000,
            )
            async with running_bot(settings) as app:
                bench = await _set_up(sandbox, pages.url("/endless"))
                bench.database = request.param
                bench.app = app
                yield bench


async def _set_up(sandbox: Sandbox, endless_url: str) -> Bench:
    """Two teams, each with an article and its cards."""
    chat, other = sandbox.add_chat("Fact desk"), sandbox.add_chat("Other desk")
    alice, bob, mallory = sandbox.add_user("Alice"), sandbox.add_user("Bob"), sandbox.add_user("M")
    sandbox.add_member(chat, alice, "administrator")
    sandbox.add_member(chat, bob)
    sandbox.add_member(other, mallory, "administrator")
    rng = random.Random(5)
    sandbox.send(chat, alice, load.article_text(1, rng), forward_origin={"channel": "N"})
    sandbox.send(other, mallory, load.article_text(2, rng), forward_origin={"channel": "N"})
    own = await sandbox.wait_for(lambda: _first_card(sandbox, chat), timeout=20)
    foreign = await sandbox.wait_for(lambda: _first_card(sandbox, other), timeout=20)
    await sandbox.wait_idle()
    return Bench(sandbox, chat, alice, bob, other, _claim_id(foreign), own, endless_url)


def _first_card(sandbox: Sandbox, chat: Chat) -> Message | None:
    """The first claim card in a chat, once there is one."""
    return next((m for m in sandbox.bot_messages(chat) if m.content.startswith("Claim #")), None)


def _claim_id(card: Message) -> int:
    """The claim id on a card ("Claim #17 · …")."""
    return int(card.content.split("#", 1)[1].split()[0])


def raw_message(bench: Bench, **fields: Any) -> dict[str, Any]:
    """A group message update with any (odd) fields."""
    return {
        "message": {
            "message_id": 900_000 + random.randrange(10**5),
            "date": NOW,
            "chat": bench.chat.to_api(),
            "from": bench.bob.to_api(),
            **fields,
        }
    }


def user_api(bench: Bench) -> dict[str, Any]:
    """Bob as the Bot API shows him."""
    return bench.bob.to_api()


# What each case does: a function of the bench that pushes one update (or a few).
Act = Callable[[Bench], Any]
HUGE = "99999999999999999999"


def vote_as(name: str, **names: str) -> Act:
    """A new member called `name` (NUL and all) presses ❌ False on the team's card."""

    def act(bench: Bench) -> None:
        user = bench.sandbox.add_user(name, **names)
        bench.sandbox.add_member(bench.chat, user)
        bench.sandbox.press(user, bench.own_card, "False")

    return act


def say(text: str, *, as_admin: bool = False) -> Act:
    """Bob (or Alice, an admin) sends `text`; `{own}` is the team's own claim id."""

    def act(bench: Bench) -> None:
        user = bench.alice if as_admin else bench.bob
        bench.sandbox.send(bench.chat, user, text.format(own=_claim_id(bench.own_card)))

    return act


def press(data: str) -> Act:
    """Bob presses forged callback data on the team's card."""
    return lambda b: b.sandbox.press_data(b.bob, b.own_card, data)


LONG_TEXT = (load.article_text(9, random.Random(9)).replace("\n\n", " ") + " ") * 20
ODD_TEXT = (
    "\u202eBREAKING\u202c: \u200f\u05e9\u05dc\u05d5\u05dd\u200e the ministry said 40\u200b000 "
    "homes lost power 👨‍👩‍👧‍👦 🇺🇦 🏳️‍🌈 e\u0301 ﷽ \u2066isolate\u2069 \ufeff\x00 \ud7ff 𝕳𝖊𝖑𝖑𝖔 "
    "The energy ministry said on Tuesday that 38,000 households in the region were still "
    "without electricity after overnight strikes on two substations.\x00"
)
BAD_HTML = (
    "<b>Breaking</i> <script>alert(1)</script> &nbsp; <a href='javascript:x'>x</a> < > & "
    "</unmatched> <tg-spoiler> The energy ministry said on Tuesday that 38,000 households in "
    "the <b>Kharkiv</b> region were still without electricity after strikes on 2 substations."
)

POLL = {
    "id": "p1", "question": "Q?", "options": [{"text": "a", "voter_count": 1}],
    "total_voter_count": 1, "is_closed": False, "is_anonymous": True, "type": "regular",
    "allows_multiple_answers": False, "allows_revoting": False, "members_only": False,
}  # fmt: skip
# Cases whose error log is expected: python-telegram-bot reports the update it cannot parse.
LOGS_AN_ERROR = {"unreadable update (a poll option without a field the library requires)"}
# Bugs found by this suite in other modules, to be fixed there (the test fails until then).
POSTGRES_BUGS: dict[str, str] = {}
KNOWN_BUGS: dict[str, str] = {}

CASES: dict[str, tuple[Act, str | None]] = {
    # name: (what the member does, text the bot's answer must contain; None = ignored)
    "empty message": (lambda b: b.sandbox.push_update(raw_message(b, text="")), None),
    "whitespace message": (lambda b: b.sandbox.send(b.chat, b.bob, " \n\t \u3000 "), None),
    "short chatter": (lambda b: b.sandbox.send(b.chat, b.bob, "lol ok"), None),
    "4096-character paste": (lambda b: b.sandbox.send(b.chat, b.bob, LONG_TEXT[:4096]), "Queued"),
    "unicode oddities": (
        lambda b: b.sandbox.send(b.chat, b.bob, ODD_TEXT, forward_origin={"channel": "RTL"}),
        "Queued",
    ),
    "malformed HTML": (
        lambda b: b.sandbox.send(b.chat, b.bob, BAD_HTML, forward_origin={"channel": "<i>X"}),
        "Queued",
    ),
    "binary file named .txt": (
        lambda b: b.sandbox.send(
            b.chat, b.bob, document=("report.txt", b"\x00\x01\xffPK\x03\x04" * 50, "text/plain")
        ),
        "binary",
    ),
    "document over the size limit": (
        lambda b: b.sandbox.send(
            b.chat, b.bob, document=("long.txt", b"All work and no play. " * 400, "text/plain")
        ),
        "limit",
    ),
    "unsupported document": (
        lambda b: b.sandbox.send(b.chat, b.bob, document=("x.pptx", b"PK\x03\x04", "text/plain")),
        "can't read",
    ),
    "broken PDF": (
        lambda b: b.sandbox.send(b.chat, b.bob, document=("x.pdf", b"%PDF-1.4", "application/pdf")),
        "x.pdf is damaged",
    ),
    "URL that never finishes": (
        lambda b: b.sandbox.send(b.chat, b.bob, b.endless_url),
        "⚠️",
    ),
    "truncated callback data": (
        lambda b: b.sandbox.press_data(b.bob, b.own_card, "v:1"),
        INVALID_BUTTON,
    ),
    "callback data with a bad id": (
        lambda b: b.sandbox.press_data(b.bob, b.own_card, "v:abc:true"),
        INVALID_BUTTON,
    ),
    "callback data with a bad rating": (
        lambda b: b.sandbox.press_data(b.bob, b.own_card, f"v:{_claim_id(b.own_card)}:maybe"),
        INVALID_BUTTON,
    ),
    "unknown callback data": (
        lambda b: b.sandbox.press_data(b.bob, b.own_card, "zz:top"),
        INVALID_BUTTON,
    ),
    "callback naming another team's claim": (
        lambda b: b.sandbox.press_data(b.bob, b.own_card, f"v:{b.foreign_claim}:true"),
        "no claim #",
    ),
    "assignment of another team's claim": (
        lambda b: b.sandbox.press_data(b.bob, b.own_card, f"a:{b.foreign_claim}"),
        "no claim #",
    ),
    "/claim abc": (lambda b: b.sandbox.send(b.chat, b.bob, "/claim abc"), "not a claim id"),
    "/claim of another team": (
        lambda b: b.sandbox.send(b.chat, b.bob, f"/claim {b.foreign_claim}"),
        "no claim #",
    ),
    "/verdict with a huge id": (say(f"/verdict {HUGE} false", as_admin=True), "no claim #"),
    # Unicode digits: str.isdigit() says yes, int() says no (issue 13, item 6).
    "/claim ²": (say("/claim ²"), "not a claim id"),
    "/status ³": (say("/status ³"), "not a claim id"),
    "/note ² x": (say("/note ² x"), "not a claim id"),
    "/verdict ² false": (say("/verdict ² false", as_admin=True), "not a claim id"),
    "/reopen ¹": (say("/reopen ¹", as_admin=True), "not a claim id"),
    "/dismiss ¹": (say("/dismiss ¹", as_admin=True), "not a claim id"),
    "/queue ²": (say("/queue ²"), "/queue"),
    "/claim with Arabic-Indic digits": (say("/claim ١٢"), "not a claim id"),
    "vote with a superscript id": (press("v:²:true"), INVALID_BUTTON),
    "take with a superscript id": (press("a:¹"), INVALID_BUTTON),
    "queue page in superscript": (press("q:²"), INVALID_BUTTON),
    "match with superscript ids": (press("ma:¹:²"), INVALID_BUTTON),
    "setting with a superscript value": (press("set:quorum:²"), INVALID_BUTTON),
    # Ids no database column holds (issue 13, item 7): 20 digits, and one past PostgreSQL's int.
    "/claim with a huge id": (say(f"/claim {HUGE}"), "no claim #"),
    "/claim 2147483648": (say("/claim 2147483648"), "no claim #"),
    "/note with a huge id": (say(f"/note {HUGE} x"), "no claim #"),
    "/reopen with a huge id": (say(f"/reopen {HUGE}", as_admin=True), "no claim #"),
    "/dismiss with a 4,000-digit id": (say("/dismiss " + "9" * 4000, as_admin=True), "no claim #"),
    "vote with a huge id": (press(f"v:{HUGE}:true"), INVALID_BUTTON),
    "take with a huge id": (press(f"a:{HUGE}"), INVALID_BUTTON),
    "queue page past the cap": (press(f"q:{HUGE}"), INVALID_BUTTON),
    # NUL outside article text (issue 13, item 10): PostgreSQL refuses it in any text column.
    "vote by a user with NUL in their names": (
        vote_as("Eve\x00", last_name="N\x00ul", username="eve\x00"),
        "Your vote",
    ),
    "forward from a channel with NUL in its title and signature": (
        lambda b: b.sandbox.send(
            b.chat, b.bob, load.article_text(11, random.Random(11)),
            forward_origin={"channel": "News\x00Desk", "signature": "J.\x00P."},
        ),
        "Queued",
    ),
    "/verdict reason with NUL": (
        say("/verdict {own} false Denied\x00 by the ministry", as_admin=True), "verdict"
    ),
    "/verdict with a bad rating": (
        lambda b: b.sandbox.send(b.chat, b.alice, f"/verdict {_claim_id(b.own_card)} maybe"),
        "not a verdict",
    ),
    "/queue -1": (lambda b: b.sandbox.send(b.chat, b.bob, "/queue -1"), "/queue"),
    "/queue huge": (lambda b: b.sandbox.send(b.chat, b.bob, "/queue 99999999999999999999"), ""),
    "/note without text": (lambda b: b.sandbox.send(b.chat, b.bob, "/note"), "/note"),
    "/note on another team's claim": (
        lambda b: b.sandbox.send(b.chat, b.bob, f"/note {b.foreign_claim} hello"),
        "no claim #",
    ),
    "channel_post": (
        lambda b: b.sandbox.push_update(
            {"channel_post": {"message_id": 5, "date": NOW, "text": "hi",
                              "chat": {"id": -1009, "type": "channel", "title": "C"}}}
        ),
        None,
    ),
    "poll": (
        lambda b: b.sandbox.push_update(
            {"poll": {**POLL, "options": [{**POLL["options"][0], "persistent_id": "o1"}]}}
        ),
        None,
    ),
    "unreadable update (a poll option without a field the library requires)": (
        lambda b: b.sandbox.push_update({"poll": POLL}),
        None,
    ),
    "chat_join_request": (
        lambda b: b.sandbox.push_update(
            {"chat_join_request": {"chat": b.chat.to_api(), "from": user_api(b),
                                   "user_chat_id": b.bob.id, "date": NOW}}
        ),
        None,
    ),
    "message_reaction": (
        lambda b: b.sandbox.push_update(
            {"message_reaction": {"chat": b.chat.to_api(), "message_id": b.own_card.message_id,
                                  "date": NOW, "user": user_api(b), "old_reaction": [],
                                  "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}
        ),
        None,
    ),
    "inline_query": (
        lambda b: b.sandbox.push_update(
            {"inline_query": {"id": "iq1", "from": user_api(b), "query": "x", "offset": ""}}
        ),
        None,
    ),
    "edited message": (
        lambda b: b.sandbox.push_update(
            {"edited_message": {**raw_message(b, text=LONG_TEXT[:900])["message"],
                                "edit_date": NOW}}
        ),
        None,
    ),
    "update of an unknown kind": (
        lambda b: b.sandbox.push_update({"future_thing": {"id": 1}}),
        None,
    ),
}  # fmt: skip


@pytest.fixture
def product_logging(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Logging as `factcheck-bot run` sets it up (redaction on every handler), captured."""
    caplog.set_level(logging.INFO)
    httpx_level = logging.getLogger("httpx").level
    setup_logging("INFO", [SANDBOX_TOKEN])
    try:
        yield caplog
    finally:
        logging.getLogger("httpx").setLevel(httpx_level)
        for handler in logging.getLogger().handlers:
            for redact in [f for f in handler.filters if isinstance(f, RedactTokens)]:
                handler.removeFilter(redact)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name]))
        if name in KNOWN_BUGS
        else name
        for name in CASES
    ],
)
async def test_bad_input_gets_a_clear_answer_or_is_ignored(
    bench: Bench,
    name: str,
    product_logging: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    if bench.database == "postgresql" and name in POSTGRES_BUGS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=POSTGRES_BUGS[name]))
    act, expected = CASES[name]
    sandbox = bench.sandbox
    caplog = product_logging
    before = len(sandbox.calls())
    act(bench)
    await settle(sandbox, bench.app)
    if expected is not None:
        # Some answers come after background work (a fetch timing out, an extraction).
        with contextlib.suppress(TimeoutError):
            await sandbox.wait_for(lambda: _said(sandbox, before, expected), timeout=10)
    await settle(sandbox, bench.app)
    said = _bot_texts(sandbox.calls(before))
    if expected is None:
        assert said == [], f"{name}: expected silence, got {said}"
    else:
        assert _said(sandbox, before, expected), f"{name}: got {said}"
    assert not any(GENERIC_ERROR in text for text in said), said
    refused = [c for c in sandbox.calls(before) if c.error and c.error["error_code"] == 400]
    assert not [c for c in refused if "parse entities" in c.error["description"]], refused
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    if name in LOGS_AN_ERROR:
        errors = [r for r in errors if not r.name.startswith("telegram")]
    assert errors == [], [r.getMessage() for r in errors]
    assert sandbox.token not in caplog.text

    mark = len(sandbox.calls())
    sandbox.send(bench.chat, bench.alice, "/status")
    # The answer, not a quiet spell, is what shows the bot still works (a loaded machine can
    # be quiet for a moment between taking the update and answering it).
    answered = await sandbox.wait_for(
        lambda: any("Queue" in text for text in _bot_texts(sandbox.calls(mark))), timeout=20
    )
    assert answered, "no /status answer"


def _said(sandbox: Sandbox, since: int, expected: str) -> bool:
    """Whether the bot said something containing `expected` (any case) since call `since`."""
    return any(expected.lower() in text.lower() for text in _bot_texts(sandbox.calls(since)))


def _bot_texts(calls: list[Any]) -> list[str]:
    """What the bot said in these calls: messages, edits and callback answers."""
    texts = []
    for call in calls:
        if call.error:
            continue
        if call.method in ("sendMessage", "editMessageText", "answerCallbackQuery"):
            texts.append(str(call.params.get("text", "")))
    return texts
