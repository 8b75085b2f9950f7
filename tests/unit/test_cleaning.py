"""Article cleaning: page furniture goes, the body stays, offsets point into the original."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.extraction.cleaning import (
    clean_article,
    is_boilerplate,
    is_decoration,
    is_meta_line,
    kept_blocks,
    trim_span,
)
from bot.extraction.junk import JUNK_KINDS, junk_kind, line_junk_kind
from bot.extraction.offline import extract_claims, readable

ARTICLE = """Minister Says Budget Will Grow

Minister Says Budget Will Grow
A view of the parliament building in Kyiv, in this handout image. Handout via Reuters
Jane Doe
Updated: Nov. 14, 2022 10:12 AM ET

KYIV, Nov 14 (Reuters) - The finance ministry said the budget deficit reached 20% of GDP in 2022.

Photo: Getty Images
Subscribe to our newsletter for the latest news.
Підписуйтесь на наш канал у Telegram
Подписывайтесь на наш канал!
Jane Doe is a reporter covering economics and politics. Follow her on X: https://x.com/jdoe
Related Topics
#Ukraine #budget
🇺🇦🇺🇦🔥
Reuters contributed to this report.
"""


# Body lines and furniture of the kinds above, mixed in any order by the property tests.
LINES = [
    "The council voted 7 to 2 on Tuesday to cut the number 12 bus route, the mayor said.",
    "Сили ППО знищили 27 з 31 ворожих дронів цієї ночі, повідомили в ЗСУ.",
    "Минобороны России сообщило об уничтожении 11 беспилотников над Крымом.",
    "Related:",
    "Читайте також:",
    "Council raises parking fees in the city centre",
    "from django.conf import settings",
    "| 2019 | 1,200,000 | $2.10 |",
    "© 2024 City News. All rights reserved.",
    "Update July 3rd, 8:05AM ET: The council says the vote will be repeated.",
    "She turns her attention to him.",
    "Water in the tank reached 60°C on Monday, the operator said. #aufschrei",
    "⚡️ Терміново: вибухи у Києві 🔥",
]


def test_only_the_body_survives() -> None:
    assert clean_article(ARTICLE) == (
        "The finance ministry said the budget deficit reached 20% of GDP in 2022."
    )


def test_kept_blocks_are_offsets_into_the_original_text() -> None:
    ((start, end),) = kept_blocks(ARTICLE)
    assert ARTICLE[start:end].startswith("The finance ministry said")
    assert ARTICLE[start:end].endswith("in 2022.")


def test_hard_wrapped_lines_are_joined_into_one_paragraph() -> None:
    text = (
        "The ministry said the deficit\nreached 20% of GDP in 2022.\n\nA second paragraph is here."
    )
    blocks = [text[a:b] for a, b in kept_blocks(text)]
    assert blocks == [
        "The ministry said the deficit\nreached 20% of GDP in 2022.",
        "A second paragraph is here.",
    ]


def test_leading_emoji_and_trailing_hashtags_are_trimmed_from_a_span() -> None:
    text = "⚡️ Сили ППО знищили 27 дронів цієї ночі 🔥 #Київ #ППО"
    start, end = trim_span(text, 0, len(text))
    assert text[start:end] == "Сили ППО знищили 27 дронів цієї ночі"


def test_breaking_label_is_trimmed() -> None:
    text = "СРОЧНО: Минобороны заявило об уничтожении 12 беспилотников"
    start, end = trim_span(text, 0, len(text))
    assert text[start:end].startswith("Минобороны")


def test_sentence_case_headline_of_a_post_is_kept() -> None:
    text = "Сили ППО знищили 27 з 31 ворожих дронів цієї ночі\n\nПро це повідомили в ЗСУ."
    assert clean_article(text).startswith("Сили ППО знищили 27 з 31")


def test_boilerplate_lines_in_three_languages() -> None:
    for line in [
        "Sign up for our morning newsletter.",
        "Читайте також: Як змінилися пенсії у 2024 році",
        "Подписывайтесь на наш канал, чтобы быть в курсе!",
        "Автор: Ірина Коваль",
        "Оновлено: 12 квітня 2024, 14:30",
        "Firefighters work at the site of a strike. REUTERS/Gleb Garanich",
        "Reporting by Olena Harmash; Editing by Alex Richardson",
    ]:
        assert is_boilerplate(line), line


def test_ordinary_news_sentences_are_not_boilerplate() -> None:
    for line in [
        "The council voted 7 to 2 on Tuesday to cut the route.",
        "Мер Києва Віталій Кличко заявив, що пошкоджено два будинки.",
        "Russia denies targeting civilians.",
    ]:
        assert not is_boilerplate(line), line


def test_prompt_at_the_end_of_a_paragraph_costs_only_its_sentence() -> None:
    text = "Росія випустила 40 ракет по Україні цієї ночі. Підписуйтесь на наш канал!"
    assert clean_article(text) == text
    assert is_boilerplate("Підписуйтесь на наш канал!")


@pytest.mark.parametrize(
    "sentence",
    [
        "Water in the tank reached 60°C on Monday, the plant operator said.",
        "The decree n°2019-1130 was signed by the prime minister in 2019.",
        "Закон № 123 ухвалили 12 квітня 2024 року, повідомили в Раді.",
        "Resolution No. 5 passed with 120 votes in favour on Tuesday.",
        "Inflation rose to 5.2% in March, the statistics office said.",
        "Infant mortality fell to 4.1‰ in 2023, the ministry reported.",
        "The ministry paid €1.2 billion, $3 million and £40 million in 2023.",
        "Пенсії зросли на 500 ₴, а ціни на пальне — на 2 ₽ і ¥10, йдеться у звіті.",
        "Thousands joined the #aufschrei campaign in 2013, organisers said.",
    ],
)
def test_symbols_that_carry_meaning_survive_cleaning(sentence: str) -> None:
    text = f"{sentence}\n\nThe council approved the budget on Tuesday, officials said."
    assert sentence in clean_article(text)
    assert readable(sentence) == sentence


def test_degree_and_numero_signs_are_not_decoration() -> None:
    for symbol in "°№‰€$£₴₽¥%":
        assert not is_decoration(symbol), symbol
    assert is_decoration("🔥")


def test_claims_keep_degrees_and_hashtags_inside_a_sentence() -> None:
    text = (
        "Water in the tank reached 60°C on Monday, the plant operator Jan Novak told reporters.\n\n"
        "Thousands of women joined the #aufschrei campaign in 2013, the organisers said."
        " #metoo #news"
    )
    claims = extract_claims(text)
    texts = "\n".join(c.text for c in claims)
    assert "60°C" in texts
    assert "#aufschrei" in texts
    assert "#metoo" not in "\n".join(c.quote for c in claims)


def test_update_notes_are_dropped_not_trimmed_into_claims() -> None:
    text = (
        "The council voted 7 to 2 on Tuesday to cut the route, the mayor said.\n\n"
        "Update: The council says 400 residents have complained about the vote since Tuesday."
    )
    assert "400 residents" not in clean_article(text)


def test_headlines_under_a_related_header_are_dropped() -> None:
    text = (
        "The council voted 7 to 2 on Tuesday to cut the route, the mayor said.\n"
        "Читайте також:\n"
        "Кличко повідомив про пошкодження двох будинків у Києві\n"
        "Сили ППО знищили 27 з 31 дрона\n"
        "Police said 40 people were arrested in the city on Wednesday."
    )
    cleaned = clean_article(text)
    assert "Кличко" not in cleaned and "27 з 31" not in cleaned
    assert "40 people were arrested" in cleaned


def test_code_table_and_footer_lines_are_dropped_by_their_form() -> None:
    text = (
        "The ministry said the deficit reached 20% of GDP in 2022.\n"
        "from django.conf import settings\n"
        "| 2022 | 20% | 1.2 |\n"
        "© 2024 City News. All rights reserved."
    )
    assert clean_article(text) == "The ministry said the deficit reached 20% of GDP in 2022."


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LINES), min_size=1, max_size=12), st.sampled_from(["\n", "\n\n"]))
def test_kept_blocks_always_point_into_the_original_text(lines: list[str], gap: str) -> None:
    text = gap.join(lines)
    for start, end in kept_blocks(text):
        assert 0 <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end]
    for claim in extract_claims(text):
        assert text[claim.start : claim.end] == claim.quote


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_the_junk_check_takes_any_text(text: str) -> None:
    assert junk_kind(text) in (None, *JUNK_KINDS)
    assert line_junk_kind(text) in (None, *JUNK_KINDS)


@pytest.mark.parametrize(
    "stamp",
    [
        "December 6, 2026 9:42 AM GMT+2 · Updated 2 hours ago",
        "4 грудня 2026, 10:15 · Оновлено 2 години тому",
        "5 декабря 2026 в 14:30",
    ],
)
def test_a_dateline_is_never_a_claim(stamp: str) -> None:
    text = (
        f"Power plants hit overnight\n{stamp}\n\nRussia launched 653 drones at Ukraine overnight."
    )
    assert [c.quote for c in extract_claims(text)] == [
        "Russia launched 653 drones at Ukraine overnight."
    ]


# Both were dropped as dates before 2026-12-07: six words or fewer of three to nine letters, and
# a digit, was all a "date" needed.
@pytest.mark.parametrize(
    "line", ["Russia launched 653 drones overnight.", "Ukraine received 31 Abrams tanks."]
)
def test_a_short_line_with_a_figure_is_not_taken_for_a_date(line: str) -> None:
    assert line in [c.quote for c in extract_claims(f"Overnight news\n\n{line}")]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (
            "Sources: INSP weekly measles bulletin (week 44); ECDC Threats Report, October 2026.",
            "reference",
        ),
        (
            "Households that have not yet applied are encouraged to register on the platform "
            "before 20 December.",
            "call_to_action",
        ),
        # An anonymous source's claim is not a list of sources.
        ("Sources: 40 people died in the strike, police said.", None),
    ],
)
def test_a_list_of_sources_and_an_encouragement_are_junk(line: str, kind: str | None) -> None:
    assert junk_kind(line) == kind


def test_a_wire_caption_and_a_press_release_dateline_are_never_claims() -> None:
    text = (
        "Freight train derails in Poland\n\n"
        "GENEVA / KYIV (3 December 2026)\n\n"
        "Firefighters work at the site of a freight train derailment near Kobylniki, Poland, "
        "November 18, 2026.\n\n"
        "Eleven tank wagons carrying 600 tonnes of diesel fuel derailed near Kobylniki on "
        "Tuesday, the regional fire service said."
    )
    assert [c.quote for c in extract_claims(text)] == [
        "Eleven tank wagons carrying 600 tonnes of diesel fuel derailed near Kobylniki on "
        "Tuesday, the regional fire service said."
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Також нагадуємо керівникам громад: звіти про використання коштів необхідно подати до "
        "15 січня.",
        "Мешканців, які отримали підозрілі повідомлення, просять звертатися на гарячу лінію.",
    ],
)
def test_reminders_and_requests_to_readers_are_calls_to_action(line: str) -> None:
    assert junk_kind(line) == "call_to_action"


@pytest.mark.parametrize(
    "line",
    [
        "Нашли подозрительный предмет — не трогайте, не поднимайте.",
        "Рух на ділянці перекрито, об'їзд через Коростишів — плануйте маршрут заздалегідь.",
    ],
)
def test_the_reader_addressed_in_the_imperative_is_a_call_to_action(line: str) -> None:
    assert junk_kind(line) == "call_to_action"


def test_a_last_modified_stamp_is_a_dateline() -> None:
    text = (
        "Sanctions reroute exports\n"
        "Sat 28 Nov 2026 07.00 GMT · Last modified on Sun 29 Nov 2026 10.12 GMT\n\n"
        "EU exports to Kyrgyzstan rose from €0.4bn in 2021 to €3.1bn in 2025, according to "
        "Eurostat."
    )
    assert [c.quote for c in extract_claims(text)] == [
        "EU exports to Kyrgyzstan rose from €0.4bn in 2021 to €3.1bn in 2025, according to "
        "Eurostat."
    ]


@pytest.mark.parametrize(
    "stamp",
    [
        "4 декабря 2026, 16:40 · Время чтения: 6 минут",
        "4 грудня 2026, 10:15 · Час читання: 5 хвилин",
        "Reading time: 4 minutes",
    ],
)
def test_a_reading_time_stamp_is_a_dateline(stamp: str) -> None:
    claim = "Russia launched 653 drones overnight, the Air Force said."
    text = f"Russia launched 653 drones overnight\n{stamp}\n\n{claim}"
    assert [c.quote for c in extract_claims(text)] == [claim]


@pytest.mark.parametrize(
    "sentence",
    [
        "Подпись министра на «документе» скопирована с приказа 2021 года.",
        "Підтримали законопроєкт 250 депутатів у другому читанні.",
        "Поддержка Украины от ЕС составила 40 миллиардов евро в 2025 году.",
    ],
)
def test_a_signature_or_support_is_not_a_subscribe_prompt(sentence: str) -> None:
    """ "Подпис…" and "Підтрима…" open prompts ("Подписывайтесь", "Підтримайте нас") and
    claims alike: only the prompts' forms are furniture."""
    assert [c.quote for c in extract_claims(sentence)] == [sentence]


