"""Claim extraction through any OpenAI-compatible chat-completions endpoint.

OpenAI, Azure OpenAI (v1 API), Ollama, vLLM and llama.cpp all speak the protocol; `base_url`
chooses one. Long articles go in chunks; on a timeout, an outage, a refusal or an unusable answer
the extractor hands the article to its fallback (the offline extractor) and says why.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import unicodedata
from dataclasses import dataclass
from typing import Any, Protocol

import openai

from bot.extraction.base import ExtractedClaim, ExtractionResult, Extractor
from bot.extraction.chunking import Chunk, estimate_tokens, merge_claims, split_into_chunks
from bot.extraction.offline import attribute_article
from bot.extraction.openai_prompt import (
    PROMPT_VERSION,
    InvalidModelOutput,
    ModelClaim,
    ModelClaimList,
    ModelRefused,
    build_messages,
    check_claim,
    locate_quote,
    read_answer,
)
from bot.extraction.validate import validate_claims

logger = logging.getLogger(__name__)

MAX_CONCURRENT_CALLS = 3
MAX_RETRY_AFTER_SECONDS = 10.0

# One short sentence per failure, shown to the user next to the fallback's claims.
REASON_TIMEOUT = "The language model did not answer in time; used the {fallback} extractor."
REASON_UNAVAILABLE = "The language model service was unavailable; used the {fallback} extractor."
REASON_REJECTED = "The language model service rejected the request; used the {fallback} extractor."
REASON_REFUSED = (
    "The language model declined to process this article; used the {fallback} extractor."
)
REASON_INVALID = "The language model gave an unusable answer; used the {fallback} extractor."


class ExtractionCache(Protocol):
    """Where finished extractions are kept so the same article is never sent twice."""

    async def get(self, key: str) -> ExtractionResult | None:
        """Return the stored result for ``key``, if any."""
        ...

    async def put(self, key: str, result: ExtractionResult) -> None:
        """Store ``result`` under ``key``."""
        ...


class InMemoryExtractionCache:
    """A dict-backed cache for tests and single-process runs."""

    def __init__(self) -> None:
        self.entries: dict[str, ExtractionResult] = {}

    async def get(self, key: str) -> ExtractionResult | None:
        """Return the stored result for ``key``, if any."""
        return self.entries.get(key)

    async def put(self, key: str, result: ExtractionResult) -> None:
        """Store ``result`` under ``key``."""
        self.entries[key] = result


@dataclass
class ExtractionUsage:
    """Model calls and tokens spent: per article, or summed over an extractor's life."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    fallbacks: int = 0

    def add(self, other: ExtractionUsage) -> None:
        """Add ``other``'s counts to these."""
        self.calls += other.calls
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cache_hits += other.cache_hits
        self.fallbacks += other.fallbacks


class ModelFailure(Exception):
    """A chunk could not be extracted by the model; ``reason`` is the user-facing sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _usable_key(api_key: str, base_url: str | None) -> str:
    """The key to send; local servers need none, but the SDK insists on a non-empty one."""
    if api_key:
        return api_key
    if base_url:
        return "no-key"
    raise ValueError("OPENAI_API_KEY is required unless OPENAI_BASE_URL names another server")


def cache_key(*, model: str, text: str, max_claims: int) -> str:
    """Key an extraction by model, normalised article text, claim limit and prompt version."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    material = json.dumps([PROMPT_VERSION, model, max_claims, normalised], ensure_ascii=False)
    return hashlib.sha256(material.encode()).hexdigest()


