"""Telegram's getFile and file download, as bot.intake.media.files wants them (FileSource)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, File
from telegram.error import BadRequest, TelegramError

from bot.intake.media.files import (
    TELEGRAM_DOWNLOAD_LIMIT,
    FileTooBig,
    FileUnavailable,
    RemoteFile,
)

log = logging.getLogger(__name__)

# Downloads get a longer read timeout than API calls: up to 20 MB over a slow link.
DOWNLOAD_TIMEOUT = 60.0


class TelegramFiles:
    """getFile and the file route of the Bot API (or the sandbox's)."""

    def __init__(self, bot: Bot | Any) -> None:
        self.bot = bot

    async def locate(self, file_id: str) -> RemoteFile:
        """getFile: the file's size and download path."""
        try:
            file = await self.bot.get_file(file_id)
        except BadRequest as error:
            if "too big" in error.message.lower():  # over the Bot API's 20 MB
                raise FileTooBig(None, TELEGRAM_DOWNLOAD_LIMIT) from error
            raise FileUnavailable(error.message) from error
        except TelegramError as error:
            log.warning("getFile failed: %s", error)
            raise FileUnavailable(str(error)) from error
        return RemoteFile(file.file_id, file.file_unique_id, file.file_size, file.file_path)

    async def fetch(self, remote: RemoteFile) -> bytes:
        """The file's bytes, in memory (never written to disk)."""
        file = File(
            remote.file_id, remote.file_unique_id, file_size=remote.size, file_path=remote.path
        )
        file.set_bot(self.bot)
        try:
            return bytes(await file.download_as_bytearray(read_timeout=DOWNLOAD_TIMEOUT))
        except TelegramError as error:
            log.warning("Downloading %s failed: %s", remote.file_id, error)
            raise FileUnavailable(str(error)) from error
