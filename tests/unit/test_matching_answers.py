"""The "Already checked" line: verdict, short date, who checked it, why, and the links."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import ENGLISH
from bot.matching.answers import KnownVerdict, _review_headline
from handlers.render import already_checked, card_link

NOW = datetime(2026, 12, 2, tzinfo=UTC)
IMPORTED = KnownVerdict(
    12, "false", datetime(2026, 11, 20, tzinfo=UTC), "StopFake", "Fake: no such law",
    "https://stopfake.example/a",
)  # fmt: skip
OWN = KnownVerdict(
    7, "misleading", datetime(2025, 3, 4, tzinfo=UTC), None, "Figures are from 2019",
    None, -1001234567890, 55,
)  # fmt: skip


def test_an_imported_check_names_its_publisher_linked_to_the_review() -> None:
    line = already_checked(IMPORTED, ENGLISH, NOW)
    assert line == (
        '🔁 <b>Already checked:</b> ❌ False, 20 Nov — <a href="https://stopfake.example/a">'
        "StopFake</a>: Fake: no such law"
    )


def test_the_desks_own_verdict_links_its_card_in_the_group_only() -> None:
    assert already_checked(OWN, ENGLISH, NOW) == (
        "🔁 <b>Already checked:</b> 🟡 Misleading, 4 Mar 2025 — our desk, "
        '<a href="https://t.me/c/1234567890/55">claim #7</a>: Figures are from 2019'
    )
    private = already_checked(OWN, ENGLISH, NOW, in_group=False)
    assert "the desk: Figures are from 2019" in private and "t.me" not in private


def test_basic_groups_have_no_message_links() -> None:
    assert card_link(-4012345, 9) is None and card_link(None, 9) is None


def test_a_reviews_headline_is_taken_from_its_json() -> None:
    assert _review_headline('{"headline": "  No,  it  did not "}') == "No, it did not"
    assert _review_headline('{"reviewBody": "Body"}') == "Body"
    assert _review_headline("[1]") is None and _review_headline("not json") is None
