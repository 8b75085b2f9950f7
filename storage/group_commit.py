"""Group commit: the effects of updates applied at the same moment share one transaction.

Each update's effect (a vote, a note, a queued article) runs inside a SAVEPOINT of a shared
transaction, one effect at a time, and the transaction commits once no other effect is waiting
to join it (or when it holds `max_members`). An effect that fails rolls back to its savepoint
and leaves the others in the batch; its caller gets the error as before. Every member waits for
the commit before its write returns, so nothing is answered before it is durable; a failed
commit fails every member (and their updates run again when the failure is a passing one).

This saves a BEGIN, a COMMIT, a connection checkout and a hand-over of SQLite's write lock per
update; under load most effects join a batch that is already open.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

# Effects one transaction carries at most (a bound on the time a batch holds its locks).
MAX_MEMBERS = 64


class _Batch:
    """One open shared transaction and the members that joined it."""

    def __init__(self, session: AsyncSession, stack: AsyncExitStack) -> None:
        self.session = session
        self.stack = stack  # the write turn, the session and its transaction
        self.members = 0
        self.committed: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class GroupCommit:
    """Hands out savepoints of shared transactions opened by `open_transaction`."""

    def __init__(
        self,
        open_transaction: Callable[[], AbstractAsyncContextManager[AsyncSession]],
        *,
        max_members: int = MAX_MEMBERS,
    ) -> None:
        self._open_transaction = open_transaction
        self.max_members = max_members
        self._turn = asyncio.Lock()  # one effect at a time uses the shared session
        self._queued = 0  # effects waiting for the turn: the batch stays open for them
        self._batch: _Batch | None = None
        self._pending: set[asyncio.Task[None]] = set()

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[AsyncSession]:
        """A savepoint in the open batch (opened if none is); returns once the batch commits."""
        self._queued += 1
        try:
            await self._turn.acquire()
        except BaseException:
            self._queued -= 1
            self._commit_soon()  # it may have been the one the batch was kept open for
            raise
        self._queued -= 1
        joined: _Batch | None = None
        try:
            batch = self._batch
            if batch is None:
                batch = self._batch = await self._open()
            batch.members += 1
            try:
                async with batch.session.begin_nested():
                    yield batch.session
            finally:
                # Rows this effect loaded leave the shared session as they are (as when its own
                # session closed): the next effect reads its own, and a later rollback to
                # another effect's savepoint cannot expire them under this one's caller.
                batch.session.expunge_all()
            joined = batch
        finally:
            try:
                if self._batch is not None and (
                    self._queued == 0 or self._batch.members >= self.max_members
                ):
                    await self._commit()
            finally:
                self._turn.release()
        await asyncio.shield(joined.committed)

    async def _open(self) -> _Batch:
        """Begin a shared transaction."""
        stack = AsyncExitStack()
        try:
            session = await stack.enter_async_context(self._open_transaction())
        except BaseException:
            await stack.aclose()
            raise
        return _Batch(session, stack)

    async def _commit(self) -> None:
        """Commit the open batch (the turn is held) and tell its members how it went."""
        batch, self._batch = self._batch, None
        assert batch is not None
        try:
            await batch.stack.aclose()  # commits (or rolls back if the session broke)
        except BaseException as error:
            if not batch.committed.done():
                batch.committed.set_exception(error)
                batch.committed.exception()  # members read it; no "never retrieved" warning
            if not isinstance(error, Exception):
                raise
            log.warning("A group commit of %s effect(s) failed: %r", batch.members, error)
            return
        if not batch.committed.done():
            batch.committed.set_result(None)

    def _commit_soon(self) -> None:
        """Commit the open batch if nobody is left to join it (after a cancelled wait)."""

        async def commit_if_idle() -> None:
            async with self._turn:
                if self._batch is not None and self._queued == 0:
                    await self._commit()

        task = asyncio.get_running_loop().create_task(commit_if_idle())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
