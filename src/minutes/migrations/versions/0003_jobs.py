"""Jobs: a durable queue of recordings to process (batch, watch, uploads).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

Written by hand, frozen once landed: later changes go into new revisions. It must not import
``minutes.db.models``, which describes the newest schema rather than this one.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
