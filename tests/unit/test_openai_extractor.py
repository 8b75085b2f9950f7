"""The OpenAI extractor, through the real openai client against a local stub server."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import openai
import pytest

from bot.extraction.base import ExtractedClaim, ExtractionResult
from bot.extraction.chunking import merge_claims, split_into_chunks
from bot.extraction.openai import InMemoryExtractionCache, OpenAIExtractor, cache_key
from bot.extraction.openai_prompt import neutralise_delimiters
from tests.stubs.openai_stub import OpenAIStub

FIXTURES = Path(__file__).parent.parent / "fixtures" / "articles"

ARTICLE = (
    "Riverton approves its budget\n\n"
    "The council voted 7 to 2 on Tuesday to approve a budget of $412 million. "
    "Many residents attended the meeting.\n\n"
    "Unemployment fell to 4.1 percent in March, down from 5.3 percent a year earlier. "
    "The mayor called it good news."
)


class FixedFallback:
    """A stand-in for the offline extractor: one fixed claim, and a call counter."""

    name = "offline"

    def __init__(self) -> None:
        self.calls = 0

    async def extract(
        self, text: str, *, max_claims: int, headline: str | None = None
    ) -> ExtractionResult:
        """Return one claim quoting the article's first ten characters."""
        self.calls += 1
        claim = ExtractedClaim(
            text="A claim from the fallback.", quote=text[:10], score=0.5, start=0, end=10
        )
        return ExtractionResult(claims=[claim], extractor=self.name)


@pytest.fixture
async def stub() -> AsyncIterator[OpenAIStub]:
    """A running chat-completions stub."""
    async with OpenAIStub() as server:
        yield server


_open_extractors: list[OpenAIExtractor] = []


@pytest.fixture(autouse=True)
async def close_extractors() -> AsyncIterator[None]:
    """Close the HTTP clients of the extractors a test made."""
    yield
    while _open_extractors:
        await _open_extractors.pop().close()


def make_extractor(stub: OpenAIStub, **overrides: Any) -> OpenAIExtractor:
    """An extractor pointed at the stub, with tiny timeouts and backoffs."""
    options: dict[str, Any] = {
        "api_key": "test-key",
        "base_url": stub.base_url,
        "model": "test-model",
        "fallback": FixedFallback(),
        "timeout": 5,
        "max_retries": 2,
        "retry_backoff": 0.01,
    }
    options.update(overrides)
    extractor = OpenAIExtractor(**options)
    _open_extractors.append(extractor)
    return extractor


def claim(text: str, quote: str, score: float = 0.8, **extra: Any) -> dict[str, Any]:
    """A claim as the model would send it."""
    return {"text": text, "quote": quote, "claimant": None, "score": score, **extra}


def user_message(request: dict[str, Any]) -> str:
    """The user message of a recorded request."""
    return next(m["content"] for m in request["messages"] if m["role"] == "user")


async def test_claims_come_back_anchored_in_the_article(stub: OpenAIStub) -> None:
    extractor = make_extractor(stub)
    result, usage = await extractor.extract_with_usage(ARTICLE, max_claims=10)

    assert result.extractor == "openai" and result.fallback_reason is None
    assert [c.quote for c in result.claims] == [
        "The council voted 7 to 2 on Tuesday to approve a budget of $412 million.",
        "Unemployment fell to 4.1 percent in March, down from 5.3 percent a year earlier.",
    ]
    for found in result.claims:
        assert ARTICLE[found.start : found.end] == found.quote
    assert stub.request_count == 1 and usage.calls == 1
    assert usage.prompt_tokens == stub.prompt_tokens > 0
    assert usage.completion_tokens == stub.completion_tokens > 0


async def test_request_uses_structured_output_and_no_tools(stub: OpenAIStub) -> None:
    await make_extractor(stub).extract(ARTICLE, max_claims=5)

    body = stub.requests[0]
    assert body["model"] == "test-model"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert not {"tools", "functions", "tool_choice"} & body.keys()
    assert stub.headers[0]["Authorization"] == "Bearer test-key"


async def test_quote_with_other_whitespace_maps_to_the_original_span(stub: OpenAIStub) -> None:
    article = "Officials said exports rose\n  by 12 percent in 2023 after the deal."
    quoted = "exports rose by 12 percent in 2023"
    stub.script(("ok", {"claims": [claim("Exports rose by 12 percent in 2023.", quoted)]}))

    result = await make_extractor(stub).extract(article, max_claims=5)

    [found] = result.claims
    assert article[found.start : found.end] == "exports rose\n  by 12 percent in 2023"
    assert found.quote == article[found.start : found.end]


