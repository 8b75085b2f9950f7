"""A load run: many teams at a realistic mix, two bot processes on one PostgreSQL database.

`python -m bench.load_run [--teams 100] [--members 20] [--minutes 10]` (or `make load-run`).

The sandbox runs in this process; two `factcheck-bot run` processes share one fresh PostgreSQL
database (created here and dropped at the end): `worker-a` receives (long polling into the
update store) and processes, `worker-b` only processes the shared store (RECEIVE_UPDATES=false).
Both run with the operator's defaults (PTB's rate limiter on, 5 cards at once, 10 cards a
minute per group, card edits coalesced for 1 s).

Every team is a supergroup with an editor and `--members` members; the bot is added to each
(my_chat_member, so it greets). Over the run, per team: an article forwarded every one to two
minutes (by the editor or a member), `/status` now and then, and every member acting every
`--think` seconds on average (exponential): mostly a rating press on one of the team's cards,
sometimes a note (a reply to a card). A member does one thing at a time: a press waits for its
answer before the member thinks again, so the load is bounded (at most one press per member
in flight) and each member's presses reach the bot in order.

At the end, from the database and the sandbox's call log: every pushed update stored exactly
once, done, handled once; every member's vote per claim as their presses leave it (a press of
another rating replaces the vote, of the same rating withdraws it); every article stored once
and answered once; every note stored once; every /status answered once; the bot's messages per
group per rolling minute (Telegram allows about 20) and per second overall (about 30); latency
of presses (pushed → answerCallbackQuery) and of articles (forwarded → summary). One JSON line
per figure as it is known, then a Markdown table (docs/performance.md, "Load run: 100 teams").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.bench_memory import SCRUBBED_PREFIXES, rss_mb
from bench.bench_votes import article as vote_article
from bench.common import PG_URL, Figure, emit, format_table, machine, percentile
from bench.common import log as _log
from bot.app.pump import wait_until_drained
from bot.sandbox import Sandbox
from bot.sandbox.state import Chat, Message, User
from storage.db import Database
from storage.models import Article, Claim, Note, StoredUpdate, Vote
from storage.scratch import scratch_database

BOT_COMMAND = [str(Path(sys.executable).parent / "factcheck-bot"), "run"]
# Members press these; "Not a claim" is left out: at quorum it dismisses the claim, and a press
# on a dismissed card is refused, which would make the expected votes depend on timing.
RATINGS = ("true", "misleading", "false", "unproven")
GROUP_PER_MINUTE = 20  # Telegram: about 20 messages a minute into one group
OVERALL_PER_SECOND = 30  # Telegram: about 30 messages a second overall
SEND_METHODS = frozenset(
    m.lower()
    for m in (
        "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendAnimation", "sendAudio",
        "sendVoice", "sendSticker", "sendMediaGroup", "sendPoll", "sendLocation", "copyMessage",
        "forwardMessage",
    )
)  # fmt: skip
EDIT_METHODS = frozenset(
    m.lower()
    for m in ("editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia")
)
_T0 = time.monotonic()


def log(message: str) -> None:
    """Progress on stderr, with the seconds since start."""
    _log(f"{time.monotonic() - _T0:6.1f} s  {message}")


def article(n: int, rng: random.Random) -> str:
    """A news item of 4–9 attributed, checkable statements; its first line is unique to `n`."""
    return vote_article(n, rng.randint(4, 9), title=title_of(n))


def title_of(n: int) -> str:
    """The first line of article `n` (how the database check recognises it)."""
    return f"Load run briefing no. {n}"


@dataclass
class Config:
    """The shape of a run."""

    teams: int = 100
    members: int = 20
    minutes: float = 10.0
    think: float = 60.0  # mean seconds between one member's actions
    article_every: tuple[float, float] = (60.0, 120.0)  # seconds between a team's articles
    status_every: float = 150.0  # mean seconds between a team's /status
    note_share: float = 0.05  # of member actions, a note instead of a press
    drain_timeout: float = 300.0
    # Settled means no Bot API call for this long: longer than the 3 s between two messages of
    # PTB's rate limiter into a busy group.
    quiet: float = 4.0
    seed: int = 12
    bot_env: dict[str, str] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        """The run's length in seconds."""
        return self.minutes * 60


