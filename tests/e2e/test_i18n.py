"""The bot speaks its users' languages (issue 17): a Ukrainian team's whole loop, private /help.

"No English word of the bot's own": everything the bot shows a Ukrainian team — messages,
buttons, answers to presses — is checked for Latin-script words once what the members
themselves wrote (claims, names, links) and the commands are taken out.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator

import pytest

from bot.sandbox import Sandbox
from tests.conftest import Desk, open_desk

UKRAINIAN_ARTICLE = (
    "Міненерго: 38 тисяч родин досі без світла після ударів\n\n"
    "Міністерство енергетики у вівторок повідомило, що 38 тисяч родин у Харківській області "
    "досі залишаються без електрики після нічних ударів по двох підстанціях.\n\n"
    "Голова обласної адміністрації Олег Синєгубов заявив журналістам, що по місту випустили "
    "14 дронів і 3 ракети, а протиповітряна оборона збила 11 дронів.\n\n"
    "У 2023 році регіон загалом був без світла 46 днів, повідомив оператор мережі Укренерго."
)
# Words of Latin script a Ukrainian team may see that are not English sentences of ours:
# names of formats and of the bot's own kind of data.
ALLOWED_LATIN = {"csv", "json", "claimreview", "ocr", "pdf", "url", "id", "telegram", "openai"}
COMMAND_OR_LINK = re.compile(
    r"(?:https?://\S+|(?<![\w])/[a-z_]+(?:@\w+)?(?:\s+(?:on|off|top|auto|uk|ru|en)\b(?:\|\w+)*)*"
    r"|@\w+|#\d+|\b[a-z]+\.[a-z]+\b)"
)
LATIN_WORD = re.compile(r"\b[A-Za-z][A-Za-z'’-]{2,}\b")


def english_words(text: str) -> list[str]:
    """Latin-script words in `text` after commands, links, handles and allowed names go."""
    bare = COMMAND_OR_LINK.sub(" ", text)
    return [word for word in LATIN_WORD.findall(bare) if word.lower() not in ALLOWED_LATIN]


def everything_shown(desk: Desk, queries: list[str]) -> list[str]:
    """Every text the bot showed the group: messages, their buttons, answers to presses."""
    shown: list[str] = []
    for message in desk.sandbox.bot_messages(desk.chat):
        shown.append(message.content)
        shown.extend(message.button_labels)
    for query in queries:
        shown.extend(answer.get("text") or "" for answer in desk.sandbox.answers_for(query))
    return shown


@pytest.fixture
async def ukrainian_desk(sandbox: Sandbox, db_url: str) -> AsyncIterator[Desk]:
    """A team whose three members' Telegram speaks Ukrainian, with Ukrainian names."""
    async with open_desk(
        sandbox, db_url, title="Фактчек-деск", names=("Олена", "Богдан", "Катерина"), language="uk"
    ) as opened:
        yield opened


async def test_a_ukrainian_team_sees_no_english_word_of_the_bots_own(ukrainian_desk: Desk) -> None:
    desk = ukrainian_desk
    sandbox = desk.sandbox
    await desk.say(desk.alice, UKRAINIAN_ARTICLE, forward_origin={"channel": "Новини Харкова"})
    await desk.published()
    cards = desk.cards()
    assert cards, "no card in Ukrainian: " + " | ".join(
        m.content[:60] for m in sandbox.bot_messages(desk.chat)
    )
    card = next(c for c in cards if "38" in c.content)
    assert card.content.startswith("Твердження #")
    queries: list[str] = []
    queries.append(await desk.press(desk.carol, card, "🙋"))
    queries.append(await desk.press(desk.bob, card, "❌"))
    queries.append(await desk.press(desk.carol, card, "❌"))  # the quorum: a verdict
    await desk.say(desk.carol, "Укренерго каже інше: 31 тисяча", reply_to=card)
    claim_id = re.search(r"#(\d+)", card.content).group(1)  # type: ignore[union-attr]
    await desk.say(desk.bob, f"/note {claim_id} Перевірила на сайті оператора")
    await desk.say(desk.bob, "/status")
    await desk.say(desk.bob, f"/claim {claim_id}")
    await desk.say(desk.bob, "/queue")
    await desk.say(desk.bob, "/help")
    await desk.say(desk.bob, "/verdict")  # a usage message: errors speak Ukrainian too
    await desk.published()

    answers = [a.get("text") or "" for q in queries for a in sandbox.answers_for(q)]
    assert answers and all(answers), "every press is answered"
    shown = everything_shown(desk, queries)
    english = {text[:70]: english_words(text) for text in shown if english_words(text)}
    assert not english, f"English words the bot said to a Ukrainian team: {english}"
    # It spoke, and in Ukrainian: the status and the help are there, in Cyrillic.
    texts = " ".join(shown)
    assert len(re.findall(r"[А-Яа-яІіЇїЄєҐґ]", texts)) > 1000
    assert any(letter in texts for letter in "іїєґ"), "Ukrainian letters, not Russian"

    # The export's human-readable column names the status in the team's language too.
    await desk.say(desk.alice, "/export csv")
    document = sandbox.calls(method="sendDocument")[-1]
    stored = sandbox.state.files[document.result["document"]["file_id"]]
    rows = list(csv.DictReader(io.StringIO(stored.content.decode("utf-8-sig"))))
    voted = next(row for row in rows if row["claim_id"] == claim_id)
    assert (voted["status"], voted["status_name"]) == ("false", "неправда")
    assert not english_words(document.result.get("caption") or ""), document.result


