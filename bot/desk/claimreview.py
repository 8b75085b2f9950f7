"""schema.org ClaimReview in: finding reviews in JSON-LD, and mapping a rating to our verdict.

The mapping is documented in docs/export.md ("Importing"): the publisher's words first
(`alternateName`, then `name`), in English, Ukrainian or Russian; else the number on its own
scale; a rating that maps to neither is kept as the publisher wrote it and the claim is settled
as unproven.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from bot.desk.export import review_rating
from bot.desk.rating_words import RATING_WORDS
from storage.models import ClaimStatus

MAX_KEY = 500  # a longer URL is keyed by its digest
MAX_REVIEW_BYTES = 64_000

_PUNCTUATION = re.compile(r"[^\w\s']+")
_CLAUSE = re.compile(r"[.,;:!?()\[\]—–|/]| - ")


class BadReview(Exception):
    """A ClaimReview that cannot become a claim; `str` says why."""


@dataclass(frozen=True)
class ReviewFields:
    """What a ClaimReview says, read into plain fields."""

    key: str
    claim_text: str
    verdict: str | None  # None: the rating maps to none of ours
    rating: str
    rating_value: float | None
    best_rating: float | None
    worst_rating: float | None
    url: str | None
    publisher: str | None
    publisher_url: str | None
    reviewed_at: datetime | None
    claimant: str | None
    appearance_url: str | None
    appearance_title: str | None
    appeared_at: datetime | None
    language: str | None
    review: str  # the original, as compact JSON


def is_claim_review(value: object) -> bool:
    """Whether a JSON-LD node is a ClaimReview ("ClaimReview", "schema:…", a full IRI, a list)."""
    if not isinstance(value, dict):
        return False
    kinds = value.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "ClaimReview"
               for k in kinds)  # fmt: skip


def claim_reviews(value: object, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ClaimReview inside a JSON-LD value (graphs, lists, feeds, nested nodes), with paths."""
    if is_claim_review(value):
        assert isinstance(value, dict)
        yield path, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from claim_reviews(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and key != "@context":
                yield from claim_reviews(item, f"{path}.{key}" if path else key)


def normalise_rating(text: str) -> str:
    """Lower case, punctuation and extra spaces gone: "Pants-on-Fire!" → "pants on fire"."""
    return " ".join(_PUNCTUATION.sub(" ", text.replace("-", " ")).casefold().split())


def rating_from_words(text: str) -> str | None:
    """Our verdict for a publisher's rating words, or None (whole text, then its first clause)."""
    if not text:
        return None
    whole = normalise_rating(text)
    if whole in RATING_WORDS:
        return RATING_WORDS[whole]
    first = normalise_rating(_CLAUSE.split(text, maxsplit=1)[0])
    return RATING_WORDS.get(first)


def rating_from_number(value: float | None, best: float | None, worst: float | None) -> str | None:
    """Our verdict for a rating on its own scale (schema.org defaults: best 5, worst 1).

    The number's place p from worst (0) to best (1): p ≤ 0.125 false (1 of 1–5), p < 0.625
    misleading (2 and 3 of 1–5), else true (4 and 5).
    """
    if value is None:
        return None
    best = 5.0 if best is None else best
    worst = 1.0 if worst is None else worst
    if best == worst or not min(best, worst) <= value <= max(best, worst):
        return None
    place = (value - worst) / (best - worst)
    if place <= 0.125:
        return ClaimStatus.FALSE
    return ClaimStatus.MISLEADING if place < 0.625 else ClaimStatus.TRUE


def _number(value: object) -> float | None:
    """A rating number (a JSON number or a numeric string), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            return None
    return None


def _text(value: object) -> str | None:
    """A plain string property, or a node's name, or the first of a list; stripped."""
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _node(value: object) -> dict[str, Any]:
    """A JSON-LD node (the first of a list), or an empty one."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return value if isinstance(value, dict) else {}


def _web_url(value: object) -> str | None:
    """An http(s) address, stripped, else None."""
    text = _text(value) if not isinstance(value, str) else value.strip()
    return text if text and text.startswith(("http://", "https://")) else None


def parse_date(value: object) -> datetime | None:
    """An ISO date or date-time as an aware UTC moment (a date is its midnight), else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text[:10]), time())
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None


def review_key(url: str | None, publisher: str | None, claim: str, reviewed: object) -> str:
    """What makes a review the same one again: its URL, else publisher, claim and date."""
    if url and len(url) <= MAX_KEY:
        return url
    basis = url or json.dumps([publisher, claim, str(reviewed)], ensure_ascii=False)
    return ("url:" if url else "nourl:") + hashlib.sha256(basis.encode()).hexdigest()


