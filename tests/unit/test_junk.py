"""Junk never reaches the queue: code, references, tables, footers, notes, forecasts, fiction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.extraction.junk import junk_kind, line_junk_kind
from bot.extraction.offline import extract_claims
from bot.intake.web.article import parse_article

JUNK = Path(__file__).resolve().parents[1] / "fixtures" / "junk"
ARTICLE = (JUNK / "issue11_article.txt").read_text(encoding="utf-8")


def quotes() -> str:
    """Every quote the extractor returns for the article of issue 11's examples."""
    return "\n".join(claim.quote for claim in extract_claims(ARTICLE, max_claims=50))


@pytest.mark.parametrize(
    "fragment",
    [
        "from django.conf import settings",
        "settings.ROUTE_CACHE_TIMEOUT",
        "return cache.get",
        "doi:10.1016",
        "pp. 595–598",
        "Council raises parking fees",
        "Mayor Kovalenko opens the new tram depot",
        "Update July 3rd, 8:05AM ET",
        "The council says the vote will be repeated",
        "| 2019 | 1,200,000",
        "All rights reserved",
        "Temperatures will reach 30C",
        "Donate now",
        "Sign the petition",
        "She turns her attention to him",
    ],
)
def test_issue_junk_is_not_returned_from_a_realistic_article(fragment: str) -> None:
    assert fragment not in quotes()


@pytest.mark.parametrize(
    "fragment",
    [
        "The city council voted 7 to 2 on Tuesday",
        "ridership on the route fell by 40% between 2019 and 2023",
        "The city spent $4.2 million on the route in 2023",
    ],
)
def test_real_claims_next_to_the_junk_are_still_returned(fragment: str) -> None:
    assert fragment in quotes()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("from django.conf import settings", "code"),
        ("$ pip install django-pipeline==1.5.1", "code"),
        (
            "Smith, J. (2019). Urban networks. Journal of Transport Geography. 76: 595–598.",
            "reference",
        ),
        ("Lee BH, Amon A. Role of Polo-like kinase CDC5. Science. 2003;300:482–486.", "reference"),
        ("Archived from the original on 3 May 2021. Retrieved 4 June 2021.", "reference"),
        ("| Kyiv | 31 | 28 |", "table"),
        ("© 2024 Kyiv Post. All rights reserved.", "navigation"),
        ("Про нас | Контакти | Реклама на сайті | Політика конфіденційності", "navigation"),
        ("Read more: What we know about the Kerman bombing", "related"),
        ("Читайте також: Сили ППО знищили 27 з 31 дрона", "related"),
        ("Читайте также: Собянин сообщил о сбитых беспилотниках", "related"),
        (
            "Update July 3rd, 8:05AM ET: The company says the outage has been resolved.",
            "update_note",
        ),
        ("Correction: An earlier version of this article misstated the toll.", "update_note"),
        ("Новина доповнюється.", "update_note"),
    ],
)
def test_a_line_shows_its_junk_by_its_form(text: str, kind: str) -> None:
    assert line_junk_kind(text) == kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Temperatures will reach 30C on Friday.", "forecast"),
        ("Завтра в Києві очікується дощ, температура вдень +12...+14 градусів.", "forecast"),
        ("В понедельник ожидается повышение температуры до +24 градусов.", "forecast"),
        ("Donate now to support independent journalism.", "call_to_action"),
        ("Підпишіться на наш Telegram-канал, щоб першими дізнаватися новини.", "call_to_action"),
        ("Поддержите редакцию — каждый рубль важен.", "call_to_action"),
        ("She turns her attention to him.", "fiction"),
        ("I picked up his body and took it back to town.", "fiction"),
        ("— Куда ты? — спросила она.", "fiction"),
    ],
)
def test_a_sentence_shows_its_junk_by_what_it_does(text: str, kind: str) -> None:
    assert junk_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    [
        "She is married to NFL quarterback Christian Ponder.",
        "Temperatures reached a record 40.1C in Kyiv on Tuesday, the weather service said.",
        "Police said a 38-year-old man was arrested after the attack on the mosque in Kano.",
        "Мер Києва Віталій Кличко заявив, що пошкоджено два будинки.",
        "Минобороны России сообщило об уничтожении 11 беспилотников.",
        "The company said it will cut 1,200 jobs after profits fell 30% in 2023.",
    ],
)
def test_claims_near_junk_vocabulary_are_not_junk(text: str) -> None:
    assert junk_kind(text) is None


