"""Fetch a web page safely: public addresses only, every hop checked, size and time capped."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from bot.i18n import N_
from bot.intake.web.addresses import AllowedHosts, address_block_reason, parse_ip
from bot.intake.web.charsets import decode_page
from bot.intake.web.errors import (
    ConnectionFailed,
    FetchError,
    ForbiddenAddress,
    HttpStatusError,
    PageTimeout,
    PageTooLarge,
    TooManyRedirects,
    UnsupportedContentType,
    UnsupportedUrl,
)

if TYPE_CHECKING:
    from bot.app.config import Settings

log = logging.getLogger(__name__)

ACCEPTED_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
STANDARD_PORTS = frozenset({80, 443})
DEFAULT_USER_AGENT = "factcheck-bot/0.1 (+https://github.com/factcheck-bot; fact-checking desk)"
_CHUNK = 64 * 1024
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# A last label made only of digits (or 0x…) is an IP in disguise ("127.1", "2130706433").
_NUMERIC_HOST_RE = re.compile(r"(?:^|\.)(?:0x[0-9a-f]*|[0-9]+)$", re.I)
INVALID_ADDRESS = N_("That doesn't look like a valid web address.")


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A page as it was received: where we asked, where we ended up, bytes and decoded text."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str
    body: bytes
    text: str


class VettingResolver(AbstractResolver):
    """Resolve names, then hand the connector only the addresses that passed the policy.

    The connector connects to exactly what this returns, so the address checked is the
    address connected to: a DNS answer that changes between a check and the connection
    (DNS rebinding) cannot slip through.
    """

    def __init__(self, allowed: AllowedHosts, base: AbstractResolver | None = None) -> None:
        self._allowed = allowed
        self._base = base
        self._owns_base = base is None

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve ``host`` and drop every non-public address unless the host is allowed."""
        if self._base is None:
            self._base = aiohttp.DefaultResolver()
        results = await self._base.resolve(host, port, family)
        if not results:
            # aiohttp turns an OSError into "name does not resolve"; an empty list would crash.
            raise OSError(f"no addresses for {host}")
        if self._allowed.permits(host, port):
            return results
        vetted = [r for r in results if _is_public(r["host"])]
        if not vetted:
            first = results[0]["host"]
            raise ForbiddenAddress(first, address_block_reason(parse_ip(first)) or "unknown")
        return vetted

    async def close(self) -> None:
        """Close the wrapped resolver if this one created it."""
        if self._base is not None and self._owns_base:
            await self._base.close()


def _is_public(address: str) -> bool:
    """True when a resolved address string is a public unicast address."""
    ip = parse_ip(address)
    return ip is not None and address_block_reason(ip) is None


