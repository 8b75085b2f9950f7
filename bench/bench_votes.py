"""Votes end to end (figure 1) and the bot's memory around them (figure 4).

The real bot runs as its own process (`factcheck-bot run`) against the in-process sandbox over
HTTP, with a fresh SQLite file or PostgreSQL database. An editor forwards articles until 100
cards are posted; then 50 members press rating buttons, each member one press at a time (press,
wait for the answer, press again), until every callback is answered and every card shows its
final tally. The team's quorum is the number of members, so no card settles (a settled card
has no rating buttons left to press): every press is a vote. The same presses then go to a bare
python-telegram-bot Application that only answers (bench/floor_bot.py): the framework's floor.
A member whose press fails fails the run (before 2026-12-04 such a member stopped silently, and
runs counted a varying share of the presses: docs/performance.md). Latency is press pushed →
answerCallbackQuery recorded by the sandbox.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.bench_memory import BOT_COMMAND, FLOOR_COMMAND, BotProcess, memory_figures
from bench.common import Figure, database_kinds, emit, fresh_database, log, percentile
from bot.sandbox import Sandbox
from handlers.render import RATING_ICON, RATINGS

MEMBERS = 50
CARDS = 100
TARGET_RATIO = 0.5
# Button labels as members see them, and the rating each one records.
BUTTONS = (
    ("True", "true"),
    ("Misleading", "misleading"),
    ("False", "false"),
    ("Unproven", "unproven"),
    ("Not a claim", "not_claim"),
)
PLACES = ("Kharkiv", "Odesa", "Lviv", "Dnipro", "Sumy", "Poltava", "Kherson", "Mykolaiv", "Rivne")
SOURCES = (
    "The energy ministry",
    "Governor Oleh Syniehubov",
    "The grid operator Ukrenergo",
    "The state emergency service",
    "Police spokesman Ivan Petrenko",
    "The statistics office",
)
TEMPLATES = (
    "{src} said {a} households in {p} lost power after {b} drones hit a substation on Tuesday.",
    "According to {src}, {a} people were evacuated from {p} in May, up from {b} a year earlier.",
    "{src} reported that grain exports through {p} rose by {b} percent to {a} tonnes in {year}.",
    "In {year}, {p} recorded {a} air-raid alerts, {b} more than the previous year, {src} said.",
    "{src} told reporters that {b} schools in {p} had reopened and {a} pupils had returned.",
    "The budget of {p} was cut by {b} million hryvnias in {year}, according to {src}.",
)


def article(n: int, sentences: int = 26, title: str | None = None) -> str:
    """A synthetic news article full of checkable, attributed statements (the load run's too)."""
    lines = [title or f"Weekly regional briefing no. {n}"]
    for j in range(sentences):
        lines.append(
            TEMPLATES[(n + j) % len(TEMPLATES)].format(
                src=SOURCES[(n * 3 + j) % len(SOURCES)],
                a=1000 + 137 * j + 11 * n,
                b=j + 3 + n % 7,
                p=PLACES[(n + 5 * j) % len(PLACES)],
                year=2015 + (j + n) % 9,
            )
        )
    return "\n\n".join(lines)


@dataclass
class Desk:
    """The sandbox group: an editor who forwards, and the voting members."""

    sandbox: Sandbox
    chat: object
    editor: object
    members: list[object]
    cards: list[object] = field(default_factory=list)


def build_desk(sandbox: Sandbox) -> Desk:
    """A supergroup with the bot, an editor and 50 members."""
    chat = sandbox.add_chat("Bench desk")
    editor = sandbox.add_user("Editor", "bench_editor")
    sandbox.add_member(chat, editor, "administrator")
    members = []
    for i in range(MEMBERS):
        member = sandbox.add_user(f"Member{i}", f"bench_member{i}")
        sandbox.add_member(chat, member)
        members.append(member)
    return Desk(sandbox, chat, editor, members)


def card_messages(desk: Desk) -> list[object]:
    """The claim cards the bot has posted, oldest first."""
    return [m for m in desk.sandbox.bot_messages(desk.chat) if m.content.startswith("Claim #")]


async def post_cards(desk: Desk, wanted: int = CARDS, max_articles: int = 40) -> None:
    """Forward articles until the bot has posted `wanted` cards (bounded)."""
    sent = 0
    while len(card_messages(desk)) < wanted and sent < max_articles:
        for _ in range(4):
            desk.sandbox.send(
                desk.chat, desk.editor, article(sent), forward_origin={"channel": "Bench News"}
            )
            sent += 1
        before = len(card_messages(desk))
        try:
            await desk.sandbox.wait_for(lambda b=before: len(card_messages(desk)) > b, 60)
            await desk.sandbox.wait_idle(timeout=60, quiet=1.0)
        except TimeoutError:
            log("no new cards within 60 s")
    desk.cards = card_messages(desk)[:wanted]
    if len(desk.cards) < wanted:
        raise RuntimeError(f"only {len(desk.cards)} cards after {sent} articles")


def press_plan(presses: int, cards: int) -> list[list[tuple[int, int]]]:
    """For each member, (card index, button index) in order; no member presses a card twice."""
    per_member = presses // MEMBERS
    return [
        [((m * 2 + k) % cards, (m + 3 * k) % len(BUTTONS)) for k in range(per_member)]
        for m in range(MEMBERS)
    ]


class AnswerWatch:
    """Resolves a future per callback query when the sandbox records its answer."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.index = len(sandbox.calls())
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self._task = asyncio.create_task(self._scan())

    async def _scan(self) -> None:
        """Read new calls every few milliseconds."""
        while True:
            calls = self.sandbox.calls(self.index)
            self.index += len(calls)
            for call in calls:
                if call.method.lower() == "answercallbackquery":
                    future = self.waiting.pop(str(call.params.get("callback_query_id")), None)
                    if future is not None and not future.done():
                        future.set_result(call.time)
            await asyncio.sleep(0.002)

    def expect(self, query_id: str) -> asyncio.Future[float]:
        """A future for the answer to a query."""
        future = asyncio.get_running_loop().create_future()
        self.waiting[str(query_id)] = future
        return future

    async def close(self) -> None:
        """Stop scanning."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


@dataclass
class PressRun:
    """What a run of presses measured; `complete` is False when the deadline cut it short."""

    started: float
    latencies: list[float]
    last_answer: float  # or, for a cut run, when it was cut
    tallies: dict[int, Counter[str]]
    complete: bool


async def run_presses(desk: Desk, presses: int, deadline: float) -> PressRun:
    """Every member presses through their plan, one press at a time, for at most `deadline` s."""
    watch = AnswerWatch(desk.sandbox)
    latencies: list[float] = []
    tallies: dict[int, Counter[str]] = {i: Counter() for i in range(len(desk.cards))}
    last_answer = 0.0

    async def member(index: int, plan: list[tuple[int, int]]) -> None:
        nonlocal last_answer
        for card, button in plan:
            pushed = time.time()
            # press() only queues the update: nothing can answer before the await below.
            query = desk.sandbox.press(desk.members[index], desk.cards[card], BUTTONS[button][0])
            answered = await watch.expect(query)
            latencies.append(answered - pushed)
            tallies[card][BUTTONS[button][1]] += 1
            last_answer = max(last_answer, answered)

    started = time.time()
    plan = press_plan(presses, len(desk.cards))
    tasks = [asyncio.create_task(member(i, p)) for i, p in enumerate(plan)]
    _, unfinished = await asyncio.wait(tasks, timeout=deadline)
    for task in unfinished:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await watch.close()
    # A member who could not press (a button gone from a card) would quietly stop pressing, and
    # the rate would count fewer presses over the same time: that is a broken run, not a figure.
    failed = [t.exception() for t in tasks if not t.cancelled() and t.exception() is not None]
    if failed:
        raise RuntimeError(f"{len(failed)} member(s) stopped pressing: {failed[0]!r}")
    if unfinished:
        log(f"deadline of {deadline:.0f} s: {len(latencies)} of {presses} presses answered")
    # A cut run's rate counts the whole time it ran, stalls included.
    ended = time.time() if unfinished else (last_answer or time.time())
    return PressRun(started, latencies, ended, tallies, not unfinished)


def votes_line(tally: Counter[str]) -> str:
    """The "Votes: ..." line a card shows for a tally (as handlers/render.py writes it)."""
    parts = [f"{RATING_ICON[r]} {tally[r]}" for r in RATINGS if tally.get(r)]
    return "Votes: " + " · ".join(parts)


async def cards_settled(desk: Desk, run: PressRun, timeout: float = 30.0) -> float:  # noqa: ASYNC109
    """Wait until every card shows its final tally; the time of the edit that completed it."""
    wanted = {i: votes_line(t) for i, t in run.tallies.items() if t}

    def current() -> dict[int, object]:
        live = {m.message_id: m for m in desk.sandbox.bot_messages(desk.chat)}
        return {i: live.get(desk.cards[i].message_id) for i in wanted}

    try:
        await desk.sandbox.wait_for(
            lambda: all(m is not None and wanted[i] in m.content for i, m in current().items()),
            timeout,
        )
    except TimeoutError:
        stale = [i for i, m in current().items() if m is None or wanted[i] not in m.content]
        log(f"{len(stale)} card(s) never showed their final tally, e.g. {wanted[stale[0]]!r}")
    ids = {desk.cards[i].message_id for i in wanted}
    edits = [
        c.time
        for c in desk.sandbox.calls(method="editMessageText")
        if c.params.get("message_id") is not None and int(c.params["message_id"]) in ids
    ]
    return max([*edits, run.last_answer])


def press_figures(kind: str, who: str, run: PressRun, finished: float) -> list[Figure]:
    """Throughput and latency figures of one run."""
    presses = len(run.latencies)
    if not run.complete:
        who += " (cut at the deadline)"
    return [
        Figure("votes", f"{who}: presses/s", presses / (finished - run.started), "1/s", db=kind),
        Figure(
            "votes", f"{who}: latency p50", percentile(run.latencies, 0.5) * 1000, "ms", db=kind
        ),
        Figure(
            "votes", f"{who}: latency p99", percentile(run.latencies, 0.99) * 1000, "ms", db=kind
        ),
    ]


async def measure(kind: str, presses: int, cards: int, deadline: float) -> list[Figure]:
    """Our bot, then the floor, on one database; memory of our bot before and after."""
    out: list[Figure] = []
    async with Sandbox() as sandbox, fresh_database(kind) as url:
        desk = build_desk(sandbox)
        # Every press is a vote on an open card: with the default quorum of 2 a card settles
        # after two agreeing votes and loses its rating buttons, and the members' later
        # presses on it (and the floor's, on the same cards) would have nothing to press.
        bot_env = {
            "MAX_CLAIMS": "50",
            "CARDS_AT_ONCE": "20",
            "CARDS_PER_MINUTE": "0",
            "QUORUM": str(MEMBERS),
        }
        async with BotProcess(sandbox, BOT_COMMAND, database_url=url, **bot_env) as bot:
            await sandbox.wait_idle(timeout=30, quiet=1.0)
            after_start = bot.rss_mb()
            await post_cards(desk, cards)
            log(f"{kind}: {len(desk.cards)} cards posted; {presses} presses")
            ours = await run_presses(desk, presses, deadline)
            finished = await cards_settled(desk, ours) if ours.complete else ours.last_answer
            after_votes = bot.rss_mb()
        ours_figures = press_figures(kind, "ours", ours, finished)
        out += ours_figures
        if ours.complete:  # the rate of answers alone, before the last card edits
            answers_only = len(ours.latencies) / (ours.last_answer - ours.started)
            out.append(
                Figure(
                    "votes", "ours: presses/s until the last answer", answers_only, "1/s", db=kind
                )
            )
        async with BotProcess(sandbox, FLOOR_COMMAND):
            floor = await run_presses(desk, presses, deadline)
        floor_figures = press_figures(kind, "floor (bare PTB)", floor, floor.last_answer)
        out += floor_figures
        ratio = ours_figures[0].value / floor_figures[0].value  # presses/s over presses/s
        out.append(
            Figure(
                "votes",
                "ours / floor throughput",
                ratio,
                "ratio",
                target=f"≥ {TARGET_RATIO:g}",
                met=ratio >= TARGET_RATIO,
                db=kind,
            )
        )
        out += memory_figures(kind, after_start, after_votes)
    for figure in out:
        emit(figure)
    return out


async def run(*, quick: bool = False, db: str | None = None) -> list[Figure]:
    """Figures 1 and 4 on every database."""
    presses, cards, deadline = (200, 50, 15.0) if quick else (2000, CARDS, 90.0)
    out: list[Figure] = []
    for kind in database_kinds(db):
        out += await measure(kind, presses, cards, deadline)
    return out
