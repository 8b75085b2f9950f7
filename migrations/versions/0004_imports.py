"""imported fact-checks (issue 15)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("claim", sa.Column("review_url", sa.Text(), nullable=True))
    op.create_table(
        "imported_review",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("publisher", sa.String(), nullable=True),
        sa.Column("publisher_url", sa.Text(), nullable=True),
        sa.Column("rating", sa.String(), nullable=False),
        sa.Column("rating_value", sa.Float(), nullable=True),
        sa.Column("best_rating", sa.Float(), nullable=True),
        sa.Column("worst_rating", sa.Float(), nullable=True),
        sa.Column("verdict", sa.String(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(), nullable=True),
        sa.Column("source_format", sa.String(), nullable=False),
        sa.Column("review", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("claim_id"),
        sa.UniqueConstraint("team_id", "key", name="uq_imported_review_team_key"),
    )


def downgrade() -> None:
    op.drop_table("imported_review")
    with op.batch_alter_table("claim") as batch:
        batch.drop_column("review_url")
