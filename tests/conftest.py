"""Shared fixtures: databases (SQLite and PostgreSQL), the sandbox, and a running bot."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.app.config import Settings
from bot.app.factory import running_bot
from bot.app.pump import wait_until_drained
from bot.sandbox import Sandbox
from storage.db import Database
from storage.models import Article, Claim
from storage.scratch import admin_sql, scratch_database

REPO = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")
POSTGRES_SKIP = (
    "PostgreSQL tests need TEST_POSTGRES_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test);"
    " `make test` sets it when a server answers on 127.0.0.1:5432"
)


@pytest.fixture
def shared_dir() -> Path:
    """The project's shared inputs (../shared/data); tests using it skip when it is absent."""
    path = Path(os.environ.get("FACTCHECK_SHARED_DIR", REPO.parent / "shared")) / "data"
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path}")
    return path


# Migrated once per test run, then copied for each test: running the migrations costs about 1 s
# a test on PostgreSQL and 0.3 s on SQLite, copying a few milliseconds. The migrations
# themselves are still tested (tests/storage/test_db.py upgrades an empty database).
_TEMPLATES: dict[str, str] = {}


async def _template(kind: str) -> str:
    """The migrated template of this run: a SQLite file's path, or a PostgreSQL database's name."""
    if kind not in _TEMPLATES:
        if kind == "sqlite":
            path = Path(tempfile.mkdtemp(prefix="fcb-template-")) / "template.db"
            database = Database(f"sqlite+aiosqlite:///{path}")
            await database.upgrade()
            await database.dispose()  # the last connection folds the WAL into the file
            _TEMPLATES[kind] = str(path)
        else:
            name = f"fcb_template_{uuid.uuid4().hex[:12]}"
            await admin_sql(POSTGRES_URL, f'CREATE DATABASE "{name}"')
            url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
            database = Database(url)
            await database.upgrade()
            await database.dispose()  # CREATE DATABASE … TEMPLATE needs it without connections
            _TEMPLATES[kind] = name
    return _TEMPLATES[kind]


@pytest.fixture(scope="session", autouse=True)
def _drop_templates() -> Iterator[None]:
    """Drop this run's PostgreSQL template at the end (the SQLite one is in a temp folder)."""
    yield
    name = _TEMPLATES.pop("postgresql", None)
    if name:
        sql = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        with ThreadPoolExecutor(1) as pool:  # no event loop runs here; give it one of its own
            pool.submit(asyncio.run, admin_sql(POSTGRES_URL, sql)).result()