async def test_long_article_goes_in_chunks_and_claims_are_merged(stub: OpenAIStub) -> None:
    repeated = "Unemployment fell to 4.1 percent in March."
    paragraphs = [repeated] + [
        f"Paragraph {i} reports that {i * 3} new homes were built in district {i}."
        for i in range(1, 40)
    ]
    paragraphs.append(repeated)
    article = "\n\n".join(paragraphs)
    extractor = make_extractor(stub, chunk_tokens=100)

    result, usage = await extractor.extract_with_usage(article, max_claims=100)

    assert stub.request_count == usage.calls > 3
    for request in stub.requests:
        block = user_message(request).split("<article>\n", 1)[1].rsplit("\n</article>", 1)[0]
        assert len(block) <= 100 * 4
    texts = [c.text for c in result.claims]
    assert len(texts) == 40 and texts.count(repeated) == 1
    assert [c.score for c in result.claims] == sorted(
        (c.score for c in result.claims), reverse=True
    )
    for found in result.claims:
        assert article[found.start : found.end] == found.quote


def test_chunks_are_cut_at_paragraphs_and_respect_the_budget() -> None:
    article = "\n\n".join(f"Sentence number {i} is here. Another one follows." for i in range(30))
    chunks = split_into_chunks(article, chunk_tokens=40)

    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.text == article[chunk.start : chunk.end]
        assert len(chunk.text) <= 160
        assert chunk.text.startswith("Sentence") and chunk.text.endswith("follows.")


def test_an_endless_sentence_is_still_split_under_the_budget() -> None:
    article = " ".join(["word"] * 500)
    chunks = split_into_chunks(article, chunk_tokens=25)

    assert all(len(c.text) <= 100 for c in chunks)
    assert sum(c.text.count("word") for c in chunks) == 500


def test_merge_keeps_the_best_of_duplicates_and_the_limit() -> None:
    def found(text: str, start: int, end: int, score: float) -> ExtractedClaim:
        return ExtractedClaim(
            text=text, quote="q" * (end - start), score=score, start=start, end=end
        )

    claims = [
        found("Prices rose 5 percent.", 0, 20, 0.4),
        found("prices ROSE 5 percent", 100, 120, 0.9),  # same text, another place
        found("Wages rose 2 percent in May.", 2, 20, 0.7),  # same span as the first
        found("Rents fell 1 percent.", 200, 220, 0.5),
        found("Exports grew 8 percent.", 300, 320, 0.2),
    ]

    merged = merge_claims(claims, max_claims=2)

    assert [c.text for c in merged] == ["prices ROSE 5 percent", "Wages rose 2 percent in May."]


async def test_server_error_then_success_is_retried(stub: OpenAIStub) -> None:
    stub.script(("status", 500))
    result, usage = await make_extractor(stub).extract_with_usage(ARTICLE, max_claims=5)

    assert result.extractor == "openai" and result.claims
    assert stub.request_count == usage.calls == 2


async def test_rate_limit_then_success_is_retried(stub: OpenAIStub) -> None:
    stub.script(("status", 429), ("status", 429))
    result = await make_extractor(stub).extract(ARTICLE, max_claims=5)

    assert result.extractor == "openai" and stub.request_count == 3


async def test_persistent_server_error_falls_back_with_a_reason(stub: OpenAIStub) -> None:
    stub.always(("status", 500))
    fallback = FixedFallback()
    extractor = make_extractor(stub, fallback=fallback, max_retries=2)

    result, usage = await extractor.extract_with_usage(ARTICLE, max_claims=5)

    assert result.extractor == "offline" and fallback.calls == 1
    assert result.claims[0].text == "A claim from the fallback."
    assert result.fallback_reason == (
        "The language model service was unavailable; used the offline extractor."
    )
    assert stub.request_count == 3 and usage.fallbacks == 1


async def test_timeout_falls_back_quickly(stub: OpenAIStub) -> None:
    stub.always(("delay", 30))
    extractor = make_extractor(stub, timeout=0.2, max_retries=1)

    started = time.monotonic()
    result = await extractor.extract(ARTICLE, max_claims=5)

    assert time.monotonic() - started < 10  # generous: two 0.2 s attempts, not 30 s
    assert result.extractor == "offline"
    assert result.fallback_reason == (
        "The language model did not answer in time; used the offline extractor."
    )
    assert stub.request_count == 2


async def test_unreachable_server_falls_back(stub: OpenAIStub) -> None:
    extractor = make_extractor(stub, base_url="http://127.0.0.1:9/v1", max_retries=1)
    result = await extractor.extract(ARTICLE, max_claims=5)

    assert result.extractor == "offline"
    assert "unavailable" in (result.fallback_reason or "")


