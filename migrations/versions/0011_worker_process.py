"""The bot processes sharing a database, each as it last said it was alive (issue 12)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 02:10:00

Two bot processes on one PostgreSQL database share Telegram's overall limit of messages a
second; each counts the processes seen in the last seconds and paces itself at its share
(bot/app/fleet.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_process",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("receives", sa.Boolean(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("worker_process")