GAME_DIARY = """Skyrim diary, day one

Hadvar draws his sword and looks at the dragon circling above Helgen.

The captain says Ulfric Stormcloak murdered High King Torygg in Solitude.

She turns her attention to him.

Hadvar tells her that the Imperial Legion captured Ulfric Stormcloak at Darkwater Crossing.

He grabs her arm and pulls her toward the keep.

They run through the burning courtyard while Ralof shouts at the guards.

I wake up in a cart with my hands bound.

Bethesda released Skyrim on 11 November 2011 and sold 7 million copies in the first week.
"""


def test_a_game_diary_yields_only_its_real_fact() -> None:
    # The characters' reported speech ("The captain says Ulfric … murdered …") reads as a claim
    # sentence by sentence; the page as a whole is a story.
    quotes = [claim.quote for claim in extract_claims(GAME_DIARY)]
    assert quotes == [
        "Bethesda released Skyrim on 11 November 2011 and sold 7 million copies in the first week."
    ]


def test_a_news_story_with_one_narrative_paragraph_keeps_its_paragraphs() -> None:
    text = (
        "She turns her attention to the crowd.\n\n"
        "The council voted 7 to 2 on Tuesday to cut the route, Mayor Anna Kovalenko said.\n\n"
        "Ridership on the route fell by 40% between 2019 and 2023, officials said.\n\n"
        "The city spent $4.2 million on the route in 2023, according to the annual report."
    )
    assert len(extract_claims(text)) == 3


def _labelled_rows() -> list[dict[str, str]]:
    with (JUNK / "junk_lines.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def test_false_drop_rate_on_labelled_real_claims_is_at_most_five_percent() -> None:
    claims = [row["text"] for row in _labelled_rows() if row["label"] == "claim"]
    assert len(claims) >= 100
    dropped = [text for text in claims if junk_kind(text)]
    assert len(dropped) <= 0.05 * len(claims), dropped


def test_junk_precision_on_the_fixture_pages_is_at_most_five_percent() -> None:
    labels = json.loads((JUNK / "pages" / "labels.json").read_text(encoding="utf-8"))
    returned = junk = 0
    for name, lines in labels.items():
        text = (JUNK / "pages" / name).read_text(encoding="utf-8")
        for claim in extract_claims(text, max_claims=50):
            returned += 1
            quote = " ".join(claim.quote.split())
            junk += any(quote in line or line in quote for line in lines["junk"])
    assert returned >= 20
    assert junk <= 0.05 * returned


def test_real_claims_of_the_fixture_pages_are_kept() -> None:
    labels = json.loads((JUNK / "pages" / "labels.json").read_text(encoding="utf-8"))
    missing = []
    for name, lines in labels.items():
        text = (JUNK / "pages" / name).read_text(encoding="utf-8")
        quotes = [" ".join(c.quote.split()) for c in extract_claims(text, max_claims=50)]
        missing += [line for line in lines["claims"] if not any(q in line for q in quotes)]
    assert not missing


def test_code_blocks_of_a_fetched_page_never_reach_the_extractor() -> None:
    html = (
        "<html><body><article><h1>Testing with Django</h1>"
        "<p>Our front-end tests started failing on the build server in June 2015, after the"
        " upgrade to Django 1.8 that the team shipped on 2 June.</p>"
        "<pre><code>from django.conf import settings\nsettings.DEBUG = True</code></pre>"
        "<p>The fix cut the test suite's running time from 14 minutes to 6 minutes on the build"
        " server, the team measured.</p></article></body></html>"
    )
    article = parse_article(html, "https://blog.example.com/django")
    assert "django.conf" not in article.text and "settings.DEBUG" not in article.text
    assert "from 14 minutes to 6 minutes" in article.text


def test_tags_typed_around_a_claim_do_not_make_it_code() -> None:
    sentence = (
        "<b>Breaking</b> & <i>more</i>: officials said 4,000 <script>alert(1)</script> "
        "residents were evacuated from 12 villages on Monday."
    )
    assert junk_kind(sentence) is None
    assert junk_kind('<div class="card"><script>alert(1)</script></div>') == "code"
