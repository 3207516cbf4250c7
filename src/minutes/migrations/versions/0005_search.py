"""Search: a full-text index over transcript lines.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22

Written by hand, frozen once landed: later changes go into new revisions. It must not import
``minutes.db.models``, which describes the newest schema rather than this one.
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
