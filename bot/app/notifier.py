"""The sender loop: works off the verdict outbox, paced within Telegram's limits.

Telegram allows about 20 messages a minute into one group and 30 a second overall. The loop
sends at most `NOTIFY_PER_SECOND` messages a second, and into a group at most
`NOTIFY_PER_GROUP_PER_MINUTE` a minute (counted in the database, so a restart does not reset
it; the rest of the group's allowance is left to cards and answers). A 429 puts the digest back
until `retry_after` and pauses that chat; a 403 (the user blocked the bot, the bot left the
group) gives that digest up and nothing else. Each digest is taken (`sending`) before the call
and marked after it, so a crash never sends one twice (bot/desk/notifications.py). A digest
speaks the language of the chat it goes to (bot/desk/languages.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from telegram import LinkPreviewOptions, ReplyParameters
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application

from bot.app.ratelimit import retry_seconds
from bot.desk.languages import Languages
from bot.desk.notifications import Digest, Outbox
from bot.i18n import Words, words
from handlers.notify import digest_message
from storage.models import utcnow

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
IDLE_SECONDS = 0.5  # how often an idle loop looks for due verdicts
FULL_GROUP_PAUSE = 5.0  # a group whose minute is full is looked at again after this
NETWORK_RETRY = timedelta(seconds=15)


class Notifier:
    """Sends due digests until stopped; started and stopped by bot.app.factory.running_bot."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        outbox: Outbox,
        *,
        languages: Languages,
        per_group_per_minute: int,
        per_second: int,
    ) -> None:
        self.application = application
        self.outbox = outbox
        self.languages = languages
        self.per_group_per_minute = per_group_per_minute
        self.per_second = max(per_second, 1)
        self._paused: dict[int, float] = {}  # chat id -> loop time it may be sent to again
        self._next_slot = 0.0
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def start(self) -> None:
        """Give up what a crash left half-sent, then start the loop."""
        recovered = await self.outbox.recover()
        if recovered:
            log.warning("%s notification(s) were being sent at a crash: not sent again", recovered)
        self._task = asyncio.create_task(self._loop(), name="notifier")

    async def stop(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Stop after the send under way is recorded (cancelled if that takes too long)."""
        if self._task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _loop(self) -> None:
        """Send what is due; look again shortly when nothing was."""
        while not self._stopping.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                log.exception("The notifier's round failed; trying again")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), IDLE_SECONDS)

    async def run_once(self) -> int:
        """One round: every due submission message gets its digest, paced. Returns digests sent."""
        sent = 0
        loop = asyncio.get_running_loop()
        paused = {chat for chat, until in self._paused.items() if until > loop.time()}
        for chat_id, reply_to in await self.outbox.due_targets(exclude=paused):
            if chat_id in paused or self._stopping.is_set():
                continue
            if not await self.outbox.room(chat_id=chat_id, per_minute=self.per_group_per_minute):
                self._paused[chat_id] = loop.time() + FULL_GROUP_PAUSE
                paused.add(chat_id)
                continue
            # Looked up before the take: a failure here leaves the digest pending, not given up.
            said = words(await self.languages.of_chat(chat_id))
            digest = await self.outbox.take(chat_id=chat_id, reply_to=reply_to)
            if digest is None:
                continue
            await self._pace()
            if await self._send(digest, said):
                sent += 1
            else:
                paused.add(chat_id)
        return sent

    async def _pace(self) -> None:
        """At most `per_second` messages a second, whatever the chats."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._next_slot > now:
            await asyncio.sleep(self._next_slot - now)
        self._next_slot = max(now, self._next_slot) + 1 / self.per_second

    async def _send(self, digest: Digest, said: Words) -> bool:
        """Send one digest and record the outcome; False when the chat should wait."""
        reply = None
        if digest.reply_to is not None:
            reply = ReplyParameters(digest.reply_to, allow_sending_without_reply=True)
        try:
            message = await self.application.bot.send_message(
                digest.chat_id,
                digest_message(digest, said),
                parse_mode="HTML",
                reply_parameters=reply,
                link_preview_options=NO_PREVIEW,
            )
        except RetryAfter as error:
            seconds = retry_seconds(error)
            self._paused[digest.chat_id] = asyncio.get_running_loop().time() + seconds
            log.info("429 for chat %s: verdicts wait %.0f s", digest.chat_id, seconds)
            until = utcnow() + timedelta(seconds=seconds)
            await self.outbox.later(digest, until=until, error=str(error))
            return False
        except ChatMigrated as error:  # the group became a supergroup: send there
            await self.outbox.later(
                digest, until=utcnow(), error=str(error), chat_id=error.new_chat_id
            )
            return False
        except Forbidden as error:  # blocked by the user, or the bot left the group: give up
            log.info("Verdict to chat %s refused: %s", digest.chat_id, error)
            await self.outbox.failed(digest, error=str(error))
            return True
        except TimedOut as error:  # it may have gone out: never risk sending it twice
            log.warning("Verdict to chat %s timed out: not sent again", digest.chat_id)
            await self.outbox.failed(digest, error=str(error), unknown=True)
            return True
        except BadRequest as error:
            log.warning("Verdict to chat %s refused: %s", digest.chat_id, error)
            await self.outbox.failed(digest, error=str(error))
            return True
        except NetworkError as error:  # never reached Telegram: try again later
            await self.outbox.later(digest, until=utcnow() + NETWORK_RETRY, error=str(error))
            return False
        except TelegramError as error:
            await self.outbox.failed(digest, error=str(error))
            return True
        await self.outbox.sent(digest, message_id=message.message_id)
        return True