class OpenAIExtractor:
    """Extract claims with a language model behind an OpenAI-compatible API."""

    name = "openai"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None = None,
        model: str,
        fallback: Extractor,
        timeout: float = 30,
        max_retries: int = 2,
        chunk_tokens: int = 3000,
        cache: ExtractionCache | None = None,
        client: openai.AsyncOpenAI | None = None,
        retry_backoff: float = 1.0,
        max_concurrency: int = MAX_CONCURRENT_CALLS,
        temperature: float | None = None,
    ) -> None:
        # Retries are ours (below), so the client must not retry on its own as well.
        base = client or openai.AsyncOpenAI(
            api_key=_usable_key(api_key, base_url), base_url=base_url
        )
        self._client = base.with_options(max_retries=0, timeout=timeout)
        self._owns_client = client is None
        self._model = model
        self._fallback = fallback
        self._timeout = timeout
        self._max_retries = max(0, max_retries)
        self._chunk_tokens = chunk_tokens
        self._cache = cache
        self._retry_backoff = retry_backoff
        self._calls = asyncio.Semaphore(max_concurrency)
        self._temperature = temperature
        self.stats = ExtractionUsage()

    async def close(self) -> None:
        """Close the HTTP connections of a client this extractor created itself."""
        if self._owns_client:
            await self._client.close()

    async def extract(
        self, text: str, *, max_claims: int, headline: str | None = None
    ) -> ExtractionResult:
        """Return at most ``max_claims`` claims from ``text``, best first.

        The model reads the headline in the text itself; ``headline`` (a fetched page's title)
        only steers the fallback's ranking.
        """
        result, _usage = await self.extract_with_usage(
            text, max_claims=max_claims, headline=headline
        )
        return result

    async def extract_with_usage(
        self, text: str, *, max_claims: int, headline: str | None = None
    ) -> tuple[ExtractionResult, ExtractionUsage]:
        """Like ``extract``, also returning the calls and tokens this article cost."""
        usage = ExtractionUsage()
        try:
            result = await self._extract(text, max_claims, usage, headline)
        finally:
            self.stats.add(usage)
        return result, usage

    async def _extract(
        self, text: str, max_claims: int, usage: ExtractionUsage, headline: str | None = None
    ) -> ExtractionResult:
        """Serve from the cache, else ask the model, else fall back."""
        if max_claims <= 0 or not text.strip():
            return ExtractionResult(claims=[], extractor=self.name)
        key = cache_key(model=self._model, text=text, max_claims=max_claims)
        cached = await self._cached(key)
        if cached is not None:
            usage.cache_hits += 1
            return _reanchor(cached, text)
        try:
            claims = await self._extract_with_model(text, max_claims, usage)
        except ModelFailure as failure:
            usage.fallbacks += 1
            return await self._fall_back(text, max_claims, failure.reason, headline)
        result = ExtractionResult(claims=claims, extractor=self.name)
        await self._store(key, result)
        return result

    async def _cached(self, key: str) -> ExtractionResult | None:
        """Look the article up in the cache; a broken cache only costs a model call."""
        if self._cache is None:
            return None
        try:
            return await self._cache.get(key)
        except Exception:
            logger.exception("Extraction cache lookup failed")
            return None

    async def _store(self, key: str, result: ExtractionResult) -> None:
        """Keep a successful extraction; a broken cache must not lose the claims."""
        if self._cache is None:
            return
        try:
            await self._cache.put(key, result)
        except Exception:
            logger.exception("Extraction cache store failed")

    async def _extract_with_model(
        self, text: str, max_claims: int, usage: ExtractionUsage
    ) -> list[ExtractedClaim]:
        """Send every chunk (a few at a time), then merge the checked claims."""
        chunks = split_into_chunks(text, chunk_tokens=self._chunk_tokens)
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [
                    group.create_task(self._claims_for_chunk(text, c, max_claims, usage))
                    for c in chunks
                ]
        except* ModelFailure as failures:
            # One failed chunk spoils the article: a partial list would look complete.
            raise failures.exceptions[0] from None
        merged = merge_claims([claim for task in tasks for claim in task.result()], max_claims)
        # A model may rephrase or misattribute: its texts and claimants meet the offline checks.
        sentences = await asyncio.to_thread(attribute_article, text)
        return validate_claims(merged, text, sentences)

    async def _claims_for_chunk(
        self, text: str, chunk: Chunk, max_claims: int, usage: ExtractionUsage
    ) -> list[ExtractedClaim]:
        """Ask the model about one chunk and keep only the claims that pass the checks."""
        model_claims = await self._ask_with_retries(chunk, max_claims, usage)
        checked = [check_claim(c, text, chunk) for c in model_claims]
        kept = [c for c in checked if c is not None]
        if model_claims and not kept:
            raise self._failure(REASON_INVALID)
        if len(kept) < len(model_claims):
            logger.info(
                "Dropped %d of %d model claims", len(model_claims) - len(kept), len(model_claims)
            )
        return kept

    async def _ask_with_retries(
        self, chunk: Chunk, max_claims: int, usage: ExtractionUsage
    ) -> list[ModelClaim]:
        """Call the model, retrying rate limits, server errors, timeouts and lost connections."""
        for attempt in range(self._max_retries + 1):
            try:
                async with self._calls:
                    return await self._ask(chunk, max_claims, usage)
            except openai.APIStatusError as error:
                if not _is_retryable(error.status_code):
                    # 400/401/403/404 will not get better by asking again.
                    logger.warning("Model request rejected: HTTP %s", error.status_code)
                    raise self._failure(REASON_REJECTED) from None
                reason, retry_after = REASON_UNAVAILABLE, _retry_after(error)
            except (openai.APITimeoutError, TimeoutError):
                reason, retry_after = REASON_TIMEOUT, None
            except openai.APIConnectionError:
                reason, retry_after = REASON_UNAVAILABLE, None
            except openai.APIError as error:
                logger.warning("Model answer unreadable: %s", error)
                raise self._failure(REASON_INVALID) from None
            if attempt < self._max_retries:
                await asyncio.sleep(self._backoff(attempt, retry_after))
        logger.warning("Model failed after %d attempts: %s", self._max_retries + 1, reason)
        raise self._failure(reason)

    async def _ask(self, chunk: Chunk, max_claims: int, usage: ExtractionUsage) -> list[ModelClaim]:
        """Make one chat-completions call for ``chunk`` and read its claims."""
        messages = build_messages(chunk.text, max_claims=max_claims)
        usage.calls += 1
        sent_estimate = sum(estimate_tokens(str(m.get("content", ""))) for m in messages)
        # No temperature set: leave the field out (the model's default), never send null.
        extra: dict[str, Any] = (
            {} if self._temperature is None else {"temperature": self._temperature}
        )
        try:
            # The client's timeout bounds each read, not the whole answer: a server trickling
            # bytes could hold a call forever, so the call as a whole gets a deadline too.
            async with asyncio.timeout(self._timeout * 2):
                raw = await self._client.chat.completions.with_raw_response.parse(
                    model=self._model,
                    messages=messages,
                    response_format=ModelClaimList,
                    timeout=self._timeout,
                    **extra,
                )
        except (openai.APIError, TimeoutError):
            usage.prompt_tokens += sent_estimate
            raise
        return self._read_answer(raw, usage, sent_estimate)

    def _read_answer(
        self, raw: Any, usage: ExtractionUsage, sent_estimate: int
    ) -> list[ModelClaim]:
        """Read the claims from a raw response, counting its tokens; fail on refusal or junk."""
        try:
            answer = read_answer(raw)
        except ModelRefused as error:
            usage.prompt_tokens += sent_estimate
            raise self._failure(REASON_REFUSED) from error
        except InvalidModelOutput as error:
            usage.prompt_tokens += sent_estimate
            raise self._failure(REASON_INVALID) from error
        usage.prompt_tokens += answer.prompt_tokens or sent_estimate
        usage.completion_tokens += answer.completion_tokens or 0
        return answer.claims

    async def _fall_back(
        self, text: str, max_claims: int, reason: str, headline: str | None = None
    ) -> ExtractionResult:
        """Return the fallback extractor's claims, saying why the model was not used."""
        result = await self._fallback.extract(text, max_claims=max_claims, headline=headline)
        return result.model_copy(update={"fallback_reason": reason})

    def _failure(self, template: str) -> ModelFailure:
        """Build a failure whose reason names the fallback extractor."""
        return ModelFailure(template.format(fallback=self._fallback.name))

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with jitter, stretched to the server's Retry-After if sane."""
        delay = self._retry_backoff * (2.0**attempt) * (0.5 + random.random() / 2)
        if retry_after is not None and retry_after <= MAX_RETRY_AFTER_SECONDS:
            delay = max(delay, retry_after)
        return delay


def _reanchor(cached: ExtractionResult, text: str) -> ExtractionResult:
    """Recompute offsets: a cached article may differ from this one in whitespace only."""
    claims = []
    for claim in cached.claims:
        span = locate_quote(text, claim.quote)
        if span is not None:
            claims.append(claim.model_copy(update={"start": span[0], "end": span[1]}))
    return cached.model_copy(update={"claims": claims})


def _is_retryable(status: int) -> bool:
    """Whether an HTTP status is worth another try: timeouts, conflicts, rate limits, 5xx."""
    return status in (408, 409, 429) or status >= 500


def _retry_after(error: openai.APIStatusError) -> float | None:
    """Seconds the server asked us to wait, from Retry-After, if it said."""
    value = error.response.headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
