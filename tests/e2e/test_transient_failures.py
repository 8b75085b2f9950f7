"""A passing database failure (deadlock, lost connection) runs the update again: nothing lost."""

from __future__ import annotations

import pytest
from sqlalchemy import exc

from tests.conftest import Desk
from tests.e2e.test_loop import ARTICLE


async def test_vote_interrupted_by_a_deadlock_is_retried_and_counted_once(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    await desk.say(desk.alice, ARTICLE, forward_origin={"channel": "Daily News"})
    card = await desk.card("38,000 households")
    services = desk.app.bot_data.services
    real_cast_vote = services.desk.cast_vote
    failures = []

    async def deadlock_once(**kwargs: object) -> object:
        if not failures:
            failures.append(kwargs)
            raise exc.OperationalError("UPDATE claim", {}, Exception("deadlock detected"))
        return await real_cast_vote(**kwargs)

    monkeypatch.setattr(services.desk, "cast_vote", deadlock_once)
    query = await desk.press(desk.bob, card, "False")
    await desk.sandbox.wait_for(lambda: desk.sandbox.answers_for(query))

    assert failures, "the simulated deadlock did not happen"
    answers = desk.sandbox.answers_for(query)
    assert [a["text"] for a in answers] == ["Your vote: ❌ False"]
    await desk.sandbox.wait_for(lambda: "❌ 1" in desk.last("38,000 households").content)
    assert "went wrong" not in " ".join(m.content for m in desk.sandbox.bot_messages(desk.chat))
