"""Chunk text: each passage keeps the text it was embedded from, for ranking by words (BM25).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

Written by hand, frozen once landed. Passages stored before it have empty text and rank by meaning
only until ``minutes index`` embeds them again (their index is stale from this version on).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("chunks", sa.Column("text", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("chunks") as batch:
        batch.drop_column("text")
