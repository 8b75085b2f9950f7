"""Export dates at the edges of time: no OverflowError, the edge filters as it should."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.desk.export import parse_since
from storage.db import Database
from tests.storage.test_export import CHAT, _collect, _desk

LATEST = "9999-12-31T23:59:59-23:59"  # in year 10000 once converted to UTC
EARLIEST = "0001-01-01T00:00+14:00"  # in year 0 once converted to UTC


@pytest.mark.parametrize("value", [LATEST, EARLIEST, "9999-12-31", "0001-01-01T00:00:00-05:00"])
def test_dates_at_the_edges_of_time_parse_to_utc(value: str) -> None:
    moment = parse_since(value)
    assert moment is not None and moment.utcoffset() is not None
    assert moment.utcoffset().total_seconds() == 0
    assert moment.isoformat()  # what the export's head shows


def test_an_instant_beyond_year_9999_in_utc_is_the_latest_moment() -> None:
    assert parse_since(LATEST) == datetime.max.replace(tzinfo=UTC)
    assert parse_since(EARLIEST) == datetime.min.replace(tzinfo=UTC)
    # A representable neighbour still converts exactly.
    assert parse_since("0001-01-01T00:00:00-05:00") == datetime(1, 1, 1, 5, tzinfo=UTC)


async def test_export_since_the_edges_of_time(db: Database) -> None:
    await _desk(db)
    latest = json.loads(await _collect(db, chat_id=CHAT, fmt="json", since=parse_since(LATEST)))
    earliest = json.loads(await _collect(db, chat_id=CHAT, fmt="json", since=parse_since(EARLIEST)))
    assert latest["claims"] == []
    assert len(earliest["claims"]) == 4
