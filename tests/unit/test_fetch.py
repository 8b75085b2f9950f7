"""The safe fetcher against real loopback servers: what it refuses, and what it reads."""

from __future__ import annotations

import asyncio
import socket
from ipaddress import ip_address
from types import SimpleNamespace

import pytest

from bot.intake.web import fetch as fetch_module
from bot.intake.web.addresses import AllowedHosts, address_block_reason
from bot.intake.web.article import article_from_page
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
from bot.intake.web.fetch import PageFetcher, VettingResolver
from tests.utils.web import (
    StaticResolver,
    endless_page,
    fixture_page,
    oversize_page,
    page,
    redirect_to,
    serve_pages,
    serve_raw,
    slow_page,
    status_page,
)

HTML = "<html><head><title>T</title></head><body><p>Hello</p></body></html>"
# Generous outer limit: a refusal that needed a connection attempt would blow through it.
QUICK = 5.0

# --- the address classifier -------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "category"),
    [
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("172.31.255.255", "private"),
        ("192.168.1.1", "private"),
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("0.0.0.0", "unspecified"),
        ("0.1.2.3", "unspecified"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("100.127.255.254", "carrier-grade NAT"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "broadcast"),
        ("192.0.2.1", "documentation"),
        ("198.51.100.7", "documentation"),
        ("203.0.113.9", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("192.0.0.8", "IETF protocol assignment"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fe80::1%2", "scoped"),
        ("fc00::1", "unique-local"),
        ("fd12:3456:789a::1", "unique-local"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("100::1", "discard-only"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("::ffff:0:a00:1", "private (embedded in IPv6)"),
        ("::127.0.0.1", "loopback (embedded in IPv6)"),
        ("::10.0.0.1", "private (embedded in IPv6)"),
        ("2002:a00:1::1", "private (embedded in IPv6)"),
        ("2002:7f00:1::", "loopback (embedded in IPv6)"),
        ("64:ff9b::a00:1", "private (embedded in IPv6)"),
        ("64:ff9b::7f00:1", "loopback (embedded in IPv6)"),
        ("64:ff9b::a9fe:a9fe", "link-local (embedded in IPv6)"),
        ("64:ff9b:1::a00:1", "local-use NAT64"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "IETF protocol assignment"),
    ],
)
def test_non_public_address_is_classified(address: str, category: str) -> None:
    assert address_block_reason(ip_address(address)) == category


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "1.1.1.1",
        "93.184.216.34",
        "11.0.0.1",
        "100.128.0.1",
        "172.32.0.1",
        "192.169.0.1",
        "2606:4700:4700::1111",
        "2a00:1450:4001:80b::200e",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ],
)
def test_public_address_is_allowed(address: str) -> None:
    assert address_block_reason(ip_address(address)) is None


def test_allowed_hosts_match_host_or_host_and_port() -> None:
    allowed = AllowedHosts.parse(["Intranet.Example", "127.0.0.1:8080", "[::1]:9000", " "])
    assert allowed.permits("intranet.example", 8443)
    assert allowed.permits("127.0.0.1", 8080)
    assert not allowed.permits("127.0.0.1", 8081)
    assert allowed.permits("[0:0::1]", 9000)
    assert not allowed.permits("example.com", 443)


# --- URL checks before any connection ---------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "gopher://example.com/",
        "https://user:secret@example.com/",
        "https://user@example.com/",
        "http://example.com:8080/",
        "http://example.com:22/",
        "http://2130706433/",
        "http://127.1/",
        "http://0x7f.0.0.1/",
        "http://0177.0.0.1/",
        "http://example.com:99999/",
        "http:///nohost",
    ],
)
async def test_unsupported_urls_refused(url: str) -> None:
    async with PageFetcher() as fetcher:
        with pytest.raises(UnsupportedUrl):
            await asyncio.wait_for(fetcher.fetch(url), QUICK)


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://192.168.0.1/admin",
        "http://127.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a00:1]/",
        "http://[64:ff9b::a00:1]/",
        "http://[2002:a00:1::]/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://100.64.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
    ],
)
async def test_bare_forbidden_addresses_refused_without_connecting(url: str) -> None:
    resolver = StaticResolver({})
    async with PageFetcher(resolver=resolver, connect_timeout=30, read_timeout=30) as fetcher:
        with pytest.raises(ForbiddenAddress) as caught:
            await asyncio.wait_for(fetcher.fetch(url), QUICK)
    assert "private network address" in caught.value.reason
    assert resolver.asked == []


