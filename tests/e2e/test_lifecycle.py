"""One lifecycle: whatever fails during start-up, everything opened so far is closed again.

`factcheck-bot run` retries a failed start in the same process, so a start that leaked the
database engine, the page fetcher's HTTP session, the Bot API clients or a pump task would leak
once per attempt. These tests break the start at each stage, through the real `running_bot`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from telegram.error import NetworkError

from bot.app import factory
from bot.app.http import AiohttpRequest
from bot.sandbox import Sandbox
from handlers.context import Services
from tests.conftest import bot_settings
from tests.utils.processes import free_port


@dataclass
class Opened:
    """The services one `running_bot` built, and which of their resources it closed."""

    services: list[Services] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)

    def watch(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Record each real close call of the services `running_bot` builds."""
        build = factory.build_services

        def recording_build(settings: object, application: object) -> Services:
            services = build(settings, application)
            self.services.append(services)
            for name, owner, method in (
                ("database", services.db, "dispose"),
                ("fetcher", services.intake.fetcher, "close"),
            ):
                self._record(owner, method, name)
            return services

        monkeypatch.setattr(factory, "build_services", recording_build)

    def _record(self, owner: object, method: str, name: str) -> None:
        real = getattr(owner, method)

        async def recorded() -> None:
            await real()
            self.closed.append(name)

        setattr(owner, method, recorded)


def _bot_clients_closed(services: Services) -> bool:
    """Whether the Bot API HTTP clients of the services' application are closed."""
    bot = services.cards.application.bot
    requests = bot._request
    return all(isinstance(r, AiohttpRequest) and r.closed for r in requests)


async def _tasks_alive() -> list[str]:
    """The bot's tasks still alive besides this test's own (pump loops, card edits…).

    The sandbox's server tasks are Telegram's side, not the bot's: a connection the bot just
    closed is still being wound down there.
    """
    await asyncio.sleep(0)  # let tasks cancelled a moment ago finish
    current = asyncio.current_task()
    return sorted(
        task.get_coro().__qualname__
        for task in asyncio.all_tasks()
        if task is not current
        and not task.done()
        and not task.get_coro().__qualname__.startswith(("RequestHandler.", "deliver_webhooks"))
    )


async def test_a_start_with_an_unusable_database_closes_everything(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The migration cannot open the database file: it is a folder.
    (tmp_path / "db.sqlite").mkdir()
    settings = bot_settings(sandbox, f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    opened = Opened()
    opened.watch(monkeypatch)
    before = await _tasks_alive()
    with pytest.raises(Exception, match="unable to open database file"):
        async with factory.running_bot(settings):
            pytest.fail("the bot must not start on a database it cannot migrate")
    [services] = opened.services
    assert sorted(opened.closed) == ["database", "fetcher"]
    assert _bot_clients_closed(services)
    assert await _tasks_alive() == before
    # Telegram got as far as getMe (the bot was initialized), and no further.
    assert {call.method for call in sandbox.calls()} == {"getMe"}


async def test_a_start_with_telegram_unreachable_closes_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on the Bot API's port: getMe fails before anything else starts.
    nowhere = Sandbox()
    nowhere.port = free_port()
    settings = bot_settings(nowhere, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    opened = Opened()
    opened.watch(monkeypatch)
    before = await _tasks_alive()
    with pytest.raises(NetworkError):
        async with factory.running_bot(settings):
            pytest.fail("the bot must not start without Telegram")
    [services] = opened.services
    assert sorted(opened.closed) == ["database", "fetcher"]
    assert _bot_clients_closed(services)
    assert await _tasks_alive() == before


async def test_an_error_while_running_stops_the_pump_and_closes_everything(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = bot_settings(sandbox, f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    opened = Opened()
    opened.watch(monkeypatch)
    before = await _tasks_alive()
    with pytest.raises(RuntimeError, match="boom"):
        async with factory.running_bot(settings) as application:
            assert application.bot_data.pump is not None
            assert len(await _tasks_alive()) > len(before)  # the pump's loops run
            raise RuntimeError("boom")
    [services] = opened.services
    assert sorted(opened.closed) == ["database", "fetcher"]
    assert _bot_clients_closed(services)
    assert await _tasks_alive() == before