class PageFetcher:
    """One HTTP client session that fetches public web pages under strict limits."""

    def __init__(
        self,
        *,
        allowed_hosts: frozenset[str] = frozenset(),
        connect_timeout: float = 5.0,
        read_timeout: float = 10.0,
        max_bytes: int = 2_000_000,
        max_redirects: int = 5,
        user_agent: str = DEFAULT_USER_AGENT,
        resolver: AbstractResolver | None = None,
    ) -> None:
        self.allowed = AllowedHosts.parse(allowed_hosts)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self._resolver = VettingResolver(self.allowed, resolver)
        self._session: aiohttp.ClientSession | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> PageFetcher:
        """Build a fetcher from the FETCH_* settings."""
        timeout = settings.fetch_timeout_seconds
        return cls(
            allowed_hosts=frozenset(settings.fetch_allowed_hosts),
            connect_timeout=min(5.0, timeout),
            read_timeout=timeout,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
        )

    async def __aenter__(self) -> PageFetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session and the resolver."""
        if self._session is not None:
            await self._session.close()
            self._session = None
        await self._resolver.close()

    def _get_session(self) -> aiohttp.ClientSession:
        """Create the session on first use (it must be born inside the running loop)."""
        if self._session is None:
            connector = aiohttp.TCPConnector(resolver=self._resolver, use_dns_cache=False)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=self.read_timeout,
                    connect=self.connect_timeout,
                    sock_connect=self.connect_timeout,
                ),
                headers={
                    "User-Agent": self.user_agent,
                    "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
                },
                # No shared cookies between users' links; no env proxy that would resolve
                # names on our behalf and defeat the address check.
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
            )
        return self._session

    def check_url(self, url: str | URL) -> URL:
        """Validate scheme, credentials, port and literal addresses before any connection."""
        try:
            parsed = URL(url) if isinstance(url, str) else url
            port = parsed.port
        except (ValueError, TypeError) as exc:
            raise UnsupportedUrl(INVALID_ADDRESS) from exc
        if parsed.scheme not in ("http", "https"):
            raise UnsupportedUrl(N_("I can only open http:// and https:// links."))
        if parsed.user is not None or parsed.password is not None:
            raise UnsupportedUrl(N_("I don't open links with a user name or password in them."))
        host = (parsed.raw_host or "").rstrip(".").lower()
        if not host or port is None:
            raise UnsupportedUrl(INVALID_ADDRESS)
        if self.allowed.permits(host, port):
            return parsed
        if port not in STANDARD_PORTS:
            raise UnsupportedUrl(N_("I only open web pages on the standard ports (80 and 443)."))
        ip = parse_ip(host)
        if ip is not None:
            reason = address_block_reason(ip)
            if reason is not None:
                raise ForbiddenAddress(str(ip), reason)
        elif _NUMERIC_HOST_RE.search(host):
            raise UnsupportedUrl(
                N_("That link uses an unusual numeric address; please send the usual web address.")
            )
        return parsed

    async def fetch(self, url: str) -> FetchedPage:
        """Fetch ``url`` following at most ``max_redirects`` checked redirects."""
        try:
            async with asyncio.timeout(self.read_timeout):
                return await self._fetch_chain(url)
        except TimeoutError as exc:
            raise PageTimeout() from exc

    async def _fetch_chain(self, url: str) -> FetchedPage:
        """Follow redirects by hand so each hop's address is vetted."""
        current = self.check_url(url)
        redirects = 0
        session = self._get_session()
        while True:
            try:
                async with session.get(current, allow_redirects=False) as resp:
                    location = resp.headers.get("Location")
                    if resp.status in REDIRECT_STATUSES and location:
                        redirects += 1
                        if redirects > self.max_redirects:
                            raise TooManyRedirects()
                        current = self.check_url(_join(current, location))
                        continue
                    return await self._read_page(url, current, resp)
            except aiohttp.ClientError as exc:
                raise _translate_client_error(exc) from exc

    async def _read_page(self, url: str, final: URL, resp: aiohttp.ClientResponse) -> FetchedPage:
        """Check status and type, then stream the body under the byte cap and decode it."""
        if not 200 <= resp.status < 300:
            raise HttpStatusError(resp.status)
        declared_type = "Content-Type" in resp.headers
        content_type = resp.content_type.lower()
        if declared_type and content_type not in ACCEPTED_TYPES:
            raise UnsupportedContentType(content_type)
        if resp.content_length is not None and resp.content_length > self.max_bytes:
            raise PageTooLarge(self.max_bytes)
        body = await self._read_capped(resp)
        if not declared_type:
            content_type = _sniff_type(body)
        charset, text = decode_page(body, _declared_charsets(resp.charset, body, content_type))
        return FetchedPage(url, str(final), resp.status, content_type, charset, body, text)

    async def _read_capped(self, resp: aiohttp.ClientResponse) -> bytes:
        """Read the body chunk by chunk and stop as soon as it passes ``max_bytes``."""
        body = bytearray()
        async for chunk in resp.content.iter_chunked(_CHUNK):
            body += chunk
            if len(body) > self.max_bytes:
                raise PageTooLarge(self.max_bytes)
        return bytes(body)


def _join(base: URL, location: str) -> URL:
    """Resolve a (possibly relative) Location header against the current URL."""
    try:
        return base.join(URL(location))
    except ValueError as exc:
        raise UnsupportedUrl(N_("The site redirected to an invalid address.")) from exc


def _sniff_type(body: bytes) -> str:
    """Guess the type of a body sent without Content-Type; only HTML is accepted."""
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    raise UnsupportedContentType(None)


def _declared_charsets(header: str | None, body: bytes, content_type: str) -> list[str | None]:
    """The charsets a page declares: its Content-Type header, then a <meta> in HTML."""
    declared = [header]
    if content_type != "text/plain":
        match = _META_CHARSET_RE.search(body[:4096])
        if match:
            declared.append(match.group(1).decode("ascii", errors="ignore"))
    return declared


def _translate_client_error(exc: aiohttp.ClientError) -> FetchError:
    """Turn an aiohttp error into a FetchError a chat user understands."""
    if isinstance(exc, TimeoutError):
        return PageTimeout()
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return ConnectionFailed(N_("I couldn't find that website: its name doesn't resolve."))
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return ConnectionFailed(
            N_("The site's secure connection (TLS certificate) didn't check out.")
        )
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ConnectionFailed(N_("I couldn't connect to that website."))
    if isinstance(exc, aiohttp.InvalidURL):
        return UnsupportedUrl(INVALID_ADDRESS)
    return ConnectionFailed(N_("The site broke off the connection before sending the page."))
