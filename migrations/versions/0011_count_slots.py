"""Queue counts in slots: a team's count of a status is the sum of a few rows (issue 12)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 15:00:00

Every status move of a team's claims added to one `queuecount` row per status, so a burst of
first votes on a team's cards (each moving a card from open to in review) queued on that row's
lock, one commit after another. Each transaction now adds to one of a few slots; readers sum
them. The existing counts move to slot 0.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _table(name: str, *, slots: bool) -> None:
    columns = [
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
    ]
    if slots:
        columns.append(sa.Column("slot", sa.Integer(), nullable=False, server_default="0"))
    key = ["team_id", "status", "slot"] if slots else ["team_id", "status"]
    op.create_table(
        name,
        *columns,
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(*key),
    )


def _replace(*, slots: bool, copy: str) -> None:
    """Build the new `queuecount` beside the old one, copy the counts over, swap them."""
    _table("queuecount_new", slots=slots)
    op.execute(f"INSERT INTO queuecount_new {copy}")
    op.drop_table("queuecount")
    op.rename_table("queuecount_new", "queuecount")


def upgrade() -> None:
    _replace(
        slots=True,
        copy="(team_id, status, slot, count) SELECT team_id, status, 0, count FROM queuecount",
    )


def downgrade() -> None:
    _replace(
        slots=False,
        copy="(team_id, status, count) SELECT team_id, status, SUM(count) FROM queuecount"
        " GROUP BY team_id, status",
    )