@asynccontextmanager
async def fresh_database_url(
    kind: str, folder: Path, *, migrated: bool = True
) -> AsyncIterator[str]:
    """A database of its own for one test: a SQLite file in `folder`, or a scratch PostgreSQL
    database; already migrated to the latest schema (a copy of this run's template) unless
    `migrated=False`, then empty."""
    if kind == "sqlite":
        path = folder / "factcheck.db"
        if migrated:
            shutil.copyfile(await _template(kind), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    template = await _template(kind) if migrated else None
    async with scratch_database(POSTGRES_URL, template=template) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A URL of a database of the latest schema with no data: SQLite, and PostgreSQL."""
    async with fresh_database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A URL of an empty database (no tables): for tests of the migrations themselves."""
    async with fresh_database_url(request.param, tmp_path, migrated=False) as url:
        yield url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """A migrated database, SQLite and PostgreSQL."""
    database = Database(db_url)
    await database.upgrade()
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def store_db(tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated SQLite store, for behaviour that does not depend on the database (webhook)."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'hook.db'}")
    await database.upgrade()
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A running Telegram stand-in on loopback."""
    async with Sandbox() as box:
        yield box


def bot_settings(sandbox: Sandbox, database_url: str, **overrides: object) -> Settings:
    """Settings for a bot talking to the sandbox: no .env, quick polling, no rate limiter."""
    values: dict[str, object] = {
        "telegram_bot_token": sandbox.token,
        "telegram_base_url": sandbox.base_url,
        "telegram_base_file_url": sandbox.base_file_url,
        "database_url": database_url,
        "extractor": "offline",
        "poll_timeout": 1,
        "rate_limit": False,
        "card_edit_delay_seconds": 0.2,
        "min_article_chars": 200,
        # Tests forward many articles within a minute; tests/e2e/test_first_minutes.py turns the
        # per-group card budget back on and checks it.
        "cards_per_minute": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


# A card's first word in each language (bot/i18n catalogues: "Claim #{id}").
CARD_HEADS = ("Claim #", "Твердження #", "Утверждение #")


async def settle(sandbox: Sandbox, app: Any = None, *, timeout: float = 20.0) -> None:  # noqa: ASYNC109
    """Wait until Telegram's side is quiet and the bot's update store is drained.

    The sandbox sees an update confirmed as soon as the bot has stored it, before its
    handler runs, so `sandbox.wait_idle()` alone can return while a handler is still
    working (on a loaded machine its database work can outlast the quiet window); the
    store says when an update was processed.
    """
    if app is None:
        await sandbox.wait_idle(timeout=timeout)
        return
    await sandbox.wait_idle(timeout=timeout, quiet=0.0)  # the bot has fetched (and so stored) it
    await wait_until_drained(app.bot_data.services.db, timeout=timeout)
    await sandbox.wait_idle(timeout=timeout)


@dataclass
class Desk:
    """A team's group in the sandbox with a running bot: alice (admin), bob and carol."""

    sandbox: Sandbox
    chat: object
    alice: object
    bob: object
    carol: object
    settings: Settings
    app: object = None

    async def say(self, user: object, text: str, **kwargs: object) -> object:
        """A member posts; wait until the bot has handled it."""
        message = self.sandbox.send(self.chat, user, text, **kwargs)
        await self.settle()
        return message

    async def press(self, user: object, message: object, button: str) -> str:
        """A member presses a button; wait until the bot has handled it."""
        query_id = self.sandbox.press(user, message, button)
        await self.settle()
        return query_id

    async def settle(self) -> None:
        """Wait until Telegram's side is quiet and the bot's update store is drained.

        The sandbox sees an update confirmed as soon as the bot has stored it, before its
        handler runs; the store says when it was processed.
        """
        await settle(self.sandbox, self.app)

    async def published(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Wait until every article's extraction has ended and each of its cards is posted.

        Extraction and card posting run in the background after the update that asked for
        them is done, so a drained update store does not mean the cards are out yet.
        """
        await self.settle()
        db = self.app.bot_data.services.db

        async def finished() -> bool:
            async with db.read() as session:
                busy = await session.scalar(
                    select(func.count())
                    .select_from(Article)
                    .where(Article.extraction_state.in_(["pending", "running"]))
                )
                unposted = await session.scalar(
                    select(func.count()).select_from(Claim).where(Claim.card_state == "unposted")
                )
            return not busy and not unposted

        deadline = asyncio.get_running_loop().time() + timeout
        while not await finished():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"articles not published within {timeout}s")
            await asyncio.sleep(0.05)
        await self.sandbox.wait_idle()

    async def card(self, contains: str) -> object:
        """The claim card whose text contains `contains`, once every card is posted.

        Waiting for the first message with the text is not enough: the article's summary,
        posted before the cards, can carry the same words (its headline, a deferred claim).
        """
        await self.published()
        found = [card for card in self.cards() if contains in card.content]
        assert found, f"no card contains {contains!r}: " + " | ".join(
            c.content[:80] for c in self.cards()
        )
        return found[-1]

    def last(self, contains: str) -> object:
        """The newest bot message containing the text (fails the test if there is none)."""
        message = self.sandbox.find_bot_message(self.chat, contains)
        assert message is not None, f"no bot message contains {contains!r}: " + " | ".join(
            m.content[:80] for m in self.sandbox.bot_messages(self.chat)
        )
        return message

    def cards(self) -> list[object]:
        """The claim cards the bot posted, in order (their heading in any of our languages)."""
        return [m for m in self.sandbox.bot_messages(self.chat) if m.content.startswith(CARD_HEADS)]


@asynccontextmanager
async def open_desk(
    sandbox: Sandbox,
    db_url: str,
    *,
    title: str = "Fact desk",
    names: tuple[str, str, str] = ("Alice", "Bob", "Carol"),
    language: str | None = "en",
    **overrides: Any,
) -> AsyncIterator[Desk]:
    """A running bot against the sandbox with a team group of three members (alice the admin,
    bob, carol: `names` renames them, `language` is their Telegram client's language code);
    `overrides` change the settings (fetch hosts, limits, editors…)."""
    chat = sandbox.add_chat(
        title,
        str(overrides.pop("chat_type", "supergroup")),
        is_forum=bool(overrides.pop("is_forum", False)),
    )
    alice = sandbox.add_user(names[0], "alice_checks")
    bob = sandbox.add_user(names[1], last_name="Kovalenko" if names[1] == "Bob" else None)
    carol = sandbox.add_user(names[2])
    for user in (alice, bob, carol):
        user.language_code = language
    sandbox.add_member(chat, alice, "administrator")
    sandbox.add_member(chat, bob)
    sandbox.add_member(chat, carol)
    settings = bot_settings(sandbox, db_url, **overrides)
    async with running_bot(settings) as application:
        await sandbox.wait_idle()
        yield Desk(sandbox, chat, alice, bob, carol, settings, application)


@pytest.fixture
async def desk(sandbox: Sandbox, db_url: str) -> AsyncIterator[Desk]:
    """A running bot against the sandbox, with a team group of three members."""
    async with open_desk(sandbox, db_url) as opened:
        yield opened
