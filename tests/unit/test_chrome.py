"""The app around a screenshot's post (counts, times, buttons, the header) is never post text."""

from __future__ import annotations

import pytest

from bot.intake.media.chrome import Line, is_chrome, without_chrome


@pytest.mark.parametrize(
    "text",
    [
        "👁 12.3K 09:15",
        "12.3K views 09:15",
        "Ф5,К 09:15",  # the eye icon read as a letter, the count half read (a Telegram JPEG)
        "@5.2K 9:15 PM",
        "Reply Share Forward",
        "Відповісти Поділитися",
        "❤ 234 👍 12 ok",
        "— · —",
    ],
)
def test_the_apps_lines_are_chrome(text: str) -> None:
    assert is_chrome(Line(text, top=900, height=30), image_height=1000)


@pytest.mark.parametrize(
    "text",
    [
        "At 09:15 the sirens sounded in 14 districts.",
        "О 09:15 оголосили тривогу в 14 районах.",
        "2 712 домів 09:15",
        "Shelling resumed 09:15",
        "38 000 families are still without power",
    ],
)
def test_post_lines_with_times_and_figures_are_kept(text: str) -> None:
    assert not is_chrome(Line(text, top=500, height=30), image_height=1000)


def test_the_header_band_is_dropped_and_the_post_kept() -> None:
    lines = [
        Line("Новини Харкова", top=20, height=30),
        Line("Міненерго: 38 тисяч родин досі без світла.", top=200, height=30),
        Line("Ф5,К 09:15", top=900, height=24),
    ]
    kept, dropped = without_chrome(lines, image_height=1000)
    assert [line.text for line in kept] == ["Міненерго: 38 тисяч родин досі без світла."]
    assert [line.text for line in dropped] == ["Новини Харкова", "Ф5,К 09:15"]
