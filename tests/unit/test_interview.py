"""Interviews in question-and-answer form: the answers are the interviewee's (issue 11 item 2)."""

from __future__ import annotations

from bot.extraction.interview import answer_blocks, interviewee
from bot.extraction.offline import extract_claims

INTERVIEW_EN = """Demining NGO chief on the fields of Kharkiv region

By Mark Delaney | 6 December 2026, 09:00 EET

Safe Fields Ukraine has grown from eight volunteers into one of the largest demining operators in \
the east. Its director, Iryna Vakulenko, a former sapper, spoke to us about contaminated farmland.

How big is the problem you are dealing with?

Huge. Our teams have surveyed roughly 610 square kilometres since we were certified in March 2024, \
and we found contamination on about a fifth of it.

How many people are still being hurt?

According to the State Emergency Service, 38 civilians were killed by explosive ordnance in the \
region this year. I think people have become too used to the risk.

What does it cost to clear a hectare?

Last year we cleared 1,240 hectares and handed them back to 37 farms.
"""

INTERVIEW_UK = """«У прикордонні лишилися переважно літні люди»: інтерв’ю

8 грудня 2026, 09:30 · Олена Гнатюк · 2 417 переглядів

Про евакуацію «Сіверський вісник» поговорив із заступником начальника обласної військової \
адміністрації Ігорем Коваленком. За його словами, від початку вересня з прикордонної зони \
вивезли понад 1 200 людей.

Ігор Коваленко під час наради в Чернігові. Фото: пресслужба ОВА

— Скільки людей ще живе у п’ятикілометровій зоні?

— Зараз там залишаються близько 600 мешканців, здебільшого люди похилого віку.

— Наскільки інтенсивнішими стали обстріли?

— Лише за листопад росіяни обстріляли прикордонні громади області 418 разів.

— Чи вистачає укриттів у школах?

— Цього року на облаштування укриттів у школах спрямували 86 мільйонів гривень.
"""


def claimant_of(text: str, words: str) -> str | None:
    (claim,) = [c for c in extract_claims(text) if words in c.quote]
    return claim.claimant


def test_an_interviews_answers_are_the_interviewees() -> None:
    assert claimant_of(INTERVIEW_EN, "1,240 hectares") == "Iryna Vakulenko"
    assert claimant_of(INTERVIEW_EN, "610 square kilometres") == "Iryna Vakulenko"
    # a source named in the answer itself keeps its own credit
    assert claimant_of(INTERVIEW_EN, "38 civilians") == "the State Emergency Service"
    (claim,) = [c for c in extract_claims(INTERVIEW_EN) if "1,240" in c.quote]
    assert claim.text == "Iryna Vakulenko said: “Last year we cleared 1,240 hectares and " \
        "handed them back to 37 farms.”"  # fmt: skip


def test_a_ukrainian_interview_credits_its_answers_in_the_names_plain_form() -> None:
    """The standfirst names him in the instrumental ("Ігорем Коваленком"); the caption in the
    plain form, which the answers get. "За його словами" in the standfirst is him too."""
    assert claimant_of(INTERVIEW_UK, "418 разів") == "Ігор Коваленко"
    assert claimant_of(INTERVIEW_UK, "86 мільйонів") == "Ігор Коваленко"
    assert claimant_of(INTERVIEW_UK, "понад 1 200 людей") == "Ігор Коваленко"
    # the page's meta line (date, author, views) is no claim
    assert not [c for c in extract_claims(INTERVIEW_UK) if "переглядів" in c.quote]


def test_questions_without_an_introduced_person_credit_no_one() -> None:
    """A FAQ is in question-and-answer form, but no one is introduced: no claimant."""
    faq = """Winter support: questions and answers

Who can apply for the payment?

Households with a monthly income below 9,000 hryvnias received the payment in 2025.

How much is paid?

The payment was 6,500 hryvnias a household last winter.

When is it paid?

Payments reached 1.2 million households by the end of January.
"""
    assert answer_blocks([[p] for p in faq.split("\n\n") if p.strip()]) is not None
    assert claimant_of(faq, "6,500 hryvnias") is None


def test_two_people_introduced_alike_are_no_interviewee() -> None:
    intro = ["Olena Marchenko and Taras Hnatiuk spoke to us about the harvest."]
    assert interviewee(intro) is None
    assert interviewee(["Its director, Iryna Vakulenko, spoke to us."]) == "Iryna Vakulenko"
