"""requests and verdict notifications (issue 16)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    # Plain ADD COLUMN with a server default: no table rebuild on SQLite, old claims count 0.
    op.add_column("claim", sa.Column("asked", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("claim", sa.Column("askers", sa.Integer(), nullable=False, server_default="0"))
    op.create_index(
        "ix_claim_team_status_asked", "claim", ["team_id", "status", "asked"], unique=False
    )
    op.create_table(
        "request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["article_id"], ["article.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_request_article_user", "request", ["article_id", "user_id"])
    op.create_index("ix_request_claim", "request", ["claim_id"])
    op.create_index("ix_request_user_created", "request", ["user_id", "created_at"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("reply_to", sa.BigInteger(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("updated", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        _ts("due_at"),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("sent_message_id", sa.BigInteger(), nullable=True),
        _ts("created_at"),
        _ts("sent_at", nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["request_id"], ["request.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notification_state_due", "notification", ["state", "due_at"])
    op.create_index("ix_notification_chat_sent", "notification", ["chat_id", "sent_at"])
    op.create_index("ix_notification_claim", "notification", ["claim_id"])
    op.create_index("ix_notification_request", "notification", ["request_id"])
    op.create_table(
        "notify_optout",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "tipline",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("team_id"),
        sa.UniqueConstraint("token"),
    )
    op.create_table(
        "tipline_sender",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("blocked", sa.Boolean(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("tipline_sender")
    op.drop_table("tipline")
    op.drop_table("notify_optout")
    for name in ("request", "claim", "chat_sent", "state_due"):
        op.drop_index(f"ix_notification_{name}", table_name="notification")
    op.drop_table("notification")
    for name in ("user_created", "claim", "article_user"):
        op.drop_index(f"ix_request_{name}", table_name="request")
    op.drop_table("request")
    op.drop_index("ix_claim_team_status_asked", table_name="claim")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_column("askers")
        batch_op.drop_column("asked")
