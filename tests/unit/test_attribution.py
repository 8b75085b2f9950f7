"""Claimants come from attribution constructions only; the claim text keeps the meaning.

Every snippet reproduces a failure seen on real pages (issue 11): the old attribution gave each of
them a wrong claimant or a changed sentence.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.extraction.attribution import SpeakerContext, attribute_paragraph
from bot.extraction.base import ExtractedClaim
from bot.extraction.offline import extract_claims

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

import eval_claimants
import eval_pages


def claim_with(claims: list[ExtractedClaim], fragment: str) -> ExtractedClaim:
    """The claim whose quote contains ``fragment`` (the test fails if there is none)."""
    found = [c for c in claims if fragment in c.quote]
    assert found, f"no claim quotes {fragment!r}: {[c.quote for c in claims]}"
    return found[0]


def attribute(*paragraphs: list[str]) -> list[tuple[str | None, str]]:
    """(claimant, claim text) for each sentence of the paragraphs, read in order."""
    context = SpeakerContext()
    return [
        (a.claimant, a.claim)
        for sentences in paragraphs
        for a in attribute_paragraph(sentences, context)
    ]


def test_pronoun_is_never_replaced_by_a_name_from_its_own_sentence() -> None:
    text = (
        "Samantha Ponder is an American sportscaster who has worked for ESPN since 2012. "
        "She is married to NFL quarterback Christian Ponder, who played for the Minnesota "
        "Vikings from 2011 to 2014."
    )
    married = claim_with(extract_claims(text), "is married to")
    assert not married.text.startswith(("Christian Ponder", "Minnesota Vikings"))
    assert married.text in (married.quote, married.quote.replace("She", "Samantha Ponder", 1))


def test_pronoun_with_two_possible_people_is_left_alone() -> None:
    text = (
        "Ralof and Hadvar argue beside the cart while the Imperial captain watches the "
        "prisoners. “Next prisoner,” says Hadvar, reading 12 names from a list. She turns her "
        "attention to him and orders 3 guards to take him to the block."
    )
    turns = claim_with(extract_claims(text), "turns her attention")
    assert turns.text == turns.quote
    assert turns.claimant is None


def test_quotation_is_credited_to_its_own_speaker_not_the_last_one_named() -> None:
    text = (
        "Jo Grady, the general secretary of the University and College Union, said 70% of "
        "members had voted to strike in the ballot, which closed on Friday.\n\n"
        "A spokesman for the Universities and Colleges Employers Association defended the "
        "offer. “UCEA has made a final pay offer of 5% for 2023, the highest in 20 years,” he "
        "said."
    )
    claims = extract_claims(text)
    offer = claim_with(claims, "UCEA has made a final pay offer")
    assert offer.claimant is not None and "Grady" not in offer.claimant
    assert "Employers Association" in offer.claimant and "Grady" not in offer.text
    assert claim_with(claims, "70% of members").claimant == "Jo Grady"


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        (
            "That said, the company reported a net profit of $2.1 billion for the third quarter.",
            "the company",
        ),
        (
            "Earlier, Mayor Sadiq Khan said 40 stations on the Underground would stay open.",
            "Mayor Sadiq Khan",
        ),
        (
            "Soon after the blast, police said 200 people had been evacuated from the area.",
            "police",
        ),
        (
            "Both Microsoft and Google said they had paid over $1 billion in fines since 2018.",
            "Microsoft and Google",
        ),
        (
            "Citing the Global Fire Emissions Database, the report said wildfires released 1.8 "
            "billion tonnes of carbon in 2021.",
            None,
        ),
        (
            "In 2019, emissions from fires in the Amazon rose 30%, the researchers said.",
            "the researchers",
        ),
        ("In 2019, emissions from fires in the Amazon rose by 30 percent.", None),
    ],
)
def test_sentence_opener_is_never_taken_for_a_speaker(sentence: str, claimant: str | None) -> None:
    (claim,) = extract_claims(sentence)
    assert claim.claimant == claimant


def test_he_said_and_the_paper_without_antecedent_have_no_claimant() -> None:
    text = (
        "The bridge over the river was closed for repairs in March 2021. He said the work would "
        "cost $40 million and take 18 months.\n\n"
        "According to the paper, wages in the region rose by 4% in 2022, the fastest since 1991."
    )
    claims = extract_claims(text)
    assert claim_with(claims, "He said the work").claimant is None
    assert claim_with(claims, "According to the paper").claimant is None


def test_he_said_and_the_paper_resolve_to_what_came_before() -> None:
    said = attribute(
        [
            "Fed Chair Jerome Powell told a news conference that inflation had eased.",
            "He said rates could rise again if needed.",
        ],
        [
            "A new study published in Nature found that Arctic ice is thinning faster.",
            "According to the paper, summer ice could disappear by the 2040s.",
        ],
    )
    assert [claimant for claimant, _ in said] == [
        "Fed Chair Jerome Powell",
        "Fed Chair Jerome Powell",
        "the study in Nature",
        "the study in Nature",
    ]
    assert said[1][1] == "Fed Chair Jerome Powell said rates could rise again if needed."


def test_quoted_connective_is_dropped_not_glued_after_the_attribution() -> None:
    text = (
        "Trevor Houser, a partner at the Rhodium Group, said coal use had fallen in a quarter of "
        "US counties since 2010. “But in the other 75 percent, emissions from power plants kept "
        "rising by 2% a year,” Houser said."
    )
    rising = claim_with(extract_claims(text), "in the other 75 percent")
    assert rising.claimant == "Trevor Houser"
    assert rising.text == (
        "According to Trevor Houser, in the other 75 percent, emissions from power plants kept "
        "rising by 2% a year."
    )


def test_ukrainian_and_russian_constructions_name_the_speaker() -> None:
    said = attribute(
        [
            "Тим часом Генштаб ЗСУ повідомив про 112 бойових зіткнень за добу.",
            "Раніше міністр оборони Рустем Умєров заявив, що літаки прибудуть до кінця літа.",
            "За його словами, пілоти вже пройшли навчання.",
        ],
        [
            "По данным Росстата, инфляция в октябре составила 6,7%.",
            "«Переговоров сейчас нет», — заявил пресс-секретарь Кремля Дмитрий Песков.",
            "Между тем цены на бензин выросли на 9% с начала года.",
        ],
    )
    assert [claimant for claimant, _ in said] == [
        "Генштаб ЗСУ",
        "міністр оборони Рустем Умєров",
        "міністр оборони Рустем Умєров",
        "Росстата",
        "пресс-секретарь Кремля Дмитрий Песков",
        None,
    ]


def test_claimant_precision_on_the_labelled_set_is_at_least_ninety_percent() -> None:
    tallies = eval_claimants.evaluate()
    figures = tallies["all"].figures()
    assert figures["sentences"] >= 150
    assert figures["precision"] >= 0.9, tallies["all"].errors
    assert figures["accuracy"] >= 0.9, tallies["all"].errors


def test_he_said_after_two_people_named_together_has_no_claimant() -> None:
    said = attribute(
        [
            "The minister met John Smith in London on Monday.",
            "He said the talks had gone well and 12 agreements were signed.",
        ]
    )
    assert said[1] == (None, "He said the talks had gone well and 12 agreements were signed.")


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        # A body named with its acronym in brackets speaks.
        (
            "Unemployment fell to 3.9% in May, the Bureau of Labor Statistics (BLS) said.",
            "the Bureau of Labor Statistics",
        ),
        # An acronym that spells a stop word is still a name.
        ("Polio cases rose to 12 this year, according to the WHO.", "the WHO"),
        # A lower-case description before a role or the name it introduces.
        ("Seven people were killed in the blast, rescue officials said.", "rescue officials"),
        ("Flights resumed on Sunday, state broadcaster RTS reported.", "state broadcaster RTS"),
        (
            "About 40 people were held, a spokesman for immigration said.",
            "a spokesman for immigration",
        ),
        ("According to the court filings, the firm owed $2 million.", "the court filings"),
        # A trailing "it said" is the body the sentence opens with.
        ("The bank will close 40 branches next year, it said in a statement.", "The bank"),
        # A name in guillemets after the verb is who said it.
        (
            "Ціни на газ для населення не зміняться до кінця року, повідомили в «Нафтогазі».",
            "«Нафтогазі»",
        ),
        ("Раніше Генштаб повідомляв про 40 атак за добу.", "Генштаб"),
        ("За рік затримали 300 людей, підрахували в «Меморіалі».", "«Меморіалі»"),
    ],
)
def test_more_attribution_constructions_name_the_speaker(sentence: str, claimant: str) -> None:
    assert attribute([sentence])[0][0] == claimant


@pytest.mark.parametrize(
    "sentence",
    [
        # A number opening the sentence; "states" is a noun here.
        "Three states, including Texas, already require the labels.",
        # The speaker of a second clause does not speak for the first.
        "Ford cut 3,000 jobs last year, and GM said on Tuesday it would cut 1,500 more.",
        # Nobody in particular.
        "Many economists say the rise in prices will be temporary.",
        # "In the ministry they named …": which ministry, the text does not say here.
        "Основной причиной снижения в министерстве назвали падение цен на нефть.",
    ],
)
def test_no_claimant_where_no_one_is_credited_with_the_whole_sentence(sentence: str) -> None:
    assert attribute([sentence])[0][0] is None


def test_a_quotation_in_guillemets_still_belongs_to_its_speaker() -> None:
    said = attribute(["«Росія не виконує домовленостей», — заявив Кулеба."])
    assert said == [("Кулеба", "Кулеба: «Росія не виконує домовленостей»")]


@pytest.mark.parametrize(
    ("sentence", "claimant"),
    [
        # "As X said, …" in Ukrainian and Russian: the speaker follows the verb.
        (
            "Як заявив міністр закордонних справ Андрій Сибіга, переговори триватимуть.",
            "міністр закордонних справ Андрій Сибіга",
        ),
        (
            "Как сообщил глава Минздрава Михаил Мурашко, вакцина поступит в июне.",
            "глава Минздрава Михаил Мурашко",
        ),
        # A role with where it serves.
        (
            "Two men have been charged over the attack, police in Manchester said.",
            "police in Manchester",
        ),
        # A committee's name with "з питань".
        (
            "Голова комітету з питань освіти Сергій Бабак заявив, що закон набуде чинності.",
            "Голова комітету з питань освіти Сергій Бабак",
        ),
        # "the airline said" after a sentence that opens with the airline's one-word name …
        ("Lufthansa cancelled 300 flights on Monday, the airline said.", "Lufthansa"),
        # … but a two-word name may be a person's: the company stays the company.
        ("Southern Water was fined £90 million, the company said.", "the company"),
    ],
)
def test_speaker_after_the_verb_and_back_references_in_one_sentence(
    sentence: str, claimant: str
) -> None:
    assert attribute([sentence])[0][0] == claimant


def test_claimant_accuracy_on_the_annotated_news_pages_is_at_least_ninety_percent() -> None:
    tally = eval_pages.evaluate_pages(eval_pages.load_pages(eval_pages.PAGES_DIR))
    assert tally.claimants >= 50
    assert tally.figures()["claimant_accuracy"] >= 0.9, tally.misses


FRESH_PAGES: list[tuple[list[list[str]], str]] = [
    # A source named through its estimate.
    (
        [
            [
                "Annual inflation in Bulgaria reached 5.2% in November, according to a flash "
                "estimate by the National Statistical Institute."
            ]
        ],
        "the National Statistical Institute",
    ),
    # "the commission" is the commission named before.
    (
        [
            ["The Central Election Commission said GERB won 24.6% of the vote."],
            ["Turnout stood at 31.8%, the lowest since 1989, according to the commission."],
        ],
        "the Central Election Commission",
    ),
    # A role with no capital letter: the presidency of the EU Council.
    (
        [["The EU adopted its 20th package of sanctions, the bloc's Irish presidency said."]],
        "the bloc's Irish presidency",
    ),
    # Anonymous sources are sources all the same.
    (
        [
            [
                "Hungary secured an extension until 2027, according to two diplomats familiar "
                "with the talks, who spoke on condition of anonymity."
            ]
        ],
        "two diplomats familiar with the talks",
    ),
    # A post or a channel that spreads a claim is who claims it.
    (
        [
            [
                "A Facebook post shared more than 40,000 times last month claimed that the "
                "ozone hole had closed."
            ]
        ],
        "a Facebook post",
    ),
    (
        [
            [
                "Russian Telegram channels linked to the military claimed the strike had hit "
                "a deployment point."
            ]
        ],
        "Russian Telegram channels",
    ),
    # A title and surname is the person named in full before.
    (
        [
            ["The report was presented by Hanna Ostapenko, the coalition's director."],
            ["Dr Ostapenko said 74 of the attacks had hit facilities far from the front."],
        ],
        "Hanna Ostapenko",
    ),
    # "He said" after a man just named, whose first name the lists do not know, is him, not
    # the speaker of three sentences before.
    (
        [
            ["Governor Ihor Shevtsov said nine people were killed."],
            ["The bomb hit the building at 11 p.m.", "Rescuers worked through the night."],
            [
                "Mayor Vadym Kolesnyk spoke to reporters at the scene.",
                "He said at least 120 apartments had been damaged.",
            ],
        ],
        "Mayor Vadym Kolesnyk",
    ),
    # Ukrainian and Russian: a title with its complement, "at the council they said", "by
    # their figures", "by the organisation's data".
    (
        [
            [
                "Уповноважений Верховної Ради України з прав людини заявив, що його Офіс "
                "надіслав 214 звернень."
            ]
        ],
        "Уповноважений Верховної Ради України з прав людини",
    ),
    (
        [["У Запорізькій міській раді зазначили, що в місті організовано 5 пунктів."]],
        "Запорізькій міській раді",
    ),
    (
        [
            [
                "Більше 350 танкерів внесли до санкційних списків, підрахували аналітики "
                "Київської школи економіки.",
                "Знижка на Urals, за їхніми даними, зросла до $19 за барель.",
            ]
        ],
        "аналітики Київської школи економіки",
    ),
    (
        [
            [
                "У 2025 році ВАКС ухвалив 148 вироків, як повідомляє Transparency "
                "International Україна.",
                "Водночас, за даними організації, лише 40% засуджених отримали реальні терміни.",
            ]
        ],
        "Transparency International Україна",
    ),
]


@pytest.mark.parametrize(
    ("folder", "recall", "junk", "claimants"),
    [
        # first measured at recall 0.835, junk 0.009, claimants 0.681; after the constructions
        # they exposed were fixed, 0.853, 0.028 and 0.785 (0.796 after the second reading)
        ("annotated_fresh", 0.85, 0.05, 0.79),
        # measured once at 0.766, 0.022 and 0.708; after the fixes 0.798, 0.000 and 0.840
        ("annotated_heldout", 0.79, 0.05, 0.83),
        # measured once at 0.783, 0.055 and 0.778; after its own fixes 0.809, 0.036 and 0.871
        # (0.882 after the seventh set's)
        ("annotated_blind3", 0.80, 0.05, 0.87),
        # measured once at 0.643, 0.096 and 0.704; after its own fixes 0.651, 0.063 and 0.780
        # (0.867 after the seventh set's and a second reading of the earlier sets)
        ("annotated_blind4", 0.65, 0.07, 0.86),
        # measured once on the final tree and not tuned on: 0.845, 0.044 and 0.775
        ("annotated_blind5", 0.84, 0.05, 0.77),
        # short posts, measured once at 0.808, 0.149 and 0.738 (headline claims 0.889); after
        # its own fixes 0.846, 0.143 and 0.750 (0.944); 0.864 claimants after the second reading
        ("annotated_blind6", 0.84, 0.15, 0.86),
        # long pages of new kinds (live blogs, interviews, fact-checks), measured once at 0.581,
        # 0.083 and 0.654 (at most 0.670 recall at 10 a page); after its own fixes 0.603, 0.042
        # and 0.870
        ("annotated_blind7", 0.60, 0.05, 0.87),
        # a second set of long pages, measured once at 0.625, 0.067 and 0.809 (the day's start:
        # 0.817); after its own fixes 0.641, 0.050 and 0.881 (headline claims 0.917 → 1.000)
        ("annotated_blind8", 0.64, 0.05, 0.88),
        # measured once at the end of the day's work and not tuned on (as the fifth): 0.582,
        # 0.080 and 0.696, the same as on the tree the day started from
        ("annotated_blind9", 0.58, 0.08, 0.69),
    ],
)
def test_the_pages_written_blind_keep_their_figures(
    folder: str, recall: float, junk: float, claimants: float
) -> None:
    pages = eval_pages.load_pages(eval_pages.PAGES_DIR.parent / folder)
    figures = eval_pages.evaluate_pages(pages).figures()
    assert figures["recall"] >= recall and figures["headline_top5"] >= 0.9
    assert figures["junk_share"] <= junk and figures["cut_claims"] == 0
    assert figures["claimant_accuracy"] >= claimants


HELD_OUT_PAGES: list[tuple[list[list[str]], str]] = [
    # A sentence-initial adverb is never the "she" of ", she added".
    (
        [
            [
                "Most of them left for other EU countries, said Tereza Horáková, the "
                "ministry's spokesperson.",
                "Roughly 4,100 refugees obtained work visas over the same period, she added.",
            ]
        ],
        "Tereza Horáková",
    ),
    # The newspaper a source told is not the source.
    (
        [
            [
                "Правозащитный проект получил 1 870 обращений от призывников.",
                "Об этом «Северному вестнику» сообщил координатор проекта Илья Сомов.",
            ]
        ],
        "координатор проекта Илья Сомов",
    ),
    # A surname in another case is the person named in full before.
    (
        [
            ["Юрист Анна Белозерова заявила, что суды отклонили 53 иска."],
            ["По словам Белозеровой, суды рассмотрели 57 исков призывников."],
        ],
        "Анна Белозерова",
    ),
    # Two bodies that speak together.
    (
        [
            [
                "Національне антикорупційне бюро та Спеціалізована антикорупційна "
                "прокуратура повідомили про підозру заступнику голови ОВА."
            ]
        ],
        "Національне антикорупційне бюро та Спеціалізована антикорупційна прокуратура",
    ),
    # Only openers before the verb: the speaker follows it.
    ([["Про це у вівторок повідомили в НАБУ."]], "НАБУ"),
    # "the institute" is the institute named before, its head word inside its name.
    (
        [
            [
                "Romania reported 4,870 measles cases, according to the National Institute "
                "of Public Health (INSP).",
                "None of the nine who died had received two doses, the institute said.",
            ]
        ],
        "the National Institute of Public Health",
    ),
    # "бюро" is the bureau that spoke just before.
    (
        [
            ["Про це у вівторок повідомили в НАБУ."],
            ["Як повідомляє бюро, департамент закупив 214 генераторів."],
        ],
        "НАБУ",
    ),
]


THIRD_SET: list[tuple[str, str]] = [
    # the third blind set's constructions
    (
        "Nearly half of the contracts were placed online, data from the defence ministry show.",
        "the defence ministry",
    ),
    (
        "Preliminary results published by the Central Election Commission on Sunday morning "
        "show the alliance winning 9 of the 15 seats.",
        "the Central Election Commission",
    ),
    (
        "Three countries pledged 1.1 billion euros, according to figures published by the "
        "Danish defence ministry.",
        "the Danish defence ministry",
    ),
    (
        "No one was injured in the derailment, regional fire service spokesman Lukasz Grzelak "
        "told reporters.",
        "regional fire service spokesman Lukasz Grzelak",
    ),
    (
        "Головний лікар Сергій Ульянов в коментарі місцевому порталу заявив, що виплати "
        "скоротили тимчасово.",
        "Головний лікар Сергій Ульянов",
    ),
    ("Годовая инфляция, по оценке Минэкономразвития, ускорилась до 8,1%.", "Минэкономразвития"),
    (
        "Про відкриття провадження за статтею 361 повідомили в управлінні СБУ в Житомирській "
        "області.",
        "управлінні СБУ",
    ),
    (
        "Напомним: Офис омбудсмена Украины ранее разъяснял, что получение паспорта не "
        "является основанием для преследования.",
        "Офис омбудсмена Украины",
    ),
]


FOURTH_SET: list[tuple[list[list[str]], str]] = [
    # the fourth blind set's constructions
    (
        [
            [
                "Firefighters from Northfell Fire and Rescue Service rescued 27 people by "
                "boat, the service said."
            ]
        ],
        "Northfell Fire and Rescue Service",
    ),
    (
        [
            [
                "Погибли три человека, еще 46 пострадали, сообщили в региональном минздраве.",
                "По данным ведомства, 19 человек остаются в больницах.",
            ]
        ],
        "региональном минздраве",
    ),
    (
        [
            [
                "С начала года предотвращены 37 диверсий, рассказал ФедВест источник в "
                "правоохранительных органах."
            ]
        ],
        "источник в правоохранительных органах",
    ),
]


SEVENTH_SET: list[tuple[str, str]] = [
    # the seventh blind set's constructions (tests/fixtures/annotated_blind7)
    ("Indian refiners bought 1.2m barrels a day of Russian crude in November, according to "
     "tanker-tracking data compiled by Nordic Energy Insight, a Stockholm-based consultancy.",
     "Nordic Energy Insight"),
    ("Of the vessels designated by the EU before June, 41% still loaded Russian cargoes in "
     "October, according to a report published last week by the Kyiv School of Economics.",
     "the Kyiv School of Economics"),
    ("Brussels is discussing a full ban on maritime services for Russian oil, three EU diplomats "
     "said, though Hungary and Slovakia have signalled they would block it.",
     "three EU diplomats"),
    ("“Not a single port stopped operating for more than 24 hours,” said Minister of Economy, "
     "Environment and Agriculture Taras Bondarenko.",
     "Minister of Economy, Environment and Agriculture Taras Bondarenko"),
    ("Департамент образования Одесского городского совета заявил, что все школы города работают "
     "в штатном режиме.", "Департамент образования Одесского городского совета"),
    ("Главный врач областной инфекционной больницы Виктор Шевчук сказал нам, что в больнице "
     "заняты 46 из 120 коек.", "Главный врач областной инфекционной больницы Виктор Шевчук"),
    ("Президент Володимир Зеленський у вечірньому зверненні заявив, що за тиждень росія "
     "випустила понад 1100 ударних дронів.", "Президент Володимир Зеленський"),
    ("По версии следствия, в апреле 2025 года Лаптев опубликовал три поста.", "следствия"),
    # a subject with a preposition inside is no one name: the next sentence says who
    ("Детективи НАБУ за процесуального керівництва САП повідомили про підозру директору "
     "підприємства. Про це повідомили в НАБУ.", "НАБУ"),
    # read again on the earlier blind sets, 2026-12-08
    ("Росстат: гречка за месяц подорожала на 14%", "Росстат"),
    ("UNHCR: over 9,300 Ukrainians crossed into Moldova last week", "UNHCR"),
    ("Повітряні сили: вночі ворог атакував Україну 63 ударними БпЛА", "Повітряні сили"),
    ("Police estimate about 38,000 people gathered on SNP Square tonight.", "Police"),
    ("Poland's operational command said it had scrambled fighter jets to secure its airspace.",
     "Poland's operational command"),
    ("Both data cables were repaired by Nov. 29, their operator Baltnet Fibre said.",
     "Baltnet Fibre"),
    ("The vessel's operator, Dubai-registered Arvand Maritime, said in an emailed statement that "
     "the damage was an accident.", "Dubai-registered Arvand Maritime"),
    ("Ранее в ноябре сотрудники ФСБ задержали жителя Армавира, который, по данным ведомства, "
     "готовил поджог компрессорной станции.", "ФСБ"),
]  # fmt: skip

EIGHTH_SET: list[tuple[list[list[str]], str]] = [
    # the eighth blind set's constructions (tests/fixtures/annotated_blind8)
    ([["A survey by the Kyiv International Institute of Sociology published in October found "
       "that 31% of Ukrainians had seen at least one such video."]],
     "the Kyiv International Institute of Sociology"),
    ([["“Two of the three autotransformers were destroyed,” Ukrenergo board member Dmytro "
       "Havryliuk told reporters at a briefing in Kyiv."]],
     "Ukrenergo board member Dmytro Havryliuk"),
    ([["Организатор акции, активистка Елена Барсукова, сообщила, что участники собрали 2 400 "
       "подписей."]], "Елена Барсукова"),
    ([["За словами речника Київського обласного ТЦК та СП Андрія Левченка, центри комплектування "
       "не отримували нових розпоряджень."]],
     "речника Київського обласного ТЦК та СП Андрія Левченка"),
    ([["За версією детективів, частину коштів переказали на рахунки підконтрольних компаній."]],
     "детективів"),
    ([["Національне антикорупційне бюро повідомило про підозру директору підприємства."],
      ["Обладнання придбали за 31,2 млн грн, йдеться в повідомленні бюро."]],
     "Національне антикорупційне бюро"),
    ([["Министерство обороны России сообщило об освобождении села Степовое."],
      ["За сутки сбиты 193 беспилотника, говорится в сводке."]],
     "Министерство обороны России"),
    ([["Министерство обороны России сообщило об освобождении села Степовое."],
      ["В министерстве также сообщили, что из села эвакуированы 37 мирных жителей."]],
     "Министерство обороны России"),
    ([["President Volodymyr Zelenskiy renewed his appeal for more air defence systems, writing "
       "on X that Russia had used more than 1,900 drones in the past week."]],
     "President Volodymyr Zelenskiy"),
    ([["The ministry published new figures on Monday, saying exports fell by 12%."]],
     "the ministry"),
    ([["Ролик проаналізував Центр протидії дезінформації при РНБО."],
      ["За даними Центру, перші 12 каналів, які поширили ролик, раніше публікували матеріали "
       "російських ЗМІ."]],
     "Центр протидії дезінформації при РНБО"),
]  # fmt: skip

# No source: a label, a place or a name alone before a colon is no claimant.
NOT_A_SOURCE = [
    "Update: the bridge reopened at 9am.",
    "Kherson: 12 people were injured in the shelling.",
    "Харків: 12 людей поранено внаслідок удару.",
    "Claim: Ukraine has brought back only 12 children from Russia.",
    # a capital that opens the sentence is no name before "…, saying"
    "Prices rose sharply in November, saying more about the harvest than the war.",
]


# Constructions the pages written blind (tests/fixtures/annotated_fresh … annotated_blind7)
# exposed: each is the last sentence's claimant after the paragraphs before it.
BLIND_PAGE_CASES = [
    *FRESH_PAGES,
    *HELD_OUT_PAGES,
    *[([[sentence]], claimant) for sentence, claimant in THIRD_SET],
    *FOURTH_SET,
    *[([[sentence]], claimant) for sentence, claimant in SEVENTH_SET],
    *EIGHTH_SET,
]


@pytest.mark.parametrize("sentence", NOT_A_SOURCE)
def test_a_label_or_a_place_before_a_colon_is_no_source(sentence: str) -> None:
    assert attribute([sentence])[-1][0] is None


def test_the_centre_is_the_centre_named_before() -> None:
    """A body named before that did not speak ("оприлюднив" is no reporting verb) is still the
    "центру" of "За даними центру" when its name holds that noun."""
    paragraphs = [
        ["Український центр оцінювання якості освіти оприлюднив результати НМТ-2026."],
        ["За даними центру, тест склали 312 тисяч учасників, що на 9% більше, ніж торік."],
    ]
    assert attribute(*paragraphs)[-1][0] == "Український центр оцінювання якості освіти"


@pytest.mark.parametrize(("paragraphs", "claimant"), BLIND_PAGE_CASES)
def test_constructions_of_the_blind_pages_name_the_speaker(
    paragraphs: list[list[str]], claimant: str
) -> None:
    assert attribute(*paragraphs)[-1][0] == claimant


@pytest.mark.parametrize(
    ("quoted", "said"),
    [
        ("If the state wants two million drones next year, it has to pay for the 400,000 it has "
         "already received", "if the state wants"),
        ("Every region reported outages on 14 December, and 11 of them for more than six hours",
         "every region reported"),
    ],
)  # fmt: skip
def test_an_attributed_quotation_reads_as_one_sentence(quoted: str, said: str) -> None:
    """ "According to X, If the state…": the quotation's first word, a common word, is lowered."""
    text = f'"{quoted}," said Serhiy Tkach, who heads the drone makers association.'
    (claim,) = extract_claims(text)
    assert claim.text.startswith(f"According to Serhiy Tkach, {said}"), claim.text


def test_a_shout_in_capitals_is_nobody_to_quote() -> None:
    """ "ATTENTION PARENTS!!! … she says …": the capitals call out to readers; nobody said it."""
    text = (
        "ATTENTION PARENTS!!! My cousin works at a pharmacy in Lviv and she says the Ukrainian "
        "Health Ministry has quietly BANNED a popular children's nasal spray after kids ended up "
        "in hospital."
    )
    assert [claim.claimant for claim in extract_claims(text)] == [None]
