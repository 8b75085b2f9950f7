"""Logging set-up that never lets the bot token or the webhook secret reach a log line."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

# A bot token anywhere in a message: in URLs PTB's HTTP client logs ("/bot123:abc/getMe").
_TOKEN_RE = re.compile(r"\d{3,}:[A-Za-z0-9_-]{30,}")
# The webhook secret wherever it is named: setWebhook's parameters as PTB logs them at DEBUG
# ("'secret_token': '…'"), a form field ("secret_token=…") or the header Telegram sends.
_SECRET_RE = re.compile(r"""(secret[-_]token['"]?\s*[:=]\s*['"]?)[^'"\s,&;)}\]]+""", re.IGNORECASE)


class RedactTokens(logging.Filter):
    """Redact bot tokens and webhook secrets in every record.

    The configured ones, anything shaped like a token and any value named `secret_token`.
    """

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self.secrets = [s for s in secrets or [] if s]

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        text = _SECRET_RE.sub(r"\1[REDACTED]", text)
        return _TOKEN_RE.sub("[REDACTED]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redacted, so arguments cannot leak it either."""
        message = record.getMessage()
        clean = self._clean(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        return True


def setup_logging(level: str, secrets: list[str] | None = None) -> None:
    """Log to stderr at `level`, with httpx quiet and every handler redacting tokens."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    root.setLevel(level)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    install_redaction(secrets)


def install_redaction(secrets: list[str] | None = None) -> None:
    """Put the redacting filter on every handler of the root logger."""
    redact = RedactTokens(secrets)
    for handler in logging.getLogger().handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactTokens)]:
            handler.removeFilter(old)
        handler.addFilter(redact)


class RateLimit(logging.Filter):
    """Let through `burst` records of one kind per `window` seconds; count the rest.

    A flood (a failing accept() on every connection of an attack) then costs a few lines, and
    the next line that gets through says how many were held back.
    """

    def __init__(
        self, burst: int = 5, window: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__()
        self.burst, self.window, self.clock = burst, window, clock
        self._seen: dict[tuple[str, str], list[float]] = {}  # kind → [window start, n, held]

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether this record may be written."""
        now = self.clock()
        key = (record.name, str(record.msg)[:200])
        if len(self._seen) > 1000:
            self._seen.clear()
        start, count, held = self._seen.setdefault(key, [now, 0, 0])
        if now - start >= self.window:
            start, count = now, 0
        if count >= self.burst:
            self._seen[key] = [start, count, held + 1]
            return False
        self._seen[key] = [start, count + 1, 0]
        if held:
            record.msg, record.args = f"{record.getMessage()} ({int(held)} like it held back)", None
        return True


def rate_limit_logger(logger: logging.Logger, *, burst: int = 5, window: float = 10.0) -> None:
    """Put a RateLimit filter on `logger` (once)."""
    if not any(isinstance(f, RateLimit) for f in logger.filters):
        logger.addFilter(RateLimit(burst, window))
