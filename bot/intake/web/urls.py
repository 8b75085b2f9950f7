"""Find links in a Telegram message, tell links from prose, and canonicalise URLs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import idna

# (type, offset, length, url) as Telegram sends it; offsets count UTF-16 code units.
Entity = tuple[str, int, int, "str | None"]

# Explicit links only: "example.com" alone is too ambiguous in prose ("Fig.2", "e.g.").
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”„]+", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:!?'\"…)]}>»“”"
_COMMAND_RE = re.compile(r"^\s*/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_PCT_RE = re.compile(r"%[0-9a-fA-F]{2}")

DEFAULT_PORTS = {"http": 80, "https": 443}

# Query keys that identify a campaign or a click, never the article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "gclsrc", "yclid", "ysclid",
        "msclkid", "twclid", "ttclid", "li_fat_id", "mc_cid", "mc_eid", "igshid", "igsh",
        "si", "ref_src", "ref_url", "_ga", "_gl", "_hsenc", "_hsmi", "__hstc", "__hssc",
        "__hsfp", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "wt_mc",
        "spm", "s_cid", "cmpid", "ncid", "sr_share", "rb_clickid", "_openstat", "at_medium",
        "at_campaign", "xtor", "feature", "cid",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "stm_")


def find_urls(text: str, entities: Sequence[Entity] | None = None) -> list[str]:
    """Return the http(s) links of a message, entity links first, deduplicated in order."""
    found: list[str] = []
    for kind, offset, length, url in entities or ():
        if kind == "text_link" and url:
            found.append(url)
        elif kind == "url":
            found.append(utf16_slice(text, offset, length))
    found.extend(match for _, _, match in _regex_urls(text))
    return _dedupe(u for u in map(_with_scheme, found) if u)


def utf16_slice(text: str, offset: int, length: int) -> str:
    """Cut ``text`` by Telegram's UTF-16 offsets (emoji count as two units)."""
    raw = text.encode("utf-16-le")
    return raw[offset * 2 : (offset + length) * 2].decode("utf-16-le", errors="replace")


def _utf16_to_index(text: str, offset: int) -> int:
    """Convert a UTF-16 code-unit offset into a Python string index."""
    return len(text.encode("utf-16-le")[: offset * 2].decode("utf-16-le", errors="ignore"))


def _regex_urls(text: str) -> list[tuple[int, int, str]]:
    """Find explicit URLs in text as (start, end, url), trimming trailing punctuation."""
    spans = []
    for match in _URL_RE.finditer(text):
        url = _trim_trailing(match.group())
        spans.append((match.start(), match.start() + len(url), url))
    return spans


def _trim_trailing(url: str) -> str:
    """Drop sentence punctuation glued to a URL, keeping balanced brackets (Wikipedia)."""
    while url and url[-1] in _TRAILING_PUNCT:
        last = url[-1]
        if last == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def _with_scheme(url: str) -> str | None:
    """Give schemeless links ("www.x.com/a") http://, drop non-web schemes."""
    url = url.strip()
    if "://" not in url:
        if url.lower().startswith(("mailto:", "tel:")) or "@" in url.split("/")[0]:
            return None
        url = "http://" + url
    scheme = url.split("://", 1)[0].lower()
    return url if scheme in DEFAULT_PORTS else None


def _dedupe(urls: Iterable[str]) -> list[str]:
    """Keep the first of each link that canonicalises to the same page."""
    seen: set[str] = set()
    result = []
    for url in urls:
        key = canonical_url(url)
        if key not in seen:
            seen.add(key)
            result.append(url)
    return result


def canonical_url(url: str) -> str:
    """Normalise a URL so two links to the same article compare equal."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = canonical_host(parts.hostname or "")
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, _canonical_path(parts.path), _clean_query(parts.query), ""))


def canonical_host(host: str) -> str:
    """Lower-case a host, strip the root dot and encode international names as IDNA."""
    host = host.strip().rstrip(".").lower()
    if not host or host.isascii():
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError:
            return host


def _canonical_path(path: str) -> str:
    """Percent-encode non-ASCII, upper-case escapes, drop the trailing slash (root stays "/")."""
    # Telegram shows /новини, a browser copies /%D0%BD…: both must give the same key.
    path = quote(path, safe="/:@!$&'()*+,;=-._~%")
    path = _PCT_RE.sub(lambda m: m.group().upper(), path)
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    return path or "/"


def _clean_query(query: str) -> str:
    """Drop tracking parameters and sort the rest so order does not matter."""
    pairs = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=True)
        if not _is_tracking(key)
    ]
    return urlencode(sorted(pairs))


def _is_tracking(key: str) -> bool:
    """True for query keys that only track clicks and campaigns."""
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def strip_links(text: str, entities: Sequence[Entity] | None = None) -> str:
    """Return the message text with its visible URLs and a leading /command removed.

    The anchor text of ``text_link`` entities stays: it is prose the author wrote.
    """
    cut: list[tuple[int, int]] = []
    for kind, offset, length, _ in entities or ():
        if kind == "url":
            cut.append((_utf16_to_index(text, offset), _utf16_to_index(text, offset + length)))
    cut.extend((start, end) for start, end, _ in _regex_urls(text))
    for start, end in sorted(set(cut), reverse=True):
        text = text[:start] + " " + text[end:]
    text = _COMMAND_RE.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def is_only_links(
    text: str,
    urls: Sequence[str],
    entities: Sequence[Entity] | None = None,
    *,
    max_words: int = 6,
) -> bool:
    """True when the message is just link(s), perhaps with a few words ("look at this")."""
    if not urls:
        return False
    rest = strip_links(text, entities)
    for url in urls:
        rest = rest.replace(url, " ")
    return len(_WORD_RE.findall(rest)) <= max_words
