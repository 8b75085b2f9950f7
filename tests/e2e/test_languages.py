"""Languages, honestly: English, Ukrainian and Russian are extracted; others are named plainly."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Article
from tests.conftest import Desk
from tests.e2e.test_desk import answer, ask

GERMAN = (
    "Die Bundesregierung hat am Mittwoch beschlossen, die Ausgaben für die Bundeswehr im "
    "kommenden Jahr um 12 Prozent zu erhöhen. Nach Angaben des Finanzministeriums steigen die "
    "Kosten damit auf 58 Milliarden Euro. Die Opposition kritisierte den Beschluss."
)
UKRAINIAN = (
    "Уночі російські війська атакували Харків 14 дронами. За словами голови обласної "
    "адміністрації Олега Синєгубова, без світла залишилися 38 тисяч родин. "
    "Пошкоджено дві школи та лікарню."
)
RUSSIAN = (
    "Ночью российские войска атаковали Харьков 14 дронами. По словам главы областной "
    "администрации Олега Синегубова, без света остались 38 тысяч семей. "
    "Повреждены две школы и больница."
)
CHANNEL = {"channel": "Nachrichten"}
REFUSAL = "This looks like German; I extract claims from English, Ukrainian and Russian only."


async def languages(desk: Desk) -> list[str | None]:
    """The language stored on each article, in order."""
    async with desk.app.bot_data.services.db.read() as session:
        rows = await session.execute(select(Article.language).order_by(Article.id))
        return list(rows.scalars())


async def test_german_article_is_answered_plainly_and_can_be_queued_as_one_claim(
    desk: Desk,
) -> None:
    summary = await ask(desk, desk.alice, GERMAN, "This looks like German", forward_origin=CHANNEL)
    assert REFUSAL in summary.content
    assert "No checkable claims" not in summary.content
    assert summary.button_labels == ["➕ Queue it as one claim"]
    await desk.settle()
    assert desk.cards() == []  # nothing extracted from a language the extractor cannot read
    pressed = await desk.press(desk.bob, summary, "Queue it as one claim")
    assert (await answer(desk, pressed)).startswith("Queued as claim #")
    await desk.sandbox.wait_for(lambda: desk.cards())
    [card] = desk.cards()
    assert "Die Opposition kritisierte den Beschluss." in card.content
    assert "asked by a member" in card.content
    assert await languages(desk) == ["de"]


async def test_ukrainian_and_russian_articles_are_extracted(desk: Desk) -> None:
    await ask(desk, desk.alice, UKRAINIAN, "Queued 2 claims", forward_origin={"channel": "Ukr"})
    await ask(desk, desk.alice, RUSSIAN, "Queued 2 claims", forward_origin={"channel": "Rus"})
    await desk.sandbox.wait_for(lambda: len(desk.cards()) == 4)
    texts = " ".join(card.content for card in desk.cards())
    assert "38 тисяч родин" in texts and "38 тысяч семей" in texts
    assert "asked by a member" not in texts
    assert not desk.sandbox.find_bot_message(desk.chat, "This looks like")
    assert await languages(desk) == ["uk", "ru"]


async def test_check_of_a_german_sentence_is_queued_as_the_member_asked(desk: Desk) -> None:
    sentence = "Impfungen verursachen bei Kindern Autismus, sagt ein virales Video."
    summary = await ask(desk, desk.bob, f"/check {sentence}", "Queued 1 claim")
    assert "This looks like German: your text is queued as it is, as one claim." in summary.content
    assert summary.buttons == []
    await desk.sandbox.wait_for(lambda: desk.cards())
    assert sentence in desk.cards()[0].content and "asked by a member" in desk.cards()[0].content


async def test_short_foreign_forward_is_not_refused_on_weak_evidence(desk: Desk) -> None:
    # Too few letters to be sure of the language: extract as before (here: nothing found).
    reply = await ask(
        desk, desk.alice, "Danke schön!", "No checkable claims", forward_origin=CHANNEL
    )
    assert "This looks like" not in reply.content
