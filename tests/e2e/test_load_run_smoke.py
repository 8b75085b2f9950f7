"""A small load run (bench/load_run.py): two bot processes on one PostgreSQL database, three
teams pressing, forwarding, noting and asking /status at once for 15 seconds, lose no update
and count none twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load_run import Config, measure
from tests.conftest import POSTGRES_SKIP, POSTGRES_URL

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SMALL = Config(
    teams=3,
    members=4,
    minutes=15 / 60,
    think=2.0,
    article_every=(5.0, 9.0),
    status_every=8.0,
    note_share=0.1,
    drain_timeout=30.0,
    quiet=1.0,
    seed=5,
    # PTB's rate limiter would hold the last card edits back for a minute or more (one message
    # every 3 s into a busy group); what is checked here does not depend on it.
    bot_env={"RATE_LIMIT": "false", "POLL_TIMEOUT": "1"},
)


async def test_a_small_load_run_loses_nothing_and_counts_nothing_twice(tmp_path: Path) -> None:
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    figures = {f.figure: f for f in await measure(SMALL, POSTGRES_URL, tmp_path)}

    # There was load, through both processes' shared store (on a loaded machine the members,
    # who wait for each answer, press less; notes and /status are left to chance).
    assert figures["articles forwarded"].value >= 3  # one per team at least, by the clock
    assert figures["rating presses"].value >= 5
    assert figures["updates pushed"].value > figures["rating presses"].value

    # Every exactly-once check: updates, votes, answers, articles, claims, notes, /status, logs.
    must_be_zero = [
        f for f in figures.values() if f.target == "0" and not f.figure.startswith("groups over")
    ]
    assert len(must_be_zero) >= 17
    broken = {f.figure: f.value for f in must_be_zero if f.value != 0}
    assert broken == {}
