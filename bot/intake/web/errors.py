"""Why a link could not be read, each with a short reason a chat user understands.

Each is a DeskError: `error.say(words)` is the reason in the chat's language, `error.reason`
(`str(error)`) the English one for logs and the command line.
"""

from __future__ import annotations

from bot.desk.errors import DeskError
from bot.i18n import ENGLISH, N_, Lazy, Words


class FetchError(DeskError):
    """A link was not fetched or not usable; `say(words)` is safe to show in the chat."""

    default: Lazy = N_("I couldn't read that page.")

    def __init__(self, message: str | None = None, /, **values: object) -> None:
        super().__init__(message or self.default, **values)

    @property
    def reason(self) -> str:
        """The reason in English (logs, the command line)."""
        return str(self)


class UnsupportedUrl(FetchError):
    """Not an http(s) URL we open: bad syntax, other scheme, credentials, odd port."""


class ForbiddenAddress(FetchError):
    """The host is, or resolves to, a private, local or otherwise non-public address."""

    def __init__(self, address: str, category: str) -> None:
        self.address = address
        self.category = category
        super().__init__(
            N_("That link points to a private network address; I only fetch public web pages.")
        )


class ConnectionFailed(FetchError):
    """DNS, TCP or TLS failed, or the server hung up."""


class PageTimeout(FetchError):
    """The server did not deliver the page within the time limit."""

    default = N_("The page took too long to load.")


class PageTooLarge(FetchError):
    """The body passed the byte cap (declared or while streaming)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        super().__init__(_TOO_LARGE, size=format_size(max_bytes))

    def say(self, words: Words) -> str:
        return words._(_TOO_LARGE, size=format_size(self.max_bytes, words))


# TRANSLATORS: {size} is a size such as "2 MB".
_TOO_LARGE = N_("The page is larger than {size}; send the text instead.")


class UnsupportedContentType(FetchError):
    """The server sent something other than HTML or plain text (None: it did not say, and the
    body is not HTML)."""

    def __init__(self, content_type: str | None) -> None:
        self.content_type = content_type or ""
        if content_type is None:
            super().__init__(
                N_("I can only read web pages (HTML or plain text), not an unknown type.")
            )
        elif content_type:
            super().__init__(
                # TRANSLATORS: {content_type} is a MIME type such as "application/pdf".
                N_("I can only read web pages (HTML or plain text), not {content_type}."),
                content_type=content_type,
            )
        else:
            super().__init__(N_("I can only read web pages (HTML or plain text), not this file."))


class TooManyRedirects(FetchError):
    """The redirect chain was longer than allowed."""

    default = N_("Too many redirects.")


class HttpStatusError(FetchError):
    """The server answered with a non-2xx status."""

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(_STATUS_REASONS.get(status, _STATUS_REASON), status=status)


class NoArticleText(FetchError):
    """The page was fetched but holds no main text worth checking."""

    default = N_("I couldn't find any article text on that page; paste the text instead.")


# TRANSLATORS: {status} is an HTTP status code such as 404.
_STATUS_REASON = N_("The site answered {status}.")
_STATUS_REASONS = {
    401: N_("The site answered {status} (login required)."),
    403: N_("The site answered {status} (access denied)."),
    404: N_("The site answered {status} (page not found)."),
    410: N_("The site answered {status} (page removed)."),
    429: N_("The site answered {status} (too many requests; try again later)."),
    451: N_("The site answered {status} (unavailable for legal reasons)."),
}


def format_size(n_bytes: int, words: Words = ENGLISH) -> str:
    """Render a byte count the way people say it: "2 MB", "64 KB" (decimal units)."""
    if n_bytes >= 1_000_000:
        # TRANSLATORS: a size in megabytes ("2 MB").
        return words._("{size} MB", size=words.number(round(n_bytes / 1_000_000, 1)))
    if n_bytes >= 1_000:
        # TRANSLATORS: a size in kilobytes ("64 KB").
        return words._("{size} KB", size=words.number(round(n_bytes / 1_000, 1)))
    return words.ngettext("{n} byte", "{n} bytes", n_bytes)
