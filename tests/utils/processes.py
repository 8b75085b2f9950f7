"""Run the standalone sandbox and the bot as real processes, and drive the sandbox over HTTP.

`Processes` is an async context manager that kills whatever it started when the block ends,
failed test or not; every wait here has a timeout.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.app.pump import wait_until_drained
from bot.sandbox import SANDBOX_TOKEN
from storage.db import Database
from tests.utils import load

REPO = Path(__file__).resolve().parents[2]
CLI = REPO / ".venv" / "bin" / "factcheck-bot"


def free_port() -> int:
    """A TCP port nobody listens on right now (loopback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Process:
    """One child process with its output going to a log file."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start (or restart) the process, appending to its log."""
        with self.log_path.open("ab") as log:
            log.write(f"\n=== start {self.name} at {time.time():.3f} ===\n".encode())
            self.popen = subprocess.Popen(
                self.argv, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.popen is not None and self.popen.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flushing: a crash."""
        if self.running:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)

    def terminate(self, timeout: float = 15.0) -> int | None:
        """SIGTERM and wait; SIGKILL if it does not stop in time. Returns the exit code."""
        if not self.running:
            return self.popen.returncode if self.popen else None
        self.popen.send_signal(signal.SIGTERM)
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def log(self) -> str:
        """Everything the process wrote so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def wait_for_log(self, text: str, *, after: int = 0, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until the log (from character `after` on) contains `text`."""
        deadline = time.monotonic() + timeout
        while text not in self.log()[after:]:
            if not self.running:
                raise RuntimeError(f"{self.name} exited:\n{self.log()[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: no {text!r} within {timeout}s")
            await asyncio.sleep(0.05)


@dataclass
class Processes:
    """Starts the sandbox and bots in `workdir`; kills all of them on exit."""

    workdir: Path
    started: list[Process] = field(default_factory=list)

    async def __aenter__(self) -> Processes:
        return self

    async def __aexit__(self, *exc: object) -> None:
        for process in reversed(self.started):
            process.kill()

    def _base_env(self) -> dict[str, str]:
        """The parent's environment minus anything that would configure the bot."""
        env = {k: v for k, v in os.environ.items() if not _is_bot_setting(k)}
        env["PYTHONUNBUFFERED"] = "1"
        return env

    async def sandbox(self, *, timeout: float = 30.0) -> SandboxControl:  # noqa: ASYNC109
        """Start `factcheck-bot sandbox` on a free port; return a client of its control API."""
        port = free_port()
        process = Process(
            "sandbox",
            [str(CLI), "sandbox", "--port", str(port)],
            self._base_env(),
            self.workdir,
            self.workdir / "sandbox.log",
        )
        process.start()
        self.started.append(process)
        control = SandboxControl(f"http://127.0.0.1:{port}", process)
        await control.wait_ready(timeout)
        return control

    def bot(
        self, control: SandboxControl, database_url: str, *, name: str = "bot", **env: str
    ) -> BotProcess:
        """A `factcheck-bot run` process against the sandbox (not started yet)."""
        values = self._base_env()
        values.update(
            TELEGRAM_BOT_TOKEN=SANDBOX_TOKEN,
            TELEGRAM_BASE_URL=f"{control.url}/bot",
            TELEGRAM_BASE_FILE_URL=f"{control.url}/file/bot",
            DATABASE_URL=database_url,
            POLL_TIMEOUT="1",
            RATE_LIMIT="false",
            WORKER_ID=name,
            LOG_LEVEL="INFO",
        )
        values.update(env)
        # Its own working directory, so no .env of the developer's is read.
        cwd = self.workdir / name
        cwd.mkdir(exist_ok=True)
        process = BotProcess(name, [str(CLI), "run"], values, cwd, self.workdir / f"{name}.log")
        self.started.append(process)
        return process


class BotProcess(Process):
    """The bot; `start_and_wait` returns once it says it is running."""

    async def start_and_wait(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Start and wait for the "is running" line of this start."""
        mark = len(self.log())
        self.start()
        await self.wait_for_log("is running", after=mark, timeout=timeout)


def _is_bot_setting(name: str) -> bool:
    """Environment variables that Settings would read (kept out of child processes)."""
    prefixes = ("TELEGRAM_", "DATABASE_", "WEBHOOK_", "OPENAI_", "FETCH_", "EXTRACTOR")
    return name.startswith(prefixes) or name in {"WORKER_ID", "RECEIVE_UPDATES", "LOG_LEVEL"}


class SandboxControl:
    """A small client of the sandbox's control API (docs/sandbox.md)."""

    def __init__(self, url: str, process: Process | None = None) -> None:
        self.url = url
        self.process = process
        self.http = httpx.AsyncClient(base_url=f"{url}/sandbox", timeout=30.0)

    async def wait_ready(self, timeout: float) -> None:  # noqa: ASYNC109
        """Wait until the control API answers."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                await self.get("/state")
                return
            except httpx.TransportError:
                if self.process is not None and not self.process.running:
                    raise RuntimeError(f"sandbox exited:\n{self.process.log()}") from None
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)

    async def get(self, path: str, **query: Any) -> Any:
        """GET an endpoint; return its result."""
        response = await self.http.get(path, params=query)
        return _result(response)

    async def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """POST an endpoint; return its result."""
        return _result(await self.http.post(path, json=body or {}))

    async def add_chat(self, title: str, bot_status: str = "administrator") -> dict[str, Any]:
        """A supergroup with the bot in it."""
        return await self.post("/chats", {"title": title, "bot_status": bot_status})

    async def add_user(self, first_name: str, chat_id: int, status: str = "member") -> int:
        """A person who is a member of the chat; returns their id."""
        user = await self.post("/users", {"first_name": first_name})
        await self.post("/members", {"chat_id": chat_id, "user_id": user["id"], "status": status})
        return user["id"]

    async def send(self, chat_id: int, user_id: int, text: str, **extra: Any) -> dict[str, Any]:
        """A member posts (extra: forward_origin, document, reply_to_message_id…)."""
        return await self.post(
            "/messages", {"chat_id": chat_id, "user_id": user_id, "text": text, **extra}
        )

    async def press(self, chat_id: int, user_id: int, message_id: int, data: str) -> str:
        """A member presses a button carrying `data` (or forged data); returns the query id."""
        body = {"chat_id": chat_id, "user_id": user_id, "message_id": message_id, "data": data}
        return (await self.post("/press", body))["callback_query_id"]

    async def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """The bot's live messages in a chat (edits applied)."""
        return await self.get("/messages", chat_id=chat_id, from_bot=1)

    async def answers(self, query_id: str) -> list[dict[str, Any]]:
        """The bot's answers to one callback query."""
        return await self.get("/answers", callback_query_id=query_id)

    async def calls(self, method: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        """The Bot API call log."""
        query: dict[str, Any] = {"since": since}
        if method:
            query["method"] = method
        return await self.get("/calls", **query)

    async def pending_updates(self) -> int:
        """Updates the bot has not confirmed yet."""
        return (await self.get("/state"))["pending_updates"]

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.http.aclose()


def _result(response: httpx.Response) -> Any:
    """The `result` of a control API answer; raise on an error answer."""
    body = response.json()
    if not body.get("ok"):
        raise RuntimeError(f"sandbox control API: {response.status_code} {body}")
    return body["result"]


def card_votes(card: dict[str, Any]) -> dict[str, str]:
    """A card's rating buttons: rating → callback data (`v:<claim>:<rating>`)."""
    found: dict[str, str] = {}
    for row in card.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data", "")
            if data.startswith("v:"):
                found[data.rsplit(":", 1)[1]] = data
    return found


async def settle_bot(control: SandboxControl, db: Database, timeout: float = 60.0) -> None:  # noqa: ASYNC109
    """Wait until a bot process has received, stored and processed every update, and is quiet."""

    async def confirmed() -> bool:
        return await control.pending_updates() == 0

    await load.wait_until(confirmed, timeout=timeout, interval=0.05, what="updates confirmed")
    await wait_until_drained(db, timeout=timeout)
    await control.post("/idle", {"timeout": timeout})