async def test_private_help_in_each_members_own_language(desk: Desk) -> None:
    sandbox = desk.sandbox
    desk.bob.language_code = "ru"
    desk.carol.language_code = "en"
    russian, english = sandbox.private_chat(desk.bob), sandbox.private_chat(desk.carol)
    sandbox.send(russian, desk.bob, "/help")
    sandbox.send(english, desk.carol, "/help")
    await desk.settle()

    said_in_russian = " ".join(m.content for m in sandbox.bot_messages(russian))
    said_in_english = " ".join(m.content for m in sandbox.bot_messages(english))
    assert said_in_russian and said_in_english
    assert not english_words(said_in_russian), english_words(said_in_russian)
    assert "ы" in said_in_russian and not re.search("[іїєґ]", said_in_russian)
    assert not re.search(r"[А-Яа-я]", said_in_english)
    # The team's group still speaks English: its members' clients do.
    await desk.say(desk.alice, "/help")
    assert not re.search(r"[А-Яа-я]", desk.sandbox.bot_messages(desk.chat)[-1].content)


async def test_a_member_chooses_the_language_of_their_private_chat(desk: Desk) -> None:
    sandbox = desk.sandbox
    private = sandbox.private_chat(desk.carol)
    sandbox.send(private, desk.carol, "/language uk")
    await desk.settle()
    sandbox.send(private, desk.carol, "/help")
    await desk.settle()
    said = sandbox.bot_messages(private)
    assert "Українська" in said[0].content
    assert not english_words(said[-1].content) and re.search("[іїєґ]", said[-1].content)
    sandbox.send(private, desk.carol, "/language auto")
    sandbox.send(private, desk.carol, "/help")
    await desk.settle()
    assert not re.search(r"[А-Яа-я]", sandbox.bot_messages(private)[-1].content)


async def test_an_editor_switches_the_team_to_russian_and_only_editors_may(desk: Desk) -> None:
    await desk.say(desk.bob, "/language ru")
    refusal = desk.sandbox.bot_messages(desk.chat)[-1].content
    assert "editors" in refusal.lower()
    await desk.say(desk.alice, "/language ru")
    assert "Русский" in desk.sandbox.bot_messages(desk.chat)[-1].content
    await desk.say(desk.bob, "/status")
    status = desk.sandbox.bot_messages(desk.chat)[-1].content
    assert not english_words(status.replace("Fact desk", "")), status


def test_the_language_of_a_team_is_most_of_its_members() -> None:
    from bot.desk.languages import majority

    assert majority({"uk": 3, "ru": 1, "en": 1}) == "uk"
    assert majority({"uk-UA": 1, "ru-RU": 2}) == "ru"
    assert majority({"de": 5, "en": 1}) == "en"  # German: we do not speak it
    assert majority({"de": 5}) is None
    assert majority({"uk": 1, "ru": 1}) == "uk"  # a tie: the first of LANGUAGES after English
