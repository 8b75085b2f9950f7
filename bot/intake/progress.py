"""Which "Got it — reading…" message an update sent, kept outside the update's own effect.

A fetch can be cut short by a crash; the update is then delivered again from the store. The
message it sent the first time is remembered in its own short transaction before the fetch
starts, so the second delivery edits that message instead of leaving it behind and sending a
new one.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import Database
from storage.progress import progress_of, remember_progress


@dataclass(frozen=True)
class ProgressRef:
    """A progress message: the chat it is in and its message id."""

    chat_id: int
    message_id: int


class ProgressMessages:
    """Remember and recall the progress message of each update under way."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def recall(self, update_id: int) -> ProgressRef | None:
        """The progress message an earlier delivery of this update sent, if any."""
        async with self.db.read() as session:
            found = await progress_of(session, update_id=update_id)
        return ProgressRef(found.chat_id, found.message_id) if found else None

    async def remember(self, update_id: int, ref: ProgressRef) -> None:
        """Record the progress message this update just sent; committed at once."""
        async with self.db.write() as session:
            await remember_progress(
                session, update_id=update_id, chat_id=ref.chat_id, message_id=ref.message_id
            )
