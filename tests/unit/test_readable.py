"""Replies that read well (issue 18): whole words, fresh ages, one pair of quotes, the outlet,
history in words, /status naming each claim once, and the card budget's arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.desk.budget import plan_cards
from bot.desk.views import ClaimView, Source, StatusView, article_source
from bot.i18n import ENGLISH
from handlers import render
from storage.models import Article, Claim, Team

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)


def card(text: str, source: Source | None = None) -> str:
    """A card's HTML for a claim of the given text."""
    view = ClaimView(
        claim=Claim(id=3, team_id=1, article_id=1, text=text, quote=text),
        source=source or Source("channel Daily News"),
        tally={},
        voters=[],
        assignee=None,
        note_count=0,
    )
    return render.claim_card(view, ENGLISH)


def claim(n: int, text: str, minutes: float = 10) -> Claim:
    """A claim queued `minutes` before NOW."""
    return Claim(
        id=n, team_id=1, article_id=1, text=text, created_at=NOW - timedelta(minutes=minutes)
    )


def test_clip_ends_on_a_whole_word() -> None:
    text = (
        "The ceasefire reduced shelling along the front line by about 80 percent in its first year"
    )
    shown = render.clip(text, 60)
    assert len(shown) <= 60 and shown.endswith("…")
    assert text.startswith(shown[:-1]) and text[len(shown) - 1] == " "
    assert render.clip("by about 80 percent", 11) == "by about…"  # not "by about 8…"
    assert render.clip("by about 80 percent", 12) == "by about 80…"
    assert render.clip("https://example.org/a-very-long-path-without-spaces", 20).endswith("…")


def test_age_under_a_minute_is_just_now() -> None:
    assert render.age(NOW - timedelta(seconds=5), NOW) == "just now"
    assert render.age(NOW - timedelta(seconds=59), NOW) == "just now"
    assert render.age(NOW - timedelta(seconds=61), NOW) == "1m"


def test_a_claim_that_is_a_quote_keeps_one_pair_of_marks() -> None:
    html = card("“Our own analysis shows 40 percent of the grain left Odesa,” the minister said.")
    assert "““" not in html and html.count("“") == 1
    assert "«Ми збили 14 дронів», — заявили в Повітряних силах." in card(
        "«Ми збили 14 дронів», — заявили в Повітряних силах."
    )
    assert "“240 shells struck Merin.”" in card("240 shells struck Merin.")  # plain: quoted once


def test_source_of_a_link_is_the_outlet_and_author_not_the_title() -> None:
    article = Article(
        team_id=1,
        text="t",
        text_hash="h",
        title="Grain exports rose 18% in April",
        url="https://www.meridianwire.example/world/grain",
        author="Maria Kovalenko",
    )
    source = article_source(article)
    assert source.label == "meridianwire.example" and source.author == "Maria Kovalenko"
    article.site_name = "Meridian Wire"
    source = article_source(article)
    assert source.label == "Meridian Wire"
    html = card("Grain exports rose 18% in April.", source)
    line = next(row for row in html.splitlines() if row.startswith("📰"))
    assert "Meridian Wire" in line and "✍️ Maria Kovalenko" in line and "April" not in line


def test_history_reads_as_a_person_would() -> None:
    assert (
        render.history_change("open", "in_review", "votes", ENGLISH)
        == "🆕 open → 🔎 in review, after a vote"
    )
    assert (
        render.history_change("disputed", "false", "consensus", ENGLISH)
        == "⚖️ disputed → ❌ false, by the votes"
    )
    assert render.history_change("open", "false", "<b>OSCE</b> count", ENGLISH) == (
        "🆕 open → ❌ false: &lt;b&gt;OSCE&lt;/b&gt; count"
    )


def test_status_names_each_claim_once_and_marks_mine() -> None:
    oldest = [
        claim(n, f"Claim number {n} about shelling in Merin", minutes=60 - n) for n in (1, 2, 3)
    ]
    view = StatusView(
        team=Team(id=1, chat_id=-1, title="Fact desk"),
        counts={"open": 4},
        oldest_open=oldest,
        waiting_for_me=[claim(4, "A fourth claim about drones", minutes=0.2)],
        recent_verdicts=[],
        now=NOW,
        awaiting_me=frozenset({2, 3}),
    )
    text = render.status_message(view, ENGLISH)
    lines = [line for line in text.splitlines() if line.startswith("#")]
    assert [line.split()[0] for line in lines] == ["#1", "#2", "#3", "#4"]
    assert not lines[0].endswith("🗳") and lines[1].endswith("🗳") and lines[2].endswith("🗳")
    assert "🗳 Also waiting for your vote" in text and lines[3].endswith("just now")


def test_budget_keeps_the_cards_of_a_burst_to_the_minute_allowance() -> None:
    posted = 0
    for _ in range(9):  # nine articles of six claims in one minute
        plan = plan_cards(claims=6, cards_at_once=5, cards_per_minute=10, cards_recent=posted)
        posted += plan.post
    assert posted == 10
    assert plan_cards(claims=6, cards_at_once=5, cards_per_minute=10, cards_recent=10).post == 0
    assert plan_cards(claims=6, cards_at_once=5, cards_per_minute=10, cards_recent=10).busy
    quiet = plan_cards(claims=7, cards_at_once=5, cards_per_minute=10, cards_recent=0)
    assert quiet.post == 5 and not quiet.busy  # cards-at-once, not the budget, held two back
    assert plan_cards(claims=20, cards_at_once=20, cards_per_minute=10, cards_recent=0).post == 20
    assert plan_cards(claims=9, cards_at_once=5, cards_per_minute=0, cards_recent=99).post == 5


def test_summary_says_where_the_claims_without_cards_are() -> None:
    none = render.deferred_line(0, True, ENGLISH)
    assert "/queue" in none and "many articles" in none
    busy = render.deferred_line(2, True, ENGLISH)
    assert "Cards for the first 2 are below (the chat is busy)" in busy
    quiet = render.deferred_line(2, False, ENGLISH)
    assert "Cards for the first 2 are below; the rest are in /queue." in quiet
