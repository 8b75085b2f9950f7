"""claim origin, article language and site name

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: no table rebuild on SQLite, existing rows get the
    # server default (every claim so far was found by an extractor).
    op.add_column(
        "claim",
        sa.Column("origin", sa.String(), nullable=False, server_default="extracted"),
    )
    op.add_column("article", sa.Column("language", sa.String(), nullable=True))
    op.add_column("article", sa.Column("site_name", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_column("site_name")
        batch_op.drop_column("language")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_column("origin")
