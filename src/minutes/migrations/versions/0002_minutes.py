"""Minutes: a meeting's summary, its decisions, action items and open questions, and its chapters.

Revision ID: 0002
Revises: 0001
Create Date: 2025-02-01

Written by hand, frozen: later changes go into new revisions, never into this file. It must
not import ``minutes.db.models``, which describes the newest schema rather than this one.
Only new tables are created, so SQLite needs no batch rebuild of an existing table.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _meeting_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["meeting_id"], ["meetings.id"], name=f"fk_{table}_meeting_id_meetings", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "minutes",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("model", _json(), nullable=True),
        sa.Column("prompt_version", sa.String(64), nullable=False),
        sa.Column("options", _json(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", name="pk_minutes"),
        _meeting_fk("minutes"),
    )

    op.create_table(
        "minute_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("supported", sa.Boolean(), nullable=False),
        sa.Column("owner", sa.String(64), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("due_text", sa.Text(), nullable=True),
        sa.Column("done", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("done_at", _timestamp(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_minute_items"),
        _meeting_fk("minute_items"),
        sa.UniqueConstraint("meeting_id", "position", name="uq_minute_items_meeting_id_position"),
        sa.CheckConstraint("kind IN ('decision', 'action', 'question')", name="ck_minute_items_kind"),
    )
    op.create_index("ix_minute_items_meeting_id_kind", "minute_items", ["meeting_id", "kind"])
    op.create_index("ix_minute_items_owner", "minute_items", ["owner"])
    op.create_index("ix_minute_items_due", "minute_items", ["due"])

    op.create_table(
        "chapters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("evidence", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_chapters"),
        _meeting_fk("chapters"),
        sa.UniqueConstraint("meeting_id", "position", name="uq_chapters_meeting_id_position"),
    )


def downgrade() -> None:
    op.drop_table("chapters")
    op.drop_index("ix_minute_items_due", table_name="minute_items")
    op.drop_index("ix_minute_items_owner", table_name="minute_items")
    op.drop_index("ix_minute_items_meeting_id_kind", table_name="minute_items")
    op.drop_table("minute_items")
    op.drop_table("minutes")