@pytest.mark.parametrize("prompt", ["Подписывайтесь на канал", "Підтримайте нас донатом"])
def test_the_prompts_themselves_stay_furniture(prompt: str) -> None:
    assert extract_claims(f"{prompt}: 12 000 читачів вже з нами.") == []


def test_a_debunk_label_is_not_part_of_the_claim() -> None:
    text = (
        "❌ FAKE: pro-Kremlin channel Frontline Z claims a video shows Ukrainian soldiers "
        "surrendering en masse near Pokrovsk last week."
    )
    (claim,) = extract_claims(text)
    assert claim.quote.startswith("pro-Kremlin channel Frontline Z claims")


@pytest.mark.parametrize(
    "line",
    [
        "8 грудня 2026, 09:30 · Олена Гнатюк · 2 417 переглядів",
        "3 декабря 2026 · Автор: Ирина Соколовская · Время чтения: 4 мин",
        "Запорізька обласна військова адміністрація · 186 тис. підписників",
        "By Mark Delaney | 6 December 2026, 09:00 EET",
    ],
)
def test_a_pages_meta_line_is_furniture(line: str) -> None:
    """Date, author, reading time, views or subscribers between "·" or "|" (seventh blind set)."""
    assert is_meta_line(line)
    text = f"{line}\n\nRussia launched 653 drones at Ukraine overnight, the air force said."
    assert [c.quote for c in extract_claims(text)] == [
        "Russia launched 653 drones at Ukraine overnight, the air force said."
    ]


