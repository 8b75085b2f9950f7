"""The records and vocabulary the services hand to the Telegram edge.

Handlers render what services return (an article, a claim, its status and ratings) but never
reach into storage themselves: they name these types from here, and `grep storage handlers/`
stays empty. Storage defines them; this module is the one door they pass through.
"""

from __future__ import annotations

from storage.db import Database, UnitOfWork, UpdateAlreadyApplied, is_passing_db_failure
from storage.models import (
    VERDICT_STATUSES,
    Article,
    Claim,
    ClaimOrigin,
    ClaimStatus,
    ExtractionState,
    Rating,
    Team,
    stored_id,
)

__all__ = [
    "VERDICT_STATUSES",
    "Article",
    "Claim",
    "ClaimOrigin",
    "ClaimStatus",
    "Database",
    "ExtractionState",
    "Rating",
    "Team",
    "UnitOfWork",
    "UpdateAlreadyApplied",
    "is_passing_db_failure",
    "stored_id",
]
