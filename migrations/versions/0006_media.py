"""media submissions (issue 14)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    # What an article was read from (issue 14 items 1, 3, 4), as JSON: a PDF with where each
    # page starts in its text (a claim's offset then tells its page), images, a voice message.
    op.add_column("article", sa.Column("media", sa.Text(), nullable=True))
    # Images a team was sent, by content hash and perceptual hash (duplicates, item 5).
    op.create_table(
        "media_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("phash", sa.String(length=16), nullable=True),
        sa.Column("file_unique_id", sa.String(), nullable=True),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_media_file_team_sha", "media_file", ["team_id", "sha256"])
    op.create_index("ix_media_file_team_unique", "media_file", ["team_id", "file_unique_id"])
    # Albums (item 2): the parts of one media_group_id, gathered durably into one submission.
    op.create_table(
        "album",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("media_group_id", sa.String(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by", sa.BigInteger(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("status_message_id", sa.BigInteger(), nullable=True),
        _ts("last_part_at"),
        _ts("claimed_at", nullable=True),
        sa.Column("worker", sa.String(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("chat_id", "media_group_id", name="uq_album_chat_group"),
    )
    op.create_index("ix_album_state_last", "album", ["state", "last_part_at"])
    op.create_table(
        "album_part",
        sa.Column("album_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("update_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["album_id"], ["album.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("album_id", "message_id"),
    )


def downgrade() -> None:
    op.drop_table("album_part")
    op.drop_index("ix_album_state_last", table_name="album")
    op.drop_table("album")
    op.drop_index("ix_media_file_team_unique", table_name="media_file")
    op.drop_index("ix_media_file_team_sha", table_name="media_file")
    op.drop_table("media_file")
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("media")
