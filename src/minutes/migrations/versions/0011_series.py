"""Meeting series and the commitment ledger's links.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05

Written by hand, frozen once landed. Only new tables: no existing table is rebuilt (SQLite's
batch rebuild would drop the search triggers). A meeting's series is its row in
``series_meetings``; links name earlier items by meeting and first cited line.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "series",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("name_key", sa.String(256), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_series"),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_series_team_id_teams", ondelete="SET NULL"
        ),
        sa.UniqueConstraint("name_key", name="uq_series_name_key"),
    )
    op.create_index("ix_series_team_id", "series", ["team_id"])
    op.create_table(
        "series_meetings",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(128), nullable=False),
        sa.Column("added_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("meeting_id", name="pk_series_meetings"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_series_meetings_meeting_id_meetings", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name="fk_series_meetings_series_id_series", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_series_meetings_series_id", "series_meetings", ["series_id"])
    op.create_table(
        "ledger_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_meeting_id", sa.Integer(), nullable=False),
        sa.Column("from_line", sa.Integer(), nullable=False),
        sa.Column("from_rank", sa.Integer(), nullable=False),
        sa.Column("from_position", sa.Integer(), nullable=False),
        sa.Column("to_meeting_id", sa.Integer(), nullable=False),
        sa.Column("to_line", sa.Integer(), nullable=False),
        sa.Column("to_lines", _json(), nullable=False),
        sa.Column("to_position", sa.Integer(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_at", _timestamp(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ledger_links"),
        sa.ForeignKeyConstraint(
            ["series_id"], ["series.id"], name="fk_ledger_links_series_id_series", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["from_meeting_id"],
            ["meetings.id"],
            name="fk_ledger_links_from_meeting_id_meetings",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_meeting_id"],
            ["meetings.id"],
            name="fk_ledger_links_to_meeting_id_meetings",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "from_meeting_id",
            "from_line",
            "from_rank",
            "kind",
            "to_meeting_id",
            "to_line",
            name="uq_ledger_links_link",
        ),
        sa.CheckConstraint(
            "kind IN ('restated', 'redated', 'done', 'dropped', 'changed', 'carried')",
            name="ck_ledger_links_kind",
        ),
        sa.CheckConstraint(
            "state IN ('auto', 'suggested', 'confirmed', 'rejected')", name="ck_ledger_links_state"
        ),
    )
    op.create_index("ix_ledger_links_series_id", "ledger_links", ["series_id"])
    op.create_index("ix_ledger_links_to_meeting_id", "ledger_links", ["to_meeting_id"])


def downgrade() -> None:
    op.drop_table("ledger_links")
    op.drop_table("series_meetings")
    op.drop_table("series")
