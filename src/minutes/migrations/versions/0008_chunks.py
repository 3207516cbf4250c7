"""Chunks: transcript passages with their text embeddings, for retrieval by meaning (minutes ask).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Written by hand, frozen once landed. Only a new table is created; meetings stored before it get
their passages from ``minutes index --rebuild``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("first_idx", sa.Integer(), nullable=False),
        sa.Column("last_idx", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(128), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chunks"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_chunks_meeting_id_meetings", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("meeting_id", "first_idx", name="uq_chunks_meeting_id_first_idx"),
    )


def downgrade() -> None:
    op.drop_table("chunks")