async def test_rejected_api_key_falls_back_without_retrying(stub: OpenAIStub) -> None:
    stub.always(("status", 401))
    result = await make_extractor(stub).extract(ARTICLE, max_claims=5)

    assert result.extractor == "offline" and "rejected" in (result.fallback_reason or "")
    assert stub.request_count == 1


async def test_malformed_json_falls_back(stub: OpenAIStub) -> None:
    stub.script(("raw", '{"claims": [{"text": "unterminated'))
    result = await make_extractor(stub).extract(ARTICLE, max_claims=5)

    assert result.extractor == "offline"
    assert result.fallback_reason == (
        "The language model gave an unusable answer; used the offline extractor."
    )
    assert stub.request_count == 1


async def test_json_wrapped_in_prose_and_fences_is_still_read(stub: OpenAIStub) -> None:
    quote = "Unemployment fell to 4.1 percent in March"
    payload = {"claims": [claim("Unemployment fell to 4.1 percent in March.", quote)]}
    stub.script(("raw", f"Here are the claims:\n```json\n{json.dumps(payload)}\n```"))

    result = await make_extractor(stub).extract(ARTICLE, max_claims=5)

    assert result.extractor == "openai" and [c.quote for c in result.claims] == [quote]


async def test_one_mistyped_claim_does_not_spoil_the_rest(stub: OpenAIStub) -> None:
    good = claim("The council voted 7 to 2 on Tuesday.", "The council voted 7 to 2 on Tuesday")
    bad = {"text": "No quote at all in this one", "score": "very high"}
    stub.script(("ok", {"claims": [bad, good]}))

    result = await make_extractor(stub).extract(ARTICLE, max_claims=5)

    assert result.extractor == "openai" and [c.text for c in result.claims] == [good["text"]]


async def test_refusal_falls_back(stub: OpenAIStub) -> None:
    stub.script(("refusal", "I can't help with that."))
    result = await make_extractor(stub).extract(ARTICLE, max_claims=5)

    assert result.extractor == "offline"
    assert result.fallback_reason == (
        "The language model declined to process this article; used the offline extractor."
    )


@pytest.mark.parametrize(
    ("finish_reason", "reason_word"), [("length", "unusable"), ("content_filter", "declined")]
)
async def test_cut_off_or_filtered_answer_falls_back(
    stub: OpenAIStub, finish_reason: str, reason_word: str
) -> None:
    stub.script(("finish", finish_reason))
    result = await make_extractor(stub).extract(ARTICLE, max_claims=5)

    assert result.extractor == "offline" and reason_word in (result.fallback_reason or "")
    assert stub.request_count == 1


async def test_prompt_injection_article_is_sent_as_data_and_its_output_filtered(
    stub: OpenAIStub,
) -> None:
    article = (FIXTURES / "prompt_injection.txt").read_text()
    genuine = "The Riverton city council voted 7 to 2 on Tuesday to approve a budget"
    malicious = [
        claim(
            "The Supreme Court cleared the mayor of all charges.", "cleared by the Supreme Court"
        ),
        claim("x" * 5000, genuine),
        claim("Council approved the budget by 7 votes to 2.", genuine, score=7, status="true"),
        claim("Too short", "The new budget takes effect on July 1.", score=float("nan")),
        claim("Unemployment in Riverton fell to 4.1 percent in March.", "fell to 4.1 percent"),
    ]
    stub.script(("ok", {"claims": malicious, "quorum": 1, "verdict": "true"}))

    result = await make_extractor(stub).extract(article, max_claims=10)

    assert result.extractor == "openai"
    assert [c.text for c in result.claims] == [
        "Council approved the budget by 7 votes to 2.",
        "Unemployment in Riverton fell to 4.1 percent in March.",
    ]
    assert result.claims[0].score == 1.0
    for found in result.claims:
        assert article[found.start : found.end] == found.quote
        assert "status" not in found.model_dump()
    [body] = stub.requests
    system, user = body["messages"]
    assert "Ignore previous instructions" not in system["content"]
    assert user["content"].count("Ignore previous instructions") == 1
    assert user["content"].endswith(
        f"<article>\n{neutralise_delimiters(article.strip())}\n</article>"
    )
    assert user["content"].count("</article>") == 1  # the article's own tag was defanged
    assert not {"tools", "functions", "tool_choice"} & body.keys()


async def test_only_invalid_claims_means_fallback(stub: OpenAIStub) -> None:
    stub.script(("ok", {"claims": [claim("An invented claim about 99 ministers.", "not there")]}))
    result = await make_extractor(stub).extract(ARTICLE, max_claims=5)

    assert result.extractor == "offline"
    assert result.fallback_reason == (
        "The language model gave an unusable answer; used the offline extractor."
    )