@dataclass
class Team:
    """One group: its editor, its members, and the cards the bot has posted so far."""

    chat: Chat
    editor: User
    members: list[User]
    cards: dict[int, int] = field(default_factory=dict)  # claim id → card message id
    scanned: int = 0  # message ids up to here were looked at for cards

    def refresh_cards(self, sandbox: Sandbox) -> None:
        """Notice cards posted since the last look (a bot message with rating buttons)."""
        stored = sandbox.state.messages.get(self.chat.id, {})
        newest = max(stored, default=0)
        for message_id in range(self.scanned + 1, newest + 1):
            message = stored.get(message_id)
            if message is None or not message.from_bot:
                continue
            claim = claim_of(message)
            if claim is not None:
                self.cards[claim] = message_id
        self.scanned = newest


def claim_of(message: Message) -> int | None:
    """The claim a card's rating buttons vote on, or None for a message without them."""
    for row in message.buttons:
        for button in row:
            data = str(button.get("callback_data", ""))
            if data.startswith("v:"):
                return int(data.split(":")[1])
    return None


def vote_data(message: Message, rating: str) -> str | None:
    """The callback data of a card's button for `rating`, if the card shows it now."""
    for row in message.buttons:
        for button in row:
            data = str(button.get("callback_data", ""))
            if data.startswith("v:") and data.rsplit(":", 1)[1] == rating:
                return data
    return None


@dataclass
class Press:
    """One rating press and what it should do."""

    query_id: str
    chat_id: int
    claim_id: int
    user_id: int
    rating: str
    action: str  # voted, changed, withdrawn: what the member's earlier presses make it
    pushed: float
    answered: float | None = None


@dataclass
class Ledger:
    """Everything the members did, to compare with what the bot stored and sent."""

    presses: list[Press] = field(default_factory=list)
    votes: dict[tuple[int, int], str | None] = field(default_factory=dict)  # (claim, user)
    articles: list[tuple[int, int, int, float]] = field(default_factory=list)  # chat, msg, n, t
    notes: list[tuple[int, int, int]] = field(default_factory=list)  # claim, user, message id
    statuses: list[tuple[int, int]] = field(default_factory=list)  # chat, message id
    load: list[float] = field(default_factory=list)  # 1-minute load average, sampled

    def press(self, claim_id: int, user_id: int, rating: str) -> str:
        """Apply a press to the expected votes; return the action the bot should report."""
        before = self.votes.get((claim_id, user_id))
        if before == rating:
            self.votes[(claim_id, user_id)] = None
            return "withdrawn"
        self.votes[(claim_id, user_id)] = rating
        return "voted" if before is None else "changed"


