"""The claim model every extractor returns, and the protocol they share."""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field


class ExtractedClaim(BaseModel):
    """One check-worthy claim found in an article."""

    text: str = Field(description="Self-contained claim, understandable without the article.")
    quote: str = Field(description="The exact span of the article the claim came from.")
    claimant: str | None = Field(default=None, description="Who made the claim, if attributed.")
    score: float = Field(ge=0.0, le=1.0, description="Check-worthiness, 0..1.")
    start: int = Field(ge=0, description="Offset of the quote in the article text.")
    end: int = Field(ge=0, description="End offset (exclusive) of the quote.")


class ExtractionResult(BaseModel):
    """What an extractor produced for one article, best claim first."""

    claims: list[ExtractedClaim]
    extractor: str
    fallback_reason: str | None = None


class Extractor(Protocol):
    """Anything that can pull claims out of an article's text."""

    name: str

    async def extract(
        self, text: str, *, max_claims: int, headline: str | None = None
    ) -> ExtractionResult:
        """Return at most ``max_claims`` claims from ``text``, in desk order.

        ``headline`` is the page's own title when the text does not start with it (a fetched
        page): the claim it announces comes first. An extractor may ignore it.
        """
        ...