def read_review(review: dict[str, Any], *, page_url: str | None = None) -> ReviewFields:
    """The fields of one ClaimReview; raises BadReview when it cannot be a claim."""
    claim_text = _text(review.get("claimReviewed"))
    if not claim_text:
        raise BadReview("no claimReviewed (the claim's text)")
    rating_node = _node(review.get("reviewRating"))
    if not rating_node:
        raise BadReview("no reviewRating")
    short, long = _text(rating_node.get("alternateName")), _text(rating_node.get("name"))
    words = short or long or ""
    value = _number(rating_node.get("ratingValue"))
    best, worst = _number(rating_node.get("bestRating")), _number(rating_node.get("worstRating"))
    if not words and value is None:
        raise BadReview("its reviewRating has neither words (alternateName, name) nor a number")
    verdict = (
        rating_from_words(short or "")
        or rating_from_words(long or "")
        or rating_from_number(value, best, worst)
    )
    author = _node(review.get("author")) or _node(review.get("publisher"))
    publisher = _text(author) or _text(review.get("author"))
    url = _web_url(review.get("url")) or page_url
    item = _node(review.get("itemReviewed"))
    appearance = _node(item.get("appearance")) or _node(item.get("firstAppearance"))
    encoded = json.dumps(review, ensure_ascii=False, separators=(",", ":"))
    if len(encoded.encode()) > MAX_REVIEW_BYTES:
        raise BadReview(f"over {MAX_REVIEW_BYTES // 1000} kB")
    identifier = _text(review.get("identifier"))
    key = review_key(url, publisher, claim_text, review.get("datePublished"))
    if url is None and identifier:
        key = review_key(None, "identifier", identifier, None)
    reviewed_at = parse_date(review.get("datePublished")) or parse_date(review.get("dateCreated"))
    appeared_at = parse_date(item.get("datePublished")) or parse_date(
        appearance.get("datePublished")
    )
    return ReviewFields(
        key=key,
        claim_text=claim_text,
        verdict=verdict,
        rating=words or _format_number(value, best, worst),
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        url=url,
        publisher=publisher,
        publisher_url=_web_url(author.get("url")),
        reviewed_at=reviewed_at,
        claimant=_text(item.get("author")),
        appearance_url=_web_url(appearance.get("url")) or _web_url(item.get("url")),
        appearance_title=_text(appearance.get("headline")) or _text(appearance.get("name")),
        appeared_at=appeared_at,
        language=_text(review.get("inLanguage")),
        review=encoded,
    )  # fmt: skip


def _format_number(value: float | None, best: float | None, worst: float | None) -> str:
    """'2 of 1–5' for a rating given only as a number."""

    def plain(number: float) -> str:
        return f"{number:g}"

    if value is None:
        return ""
    return f"{plain(value)} of {plain(worst or 1.0)}–{plain(best or 5.0)}"


def reviews_of_api_claim(claim: dict[str, Any]) -> list[dict[str, Any]]:
    """A claim as Google's Fact Check Tools API gives it (`claims:search`) as ClaimReviews.

    {"text", "claimant", "claimDate", "claimReview": [{"publisher": {"name", "site"}, "url",
    "title", "reviewDate", "textualRating", "languageCode"}]}: one review per entry.
    """
    reviews = claim.get("claimReview")
    if not isinstance(reviews, list):
        return []
    item: dict[str, Any] = {"@type": "Claim"}
    if claimant := _text(claim.get("claimant")):
        item["author"] = {"@type": "Person", "name": claimant}
    if isinstance(claim.get("claimDate"), str):
        item["datePublished"] = claim["claimDate"]
    found = []
    for entry in reviews:
        if not isinstance(entry, dict):
            continue
        publisher = _node(entry.get("publisher"))
        author: dict[str, Any] = {"@type": "Organization", "name": _text(publisher)}
        if site := _text(publisher.get("site")):
            author["url"] = site if "://" in site else f"https://{site}"
        review = {
            "@context": "https://schema.org", "@type": "ClaimReview", "url": entry.get("url"),
            "claimReviewed": claim.get("text"), "author": author,
            "datePublished": entry.get("reviewDate"), "headline": entry.get("title"),
            "inLanguage": entry.get("languageCode"), "itemReviewed": item,
            "reviewRating": {"@type": "Rating", "alternateName": entry.get("textualRating")}
            if entry.get("textualRating") else None,
        }  # fmt: skip
        found.append({key: value for key, value in review.items() if value is not None})
    return found


def review_of_exported_claim(claim: dict[str, Any], team: dict[str, Any]) -> dict[str, Any] | None:
    """A claim of our own JSON export as a ClaimReview (None when it has no verdict).

    A claim that was itself imported carries its original review, which comes back as it was.
    """
    original = claim.get("review")
    if is_claim_review(original):
        assert isinstance(original, dict)
        return original
    verdict = claim.get("verdict")
    if verdict not in ("true", "misleading", "false", "unproven"):
        return None
    article = _node(claim.get("article"))
    item: dict[str, Any] = {"@type": "Claim"}
    if claimant := _text(claim.get("claimant")):
        item["author"] = {"@type": "Person", "name": claimant}
    fields = (
        ("url", article.get("url")),
        ("headline", article.get("title")),
        ("datePublished", article.get("published_at")),
    )
    appearance = {key: value for key, value in fields if value}
    if appearance:
        item["appearance"] = {"@type": "CreativeWork", **appearance}
    return {
        "@context": "https://schema.org", "@type": "ClaimReview",
        "claimReviewed": claim.get("text"),
        "author": {"@type": "Organization", "name": team.get("title") or "Fact-check desk"},
        "datePublished": claim.get("verdict_at"), "reviewRating": review_rating(str(verdict)),
        "itemReviewed": item,
        # No URL of its own: the exporting desk and the claim's number are what make it the same.
        "identifier": f"factcheck-bot:{team.get('chat_id')}/{claim.get('id')}",
    }  # fmt: skip