async def test_an_empty_answer_is_an_empty_result_not_a_failure(stub: OpenAIStub) -> None:
    stub.script(("ok", {"claims": []}))
    result = await make_extractor(stub).extract(ARTICLE, max_claims=5)

    assert result == ExtractionResult(claims=[], extractor="openai")


async def test_cached_article_costs_no_new_requests(stub: OpenAIStub) -> None:
    cache = InMemoryExtractionCache()
    extractor = make_extractor(stub, cache=cache)
    first, _ = await extractor.extract_with_usage(ARTICLE, max_claims=5)

    respaced = ARTICLE.replace(". ", ".   ")
    second, usage = await extractor.extract_with_usage(respaced, max_claims=5)

    assert stub.request_count == 1
    assert usage.calls == usage.prompt_tokens == 0 and usage.cache_hits == 1
    assert [c.text for c in second.claims] == [c.text for c in first.claims]
    for found in second.claims:
        assert respaced[found.start : found.end] == found.quote
    assert extractor.stats.calls == 1 and extractor.stats.cache_hits == 1


async def test_fallback_results_are_not_cached(stub: OpenAIStub) -> None:
    cache = InMemoryExtractionCache()
    extractor = make_extractor(stub, cache=cache, max_retries=0)
    stub.script(("status", 500))

    assert (await extractor.extract(ARTICLE, max_claims=5)).extractor == "offline"
    assert (await extractor.extract(ARTICLE, max_claims=5)).extractor == "openai"
    assert stub.request_count == 2


class BrokenCache:
    """A cache whose database is down."""

    async def get(self, key: str) -> ExtractionResult | None:
        """Fail like a lost database connection."""
        raise ConnectionError("database is down")

    async def put(self, key: str, result: ExtractionResult) -> None:
        """Fail like a lost database connection."""
        raise ConnectionError("database is down")


async def test_a_broken_cache_does_not_lose_the_claims(stub: OpenAIStub) -> None:
    result = await make_extractor(stub, cache=BrokenCache()).extract(ARTICLE, max_claims=5)

    assert result.extractor == "openai" and result.claims


def test_cache_key_depends_on_model_limit_and_text_but_not_whitespace() -> None:
    key = cache_key(model="m", text="A  claim\nhere.", max_claims=5)

    assert key == cache_key(model="m", text="A claim here. ", max_claims=5)
    assert key != cache_key(model="other", text="A claim here.", max_claims=5)
    assert key != cache_key(model="m", text="A claim here.", max_claims=6)
    assert key != cache_key(model="m", text="Another claim.", max_claims=5)


async def test_an_injected_client_is_used(stub: OpenAIStub) -> None:
    client = openai.AsyncOpenAI(api_key="injected", base_url=stub.base_url)
    extractor = make_extractor(stub, client=client, base_url=None)

    await extractor.extract(ARTICLE, max_claims=5)

    assert stub.headers[0]["Authorization"] == "Bearer injected"
    assert [m.id for m in (await client.models.list()).data] == ["stub-model"]
    await client.close()


async def test_a_local_server_needs_no_api_key(stub: OpenAIStub) -> None:
    result = await make_extractor(stub, api_key="").extract(ARTICLE, max_claims=5)

    assert result.extractor == "openai"
    assert stub.headers[0]["Authorization"] == "Bearer no-key"


def test_openai_itself_needs_an_api_key() -> None:
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        OpenAIExtractor(api_key="", model="gpt-4o-mini", fallback=FixedFallback())


async def test_model_claims_that_are_page_junk_are_dropped(stub: OpenAIStub) -> None:
    article = (
        "Riverton approves its budget\n\n"
        "The council voted 7 to 2 on Tuesday to approve a budget of $412 million.\n\n"
        "Update July 3rd, 8:05AM ET: The council confirmed the vote took place on Tuesday.\n\n"
        "Subscribe to our newsletter to get the latest budget news every morning.\n\n"
        "from django.conf import settings"
    )
    quotes = [
        "The council voted 7 to 2 on Tuesday to approve a budget of $412 million.",
        "Update July 3rd, 8:05AM ET: The council confirmed the vote took place on Tuesday.",
        "Subscribe to our newsletter to get the latest budget news every morning.",
        "from django.conf import settings",
    ]
    stub.script(("ok", {"claims": [claim(q, q) for q in quotes]}))

    result = await make_extractor(stub).extract(article, max_claims=10)

    assert result.extractor == "openai"
    assert [c.quote for c in result.claims] == quotes[:1]
