"""A loopback web server for tests: static pages plus slow, endless, huge and redirecting ones."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Route = str | bytes | Handler

FIXTURE_PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


@dataclass
class PageServer:
    """A running loopback server: its base URL and the paths it was asked for."""

    base_url: str
    host: str
    port: int
    hits: list[str] = field(default_factory=list)

    def url(self, path: str = "/") -> str:
        """Absolute URL of ``path`` on this server."""
        return self.base_url + path

    @property
    def netloc(self) -> str:
        """``host:port``, the form an allowed-hosts entry takes."""
        return f"{self.host}:{self.port}"


@contextlib.asynccontextmanager
async def serve_pages(routes: Mapping[str, Route]) -> AsyncIterator[PageServer]:
    """Serve ``routes`` on 127.0.0.1 at a free port: str is HTML, bytes is plain octets."""
    app = web.Application()
    server = PageServer(base_url="", host="127.0.0.1", port=0)

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        server.hits.append(request.path_qs)
        return await handler(request)

    app.middlewares.append(record)
    for path, route in routes.items():
        app.router.add_get(path, _as_handler(route))
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.port = runner.addresses[0][1]
    server.base_url = f"http://127.0.0.1:{server.port}"
    try:
        yield server
    finally:
        await runner.cleanup()


def _as_handler(route: Route) -> Handler:
    """Wrap a static body in a handler; pass handlers through."""
    if isinstance(route, str):
        return page(route)
    if isinstance(route, bytes):
        return page(route, content_type="application/octet-stream")
    return route


def page(
    body: str | bytes, *, content_type: str = "text/html", charset: str | None = "utf-8"
) -> Handler:
    """A page with a fixed body, content type and charset."""
    raw = body.encode(charset or "utf-8") if isinstance(body, str) else body
    value = content_type + (f"; charset={charset}" if charset else "")

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(body=raw, headers={"Content-Type": value})

    return handler


@contextlib.asynccontextmanager
async def serve_raw(response: bytes) -> AsyncIterator[PageServer]:
    """Answer every connection with exactly ``response`` bytes (for malformed HTTP)."""
    server = PageServer(base_url="", host="127.0.0.1", port=0)

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line = await reader.readline()
        server.hits.append(request_line.decode("latin-1").strip())
        while (await reader.readline()).strip():
            pass  # skip the request headers
        writer.write(response)
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()

    listener = await asyncio.start_server(answer, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    server.base_url = f"http://127.0.0.1:{server.port}"
    try:
        yield server
    finally:
        listener.close()
        await listener.wait_closed()


def fixture_page(name: str) -> Handler:
    """Serve ``tests/fixtures/pages/<name>`` as UTF-8 HTML."""
    return page((FIXTURE_PAGES / name).read_text(encoding="utf-8"))


def redirect_to(location: str, status: int = 302) -> Handler:
    """Answer with a redirect to ``location`` (absolute or relative)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, headers={"Location": location})

    return handler


def status_page(status: int, body: str = "<html><body>error</body></html>") -> Handler:
    """Answer with ``status`` and a small HTML body."""

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text=body, content_type="text/html")

    return handler


def slow_page(delay: float, body: str = "<html><body>late</body></html>") -> Handler:
    """Wait ``delay`` seconds before sending anything."""

    async def handler(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(delay)
        return web.Response(text=body, content_type="text/html")

    return handler


def endless_page(chunk: bytes = b"<p>more</p>\n", interval: float = 0.05) -> Handler:
    """Send headers, then trickle chunks forever (until the client goes away)."""

    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
        await response.prepare(request)
        await response.write(b"<html><body>")
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while True:
                await response.write(chunk)
                await asyncio.sleep(interval)
        return response

    return handler


def oversize_page(size: int, *, declare_length: bool = False) -> Handler:
    """Stream ``size`` bytes of HTML, chunked unless ``declare_length`` sends Content-Length."""

    async def handler(request: web.Request) -> web.StreamResponse:
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if declare_length:
            headers["Content-Length"] = str(size)
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        sent = 0
        with contextlib.suppress(ConnectionError):
            while sent < size:
                piece = min(64 * 1024, size - sent)
                await response.write(b"x" * piece)
                sent += piece
        return response

    return handler


class StaticResolver(AbstractResolver):
    """Resolve names from a fixed table, like a DNS server the test controls."""

    def __init__(self, table: Mapping[str, list[str]]) -> None:
        self.table = dict(table)
        self.asked: list[str] = []

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the table's addresses for ``host`` or fail like an unknown name."""
        self.asked.append(host)
        if host not in self.table:
            raise OSError(f"unknown host {host}")
        return [
            ResolveResult(
                hostname=host,
                host=address,
                port=port,
                family=socket.AF_INET6 if ":" in address else socket.AF_INET,
                proto=0,
                flags=socket.AI_NUMERICHOST,
            )
            for address in self.table[host]
        ]

    async def close(self) -> None:
        """Nothing to release."""