async def test_loopback_server_never_contacted_when_not_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with serve_pages({"/": HTML}) as server:
        # Pretend the test port is standard, so only the address rule can stop the request.
        monkeypatch.setattr(fetch_module, "STANDARD_PORTS", frozenset({80, 443, server.port}))
        async with PageFetcher() as fetcher:
            for url in (server.url("/"), f"http://localhost:{server.port}/"):
                with pytest.raises(ForbiddenAddress):
                    await asyncio.wait_for(fetcher.fetch(url), QUICK)
    assert server.hits == []


async def test_public_looking_name_resolving_to_loopback_refused() -> None:
    resolver = StaticResolver({"news.example": ["127.0.0.1"]})
    async with PageFetcher(resolver=resolver) as fetcher:
        with pytest.raises(ForbiddenAddress) as caught:
            await asyncio.wait_for(fetcher.fetch("http://news.example/story"), QUICK)
    assert resolver.asked == ["news.example"]
    assert caught.value.category == "loopback"


async def test_vetting_resolver_returns_only_public_addresses() -> None:
    base = StaticResolver({"mixed.example": ["127.0.0.1", "93.184.216.34", "10.1.1.1"]})
    vetting = VettingResolver(AllowedHosts(), base)
    results = await vetting.resolve("mixed.example", 443)
    assert [r["host"] for r in results] == ["93.184.216.34"]


async def test_vetting_resolver_passes_allowed_host_through() -> None:
    base = StaticResolver({"intranet.example": ["10.1.1.1"]})
    vetting = VettingResolver(AllowedHosts.parse(["intranet.example"]), base)
    results = await vetting.resolve("intranet.example", 80)
    assert [r["host"] for r in results] == ["10.1.1.1"]


async def test_vetting_resolver_refuses_all_private_answers() -> None:
    base = StaticResolver({"rebind.example": ["10.0.0.5", "::1"]})
    with pytest.raises(ForbiddenAddress):
        await VettingResolver(AllowedHosts(), base).resolve("rebind.example", 80)


# --- redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["http://10.0.0.1/admin", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/"],
)
async def test_redirect_from_allowed_host_into_private_address_refused(target: str) -> None:
    async with serve_pages({"/go": redirect_to(target)}) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            with pytest.raises(ForbiddenAddress):
                await asyncio.wait_for(fetcher.fetch(server.url("/go")), QUICK)
    assert server.hits == ["/go"]


async def test_redirect_to_name_resolving_to_loopback_refused() -> None:
    resolver = StaticResolver({"rebind.example": ["127.0.0.1"]})
    routes = {"/go": redirect_to("http://rebind.example/internal", status=307)}
    async with serve_pages(routes) as server:
        allowed = frozenset({server.netloc})
        async with PageFetcher(allowed_hosts=allowed, resolver=resolver) as fetcher:
            with pytest.raises(ForbiddenAddress):
                await asyncio.wait_for(fetcher.fetch(server.url("/go")), QUICK)
    assert resolver.asked == ["rebind.example"]


async def test_redirect_to_other_port_on_loopback_refused() -> None:
    async with serve_pages({"/": HTML}) as other:
        async with serve_pages({"/go": redirect_to(other.url("/"))}) as server:
            async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
                with pytest.raises(UnsupportedUrl):
                    await asyncio.wait_for(fetcher.fetch(server.url("/go")), QUICK)
    assert other.hits == []


async def test_redirect_to_other_scheme_refused() -> None:
    async with serve_pages({"/go": redirect_to("file:///etc/passwd")}) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            with pytest.raises(UnsupportedUrl):
                await asyncio.wait_for(fetcher.fetch(server.url("/go")), QUICK)


async def test_relative_redirects_followed_within_limit() -> None:
    routes = {"/a": redirect_to("/b", 301), "/b": redirect_to("c?x=1", 308), "/c": HTML}
    async with serve_pages(routes) as server:
        allowed = frozenset({server.netloc})
        async with PageFetcher(allowed_hosts=allowed, max_redirects=2) as fetcher:
            fetched = await asyncio.wait_for(fetcher.fetch(server.url("/a")), QUICK)
    assert fetched.url == server.url("/a")
    assert fetched.final_url == server.url("/c?x=1")
    assert server.hits == ["/a", "/b", "/c?x=1"]


async def test_too_many_redirects_refused() -> None:
    async with serve_pages({"/loop": redirect_to("/loop")}) as server:
        allowed = frozenset({server.netloc})
        async with PageFetcher(allowed_hosts=allowed, max_redirects=3) as fetcher:
            with pytest.raises(TooManyRedirects) as caught:
                await asyncio.wait_for(fetcher.fetch(server.url("/loop")), QUICK)
    assert caught.value.reason == "Too many redirects."
    assert len(server.hits) == 4


# --- limits: size, time, type, status -----------------------------------------------------


