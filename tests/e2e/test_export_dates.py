"""/export with a date at the edge of time answers with a file, not the generic error."""

from __future__ import annotations

import json

from tests.conftest import Desk
from tests.unit.test_export_dates import EARLIEST, LATEST


async def test_export_since_dates_at_the_edges_of_time_sends_a_file(desk: Desk) -> None:
    for since in (LATEST, EARLIEST):
        await desk.say(desk.alice, f"/export json {since}")
    documents = desk.sandbox.calls(method="sendDocument")
    assert len(documents) == 2, [m.content for m in desk.sandbox.bot_messages(desk.chat)]
    for document in documents:
        stored = desk.sandbox.state.files[document.result["document"]["file_id"]]
        assert json.loads(stored.content)["claims"] == []  # the desk has no claims yet
    assert not desk.sandbox.find_bot_message(desk.chat, "went wrong")
