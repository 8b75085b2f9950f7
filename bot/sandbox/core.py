"""The Sandbox: a local Bot API server plus the in-process API that tests and scenarios use."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.sandbox.control import add_control_routes
from bot.sandbox.server import build_app, deliver_webhooks
from bot.sandbox.state import CallRecord, Chat, Message, SandboxState, User
from bot.sandbox.world import World

# Well-formed but fake: the bot id part matches the sandbox bot, the rest says what it is.
SANDBOX_TOKEN = "7000000001:SANDBOX_fake_token_not_for_telegram_00"


class Sandbox(World):
    """A Telegram stand-in on loopback; see docs/sandbox.md."""

    def __init__(self) -> None:
        self.state = SandboxState()
        self.token = SANDBOX_TOKEN
        self.host = "127.0.0.1"
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._deliverer: asyncio.Task[None] | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> Sandbox:
        """Serve on host:port (port 0 picks a free one)."""
        app = build_app(self.state)
        add_control_routes(app, self)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = self._runner.addresses[0][1]
        self._start_deliverer()
        return self

    async def stop(self) -> None:
        """Stop serving (open long polls are answered at once, so nothing holds the shutdown)."""
        await self._stop_deliverer()
        if self._runner is not None:
            self.state.closing = True
            self.state.notify()
            try:
                await self._runner.cleanup()
            finally:
                self.state.closing = False
            self._runner = None

    async def __aenter__(self) -> Sandbox:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def _start_deliverer(self) -> None:
        """Run webhook delivery for the current state."""
        self._deliverer = asyncio.create_task(deliver_webhooks(self.state))

    async def _stop_deliverer(self) -> None:
        """Stop webhook delivery."""
        if self._deliverer is not None:
            self._deliverer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._deliverer
            self._deliverer = None

    async def reset(self) -> None:
        """Forget everything: chats, users, messages, updates, calls, webhook."""
        await self._stop_deliverer()
        self.state.notify()  # wake long polls waiting on the old state
        self.state = SandboxState()
        if self._runner is not None:
            self._start_deliverer()

    @property
    def url(self) -> str:
        """Root URL of the server."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What goes into TELEGRAM_BASE_URL: PTB appends the token and the method."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What goes into TELEGRAM_BASE_FILE_URL."""
        return f"{self.url}/file/bot"

    @property
    def bot_user(self) -> User:
        """The bot as a sandbox User."""
        return self.state.bot

    def set_callback_answer_window(self, seconds: float | None) -> None:
        """Refuse answers to button presses older than `seconds`, as Telegram does (None: off)."""
        self.state.callback_answer_seconds = seconds

    def set_rate_limit(self, per_minute: int | None) -> None:
        """Answer 429 after `per_minute` bot messages a minute into one group (None: off)."""
        self.state.rate_limit_per_minute = per_minute

    # -- waiting -------------------------------------------------------------------------------

    async def wait_idle(self, timeout: float = 10.0, quiet: float = 0.3) -> None:  # noqa: ASYNC109
        """Wait until every update was confirmed and the bot made no call for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.state
            pending = state.deliverable()
            still = time.monotonic() - state.last_activity
            if not pending and state.in_flight == 0 and still >= quiet:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"sandbox not idle after {timeout}s: {len(pending)} update(s) unconfirmed, "
                    f"{state.in_flight} call(s) in flight"
                )
            await asyncio.sleep(0.05)

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 10.0,  # noqa: ASYNC109  (the documented in-process API)
        interval: float = 0.05,
    ) -> Any:
        """Poll predicate() until it returns something truthy; return that."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            await asyncio.sleep(interval)

    # -- looking -------------------------------------------------------------------------------

    def messages(self, chat: Chat) -> list[Message]:
        """Every live message in a chat, oldest first."""
        stored = self.state.messages.get(chat.id, {})
        return [stored[key] for key in sorted(stored) if not stored[key].deleted]

    def bot_messages(self, chat: Chat) -> list[Message]:
        """The bot's live messages in a chat, edits applied, oldest first."""
        return [message for message in self.messages(chat) if message.from_bot]

    def find_bot_message(self, chat: Chat, contains: str) -> Message | None:
        """The newest bot message whose text or caption contains `contains` (any case)."""
        wanted = contains.casefold()
        for message in reversed(self.bot_messages(chat)):
            if wanted in message.content.casefold():
                return message
        return None

    def calls(self, since: int = 0, method: str | None = None) -> list[CallRecord]:
        """Bot API calls from index `since` on, optionally of one method (any case)."""
        found = self.state.calls[since:]
        if method:
            found = [call for call in found if call.method.lower() == method.lower()]
        return found

    def answers_for(self, callback_id: str) -> list[dict[str, Any]]:
        """The bot's answers to a callback query (text, show_alert, url)."""
        record = self.state.callbacks.get(callback_id)
        return list(record.answers) if record else []

    def commands(self, scope: str = "default") -> list[dict[str, Any]]:
        """The command menu set for a scope key ("default", "all_group_chats", "chat:<id>")."""
        return self.state.commands.get(scope, [])


async def serve_forever(host: str = "127.0.0.1", port: int = 8081) -> None:
    """Run a standalone sandbox until interrupted; print what a bot needs to connect."""
    sandbox = Sandbox()
    await sandbox.start(host=host, port=port)
    print(f"Sandbox Bot API running on http://{host}:{sandbox.port}")
    print(f"  TELEGRAM_BASE_URL={sandbox.base_url}")
    print(f"  TELEGRAM_BASE_FILE_URL={sandbox.base_file_url}")
    print(f"  TELEGRAM_BOT_TOKEN={sandbox.token}")
    print(f"  control API: http://{host}:{sandbox.port}/sandbox/  (see docs/sandbox.md)")
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


def run_standalone(port: int = 8081, host: str = "127.0.0.1") -> None:
    """Blocking entry point for `factcheck-bot sandbox --port N`."""
    try:
        asyncio.run(serve_forever(host, port))
    except KeyboardInterrupt:
        pass