async def test_oversize_streamed_body_cut_off() -> None:
    async with serve_pages({"/big": oversize_page(5 * 1024 * 1024)}) as server:
        allowed = frozenset({server.netloc})
        async with PageFetcher(allowed_hosts=allowed, max_bytes=64_000) as fetcher:
            with pytest.raises(PageTooLarge) as caught:
                await asyncio.wait_for(fetcher.fetch(server.url("/big")), QUICK)
    assert caught.value.reason == "The page is larger than 64 KB; send the text instead."


async def test_oversize_declared_length_refused_before_reading() -> None:
    routes = {"/big": oversize_page(3_000_000, declare_length=True)}
    async with serve_pages(routes) as server:
        allowed = frozenset({server.netloc})
        async with PageFetcher(allowed_hosts=allowed, max_bytes=2_000_000) as fetcher:
            with pytest.raises(PageTooLarge) as caught:
                await asyncio.wait_for(fetcher.fetch(server.url("/big")), QUICK)
    assert "larger than 2 MB" in caught.value.reason


async def test_body_exactly_at_limit_accepted() -> None:
    async with serve_pages({"/p": oversize_page(1000)}) as server:
        allowed = frozenset({server.netloc})
        async with PageFetcher(allowed_hosts=allowed, max_bytes=1000) as fetcher:
            fetched = await asyncio.wait_for(fetcher.fetch(server.url("/p")), QUICK)
    assert len(fetched.body) == 1000


async def test_server_that_never_answers_is_cut_off() -> None:
    async with serve_pages({"/slow": slow_page(60)}) as server:
        allowed = frozenset({server.netloc})
        async with PageFetcher(allowed_hosts=allowed, read_timeout=0.5) as fetcher:
            with pytest.raises(PageTimeout) as caught:
                await asyncio.wait_for(fetcher.fetch(server.url("/slow")), 10)
    assert caught.value.reason == "The page took too long to load."


async def test_never_ending_body_is_cut_off() -> None:
    async with serve_pages({"/forever": endless_page()}) as server:
        allowed = frozenset({server.netloc})
        fetcher = PageFetcher(allowed_hosts=allowed, read_timeout=0.5, max_bytes=10**9)
        async with fetcher:
            with pytest.raises(PageTimeout):
                await asyncio.wait_for(fetcher.fetch(server.url("/forever")), 10)


@pytest.mark.parametrize(
    "content_type", ["application/pdf", "image/png", "application/json", "video/mp4"]
)
async def test_non_html_content_type_refused(content_type: str) -> None:
    routes = {"/file": page(b"%PDF-1.7 binary", content_type=content_type, charset=None)}
    async with serve_pages(routes) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            with pytest.raises(UnsupportedContentType) as caught:
                await asyncio.wait_for(fetcher.fetch(server.url("/file")), QUICK)
    assert caught.value.reason == (
        f"I can only read web pages (HTML or plain text), not {content_type}."
    )


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, "The site answered 404 (page not found)."),
        (403, "The site answered 403 (access denied)."),
        (500, "The site answered 500."),
    ],
)
async def test_error_status_refused(status: int, reason: str) -> None:
    async with serve_pages({"/x": status_page(status)}) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            with pytest.raises(HttpStatusError) as caught:
                await asyncio.wait_for(fetcher.fetch(server.url("/x")), QUICK)
    assert caught.value.reason == reason
    assert caught.value.status == status


async def test_connection_refused_reported() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with PageFetcher(allowed_hosts=frozenset({f"127.0.0.1:{port}"})) as fetcher:
        with pytest.raises(ConnectionFailed) as caught:
            await asyncio.wait_for(fetcher.fetch(f"http://127.0.0.1:{port}/"), QUICK)
    assert caught.value.reason == "I couldn't connect to that website."


async def test_unknown_name_reported() -> None:
    async with PageFetcher(resolver=StaticResolver({})) as fetcher:
        with pytest.raises(ConnectionFailed) as caught:
            await asyncio.wait_for(fetcher.fetch("https://no-such-site.example/"), QUICK)
    assert "doesn't resolve" in caught.value.reason


async def test_every_refusal_is_a_fetch_error() -> None:
    async with PageFetcher() as fetcher:
        with pytest.raises(FetchError):
            await fetcher.fetch("http://10.0.0.1/")


# --- what gets through --------------------------------------------------------------------


async def test_allowed_loopback_page_fetched_and_parsed() -> None:
    async with serve_pages({"/world/grain": fixture_page("wire_story_en.html")}) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            fetched = await asyncio.wait_for(fetcher.fetch(server.url("/world/grain")), QUICK)
    assert (fetched.status, fetched.content_type, fetched.charset) == (200, "text/html", "utf-8")
    article = article_from_page(fetched)
    assert article.title == (
        "Grain exports through Black Sea corridor rose 18% in April, port authority says"
    )
    assert article.author == "Maria Kovalenko"
    assert article.published is not None
    assert article.published.isoformat() == "2024-05-14T09:42:00+00:00"
    assert "4.1 million metric tons" in article.text
    assert "Share on Facebook" not in article.text


