"""SQLModel tables: teams, users, articles, claims, votes, notes, history and the update store."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class _Row(Protocol):
    id: int | None


def stored_id(row: _Row) -> int:
    """The primary key of a row read from (or flushed to) the database.

    Table models declare `id: int | None` because a row has no id until it is flushed; code that
    works on stored rows asks here, so a row that was never stored fails loudly, not as NULL.
    """
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: it was never flushed")
    return row.id


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Store aware datetimes converted to UTC."""
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Give back aware datetimes in UTC."""
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _ts(*, index: bool = False, nullable: bool = False) -> sa.Column[datetime]:
    """A UTC timestamp column, now by default."""
    return sa.Column(UTCDateTime(), nullable=nullable, index=index, default=utcnow)


def _bigint(*, nullable: bool = True, index: bool = False) -> sa.Column[int]:
    """A 64-bit integer column (Telegram ids do not fit in 32 bits)."""
    return sa.Column(sa.BigInteger(), nullable=nullable, index=index)


class Rating(StrEnum):
    """What a member can vote for a claim."""

    TRUE = "true"
    MISLEADING = "misleading"
    FALSE = "false"
    UNPROVEN = "unproven"
    NOT_A_CLAIM = "not_claim"


class ClaimStatus(StrEnum):
    """Where a claim stands in the queue."""

    OPEN = "open"
    IN_REVIEW = "in_review"
    TRUE = "true"
    MISLEADING = "misleading"
    FALSE = "false"
    UNPROVEN = "unproven"
    DISPUTED = "disputed"
    DISMISSED = "dismissed"


VERDICT_STATUSES = frozenset(
    {ClaimStatus.TRUE, ClaimStatus.MISLEADING, ClaimStatus.FALSE, ClaimStatus.UNPROVEN}
)


class ClaimOrigin(StrEnum):
    """How a claim reached the queue: found by an extractor, or a member's own words."""

    EXTRACTED = "extracted"
    MEMBER = "member"
    IMPORTED = "imported"  # a published fact-check read from a ClaimReview file (issue 15)


class ExtractionState(StrEnum):
    """Progress of claim extraction for one article."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Team(SQLModel, table=True):
    """A team: one Telegram group chat and its settings."""

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False, unique=True))
    title: str = ""
    chat_type: str = "group"
    is_forum: bool = False
    active: bool = True
    quorum: int | None = None
    cards_at_once: int | None = None
    extractor: str | None = None
    # Answer known claims in the group's chatter by itself (issue 15 item 5): off by default.
    auto_answer: bool = Field(
        default=False,
        sa_column=sa.Column(sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # The language the bot speaks here, chosen by an editor; None: most members' (issue 17).
    language: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(sa_column=_ts())


class User(SQLModel, table=True):
    """A Telegram user who has spoken to the bot; the id is Telegram's."""

    id: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False))
    first_name: str = ""
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = Field(default=None, max_length=16)  # what their client reports
    language: str | None = Field(default=None, max_length=8)  # chosen with /language in private
    updated_at: datetime = Field(sa_column=_ts())


class Membership(SQLModel, table=True):
    """A user seen in a team's group (used to route private forwards)."""

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(
        sa_column=sa.Column(
            sa.BigInteger(), sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
        )
    )
    seen_at: datetime = Field(sa_column=_ts())


class Article(SQLModel, table=True):
    """Something a member sent to be checked, with where it came from."""

    __table_args__ = (
        sa.UniqueConstraint("team_id", "text_hash", name="uq_article_team_text"),
        sa.Index("ix_article_team_url", "team_id", "canonical_url"),
        sa.Index("ix_article_extraction", "extraction_state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    kind: str = "text"  # forward, link, check, document, paste
    title: str | None = None
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    text_hash: str = Field(max_length=64)
    url: str | None = None
    canonical_url: str | None = None
    author: str | None = None
    published_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))

    origin_type: str | None = None  # user, hidden_user, chat, channel
    origin_name: str | None = None
    origin_username: str | None = None
    origin_chat_id: int | None = Field(default=None, sa_column=_bigint())
    origin_message_id: int | None = Field(default=None, sa_column=_bigint())
    origin_link: str | None = None
    origin_signature: str | None = None
    origin_date: datetime | None = Field(default=None, sa_column=_ts(nullable=True))

    submitted_by: int | None = Field(default=None, sa_column=_bigint())
    chat_id: int | None = Field(default=None, sa_column=_bigint())
    thread_id: int | None = Field(default=None, sa_column=_bigint())
    status_message_id: int | None = Field(default=None, sa_column=_bigint())

    extraction_state: str = ExtractionState.PENDING
    extraction_error: str | None = None
    extractor: str | None = None
    extraction_note: str | None = None
    language: str | None = None  # ISO 639-1 code detected from the text
    site_name: str | None = None  # the outlet, from the page's metadata
    # What a file-read article came from, as JSON (bot/intake/media/place.py): a PDF and where
    # each of its pages starts in `text`, a voice message... (migration 0006)
    media: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    created_at: datetime = Field(sa_column=_ts())


