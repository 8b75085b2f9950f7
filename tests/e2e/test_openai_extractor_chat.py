"""EXTRACTOR=openai through the whole stack: claims from the model, and a fallback said aloud."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app.factory import running_bot
from bot.sandbox import Sandbox
from tests.conftest import bot_settings
from tests.e2e.test_loop import ARTICLE
from tests.stubs.openai_stub import OpenAIStub


@pytest.fixture
async def stub() -> AsyncIterator[OpenAIStub]:
    """A chat-completions server on loopback."""
    async with OpenAIStub() as server:
        yield server


async def _forward_and_wait(sandbox: Sandbox, stub: OpenAIStub, db_url: str) -> str:
    """Run the bot with the OpenAI extractor, forward the article, return the summary text."""
    chat = sandbox.add_chat("Fact desk")
    alice = sandbox.add_user("Alice")
    sandbox.add_member(chat, alice, "administrator")
    settings = bot_settings(
        sandbox, db_url, extractor="openai", openai_base_url=stub.base_url,
        openai_timeout_seconds=2, openai_max_retries=0,
    )  # fmt: skip
    async with running_bot(settings):
        sandbox.send(chat, alice, ARTICLE, forward_origin={"channel": "Daily News"})
        summary = await sandbox.wait_for(lambda: sandbox.find_bot_message(chat, "Queued"), 20)
        await sandbox.wait_idle()
        return summary.content


async def test_model_claims_are_queued(sandbox: Sandbox, stub: OpenAIStub, db_url: str) -> None:
    summary = await _forward_and_wait(sandbox, stub, db_url)
    assert stub.request_count >= 1
    assert "38,000 households" in str(stub.requests[0])  # the article went to the model
    assert "offline" not in summary.lower()
    cards = [
        m.content
        for chat in sandbox.state.chats.values()
        for m in sandbox.bot_messages(chat)
        if m.content.startswith("Claim #")
    ]
    assert any("38,000 households" in card for card in cards)


async def test_model_failure_falls_back_and_says_so(
    sandbox: Sandbox, stub: OpenAIStub, db_url: str
) -> None:
    stub.always(("status", 500))
    summary = await _forward_and_wait(sandbox, stub, db_url)
    assert "offline" in summary.lower()
    assert "38,000 households" in " ".join(
        m.content for chat in sandbox.state.chats.values() for m in sandbox.bot_messages(chat)
    )