class AnswerWatch:
    """Resolves a future per callback query when the sandbox logs its answerCallbackQuery."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.index = len(sandbox.calls())
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self._task = asyncio.create_task(self._scan())

    async def _scan(self) -> None:
        while True:
            calls = self.sandbox.state.calls
            for call in calls[self.index :]:
                if call.method.lower() == "answercallbackquery":
                    future = self.waiting.pop(str(call.params.get("callback_query_id")), None)
                    if future is not None and not future.done():
                        future.set_result(call.time)
            self.index = len(calls)
            await asyncio.sleep(0.005)

    def expect(self, query_id: str) -> asyncio.Future[float]:
        """A future for the answer's time (set before the press can be answered)."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[query_id] = future
        return future

    async def close(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


# -- the bot processes --------------------------------------------------------------------------


class Worker:
    """One `factcheck-bot run` process against the sandbox, its output in a log file."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        self.name = name
        self.folder = folder / name
        self.folder.mkdir()
        self.log_path = folder / f"{name}.log"
        base = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)}
        base.pop("RECEIVE_UPDATES", None)
        base.pop("WORKER_ID", None)
        self.env = base | {"PYTHONUNBUFFERED": "1", "WORKER_ID": name} | env
        self.command = BOT_COMMAND
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, timeout: float = 90.0) -> None:  # noqa: ASYNC109
        """Start and wait for its "is running" line."""
        with self.log_path.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: ASYNC220  (returns at once)
                self.command, cwd=self.folder, env=self.env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + timeout
        while "is running" not in self.output():
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up:\n{self.output()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name} not running after {timeout}s")
            await asyncio.sleep(0.1)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def cpu_seconds(self) -> float:
        """User and system CPU time the process has used so far."""
        if self.process is None or self.process.poll() is not None:
            return 0.0
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float | None:
        if self.process is None or self.process.poll() is not None:
            return None
        return rss_mb(self.process.pid)

    async def stop(self) -> int | None:
        """SIGTERM, up to 30 s for a graceful stop, then SIGKILL."""
        process = self.process
        if process is None or process.poll() is not None:
            return process.returncode if process else None
        process.terminate()
        for _ in range(300):
            if process.poll() is not None:
                return process.returncode
            await asyncio.sleep(0.1)
        log(f"{self.name} ignored SIGTERM for 30 s; killing it")
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        return process.wait(timeout=10)


# -- the run ------------------------------------------------------------------------------------


def build_teams(sandbox: Sandbox, config: Config) -> list[Team]:
    """The groups, their people, and the bot added to each (it gets my_chat_member)."""
    teams = []
    for t in range(config.teams):
        chat = sandbox.add_chat(f"Load desk {t}", bot_status=None)
        editor = sandbox.add_user(f"Editor{t}", f"load_editor{t}")
        sandbox.add_member(chat, editor, "administrator")
        members = []
        for m in range(config.members):
            member = sandbox.add_user(f"Member{t}x{m}", f"load_m{t}x{m}")
            sandbox.add_member(chat, member)
            members.append(member)
        teams.append(Team(chat, editor, members))
    for team in teams:
        sandbox.add_member(
            team.chat, sandbox.bot_user, "administrator", notify=True, by=team.editor
        )
    return teams


class Run:
    """The members, editors and timers of one load run."""

    def __init__(self, sandbox: Sandbox, teams: list[Team], config: Config) -> None:
        self.sandbox = sandbox
        self.teams = teams
        self.config = config
        self.ledger = Ledger()
        self.rng = random.Random(config.seed)
        self.article_number = 0
        self.end = 0.0
        self.unanswered = 0

    async def go(self) -> None:
        """Act until the run's time is up; return when every press was answered (or timed out)."""
        self.watch = AnswerWatch(self.sandbox)
        self.end = time.monotonic() + self.config.seconds
        tasks = [asyncio.create_task(self._load_sampler())]
        for team in self.teams:
            tasks.append(
                asyncio.create_task(self._articles(team, random.Random(self.rng.random())))
            )
            tasks.append(asyncio.create_task(self._status(team, random.Random(self.rng.random()))))
            for member in team.members:
                rng = random.Random(self.rng.random())
                tasks.append(asyncio.create_task(self._member(team, member, rng)))
        try:
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.watch.close()

    def _running(self) -> bool:
        return time.monotonic() < self.end

    async def _pause(self, seconds: float) -> bool:
        """Sleep (cut at the end of the run); whether there is still time to act."""
        await asyncio.sleep(max(0.0, min(seconds, self.end - time.monotonic())))
        return self._running()

    async def _load_sampler(self) -> None:
        while True:
            self.ledger.load.append(os.getloadavg()[0])
            if not await self._pause(15.0):
                self.ledger.load.append(os.getloadavg()[0])
                return

    async def _articles(self, team: Team, rng: random.Random) -> None:
        """A forward every one to two minutes, by the editor or now and then a member."""
        low, high = self.config.article_every
        if not await self._pause(rng.uniform(0, low)):
            return
        while True:
            self.article_number += 1
            n = self.article_number
            sender = team.editor if rng.random() < 0.7 else rng.choice(team.members)
            pushed = time.time()
            message = self.sandbox.send(
                team.chat, sender, article(n, rng), forward_origin={"channel": f"News {n % 13}"}
            )
            self.ledger.articles.append((team.chat.id, message.message_id, n, pushed))
            if not await self._pause(rng.uniform(low, high)):
                return

    async def _status(self, team: Team, rng: random.Random) -> None:
        """`/status` by some member, every `status_every` seconds on average."""
        while await self._pause(rng.expovariate(1 / self.config.status_every)):
            message = self.sandbox.send(team.chat, rng.choice(team.members), "/status")
            self.ledger.statuses.append((team.chat.id, message.message_id))

    async def _member(self, team: Team, member: User, rng: random.Random) -> None:
        """Think, then press a rating on a card (or reply a note to one); one thing at a time."""
        voted: set[int] = set()
        while await self._pause(rng.expovariate(1 / self.config.think)):
            team.refresh_cards(self.sandbox)
            if not team.cards:
                continue
            fresh = [c for c in team.cards if c not in voted]
            claim = (
                rng.choice(fresh) if fresh and rng.random() < 0.85 else rng.choice(list(team.cards))
            )
            card = self.sandbox.state.get_message(team.chat.id, team.cards[claim])
            if card is None:
                continue
            if rng.random() < self.config.note_share:
                k = len(self.ledger.notes)
                text = f"Note {k}: the regional report says otherwise, https://example.org/ev/{k}"
                note = self.sandbox.send(team.chat, member, text, reply_to=card)
                self.ledger.notes.append((claim, member.id, note.message_id))
                continue
            rating = rng.choice(RATINGS)
            data = vote_data(card, rating)
            if data is None:
                continue
            voted.add(claim)
            action = self.ledger.press(claim, member.id, rating)
            pushed = time.time()
            # press_data only queues the update: nothing can answer before the await below.
            query_id = self.sandbox.press_data(member, card, data)
            press = Press(query_id, team.chat.id, claim, member.id, rating, action, pushed)
            self.ledger.presses.append(press)
            answer = self.watch.expect(query_id)
            try:
                press.answered = await asyncio.wait_for(answer, self.config.drain_timeout)
            except TimeoutError:
                self.unanswered += 1


# -- checks -------------------------------------------------------------------------------------


async def stored_updates(db: Database) -> list[tuple[int, str, int, str | None]]:
    """(update id, state, attempts, worker) of every stored update."""
    async with db.read() as session:
        rows = await session.execute(
            select(
                StoredUpdate.update_id,
                StoredUpdate.state,
                StoredUpdate.attempts,
                StoredUpdate.worker,
            )
        )
        return [(int(u), str(s), int(a), w) for u, s, a, w in rows.all()]


async def stored_votes(db: Database) -> list[tuple[int, int, str]]:
    """(claim, user, rating) of every vote row."""
    async with db.read() as session:
        rows = await session.execute(select(Vote.claim_id, Vote.user_id, Vote.rating))
        return [(int(c), int(u), str(r)) for c, u, r in rows.all()]


async def stored_titles(db: Database) -> Counter[str]:
    """Articles per first line of text."""
    async with db.read() as session:
        texts = (await session.execute(select(Article.text))).scalars().all()
    return Counter(text.split("\n", 1)[0] for text in texts)


async def stored_notes(db: Database) -> list[tuple[int, int, int | None]]:
    """(claim, user, message id) of every note."""
    async with db.read() as session:
        rows = await session.execute(select(Note.claim_id, Note.user_id, Note.message_id))
        return [(int(c), int(u), None if m is None else int(m)) for c, u, m in rows.all()]


async def duplicate_claims(db: Database) -> int:
    """Claims extracted twice: more than one claim at one (article, position)."""
    async with db.read() as session:
        rows = await session.execute(
            select(Claim.article_id, Claim.position, func.count())
            .group_by(Claim.article_id, Claim.position)
            .having(func.count() > 1)
        )
        return len(rows.all())


def max_in_window(times: Iterable[float], window: float) -> int:
    """The most events in any half-open window of `window` seconds."""
    ordered = sorted(times)
    best = start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


def int_param(params: dict[str, Any], name: str) -> int | None:
    """An integer parameter of a logged call (the log keeps the strings PTB sent)."""
    value = params.get(name)
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def reply_target(params: dict[str, Any]) -> int | None:
    """The message a send replies to."""
    reply = params.get("reply_parameters")
    if isinstance(reply, dict):
        return int_param(reply, "message_id")
    return int_param(params, "reply_to_message_id")


@dataclass
class CallStats:
    """What the call log says about limits, replies and article latency."""

    sends: dict[int, list[float]]
    writes: dict[int, list[float]]  # sends and edits
    all_writes: list[float]
    all_calls: list[float]
    replies: Counter[tuple[int, int]]  # (chat, message replied to) → "Got it" sends
    other_replies: Counter[tuple[int, int]]  # (chat, message replied to) → other sends
    other_kinds: Counter[str]  # the other replies' first words
    summary_at: dict[tuple[int, int], float]  # (chat, forward) → time of the summary edit
    errors: Counter[str]
    lookups: dict[tuple[int, int], list[float]]  # (chat, user) → times of getChatMember


def read_calls(sandbox: Sandbox) -> CallStats:
    """One pass over the sandbox's call log."""
    sends: dict[int, list[float]] = defaultdict(list)
    writes: dict[int, list[float]] = defaultdict(list)
    all_writes: list[float] = []
    all_calls: list[float] = []
    replies: Counter[tuple[int, int]] = Counter()
    other_replies: Counter[tuple[int, int]] = Counter()
    other_kinds: Counter[str] = Counter()
    progress: dict[tuple[int, int], int] = {}  # (chat, progress message) → forward it answers
    summary_at: dict[tuple[int, int], float] = {}
    errors: Counter[str] = Counter()
    lookups: dict[tuple[int, int], list[float]] = defaultdict(list)
    for call in sandbox.calls():
        method = call.method.lower()
        if method == "getupdates":
            continue
        if method == "getchatmember":
            key = (int_param(call.params, "chat_id") or 0, int_param(call.params, "user_id") or 0)
            lookups[key].append(call.time)
        all_calls.append(call.time)
        if call.error:
            errors[f"{call.method}: {call.error.get('description', '')[:60]}"] += 1
        chat = int_param(call.params, "chat_id")
        if chat is None or chat > 0:
            continue
        if method in SEND_METHODS:
            sends[chat].append(call.time)
            target = reply_target(call.params)
            if target is not None:
                text = str(call.params.get("text", ""))
                result = call.result if isinstance(call.result, dict) else {}
                if text.startswith("Got it"):
                    replies[(chat, target)] += 1
                    if "message_id" in result:
                        progress[(chat, int(result["message_id"]))] = target
                else:
                    other_replies[(chat, target)] += 1
                    other_kinds[" ".join(text.split()[:2])[:30]] += 1
        if method in SEND_METHODS | EDIT_METHODS:
            writes[chat].append(call.time)
            all_writes.append(call.time)
        if method == "editmessagetext":
            message_id = int_param(call.params, "message_id")
            forward = progress.get((chat, message_id or 0))
            text = str(call.params.get("text", ""))
            if forward is not None and not text.startswith("Got it"):
                summary_at.setdefault((chat, forward), call.time)
    return CallStats(
        sends, writes, all_writes, all_calls, replies, other_replies, other_kinds, summary_at,
        errors, lookups,
    )  # fmt: skip


def latency_figures(name: str, values: list[float], target_p99: str | None = None) -> list[Figure]:
    """p50, p95 and p99 of latencies (seconds in, milliseconds out)."""
    if not values:
        return [Figure("load", f"{name} latency", None, "ms", db="postgresql")]
    out = [
        Figure("load", f"{name} latency p{int(share * 100)}", percentile(values, share) * 1000,
               "ms", db="postgresql")
        for share in (0.5, 0.95, 0.99)
    ]  # fmt: skip
    if target_p99:
        limit = float(target_p99.split()[-1])
        out[-1].target, out[-1].met = (
            target_p99,
            out[-1].value is not None and out[-1].value < limit,
        )
    return out


def zero(name: str, value: int, unit: str = "") -> Figure:
    """A count that must be zero."""
    return Figure("load", name, value, unit, target="0", met=value == 0, db="postgresql")


def count(name: str, value: float, unit: str = "") -> Figure:
    """A count without a target."""
    return Figure("load", name, value, unit, db="postgresql")


async def check(
    db: Database, sandbox: Sandbox, run: Run, pushed: set[int], started: float, ended: float
) -> list[Figure]:
    """Compare what the members did with the database and the call log."""
    ledger = run.ledger
    out: list[Figure] = []
    # Updates: stored exactly once (the store's unique key), done, handed out once.
    rows = await stored_updates(db)
    stored_ids = Counter(u for u, _, _, _ in rows)
    out.append(count("updates pushed", len(pushed)))
    out.append(zero("updates lost (pushed, not stored)", len(pushed - set(stored_ids))))
    out.append(zero("updates stored twice", sum(1 for n in stored_ids.values() if n > 1)))
    out.append(zero("updates not done", sum(1 for _, s, _, _ in rows if s != "done")))
    out.append(zero("updates handled more than once", sum(1 for _, _, a, _ in rows if a > 1)))
    share = Counter(w or "?" for _, _, _, w in rows)
    for worker, n in sorted(share.items()):
        out.append(count(f"updates handled by {worker}", n))
    # Votes: the rows are exactly what each member's presses leave.
    expected = {key: rating for key, rating in ledger.votes.items() if rating is not None}
    votes = await stored_votes(db)
    found: dict[tuple[int, int], str] = {}
    doubled = 0
    for claim, user, rating in votes:
        doubled += (claim, user) in found
        found[(claim, user)] = rating
    # A member stops waiting after `drain_timeout`; a later answer still counts, from the log.
    answered_at: dict[str, float] = {}
    for call in sandbox.calls(method="answerCallbackQuery"):
        answered_at.setdefault(str(call.params.get("callback_query_id")), call.time)
    for press in ledger.presses:
        if press.answered is None:
            press.answered = answered_at.get(press.query_id)
    out.append(count("rating presses", len(ledger.presses)))
    rate = len(ledger.presses) / max(1.0, ended - started)
    out.append(count("rating presses per second", rate, "1/s"))
    out.append(zero("presses unanswered", sum(1 for p in ledger.presses if p.answered is None)))
    missing = [k for k in expected if k not in found]
    for claim, user in missing[:5]:
        log(f"vote missing: claim {claim}, user {user}, expected {expected[(claim, user)]}")
    out.append(zero("votes missing", len(missing)))
    out.append(zero("votes that should not be there", sum(1 for k in found if k not in expected)))
    wrong = sum(1 for k, r in expected.items() if k in found and found[k] != r)
    out.append(zero("votes with the wrong rating", wrong))
    out.append(zero("votes stored twice (member, claim)", doubled))
    wrong_answers = 0
    for press in ledger.presses:
        answers = sandbox.answers_for(press.query_id)
        text = str(answers[0].get("text", "")) if len(answers) == 1 else ""
        wanted = {"voted": "Your vote", "changed": "Vote changed", "withdrawn": "Vote withdrawn"}
        if not text.startswith(wanted[press.action]):
            wrong_answers += 1
            if wrong_answers <= 5:
                log(f"press {press.query_id} ({press.action} {press.rating}): answered {answers}")
    out.append(zero("presses answered other than expected", wrong_answers))
    # Articles: each stored once, answered once, summarised.
    titles = await stored_titles(db)
    numbers = [n for _, _, n, _ in ledger.articles]
    out.append(count("articles forwarded", len(numbers)))
    unstored = [n for n in numbers if titles[title_of(n)] == 0]
    if unstored:
        log(f"articles not stored: {unstored[:10]}")
    out.append(zero("articles not stored", len(unstored)))
    out.append(zero("articles stored twice", sum(1 for n in numbers if titles[title_of(n)] > 1)))
    out.append(zero("claims extracted twice", await duplicate_claims(db)))
    calls = read_calls(sandbox)
    # Each forward gets one "Got it" (edited into its summary); later replies to it are the
    # verdicts told to its requesters (issue 16) or an "Already checked" answer.
    acks = Counter(calls.replies[(chat, msg)] for chat, msg, _, _ in ledger.articles)
    out.append(zero("articles not answered once", sum(n for k, n in acks.items() if k != 1)))
    told = sum(1 for chat, msg, _, _ in ledger.articles if calls.other_replies[(chat, msg)])
    out.append(count("articles also answered later (verdicts told, already checked)", told))
    if calls.other_kinds:
        log(f"replies other than 'Got it', by first words: {calls.other_kinds.most_common(6)}")
    summarised = [
        calls.summary_at[(chat, msg)] - pushed_at
        for chat, msg, _, pushed_at in ledger.articles
        if (chat, msg) in calls.summary_at
    ]
    out.append(zero("articles without a summary", len(ledger.articles) - len(summarised)))
    # Notes and /status.
    notes = await stored_notes(db)
    wanted_notes = Counter(ledger.notes)
    got_notes = Counter(notes)
    out.append(count("notes sent", len(ledger.notes)))
    out.append(zero("notes missing", sum((wanted_notes - got_notes).values())))
    out.append(zero("notes extra or doubled", sum((got_notes - wanted_notes).values())))
    out.append(count("/status sent", len(ledger.statuses)))
    out.append(zero("/status not answered once", sum(
        1 for k in ledger.statuses if calls.replies[k] + calls.other_replies[k] != 1
    )))  # fmt: skip
    # Telegram's limits, from the call log.
    worst_sends = max((max_in_window(t, 60) for t in calls.sends.values()), default=0)
    worst_writes = max((max_in_window(t, 60) for t in calls.writes.values()), default=0)
    over_sends = sum(1 for t in calls.sends.values() if max_in_window(t, 60) > GROUP_PER_MINUTE)
    over_writes = sum(1 for t in calls.writes.values() if max_in_window(t, 60) > GROUP_PER_MINUTE)
    limit = f"≤ {GROUP_PER_MINUTE}"
    out += [
        Figure("load", "max new messages into one group in 60 s", worst_sends, "messages",
               target=limit, met=worst_sends <= GROUP_PER_MINUTE, db="postgresql"),
        zero("groups over 20 new messages in 60 s", over_sends, "groups"),
        Figure("load", "max messages sent or edited in one group in 60 s", worst_writes,
               "messages", target=limit, met=worst_writes <= GROUP_PER_MINUTE, db="postgresql"),
        zero("groups over 20 sent or edited in 60 s", over_writes, "groups"),
    ]  # fmt: skip
    overall = max_in_window(calls.all_writes, 1.0)
    out.append(
        Figure("load", "max messages sent or edited in 1 s, all groups", overall, "messages",
               target=f"≤ {OVERALL_PER_SECOND}", met=overall <= OVERALL_PER_SECOND, db="postgresql")
    )  # fmt: skip
    out.append(
        count("max Bot API calls in 1 s (getUpdates aside)", max_in_window(calls.all_calls, 1))
    )
    edits = sum(len(t) for t in calls.writes.values()) - sum(len(t) for t in calls.sends.values())
    out.append(count("messages sent into groups", sum(len(t) for t in calls.sends.values())))
    out.append(count("messages edited in groups", edits))
    out.append(count("Bot API calls refused", sum(calls.errors.values())))
    for error, n in calls.errors.most_common(5):
        log(f"refused: {n} × {error}")
    # Latency.
    press_latency = [p.answered - p.pushed for p in ledger.presses if p.answered is not None]
    out += latency_figures("press → answer", press_latency, "< 1000")
    # A press whose member the bot had to look up (getChatMember) waits for that call, which
    # PTB's rate limiter counts against the group's 20 a minute like a message.
    looked_up: list[float] = []
    rest: list[float] = []
    for p in ledger.presses:
        if p.answered is None:
            continue
        times = calls.lookups.get((p.chat_id, p.user_id), [])
        waited = any(p.pushed <= t <= p.answered for t in times)
        (looked_up if waited else rest).append(p.answered - p.pushed)
    out.append(count("presses that waited for a getChatMember", len(looked_up)))
    if looked_up:
        out.append(count("their latency p50", percentile(looked_up, 0.5) * 1000, "ms"))
    for figure in latency_figures("press → answer", rest):
        figure.figure = f"presses without a lookup: {figure.figure.split(' ')[-1]}"
        out.append(figure)
    out += latency_figures("article → summary", summarised)
    return out


def exception_lines(text: str) -> Counter[str]:
    """The exception line that ends each traceback in a log."""
    lines = text.splitlines()
    found: Counter[str] = Counter()
    for i, line in enumerate(lines):
        if line.startswith("Traceback"):
            end = next((x for x in lines[i + 1 :] if not x.startswith(" ")), "")
            found[end] += 1
    return found


async def wait_settled(
    sandbox: Sandbox,
    db: Database,
    timeout: float,  # noqa: ASYNC109
    quiet: float,
    articles: Sequence[tuple[int, int, int, float]] = (),
) -> None:
    """Every update received and processed, every article's summary out (the flood limits may
    hold one back for longer than any quiet spell: a busy group's minute is full), and the bots
    quiet for a few seconds."""
    deadline = time.monotonic() + timeout
    await sandbox.wait_for(lambda: not sandbox.state.deliverable(), timeout)
    await wait_until_drained(db, timeout=max(1.0, deadline - time.monotonic()))

    def summarised() -> bool:
        summaries = read_calls(sandbox).summary_at
        return all((chat, message) in summaries for chat, message, _, _ in articles)

    await sandbox.wait_for(summarised, max(1.0, deadline - time.monotonic()), interval=1.0)
    # Card edits are coalesced for a second or so, and the rate limiter may hold some back.
    await sandbox.wait_idle(timeout=max(1.0, deadline - time.monotonic()), quiet=quiet)


async def measure(
    config: Config, server_url: str = PG_URL, folder: Path | None = None
) -> list[Figure]:
    """One load run on a fresh database of the PostgreSQL server at `server_url`; the bots'
    logs are kept in `folder` (a new temporary folder when None)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="fcb-load-"))
    log(f"bot logs in {folder}")
    async with Sandbox() as sandbox, scratch_database(server_url, prefix="fcb_load") as url:
        db = Database(url)
        try:
            await db.upgrade()  # once, before two processes would race to migrate it
            env = {
                "TELEGRAM_BOT_TOKEN": sandbox.token,
                "TELEGRAM_BASE_URL": sandbox.base_url,
                "TELEGRAM_BASE_FILE_URL": sandbox.base_file_url,
                "DATABASE_URL": url,
                "LOG_LEVEL": "INFO",
                **config.bot_env,
            }
            workers = [
                Worker("worker-a", folder, env),
                Worker("worker-b", folder, env | {"RECEIVE_UPDATES": "false"}),
            ]
            try:
                run, times, usage = await drive(sandbox, db, workers, config)
            finally:
                stopped = await asyncio.gather(*(w.stop() for w in workers))
                codes = {w.name: code for w, code in zip(workers, stopped, strict=True)}
            log("bots stopped")
            out = await check(db, sandbox, run, set(sandbox.state.pushed_update_ids), *times[:2])
            log("checked")
        finally:
            await db.dispose()
    started, _, settled = times
    handled = sum(f.value or 0 for f in out if f.figure.startswith("updates handled by"))
    spent = sum(cpu for cpu, _ in usage.values())
    out.append(count("bot CPU per update (both processes)", spent / max(1, handled) * 1000, "ms"))
    out.append(
        count("updates handled per second, run and drain", handled / (settled - started), "1/s")
    )
    for worker in workers:
        text = worker.output()
        problems = [line for line in text.splitlines() if " ERROR " in line or "Traceback" in line]
        out.append(zero(f"{worker.name}: errors in its log", len(problems), "lines"))
        for end, n in exception_lines(text).most_common(5):
            log(f"{worker.name}: {n} × {end[:200]}")
        cpu, rss = usage[worker.name]
        out.append(count(f"{worker.name}: RSS at the end", rss or 0.0, "MiB"))
        out.append(
            count(f"{worker.name}: CPU used", cpu / (settled - started) * 100, "% of a core")
        )
        if codes[worker.name] not in (0, None):
            log(f"{worker.name} exited with {codes[worker.name]}")
    loads = run.ledger.load
    out.append(count("load average (1 min) at the start", loads[0]))
    out.append(count("load average (1 min), mean over the run", sum(loads) / len(loads)))
    out.append(count("load average (1 min), max over the run", max(loads)))
    for figure in out:
        emit(figure)
    return out


async def drive(
    sandbox: Sandbox, db: Database, workers: list[Worker], config: Config
) -> tuple[Run, tuple[float, float, float], dict[str, tuple[float, float | None]]]:
    """Start the bots, build the teams, run, wait for the bots to settle. Returns the run,
    (started, ended, settled) and per worker (CPU seconds used, RSS at the end)."""
    await asyncio.gather(*(w.start() for w in workers))
    log("both bots running")
    teams = build_teams(sandbox, config)
    await sandbox.wait_for(
        lambda: len(sandbox.calls(method="sendMessage")) >= config.teams, 120
    )  # every group greeted: the bot knows its teams
    log(
        f"{config.teams} teams × {config.members} members, {config.minutes:g} min, a member acts "
        f"every {config.think:g} s on average; load {os.getloadavg()[0]:.1f}"
    )
    run = Run(sandbox, teams, config)
    started = time.time()
    cpu = {w.name: w.cpu_seconds() for w in workers}
    await run.go()
    ended = time.time()
    log(f"run over: {len(run.ledger.presses)} presses; waiting for the bots to settle")
    try:
        await wait_settled(sandbox, db, config.drain_timeout, config.quiet, run.ledger.articles)
    except TimeoutError as error:
        log(f"not settled within {config.drain_timeout:g} s: {error}")
    settled = time.time()
    log("settled")
    usage = {w.name: (w.cpu_seconds() - cpu[w.name], w.rss_mb()) for w in workers}
    return run, (started, ended, settled), usage


async def run(*, quick: bool = False, db: str | None = None) -> list[Figure]:
    """For `python -m bench --only load`: the full run, or 10 teams for 2 minutes with --quick."""
    if db == "sqlite":
        log("load: runs on PostgreSQL only (two processes share one database)")
        return []
    config = Config(teams=10, members=20, minutes=2) if quick else Config()
    return await measure(config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load_run", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument(
        "--think", type=float, default=60.0, help="mean seconds between a member's actions"
    )
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--bot-env", action="append", default=[], metavar="NAME=VALUE",
        help="a setting for both bot processes, e.g. RATE_LIMIT=false (repeatable)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    config = Config(
        teams=args.teams,
        members=args.members,
        minutes=args.minutes,
        think=args.think,
        seed=args.seed,
        bot_env=dict(item.split("=", 1) for item in args.bot_env),
    )
    log("machine: " + ", ".join(f"{k} {v}" for k, v in machine().items()))
    started = time.perf_counter()
    figures = asyncio.run(measure(config))
    print()
    print(format_table(figures))
    print(f"\n{len(figures)} figures in {time.perf_counter() - started:.0f} s")
    return 0 if all(f.met is not False for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
