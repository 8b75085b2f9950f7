"""The bot token never reaches a log line: not from httpx's URLs, not from a traceback."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.app.factory import running_bot
from bot.app.logs import RateLimit, RedactTokens, setup_logging
from bot.sandbox import Sandbox
from tests.conftest import bot_settings, settle
from tests.utils.processes import free_port

TOKEN = "123456789:AAHfakeFAKEfake_secret-part-0123456789"


@pytest.fixture
def captured(sandbox: Sandbox) -> Iterator[io.StringIO]:
    """Everything every root handler writes, at DEBUG, httpx included, set up as `run` does."""
    root = logging.getLogger()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    old_root, old_httpx = root.level, logging.getLogger("httpx").level
    setup_logging("DEBUG", [sandbox.token])
    for name in ("httpx", "httpcore", "telegram", "aiohttp"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # the chattiest set-up there is
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_root)
        logging.getLogger("httpx").setLevel(old_httpx)
        for name in ("httpcore", "telegram", "aiohttp"):
            logging.getLogger(name).setLevel(logging.NOTSET)
        for each in root.handlers:
            for redact in [f for f in each.filters if isinstance(f, RedactTokens)]:
                each.removeFilter(redact)


async def test_token_never_appears_in_any_log_output(
    sandbox: Sandbox, tmp_path: Path, captured: io.StringIO
) -> None:
    token = sandbox.token
    chat = sandbox.add_chat("Fact desk")
    alice = sandbox.add_user("Alice")
    sandbox.add_member(chat, alice, "administrator")
    settings = bot_settings(sandbox, f"sqlite+aiosqlite:///{tmp_path / 'logs.db'}")

    async def explode(update: Update, context: object) -> None:
        """A handler that fails with the token in its error, as a careless library might."""
        raise RuntimeError(f"request to https://api.telegram.org/bot{token}/sendMessage failed")

    async with running_bot(settings) as application:
        application.add_handler(MessageHandler(filters.Regex("^explode$"), explode), group=-5)
        sandbox.send(chat, alice, "/help")
        sandbox.send(chat, alice, "explode")
        await settle(sandbox, application)
    output = captured.getvalue()
    assert "GET" in output or "POST" in output or "HTTP Request" in output, "httpx logged nothing"
    assert "RuntimeError" in output, "the error handler logged nothing"
    assert token not in output
    assert token.split(":", 1)[1] not in output
    assert "[REDACTED]" in output


async def test_webhook_secret_never_appears_in_a_debug_log(
    sandbox: Sandbox, tmp_path: Path, captured: io.StringIO
) -> None:
    secret = "webhook-SECRET-for-the-log-test-0123456789"
    port = free_port()
    settings = bot_settings(
        sandbox,
        f"sqlite+aiosqlite:///{tmp_path / 'hook.db'}",
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_secret=secret,
        webhook_listen="127.0.0.1",
        webhook_port=port,
    )
    async with running_bot(settings):
        pass
    assert sandbox.calls(method="setWebhook")[-1].params["secret_token"] == secret
    output = captured.getvalue()
    assert "setWebhook" in output, "PTB logged no call parameters at DEBUG"
    assert "secret_token" in output and secret not in output


def test_redaction_covers_arguments_tracebacks_and_token_shaped_strings() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokens([TOKEN]))
    log = logging.getLogger("test_logs.redaction")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("calling %s", f"https://x/bot{TOKEN}/getMe")
        log.warning("another bot: %s", "987654321:ZZZanotherTokenShapedValue_0123456789")
        try:
            raise ValueError(f"bad token {TOKEN}")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output
    assert "ZZZanotherTokenShapedValue" not in output
    assert output.count("[REDACTED]") == 3
    assert "ValueError" in output


def test_a_flood_of_one_error_is_rate_limited_and_counted() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    log = logging.getLogger("test_logs.flood")
    log.addHandler(handler)
    log.propagate = False
    now = [0.0]
    rate_limit = RateLimit(burst=5, window=10.0, clock=lambda: now[0])
    log.addFilter(rate_limit)
    try:
        for _ in range(1000):
            log.error("socket.accept() out of system resource")
        log.error("another kind of error")
        now[0] = 10.5  # the window passes: the next line says how many were held back
        log.error("socket.accept() out of system resource")
    finally:
        log.removeFilter(rate_limit)
        log.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 7
    assert lines[5] == "another kind of error"
    assert lines[6] == "socket.accept() out of system resource (995 like it held back)"
