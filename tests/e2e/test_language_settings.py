"""The team's language from /settings (issue 17), and /verdict with a rating named in Ukrainian
or Russian.

The expected texts come from the catalogues themselves (`words("uk")`), so these tests hold
when a translation's wording changes.
"""

from __future__ import annotations

from typing import Any

from bot.i18n import words
from handlers.render import RATING_WORD
from storage.models import Rating
from tests.conftest import Desk
from tests.e2e.test_desk import (
    DRONES,
    POWER,
    answer,
    ask,
    card_of,
    card_shows,
    claim_id,
    queue_article,
)


def rating_name(language: str, rating: Rating) -> str:
    """A rating's name as the language's catalogue has it (translated: not the English)."""
    name = words(language)._(RATING_WORD[rating])
    assert name != RATING_WORD[rating], f"{language}: {RATING_WORD[rating]!r} is untranslated"
    return name


def live(desk: Desk, message: Any) -> Any:
    """The message as it is now (edits applied)."""
    return next(
        m for m in desk.sandbox.bot_messages(desk.chat) if m.message_id == message.message_id
    )


async def test_an_editor_chooses_the_teams_language_with_the_settings_buttons(desk: Desk) -> None:
    uk, en = words("uk"), words("en")
    languages = desk.app.bot_data.services.languages
    panel = await ask(desk, desk.alice, "/settings", "Settings")
    assert ["English", "Українська", "Русский", "✓ Auto"] == panel.button_labels[-4:]
    assert "Language: English, as most members' Telegram (auto)" in panel.content

    refusal = await answer(desk, await desk.press(desk.bob, panel, "Українська"))
    assert refusal == "Only editors (the group's admins) can change settings."
    assert await languages.of_group(desk.chat.id) == "en"

    saved = await answer(desk, await desk.press(desk.alice, panel, "Українська"))
    assert saved == uk._("Saved")  # the answer already speaks the new language
    assert await languages.of_group(desk.chat.id) == "uk"
    await desk.sandbox.wait_for(lambda: "✓ Українська" in live(desk, panel).button_labels)
    shown = live(desk, panel)
    assert uk._("Language: {language}", language="Українська") in shown.content
    assert uk.pgettext("button", "Auto") in shown.button_labels
    # Every answer in the group speaks it now, /status as much as the panel.
    await ask(
        desk, desk.bob, "/status", uk._("Nothing queued yet: forward an article or use /check.")
    )

    auto = uk.pgettext("button", "Auto")
    await answer(desk, await desk.press(desk.alice, live(desk, panel), auto))
    assert await languages.of_group(desk.chat.id) == "en"  # its members' Telegram speaks English
    await desk.sandbox.wait_for(lambda: "✓ Auto" in live(desk, panel).button_labels)
    auto_line = en._("Language: {language}, as most members' Telegram (auto)", language="English")
    assert auto_line in live(desk, panel).content


async def test_verdict_takes_a_ratings_name_in_ukrainian_or_russian(desk: Desk) -> None:
    false = rating_name("uk", Rating.FALSE)
    misleading = rating_name("ru", Rating.MISLEADING)
    await queue_article(desk)
    power, drones = claim_id(card_of(desk, POWER)), claim_id(card_of(desk, DRONES))

    reason = "Укренерго каже 31 тисяча"
    said = f"Claim #{power}: verdict ❌ false"
    await ask(desk, desk.alice, f"/verdict {power} {false} {reason}", said)
    await card_shows(desk, POWER, "❌ false")
    history = await ask(desk, desk.bob, f"/claim {power}", "History")
    assert f"🆕 open → ❌ false: {reason}" in history.content  # the reason, whole

    said = f"Claim #{drones}: verdict 🟡 misleading"
    await ask(desk, desk.alice, f"/verdict {drones} {misleading.lower()}", said)
    await ask(desk, desk.alice, f"/verdict {drones} напевно", "“напевно” is not a verdict")


async def test_the_command_menus_come_in_each_language_with_language_in_them(desk: Desk) -> None:
    for scope in ("all_group_chats", "all_private_chats"):
        english = {c["command"]: c["description"] for c in desk.sandbox.commands(scope)}
        assert "language" in english and "help" in english
        for code in ("uk", "ru"):
            menu = {
                c["command"]: c["description"] for c in desk.sandbox.commands(f"{scope}@{code}")
            }
            assert menu.keys() == english.keys()
            assert menu["help"] == words(code)._("What I do")
