"""A team's choice to answer known claims in its group by itself (issue 15 item 5)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:20:00

`team.auto_answer`: off by default. When on, a message in the group that is not a submission
but says what a settled claim says (the matcher's confident decision, never a maybe) is answered
"Already checked: …".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "team",
        sa.Column("auto_answer", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("team") as batch:
        batch.drop_column("auto_answer")