async def test_allowed_name_connects_to_its_vetted_address() -> None:
    resolver = StaticResolver({"intranet.example": ["127.0.0.1"]})
    async with serve_pages({"/": HTML}) as server:
        allowed = frozenset({"intranet.example"})
        async with PageFetcher(allowed_hosts=allowed, resolver=resolver) as fetcher:
            url = f"http://intranet.example:{server.port}/"
            fetched = await asyncio.wait_for(fetcher.fetch(url), QUICK)
    assert fetched.final_url == url
    assert server.hits == ["/"]


async def test_charset_from_header_decodes_cyrillic() -> None:
    body = "<html><body><p>Новини дня</p></body></html>"
    routes = {"/cp": page(body.encode("windows-1251"), charset="windows-1251")}
    async with serve_pages(routes) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            fetched = await asyncio.wait_for(fetcher.fetch(server.url("/cp")), QUICK)
    assert fetched.charset == "cp1251"
    assert "Новини дня" in fetched.text


async def test_charset_from_meta_when_header_has_none() -> None:
    body = '<html><head><meta charset="koi8-u"></head><body><p>Київ</p></body></html>'
    routes = {"/m": page(body.encode("koi8-u"), charset=None)}
    async with serve_pages(routes) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            fetched = await asyncio.wait_for(fetcher.fetch(server.url("/m")), QUICK)
    assert fetched.charset == "koi8-u"
    assert "Київ" in fetched.text


async def test_undeclared_charset_falls_back_to_utf8_with_replacement() -> None:
    routes = {"/u": page(b"<html><body>caf\xe9 \xd0\x9a</body></html>", charset=None)}
    async with serve_pages(routes) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            fetched = await asyncio.wait_for(fetcher.fetch(server.url("/u")), QUICK)
    assert fetched.charset == "utf-8"
    assert "caf\ufffd К" in fetched.text


async def test_plain_text_page_accepted() -> None:
    text = "Council votes on fares\n\n" + "The council voted 31 to 14 to raise fares. " * 5
    routes = {"/t.txt": page(text, content_type="text/plain")}
    async with serve_pages(routes) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            fetched = await asyncio.wait_for(fetcher.fetch(server.url("/t.txt")), QUICK)
    assert fetched.content_type == "text/plain"
    assert article_from_page(fetched).title == "Council votes on fares"


async def test_missing_content_type_sniffed_as_html() -> None:
    body = b"<!DOCTYPE html><html><p>hi</p></html>"
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    raw += body
    async with serve_raw(raw) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            fetched = await asyncio.wait_for(fetcher.fetch(server.url("/")), QUICK)
    assert fetched.content_type == "text/html"


async def test_missing_content_type_with_binary_body_refused() -> None:
    raw = b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\nConnection: close\r\n\r\n\x89PNG\r\n\x1a\n"
    async with serve_raw(raw) as server:
        async with PageFetcher(allowed_hosts=frozenset({server.netloc})) as fetcher:
            with pytest.raises(UnsupportedContentType):
                await asyncio.wait_for(fetcher.fetch(server.url("/")), QUICK)


async def test_one_session_reused_and_closed() -> None:
    async with serve_pages({"/": HTML}) as server:
        fetcher = PageFetcher(allowed_hosts=frozenset({server.netloc}))
        async with fetcher:
            await fetcher.fetch(server.url("/"))
            session = fetcher._session
            await fetcher.fetch(server.url("/"))
            assert fetcher._session is session
        assert session is not None and session.closed


async def test_name_without_addresses_reported_as_unresolvable() -> None:
    async with PageFetcher(resolver=StaticResolver({"empty.example": []})) as fetcher:
        with pytest.raises(ConnectionFailed) as caught:
            await asyncio.wait_for(fetcher.fetch("https://empty.example/"), QUICK)
    assert "doesn't resolve" in caught.value.reason


def test_fetcher_built_from_settings() -> None:
    settings = SimpleNamespace(
        fetch_allowed_hosts=frozenset({"127.0.0.1:8080"}),
        fetch_timeout_seconds=10.0,
        fetch_max_bytes=2_000_000,
        fetch_max_redirects=5,
    )
    fetcher = PageFetcher.from_settings(settings)  # type: ignore[arg-type]
    assert fetcher.allowed.permits("127.0.0.1", 8080)
    assert (fetcher.read_timeout, fetcher.connect_timeout) == (10.0, 5.0)
    assert (fetcher.max_bytes, fetcher.max_redirects) == (2_000_000, 5)
