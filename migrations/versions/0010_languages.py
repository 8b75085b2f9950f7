"""The language the bot speaks in each chat (issue 17)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 19:30:00

`team.language`: chosen by an editor with /language or in /settings; null means the language
most of the team's members' Telegram clients report. `user.language_code`: what the member's
client last reported; `user.language`: what they chose with /language in private (null: theirs).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("team", sa.Column("language", sa.String(length=8), nullable=True))
    op.add_column("user", sa.Column("language_code", sa.String(length=16), nullable=True))
    op.add_column("user", sa.Column("language", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.drop_column("language")
        batch.drop_column("language_code")
    with op.batch_alter_table("team") as batch:
        batch.drop_column("language")
