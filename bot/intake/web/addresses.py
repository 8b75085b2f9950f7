"""Which network addresses the fetcher may connect to, and which hosts the operator trusts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from urllib.parse import urlsplit

from bot.intake.web.urls import canonical_host

IPAddress = IPv4Address | IPv6Address

# Explicit tables rather than ip.is_private/is_global alone: those changed between Python
# patch releases, and 100.64/10 or multicast are not "private" in Python's sense.
_V4_BLOCKED: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(net), label)
    for net, label in (
        ("0.0.0.0/8", "unspecified"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignment"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "reserved"),
    )
)
_V6_BLOCKED: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(net), label)
    for net, label in (
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("100::/64", "discard-only"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("2001::/23", "IETF protocol assignment"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("fc00::/7", "unique-local"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
)
_V4_COMPATIBLE = IPv6Network("::/96")
_V4_TRANSLATED = IPv6Network("::ffff:0:0:0/96")
_NAT64 = IPv6Network("64:ff9b::/96")
_TEREDO = IPv6Network("2001::/32")


def parse_ip(host: str) -> IPAddress | None:
    """Parse a literal address (brackets and IPv6 zone allowed), or None for a name."""
    try:
        return ip_address(host.strip("[]"))
    except ValueError:
        return None


def address_block_reason(ip: IPAddress | None) -> str | None:
    """Name the non-public range ``ip`` falls in ("loopback", …), or None when it is public."""
    if ip is None:
        return "unparsable"
    if isinstance(ip, IPv4Address):
        return _v4_reason(ip)
    if ip.scope_id:
        return "scoped"
    if ip.ipv4_mapped is not None:
        # ::ffff:a.b.c.d is the IPv4 host itself, reached over a dual-stack socket.
        return _v4_reason(ip.ipv4_mapped)
    for net, label in _V6_BLOCKED:
        if ip in net:
            return label
    for embedded in _embedded_v4(ip):
        reason = _v4_reason(embedded)
        if reason is not None:
            return f"{reason} (embedded in IPv6)"
    return None if ip.is_global else "reserved"


def _v4_reason(ip: IPv4Address) -> str | None:
    """Name the non-public IPv4 range ``ip`` is in, or None."""
    for net, label in _V4_BLOCKED:
        if ip in net:
            return label
    return None if ip.is_global else "reserved"


def _embedded_v4(ip: IPv6Address) -> list[IPv4Address]:
    """IPv4 addresses an IPv6 address carries: compatible, SIIT, 6to4, Teredo, NAT64."""
    low32 = IPv4Address(int(ip) & 0xFFFFFFFF)
    found: list[IPv4Address] = []
    if ip in _V4_COMPATIBLE or ip in _V4_TRANSLATED or ip in _NAT64:
        found.append(low32)
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip in _TEREDO and ip.teredo is not None:
        found.extend(ip.teredo)
    return found


@dataclass(frozen=True, slots=True)
class AllowedHosts:
    """Hosts the operator trusts even on private addresses: ``host`` (any port) or ``host:port``."""

    entries: frozenset[tuple[str, int | None]] = frozenset()

    @classmethod
    def parse(cls, raw: Iterable[str]) -> AllowedHosts:
        """Read entries like "intranet.example", "127.0.0.1:8080", "[::1]:8080"."""
        entries = set()
        for item in raw:
            item = item.strip()
            if not item:
                continue
            parts = urlsplit("//" + item)
            host = canonical_host((parts.hostname or "").strip("[]"))
            ip = parse_ip(host)
            if host:
                entries.add((str(ip) if ip else host, parts.port))
        return cls(frozenset(entries))

    def permits(self, host: str, port: int | None) -> bool:
        """True when ``host`` (on ``port``) is one the operator allowed."""
        host = canonical_host(host.strip("[]"))
        ip = parse_ip(host)
        if ip is not None:
            host = str(ip)
        return (host, None) in self.entries or (host, port) in self.entries
