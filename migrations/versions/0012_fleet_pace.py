"""One pace for the messages of every bot process on a database (issue 12)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 15:20:00

Telegram's overall limit (about 30 messages a second) counts the bot, not a process: two
processes, each keeping to it on its own, sent 60 messages in one second of the load run.
`fleetpace` holds the turns of the bot's latest messages; each message books one
(storage/pace.py). An array on PostgreSQL; JSON on SQLite, where it is never used.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fleetpace",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("turns", sa.ARRAY(sa.Float()).with_variant(sa.JSON(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("fleetpace")
