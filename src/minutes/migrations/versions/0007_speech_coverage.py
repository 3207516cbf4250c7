"""Speech coverage: the share of a meeting's speech that has recognised words.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

Written by hand, frozen once landed: later changes go into new revisions. The pipeline's second
listen (``minutes.pipeline.recover``) measures how much of the diarized speech the words cover;
a low share warns that speech may be missing from the transcript. Meetings processed before this
revision have no figure (NULL) until they are processed again.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("speech_coverage", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("speech_coverage")
