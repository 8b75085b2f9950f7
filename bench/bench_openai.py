"""Extraction calls with the OpenAI extractor (figure 5): model calls and tokens per article.

The extractor talks to the local chat-completions stub (tests/stubs/openai_stub.py) with the
default chunk size (OPENAI_CHUNK_TOKENS=3000) and an in-memory cache. Each sample article is
extracted once, a long article shows the chunking, and a repeat of an article shows the cache:
it must cost zero calls.
"""

from __future__ import annotations

from bench.common import REPO, Figure, emit
from bot.extraction.offline import OfflineExtractor
from bot.extraction.openai import InMemoryExtractionCache, OpenAIExtractor
from tests.stubs.openai_stub import OpenAIStub

ARTICLES = REPO / "tests" / "fixtures" / "articles"
CHUNK_TOKENS = 3000
LONG_WORDS = 10_000


def sample_articles() -> dict[str, str]:
    """The fixture articles by file name."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))}


def long_article(samples: dict[str, str], words: int = LONG_WORDS) -> str:
    """About `words` words made of the samples' paragraphs, each numbered to stay unique."""
    paragraphs = [p for text in samples.values() for p in text.split("\n\n") if len(p) > 40]
    out, count, i = [], 0, 0
    while count < words:
        paragraph = f"{paragraphs[i % len(paragraphs)]} (Part {i}.)"
        out.append(paragraph)
        count += len(paragraph.split())
        i += 1
    return "\n\n".join(out)


def usage_figures(name: str, words: int, usage: object) -> list[Figure]:
    """Calls, prompt tokens and completion tokens of one article."""
    label = f"{name} ({words:,} words)"
    return [
        Figure("openai", f"{label}: model calls", usage.calls, "calls"),
        Figure("openai", f"{label}: prompt tokens", usage.prompt_tokens, "tokens"),
        Figure("openai", f"{label}: completion tokens", usage.completion_tokens, "tokens"),
    ]


async def run(*, quick: bool = False, db: str | None = None) -> list[Figure]:
    """Every sample article, a long one, and a duplicate; `quick` and `db` change nothing."""
    samples = sample_articles()
    articles = dict(samples)
    articles["long article"] = long_article(samples)
    out: list[Figure] = []
    async with OpenAIStub() as stub:
        extractor = OpenAIExtractor(
            api_key="bench",
            base_url=stub.base_url,
            model="stub-model",
            fallback=OfflineExtractor(),
            chunk_tokens=CHUNK_TOKENS,
            cache=InMemoryExtractionCache(),
        )
        try:
            total_calls = total_prompt = 0
            for name, text in articles.items():
                _, usage = await extractor.extract_with_usage(text, max_claims=10)
                out += usage_figures(name, len(text.split()), usage)
                total_calls += usage.calls
                total_prompt += usage.prompt_tokens
            count = len(samples)
            sample_calls = total_calls - out[-3].value
            sample_prompt = total_prompt - out[-2].value
            out.append(Figure("openai", "mean per sample article: calls", sample_calls / count,
                              "calls"))  # fmt: skip
            out.append(Figure("openai", "mean per sample article: prompt tokens",
                              sample_prompt / count, "tokens"))  # fmt: skip
            first = next(iter(samples.values()))
            _, again = await extractor.extract_with_usage(first, max_claims=10)
            out.append(
                Figure("openai", "duplicate article: model calls", again.calls, "calls",
                       target="0", met=again.calls == 0)
            )  # fmt: skip
            out.append(Figure("openai", "duplicate article: cache hits", again.cache_hits, "hits"))
            out.append(Figure("openai", "requests the stub received", stub.request_count,
                              "requests"))  # fmt: skip
        finally:
            await extractor.close()
    for figure in out:
        emit(figure)
    return out