class Claim(SQLModel, table=True):
    """One checkable statement in the queue."""

    __table_args__ = (
        sa.Index("ix_claim_team_status_created", "team_id", "status", "created_at"),
        sa.Index("ix_claim_team_created", "team_id", "created_at"),
        sa.Index("ix_claim_team_status_changed", "team_id", "status", "status_changed_at"),
        sa.Index("ix_claim_assignee", "team_id", "assignee_id"),
        sa.Index("ix_claim_article", "article_id", "position"),
        sa.Index("ix_claim_card", "card_chat_id", "card_message_id"),
        # /queue top and /status's most-asked list walk this index, id the tie-break (issue 16,
        # migration 0007).
        sa.Index("ix_claim_team_status_asked", "team_id", "status", "asked", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    position: int = 0
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    quote: str = Field(sa_column=sa.Column(sa.Text(), nullable=False, default=""))
    claimant: str | None = None
    score: float = 0.0
    start: int = 0
    end: int = 0
    status: str = ClaimStatus.OPEN
    locked: bool = False
    assignee_id: int | None = Field(default=None, sa_column=_bigint())
    card_chat_id: int | None = Field(default=None, sa_column=_bigint())
    card_message_id: int | None = Field(default=None, sa_column=_bigint())
    card_thread_id: int | None = Field(default=None, sa_column=_bigint())
    card_state: str = "unposted"  # unposted, posted, deferred (beyond cards_at_once)
    match_claim_id: int | None = None
    match_score: float | None = None
    origin: str = Field(
        default=ClaimOrigin.EXTRACTED,
        sa_column=sa.Column(sa.String(), nullable=False, server_default="extracted"),
    )
    # The published fact-check this claim's verdict comes from (imported claims only).
    review_url: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    created_at: datetime = Field(sa_column=_ts())
    status_changed_at: datetime = Field(sa_column=_ts())
    # Demand, kept by the database as requests come in (storage/requests.py): how many times the
    # claim's article (or the claim itself) was submitted, and by how many different people.
    asked: int = Field(
        default=0, sa_column=sa.Column(sa.Integer(), nullable=False, server_default="0")
    )
    askers: int = Field(
        default=0, sa_column=sa.Column(sa.Integer(), nullable=False, server_default="0")
    )


class ImportedReview(SQLModel, table=True):
    """A published fact-check (schema.org ClaimReview) imported as one of a team's claims.

    `key` is the review's URL (or, without one, a fingerprint of publisher, claim and date):
    unique per team, so importing the same file twice adds nothing. `review` keeps the original
    JSON-LD, so a ClaimReview export gives it back unchanged.
    """

    __tablename__ = "imported_review"
    __table_args__ = (sa.UniqueConstraint("team_id", "key", name="uq_imported_review_team_key"),)

    claim_id: int = Field(
        sa_column=sa.Column(
            sa.Integer(), sa.ForeignKey("claim.id", ondelete="CASCADE"), primary_key=True
        )
    )
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    key: str = Field(max_length=512)
    url: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    publisher: str | None = None
    publisher_url: str | None = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    rating: str = ""  # the publisher's own words: alternateName, else name, else the number
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    verdict: str | None = None  # our verdict it maps to; None when it maps to none (see docs)
    reviewed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    language: str | None = None
    source_format: str = "claimreview"  # claimreview, factcheck-bot (our own JSON export)
    review: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    imported_at: datetime = Field(sa_column=_ts())


class Vote(SQLModel, table=True):
    """One member's rating of one claim: a unique pair, written with an upsert."""

    __table_args__ = (
        sa.UniqueConstraint("claim_id", "user_id", name="uq_vote_claim_user"),
        sa.Index("ix_vote_user", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    user_id: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    rating: str
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())


class Note(SQLModel, table=True):
    """A team member's note on a claim; URLs in it are kept as evidence."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE", index=True)
    user_id: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    evidence_urls: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    message_id: int | None = Field(default=None, sa_column=_bigint())
    created_at: datetime = Field(sa_column=_ts())


class StatusChange(SQLModel, table=True):
    """One entry of a claim's history: who changed its status, when, from, to and why."""

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE", index=True)
    user_id: int | None = Field(default=None, sa_column=_bigint())
    from_status: str
    to_status: str
    reason: str | None = None
    created_at: datetime = Field(sa_column=_ts())


class StoredUpdate(SQLModel, table=True):
    """A raw Telegram update, stored before it is acknowledged (at-least-once processing)."""

    __table_args__ = (sa.Index("ix_update_state", "state", "update_id"),)

    update_id: int = Field(
        sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False)
    )
    payload: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    state: str = "pending"  # pending, processing, done, failed
    worker: str | None = None
    attempts: int = 0
    error: str | None = None
    received_at: datetime = Field(sa_column=_ts())
    claimed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    done_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class CachedExtraction(SQLModel, table=True):
    """An extractor's result for one content hash, so the same article is never sent twice."""

    key: str = Field(primary_key=True, max_length=128)
    result: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    created_at: datetime = Field(sa_column=_ts())


class QueueCount(SQLModel, table=True):
    """Claims per status per team, kept by the database as claims move (for a fast /status).

    A team's count of a status is the sum over its slots (storage.queue COUNT_SLOTS): each
    transaction adds to one slot, so status moves of a team's claims at the same moment do not
    all queue on one row's lock until their commits.
    """

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    status: str = Field(primary_key=True)
    slot: int = Field(
        default=0,
        sa_column=sa.Column(sa.Integer(), primary_key=True, nullable=False, server_default="0"),
    )
    count: int = 0


class FleetPace(SQLModel, table=True):
    """The turns of the bot's latest messages, shared by every process (storage.pace).

    One row; `turns` are in seconds since the epoch, by the database's clock, oldest first.
    PostgreSQL only (an array); a bot on SQLite runs as one process and never reads it.
    """

    id: int = Field(default=1, primary_key=True)
    turns: list[float] = Field(
        sa_column=sa.Column(sa.ARRAY(sa.Float()).with_variant(sa.JSON(), "sqlite"), nullable=False)
    )


class ProgressMessage(SQLModel, table=True):
    """The "Got it — reading…" message an update sent, so a redelivered update edits it again.

    Kept apart from the update's effect: it is written before the slow part (a fetch) starts and
    must survive a crash that rolls the effect back.
    """

    __tablename__ = "progress_message"

    update_id: int = Field(
        sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False)
    )
    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    message_id: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    created_at: datetime = Field(sa_column=_ts(index=True))


class Request(SQLModel, table=True):
    """One submission of an article (or a claim): who asked, in which chat, from which message.

    Every submission is one: the first forward, a duplicate, a /check, a private forward routed
    to the team, a tipline message. The verdict goes back to each (storage/notifications.py).
    """

    __table_args__ = (
        sa.Index("ix_request_article_user", "article_id", "user_id"),
        sa.Index("ix_request_claim", "claim_id"),
        sa.Index("ix_request_user_created", "user_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    claim_id: int | None = Field(default=None, foreign_key="claim.id", ondelete="CASCADE")
    user_id: int | None = Field(default=None, sa_column=_bigint())  # None once forgotten
    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    message_id: int | None = Field(default=None, sa_column=_bigint())
    private: bool = False
    source: str = "group"  # group, private, check, tipline
    created_at: datetime = Field(sa_column=_ts())


class Notification(SQLModel, table=True):
    """A verdict to tell one requester: the outbox row the notifier sends once, then marks.

    Rows of one target message (chat, reply_to) due together go out as one digest reply.
    """

    __table_args__ = (
        sa.Index("ix_notification_state_due", "state", "due_at"),
        sa.Index("ix_notification_chat_sent", "chat_id", "sent_at"),
        sa.Index("ix_notification_claim", "claim_id"),
        sa.Index("ix_notification_request", "request_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="request.id", ondelete="CASCADE")
    claim_id: int = Field(foreign_key="claim.id", ondelete="CASCADE")
    chat_id: int = Field(sa_column=sa.Column(sa.BigInteger(), nullable=False))
    reply_to: int | None = Field(default=None, sa_column=_bigint())
    user_id: int | None = Field(default=None, sa_column=_bigint())
    updated: bool = False  # the claim was decided (and told) before: "updated verdict"
    state: str = "pending"  # pending, sending, sent, failed, skipped, unknown
    due_at: datetime = Field(sa_column=_ts())
    attempts: int = 0
    worker: str | None = None
    error: str | None = None
    sent_message_id: int | None = Field(default=None, sa_column=_bigint())
    created_at: datetime = Field(sa_column=_ts())
    sent_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))


class NotifyOptOut(SQLModel, table=True):
    """A user who said /notify off: no verdicts are sent to them until /notify on."""

    __tablename__ = "notify_optout"

    user_id: int = Field(
        sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False)
    )
    created_at: datetime = Field(sa_column=_ts())


class Tipline(SQLModel, table=True):
    """A team's public tipline: its deep-link token and whether it is on."""

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    token: str = Field(sa_column=sa.Column(sa.String(), nullable=False, unique=True))
    enabled: bool = True
    created_at: datetime = Field(sa_column=_ts())


class TiplineSender(SQLModel, table=True):
    """Someone outside the team who started the bot through a team's tipline link."""

    __tablename__ = "tipline_sender"

    user_id: int = Field(
        sa_column=sa.Column(sa.BigInteger(), primary_key=True, autoincrement=False)
    )
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    blocked: bool = False
    created_at: datetime = Field(sa_column=_ts())


class MediaFile(SQLModel, table=True):
    """An image a team was sent, by its content: the same image again is the same article.

    `sha256` is of the bytes as downloaded; `phash` a perceptual hash (hex) that survives
    re-encoding and resizing; `file_unique_id` is Telegram's own id of the file, the same when
    a photo is forwarded again (migration 0006).
    """

    __tablename__ = "media_file"
    __table_args__ = (
        sa.Index("ix_media_file_team_sha", "team_id", "sha256"),
        sa.Index("ix_media_file_team_unique", "team_id", "file_unique_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    article_id: int = Field(foreign_key="article.id", ondelete="CASCADE")
    sha256: str = Field(max_length=64)
    phash: str | None = Field(default=None, max_length=16)
    file_unique_id: str | None = None
    created_at: datetime = Field(sa_column=_ts())


class AlbumState(StrEnum):
    """Where gathering an album stands."""

    GATHERING = "gathering"  # parts arriving; read once none came for a moment
    READING = "reading"  # one worker is downloading and reading its images
    DONE = "done"  # its article is queued (or it had nothing to check)


class Album(SQLModel, table=True):
    """Messages sharing a media_group_id: Telegram sends them as separate updates, the desk
    reads them as one submission. Each part is stored as its update's effect (album_part), so
    a crash mid-album loses nothing; one worker takes the album once it is quiet (migration
    0006)."""

    __table_args__ = (
        sa.UniqueConstraint("chat_id", "media_group_id", name="uq_album_chat_group"),
        sa.Index("ix_album_state_last", "state", "last_part_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=_bigint(nullable=False))
    media_group_id: str
    team_id: int = Field(foreign_key="team.id", ondelete="CASCADE")
    submitted_by: int | None = Field(default=None, sa_column=_bigint())
    thread_id: int | None = Field(default=None, sa_column=_bigint())
    state: str = AlbumState.GATHERING
    status_message_id: int | None = Field(default=None, sa_column=_bigint())
    last_part_at: datetime = Field(sa_column=_ts())
    claimed_at: datetime | None = Field(default=None, sa_column=_ts(nullable=True))
    worker: str | None = None
    attempts: int = 0
    article_id: int | None = Field(default=None, foreign_key="article.id", ondelete="SET NULL")
    error: str | None = None
    created_at: datetime = Field(sa_column=_ts())


class AlbumPart(SQLModel, table=True):
    """One message of an album, as Telegram sent it (the Message JSON)."""

    __tablename__ = "album_part"

    album_id: int = Field(
        sa_column=sa.Column(
            sa.Integer(), sa.ForeignKey("album.id", ondelete="CASCADE"), primary_key=True
        )
    )
    message_id: int = Field(sa_column=sa.Column(sa.BigInteger(), primary_key=True))
    update_id: int = Field(sa_column=_bigint(nullable=False))
    payload: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    created_at: datetime = Field(sa_column=_ts())
