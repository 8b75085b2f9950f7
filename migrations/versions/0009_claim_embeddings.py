"""Claim vectors kept in the database (issue 15 item 4)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 16:40:00

`claim_embedding`: one row per claim and embeddings model, the unit vector as float16 bytes.
With `EMBEDDINGS_URL` set, a claim is embedded once; a restart reads the vectors back, and a new
`EMBEDDINGS_MODEL` embeds again (its rows are keyed by the model).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_embedding",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claim.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("claim_id", "model"),
    )
    op.create_index(
        "ix_claim_embedding_team_model", "claim_embedding", ["team_id", "model", "claim_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_claim_embedding_team_model", table_name="claim_embedding")
    op.drop_table("claim_embedding")
