"""Why a link could not be read, each with a short reason a chat user understands."""

from __future__ import annotations


class FetchError(Exception):
    """A link was not fetched or not usable; ``reason`` is safe to show in the chat."""

    reason = "I couldn't read that page."

    def __init__(self, reason: str | None = None) -> None:
        if reason is not None:
            self.reason = reason
        super().__init__(self.reason)


class UnsupportedUrl(FetchError):
    """Not an http(s) URL we open: bad syntax, other scheme, credentials, odd port."""


class ForbiddenAddress(FetchError):
    """The host is, or resolves to, a private, local or otherwise non-public address."""

    def __init__(self, address: str, category: str) -> None:
        self.address = address
        self.category = category
        super().__init__(
            "That link points to a private network address; I only fetch public web pages."
        )


class ConnectionFailed(FetchError):
    """DNS, TCP or TLS failed, or the server hung up."""


class PageTimeout(FetchError):
    """The server did not deliver the page within the time limit."""

    reason = "The page took too long to load."


class PageTooLarge(FetchError):
    """The body passed the byte cap (declared or while streaming)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        size = format_size(max_bytes)
        super().__init__(f"The page is larger than {size}; send the text instead.")


class UnsupportedContentType(FetchError):
    """The server sent something other than HTML or plain text."""

    def __init__(self, content_type: str) -> None:
        self.content_type = content_type
        super().__init__(
            f"I can only read web pages (HTML or plain text), not {content_type or 'this file'}."
        )


class TooManyRedirects(FetchError):
    """The redirect chain was longer than allowed."""

    reason = "Too many redirects."


class HttpStatusError(FetchError):
    """The server answered with a non-2xx status."""

    def __init__(self, status: int) -> None:
        self.status = status
        hint = _STATUS_HINTS.get(status, "")
        super().__init__(f"The site answered {status}{hint}.")


class NoArticleText(FetchError):
    """The page was fetched but holds no main text worth checking."""

    reason = "I couldn't find any article text on that page; paste the text instead."


_STATUS_HINTS = {
    401: " (login required)",
    403: " (access denied)",
    404: " (page not found)",
    410: " (page removed)",
    429: " (too many requests; try again later)",
    451: " (unavailable for legal reasons)",
}


def format_size(n_bytes: int) -> str:
    """Render a byte count the way people say it: "2 MB", "64 KB" (decimal units)."""
    for unit, size in (("MB", 1_000_000), ("KB", 1_000)):
        if n_bytes >= size:
            return f"{n_bytes / size:.1f}".removesuffix(".0") + f" {unit}"
    return f"{n_bytes} bytes"
