"""Rendering: escaped HTML, Telegram's limits, and the card's content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.desk.desk import TeamSettings
from bot.desk.views import ClaimView, Source, article_source
from bot.i18n import ENGLISH
from handlers import render
from handlers.admin import settings_keyboard
from handlers.teams_choice import team_keyboard
from storage.models import Article, Claim, Team


def view(text: str = "Claim <b>text</b> & more", **claim: object) -> ClaimView:
    """A card's data with a claim of the given text."""
    return ClaimView(
        claim=Claim(id=123456789, team_id=1, article_id=1, text=text, quote=text, **claim),
        source=Source("channel <Evil>", "https://t.me/evil/1?a=1&b=2"),
        tally={"true": 2, "false": 1},
        voters=[("Bob <3", "true"), ("Eve", "true"), ("Mallory", "false")],
        assignee="Zoë & co",
        note_count=2,
    )


def test_card_escapes_every_user_supplied_part() -> None:
    html = render.claim_card(view(claimant="<i>The ministry</i>"), ENGLISH)
    assert "<b>text</b>" not in html and "&lt;b&gt;text&lt;/b&gt;" in html
    assert "&lt;i&gt;The ministry&lt;/i&gt;" in html
    assert "channel &lt;Evil&gt;" in html and 'href="https://t.me/evil/1?a=1&amp;b=2"' in html
    assert "Bob &lt;3 ✅" in html and "Zoë &amp; co is checking" in html
    assert "✅ 2 · ❌ 1" in html


def test_long_texts_fit_in_a_message() -> None:
    assert len(render.claim_card(view("word " * 2000), ENGLISH)) <= render.MAX_MESSAGE
    assert len(render.fit("line\n" * 2000)) <= render.MAX_MESSAGE


def test_callback_data_fits_in_64_bytes() -> None:
    keyboards = [
        render.claim_keyboard(10**15, ENGLISH),
        render.queue_keyboard(10**9, True, ENGLISH),
        settings_keyboard(TeamSettings(9, 20, "openai"), ["offline", "openai"], ENGLISH),
        team_keyboard([Team(id=10**12, chat_id=-1, title="T" * 200)], ENGLISH),
    ]
    for keyboard in keyboards:
        assert keyboard is not None
        for row in keyboard.inline_keyboard:
            for button in row:
                assert len(button.callback_data.encode()) <= 64


def test_claim_line_shows_age() -> None:
    now = datetime(2024, 5, 1, 12, tzinfo=UTC)
    claim = Claim(id=5, team_id=1, article_id=1, text="x", created_at=now - timedelta(hours=3))
    assert render.claim_line(claim, ENGLISH, now).endswith("· 3h")
    assert render.age(now - timedelta(days=2), now) == "2d"


def test_source_names_channel_signature_and_link() -> None:
    article = Article(
        team_id=1,
        text="t",
        text_hash="h",
        origin_type="channel",
        origin_name="World News",
        origin_signature="J. Phillips",
        origin_link="https://t.me/worldnews/5",
    )
    source = article_source(article)
    assert source.label == "channel World News (J. Phillips)"
    assert source.link == "https://t.me/worldnews/5"


def test_heading_has_byline_and_date() -> None:
    article = Article(
        team_id=1,
        text="t",
        text_hash="h",
        title="Grain <exports>",
        url="https://example.org/a?b=1&c=2",
        author="Ann & Bo",
        published_at=datetime(2024, 5, 14, tzinfo=UTC),
    )
    heading = render.article_heading(article, "src", ENGLISH)
    assert "Grain &lt;exports&gt;" in heading
    assert "✍️ by Ann &amp; Bo · 2024-05-14" in heading


def test_scenario_transcripts_know_a_card_in_every_language() -> None:
    """The scenario player names the claim a card shows, whatever language the team speaks."""
    import re

    from bot.i18n import LANGUAGES, words
    from bot.sandbox.scenario import card_claim

    for language in LANGUAGES:
        card = render.claim_card(view(), words(language))
        assert card_claim(re.sub(r"<[^>]+>", "", card)) == 123456789, language
    assert card_claim("Queued 3 claims") is None
