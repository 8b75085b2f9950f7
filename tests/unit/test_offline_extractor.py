"""The offline extractor on whole articles of several styles and languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.extraction.base import ExtractedClaim, ExtractionResult
from bot.extraction.offline import (
    CHECKWORTHY_THRESHOLD,
    OfflineExtractor,
    extract_claims,
    is_checkworthy,
    score_lines,
    score_sentence,
)

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def claims_of(name: str, max_claims: int = 10) -> tuple[str, list[ExtractedClaim]]:
    """A fixture article and its claims."""
    text = (ARTICLES / name).read_text(encoding="utf-8")
    return text, extract_claims(text, max_claims=max_claims)


def find(claims: list[ExtractedClaim], fragment: str) -> ExtractedClaim | None:
    """The claim whose quote contains a fragment, if any."""
    return next((c for c in claims if fragment in c.quote), None)


def joined(claims: list[ExtractedClaim]) -> str:
    """All claim texts and quotes, for absence checks."""
    return "\n".join(c.text + "\n" + c.quote for c in claims)


@pytest.mark.parametrize(
    "name",
    [p.name for p in sorted(ARTICLES.glob("*.txt"))],
)
def test_quotes_and_offsets_point_into_the_text(name: str) -> None:
    text, claims = claims_of(name)
    for claim in claims:
        assert text[claim.start : claim.end] == claim.quote
        assert 0.0 <= claim.score <= 1.0 and is_checkworthy(claim.score)
        assert not claim.text.endswith("…") or claim.quote.rstrip().endswith("…")
    assert len({c.quote for c in claims}) == len(claims)  # ranked by desk order, each once


def test_wire_report_keeps_the_figures_and_drops_the_furniture() -> None:
    _, claims = claims_of("wire-report-en.txt")
    assert find(claims, "40 cruise missiles and 16 Iranian-made drones")
    assert find(claims, "4.5 million consumers")
    assert find(claims, "at least 6,490 civilians")
    assert find(claims, "40% of its generating capacity")
    text = joined(claims)
    for absent in ("Reporting by", "Sign up", "REUTERS/Gleb", "What will happen", "(Reuters)"):
        assert absent not in text


def test_wire_report_attributes_and_expands_the_speaker() -> None:
    _, claims = claims_of("wire-report-en.txt")
    capacity = find(claims, "40% of its generating capacity")
    assert capacity is not None and capacity.claimant == "Volodymyr Kudrytskyi"
    transformers = find(claims, "He added that the company was buying transformers")
    assert transformers is not None
    assert transformers.text.startswith("Volodymyr Kudrytskyi added that")
    un = find(claims, "6,490")
    assert un is not None and un.claimant == "the United Nations"
    missiles = find(claims, "40 cruise missiles")
    assert missiles is not None and missiles.claimant == "the Ukrainian air force"


def test_quotation_becomes_an_attributed_self_contained_claim() -> None:
    _, claims = claims_of("wire-report-en.txt")
    restored = find(claims, "We restored supply to 70%")
    assert restored is not None
    assert restored.claimant == "Ukrenergo chief executive Volodymyr Kudrytskyi"
    assert restored.text.startswith("Ukrenergo chief executive Volodymyr Kudrytskyi said:")


def test_opinion_piece_yields_only_its_factual_sentence() -> None:
    _, claims = claims_of("opinion-en.txt")
    assert len(claims) == 1
    assert "voted 7 to 2" in claims[0].quote
    text = joined(claims)
    for absent in ("disgrace", "Should we", "Call your councillor", "columnist", "Share this"):
        assert absent not in text


def test_press_release_keeps_results_and_drops_boasts_and_contacts() -> None:
    _, claims = claims_of("press-release-en.txt")
    assert find(claims, "4.2 terawatt-hours")
    assert find(claims, "$312 million")
    assert find(claims, "350 megawatts")
    text = joined(claims)
    for absent in ("incredibly proud", "best partner", "Media contact", "HOUSTON"):
        assert absent not in text


def test_ukrainian_telegram_post_keeps_numbers_and_drops_slogans() -> None:
    _, claims = claims_of("telegram-uk.txt")
    drones = find(claims, "Сили ППО знищили 27 з 31")
    assert drones is not None and "⚡" not in drones.quote and "#" not in drones.quote
    assert drones.claimant == "Повітряних силах ЗСУ"
    klitschko = find(claims, "пошкоджено два житлові будинки")
    assert klitschko is not None and klitschko.claimant == "Мер Києва Віталій Кличко"
    help_given = find(claims, "Він додав")
    assert help_given is not None and help_given.text.startswith("Мер Києва Віталій Кличко додав")
    text = joined(claims)
    for absent in ("терористи", "Слава Україні", "Підписуйтесь", "#Київ"):
        assert absent not in text


def test_russian_telegram_post_keeps_attributed_facts() -> None:
    _, claims = claims_of("telegram-ru.txt")
    ministry = find(claims, "уничтожении 12 украинских беспилотников")
    assert ministry is not None and not ministry.quote.startswith("СРОЧНО")
    assert ministry.claimant == "Минобороны России"
    assert find(claims, "повреждены три частных дома")
    text = joined(claims)
    for absent in ("провокация", "Подписывайтесь", "#Белгород"):
        assert absent not in text


def test_ukrainian_news_article_credits_the_following_attribution() -> None:
    _, claims = claims_of("news-uk.txt")
    wage = find(claims, "з 7100 до 8000 гривень")
    assert wage is not None and wage.claimant == "прем'єр-міністр Денис Шмигаль"
    stats = find(claims, "18 тисяч гривень")
    assert stats is not None and stats.claimant == "Державної служби статистики"
    text = joined(claims)
    for absent in ("Ірина Коваль", "Оновлено", "Getty", "вважаємо", "Читайте також"):
        assert absent not in text


def test_max_claims_is_respected_and_results_are_deterministic() -> None:
    text = (ARTICLES / "wire-report-en.txt").read_text(encoding="utf-8")
    assert len(extract_claims(text, max_claims=2)) == 2
    assert extract_claims(text) == extract_claims(text)


def test_repeated_sentences_come_out_once() -> None:
    sentence = "The ministry said 40 drones were shot down over Kyiv on Monday."
    text = f"{sentence}\n\nOther news: the council met.\n\n“{sentence}”"
    claims = extract_claims(text)
    assert sum("40 drones" in c.quote for c in claims) == 1


def test_long_sentences_are_kept_whole_or_split_at_a_clause() -> None:
    clause = "the ministry said {} drones were shot down over Kyiv on Monday"
    whole = "In 2023, " + ", and ".join(clause.format(n) for n in range(40, 48)) + "."
    (claim,) = extract_claims(whole)
    assert claim.quote == whole and claim.text == whole
    overlong = "In 2023, " + "; ".join(clause.format(n) for n in range(40, 52)) + "."
    claims = extract_claims(overlong)
    assert len(claims) >= 2
    for part in claims:
        assert overlong[part.start : part.end] == part.quote and len(part.quote) <= 600
        assert part.text == part.quote and not part.text.endswith("…")


def test_empty_and_furniture_only_texts_have_no_claims() -> None:
    assert extract_claims("") == []
    assert extract_claims("Subscribe to our newsletter\n#news 🔥\nRelated Topics") == []


def test_scores_rank_facts_over_opinions_in_every_language() -> None:
    facts = [
        "Russia annexed the Crimean Peninsula in 2014.",
        "Росія анексувала Кримський півострів у 2014 році.",
        "Россия аннексировала Крымский полуостров в 2014 году.",
    ]
    opinions = [
        "These cowardly drone strikes are an act of desperation.",
        "Ці боягузливі удари — ганебний акт відчаю.",
        "Эти трусливые удары — позорный акт отчаяния.",
    ]
    for fact, opinion in zip(facts, opinions, strict=True):
        assert is_checkworthy(score_sentence(fact)), fact
        assert not is_checkworthy(score_sentence(opinion)), opinion
    assert [checkworthy for _, checkworthy in score_lines(facts + opinions)] == [True] * 3 + [
        False
    ] * 3


def test_threshold_is_a_probability() -> None:
    assert 0.0 < CHECKWORTHY_THRESHOLD < 1.0
    assert is_checkworthy(CHECKWORTHY_THRESHOLD)


async def test_offline_extractor_runs_in_a_thread_and_names_itself() -> None:
    text = (ARTICLES / "wire-report-en.txt").read_text(encoding="utf-8")
    result = await OfflineExtractor().extract(text, max_claims=3)
    assert isinstance(result, ExtractionResult)
    assert result.extractor == "offline" and result.fallback_reason is None
    assert len(result.claims) == 3


def test_seed_article_yields_what_a_fact_checker_would_pick(shared_dir: Path) -> None:
    text = (shared_dir / "article-seed-iran-crimea.txt").read_text(encoding="utf-8")
    claims = extract_claims(text, max_claims=10)
    for fragment in (
        "drones launched from the Crimean Peninsula",
        "Iranian personnel are on the Crimean Peninsula",
        "including strikes against Kyiv",
        "Russia has received dozens of UAVs",
        "Russia annexed the Crimean Peninsula in 2014",
        "issued fresh sanctions on Iran",
    ):
        assert find(claims, fragment), fragment
    text_out = joined(claims)
    for absent in ("Jack Phillips", "breaking news reporter", "Related Topics", "cowardly"):
        assert absent not in text_out
    kyiv = find(claims, "including strikes against Kyiv")
    assert kyiv is not None and kyiv.claimant == "John Kirby"


def test_one_line_post_keeps_its_fact_and_drops_its_prompt() -> None:
    text = "🔴 Росія випустила 40 ракет по Україні цієї ночі. Підписуйтесь на наш канал! #новини"
    claims = extract_claims(text)
    assert [c.quote for c in claims] == ["Росія випустила 40 ракет по Україні цієї ночі."]


def test_russian_report_with_verb_first_attribution_and_pronoun() -> None:
    text = (
        "Полиция задержала 15 человек в центре Москвы, сообщил источник в полиции.\n"
        "«Мы задержали 15 человек, никто не пострадал», — сказал представитель МВД Иван Петров.\n"
        "Он также заявил, что акция не была согласована с мэрией."
    )
    claims = extract_claims(text)
    detained = find(claims, "Полиция задержала 15 человек")
    # where the source sits is part of who it is ("источник в полиции")
    assert detained is not None and detained.claimant == "источник в полиции"
    quoted = find(claims, "никто не пострадал")
    assert quoted is not None
    assert (
        quoted.text
        == "Представитель МВД Иван Петров: «Мы задержали 15 человек, никто не пострадал»"
    )
    agreed = find(claims, "не была согласована")
    assert agreed is not None and agreed.text.startswith(
        "Представитель МВД Иван Петров также заявил"
    )
