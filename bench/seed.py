"""Fast bulk seeding of a migrated database: one big team's queue plus other teams beside it.

Rows go in as plain tuples (SQLite: the stdlib sqlite3 module, one transaction; PostgreSQL:
COPY through asyncpg), with the secondary indexes dropped during the load and rebuilt after it,
which is several times faster than maintaining them row by row. Everything is deterministic:
row r's team, status and votes follow from r alone, so QueueCount rows can be kept consistent.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import make_url

from storage.scratch import connect_raw

MAIN_TEAM = 1
OTHER_TEAMS = (2, 3, 4)
CHAT_ID = -1001900000001
USERS = tuple(range(100_001, 100_051))  # 50 members; USERS[0] asks /status
CLAIMS_PER_ARTICLE = 10

# Status of row r by (r * 37) % 100: a queue mostly open, the rest in review, settled or dismissed.
STATUS_BANDS = (
    (70, "open"),
    (78, "in_review"),
    (80, "disputed"),
    (84, "true"),
    (88, "misleading"),
    (92, "false"),
    (96, "unproven"),
    (100, "dismissed"),
)
VERDICT_RATING = {
    "true": "true",
    "misleading": "misleading",
    "false": "false",
    "unproven": "unproven",
    "dismissed": "not_claim",
}
CLAIM_COLUMNS = (
    "id", "team_id", "article_id", "position", "text", "quote", "claimant", "score", "start",
    "end", "status", "locked", "assignee_id", "card_chat_id", "card_message_id",
    "card_thread_id", "card_state", "match_claim_id", "match_score", "created_at",
    "status_changed_at",
)  # fmt: skip
ARTICLE_COLUMNS = ("id", "team_id", "kind", "text", "text_hash", "extraction_state", "created_at")
VOTE_COLUMNS = ("id", "claim_id", "user_id", "rating", "created_at", "updated_at")
TEAM_COLUMNS = ("id", "chat_id", "title", "chat_type", "is_forum", "active", "created_at")
USER_COLUMNS = ("id", "first_name", "username", "updated_at")
LOADED_TABLES = ("team", "user", "article", "claim", "vote", "queuecount")

Stamp = Callable[[datetime], object]


def as_datetime(value: datetime) -> datetime:
    """Timestamps as they are (asyncpg takes aware datetimes)."""
    return value


def as_sqlite_text(value: datetime) -> str:
    """Timestamps as SQLAlchemy stores them in SQLite: naive UTC, always with microseconds."""
    return value.isoformat(sep=" ", timespec="microseconds")


def status_of(row: int) -> str:
    """The status of claim row `row`."""
    band = (row * 37) % 100
    for upper, status in STATUS_BANDS:
        if band < upper:
            return status
    raise AssertionError(band)


@dataclass
class Layout:
    """Where each of `total` claim rows goes: every fifth row belongs to another team."""

    claims: int  # in the main team
    stamp: Stamp = as_datetime
    started: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def others(self) -> int:
        """Claims of the other teams together (a quarter of the main team's)."""
        return self.claims // 4

    @property
    def total(self) -> int:
        """All claim rows."""
        return self.claims + self.others

    def team_of(self, row: int) -> tuple[int, int]:
        """(team id, index of the claim within its team)."""
        if row % 5 == 4 and row // 5 < self.others:
            other = row // 5
            return OTHER_TEAMS[other % 3], other // 3
        return MAIN_TEAM, row - min(row // 5, self.others)

    def team_sizes(self) -> dict[int, int]:
        """Claims per team."""
        sizes = {MAIN_TEAM: self.claims}
        for k, team in enumerate(OTHER_TEAMS):
            sizes[team] = (self.others - k + 2) // 3
        return sizes

    def article_offsets(self) -> dict[int, int]:
        """The id before each team's first article (articles are numbered team by team)."""
        offsets, next_id = {}, 0
        for team, size in self.team_sizes().items():
            offsets[team] = next_id
            next_id += -(-size // CLAIMS_PER_ARTICLE)
        return offsets

    def __post_init__(self) -> None:
        if self.stamp is as_sqlite_text:
            self.started = self.started.replace(tzinfo=None)  # SQLite keeps naive UTC
        self._first = self.started - timedelta(days=365)
        self._step = timedelta(days=365) / max(self.total, 1)

    def created(self, row: int) -> datetime:
        """Claims arrive evenly over the past year, in row order."""
        return self._first + self._step * row


def article_rows(layout: Layout) -> Iterator[tuple]:
    """One article per ten claims of a team."""
    offsets = layout.article_offsets()
    for team, size in layout.team_sizes().items():
        for k in range(-(-size // CLAIMS_PER_ARTICLE)):
            article_id = offsets[team] + k + 1
            yield (
                article_id, team, "forward", f"Bench article {article_id} of team {team}.",
                f"{article_id:064x}", "done", layout.stamp(layout.started - timedelta(days=366)),
            )  # fmt: skip


def claim_rows(layout: Layout, counts: Counter[tuple[int, str]]) -> Iterator[tuple]:
    """Every claim row; counts[(team, status)] is filled in as rows are made."""
    offsets = layout.article_offsets()
    for row in range(layout.total):
        team, local = layout.team_of(row)
        status = status_of(row)
        counts[(team, status)] += 1
        created = layout.created(row)
        changed = created if status == "open" else created + timedelta(days=2)
        changed = min(changed, layout.started)
        text = (
            f"Claim {row}: the ministry said {row % 997} households lost power in area {row % 24}."
        )
        yield (
            row + 1, team, offsets[team] + local // CLAIMS_PER_ARTICLE + 1,
            local % CLAIMS_PER_ARTICLE, text, text, "the ministry", 0.8, 0, len(text), status,
            False, None, CHAT_ID if team == MAIN_TEAM else None, row + 10 if team == MAIN_TEAM
            else None, None, "posted", None, None, layout.stamp(created), layout.stamp(changed),
        )  # fmt: skip


def vote_rows(layout: Layout) -> Iterator[tuple]:
    """Votes consistent with each claim's status: one in review, two for the rest but open."""
    vote_id = 0
    for row in range(layout.total):
        status = status_of(row)
        if status == "open":
            continue
        first, second = USERS[row % 50], USERS[(row + 1) % 50]
        if status == "in_review":
            ratings = [(first, "unproven")]
        elif status == "disputed":
            ratings = [(first, "true"), (second, "false")]
        else:
            ratings = [(first, VERDICT_RATING[status]), (second, VERDICT_RATING[status])]
        when = layout.stamp(min(layout.created(row) + timedelta(days=1), layout.started))
        for user, rating in ratings:
            vote_id += 1
            yield (vote_id, row + 1, user, rating, when, when)


def fixed_rows(layout: Layout) -> dict[str, list[tuple]]:
    """Teams and users."""
    then = layout.stamp(layout.started - timedelta(days=400))
    teams = [(MAIN_TEAM, CHAT_ID, "Bench desk", "supergroup", False, True, then)]
    teams += [
        (t, CHAT_ID - t, f"Other desk {t}", "supergroup", False, True, then) for t in OTHER_TEAMS
    ]
    users = [(u, f"Member{u - USERS[0]}", f"member{u - USERS[0]}", then) for u in USERS]
    return {"team": teams, "user": users}


@dataclass(frozen=True)
class Seeded:
    """What was loaded, and how long it took."""

    team_id: int
    chat_id: int
    user_id: int
    claims: int
    total_claims: int
    seconds: float


async def seed(url: str, claims: int) -> Seeded:
    """Load `claims` claims into the main team of a migrated database (plus other teams)."""
    sqlite = url.startswith("sqlite")
    layout = Layout(claims, stamp=as_sqlite_text if sqlite else as_datetime)
    started = time.perf_counter()
    if sqlite:
        seed_sqlite(make_url(url).database or "", layout)
    else:
        await seed_postgres(url, layout)
    return Seeded(MAIN_TEAM, CHAT_ID, USERS[0], claims, layout.total, time.perf_counter() - started)


# -- SQLite -----------------------------------------------------------------------------------


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    """INSERT for a table and its columns, all quoted."""
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'


def seed_sqlite(path: str, layout: Layout) -> None:
    """Load everything in one transaction, with secondary indexes rebuilt at the end."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-200000")
        conn.execute("BEGIN")
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type='index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' * len(LOADED_TABLES))})",
            LOADED_TABLES,
        ).fetchall()
        for name, _ in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        fixed = fixed_rows(layout)
        conn.executemany(_insert_sql("team", TEAM_COLUMNS), fixed["team"])
        conn.executemany(_insert_sql("user", USER_COLUMNS), fixed["user"])
        conn.executemany(_insert_sql("article", ARTICLE_COLUMNS), article_rows(layout))
        counts: Counter[tuple[int, str]] = Counter()
        conn.executemany(_insert_sql("claim", CLAIM_COLUMNS), claim_rows(layout, counts))
        conn.executemany(_insert_sql("vote", VOTE_COLUMNS), vote_rows(layout))
        conn.executemany(
            _insert_sql("queuecount", ("team_id", "status", "count")),
            [(team, status, n) for (team, status), n in counts.items()],
        )
        for _, sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()


# -- PostgreSQL -------------------------------------------------------------------------------


async def seed_postgres(url: str, layout: Layout) -> None:
    """COPY everything in one transaction, with secondary indexes rebuilt at the end; ANALYZE."""
    conn = await connect_raw(url)
    try:
        async with conn.transaction():
            await _without_fk_triggers(conn)
            await conn.execute("SET LOCAL maintenance_work_mem = '256MB'")  # faster index builds
            indexes = await conn.fetch(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                "AND tablename = ANY($1::text[]) AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint)",
                list(LOADED_TABLES),
            )
            for index in indexes:
                await conn.execute(f'DROP INDEX "{index["indexname"]}"')
            fixed = fixed_rows(layout)
            await conn.copy_records_to_table("team", records=fixed["team"], columns=TEAM_COLUMNS)
            await conn.copy_records_to_table("user", records=fixed["user"], columns=USER_COLUMNS)
            await conn.copy_records_to_table(
                "article", records=article_rows(layout), columns=ARTICLE_COLUMNS
            )
            counts: Counter[tuple[int, str]] = Counter()
            await conn.copy_records_to_table(
                "claim", records=claim_rows(layout, counts), columns=CLAIM_COLUMNS
            )
            await conn.copy_records_to_table(
                "vote", records=vote_rows(layout), columns=VOTE_COLUMNS
            )
            await conn.copy_records_to_table(
                "queuecount",
                records=[(t, s, n) for (t, s), n in counts.items()],
                columns=("team_id", "status", "count"),
            )
            for index in indexes:
                await conn.execute(index["indexdef"])
            for table in ("team", "article", "claim", "vote"):
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'(SELECT max(id) FROM "{table}"))'
                )
        # What autovacuum would have done on a database that grew to this size over time.
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


async def _without_fk_triggers(conn: object) -> None:
    """Skip per-row foreign-key checks during the load (rows are consistent by construction)."""
    import asyncpg

    try:
        async with conn.transaction():  # type: ignore[attr-defined]  # a savepoint
            await conn.execute("SET LOCAL session_replication_role = replica")  # type: ignore[attr-defined]
    except asyncpg.InsufficientPrivilegeError:
        pass  # not a superuser: the load is slower, not wrong