def test_a_line_with_a_separator_and_something_said_is_kept() -> None:
    assert not is_meta_line("Russia launched 653 drones · Ukraine says")
    assert not is_boilerplate("Russia launched 653 drones overnight, the air force said.")


def test_a_charts_caption_is_furniture() -> None:
    assert is_boilerplate(
        "График: средняя региональная выплата за подписание контракта, тыс. руб. Источник: "
        "региональные постановления, расчёты редакции"
    )


LIVE_BLOG = """Russia-Ukraine war live: three killed in Odesa overnight

Key events

12m ago Odesa death toll rises to three

1h ago Air force: 71 drones downed

Show key events only

12m ago

Odesa death toll rises to three

The number of people killed in the overnight attack on Odesa has risen to three, the head of \
the regional military administration wrote on Telegram.

34m ago

Air force: 71 drones downed

Russia launched 87 attack drones and nine missiles against Ukraine overnight, the air force said.

07:55

Power cuts in three regions

Emergency power outages have been introduced in Odesa, Mykolaiv and Kharkiv regions, Ukrenergo \
said.
"""


def test_a_live_blogs_key_events_and_update_headings_are_not_claims() -> None:
    """The key-events box repeats the updates' headings, and each heading only announces the
    paragraph under it: neither takes a place the update's own sentences need (seventh set)."""
    quotes = [c.quote for c in extract_claims(LIVE_BLOG)]
    assert not [q for q in quotes if "ago" in q or q.startswith(("Air force:", "Power cuts"))]
    assert not [q for q in quotes if q.startswith("Odesa death toll")]
    assert any(q.startswith("Russia launched 87 attack drones") for q in quotes)
    assert any(q.startswith("Emergency power outages") for q in quotes)


@pytest.mark.parametrize(
    "line",
    [
        "The views expressed in this article are the author's own and do not necessarily reflect "
        "those of The Eastern Ledger.",
        "She writes a fortnightly column on information warfare for The Eastern Ledger.",
        "📌 Закреплённое сообщение: Как действовать при атаке БПЛА — памятка для жителей",
        "Наша думка: 43 до Нового року цілком реально, але різких стрибків не чекаємо.",
        "OUR TAKE: the counter-offensive has stalled and the numbers prove it.",
    ],
)
def test_an_opinion_pages_disclaimer_a_columnists_bio_and_a_pinned_post_are_not_claims(
    line: str,
) -> None:
    """The eighth blind set's furniture."""
    text = f"{line}\n\nRussia launched 653 drones at Ukraine overnight, the air force said."
    assert [c.quote for c in extract_claims(text)] == [
        "Russia launched 653 drones at Ukraine overnight, the air force said."
    ]
