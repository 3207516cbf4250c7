"""Jobs: a durable queue of recordings to process (batch, watch, uploads).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

Written by hand, frozen once landed: later changes go into new revisions. It must not import
``minutes.db.models``, which describes the newest schema rather than this one. Only a new
table is created, so SQLite needs no batch rebuild. ``team_id`` and ``submitted_by`` are plain
integers here: the tables they refer to arrive in a later revision.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(4096), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("batch", sa.String(128), nullable=True),
        sa.Column("preset", sa.String(1024), nullable=True),
        sa.Column("options", _json(), nullable=False),
        sa.Column("title", sa.String(1024), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("stage", sa.String(32), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", _timestamp(), nullable=False),
        sa.Column("worker", sa.String(255), nullable=True),
        sa.Column("lease_expires_at", _timestamp(), nullable=True),
        sa.Column("heartbeat_at", _timestamp(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("result", _json(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.Column("started_at", _timestamp(), nullable=True),
        sa.Column("finished_at", _timestamp(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_jobs"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_jobs_meeting_id_meetings", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of"], ["jobs.id"], name="fk_jobs_duplicate_of_jobs", ondelete="SET NULL"
        ),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'skipped')", name="ck_jobs_status"
        ),
        sa.CheckConstraint("progress >= 0 AND progress <= 1", name="ck_jobs_progress"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_jobs_status_available_at", "jobs", ["status", "available_at"])
    op.create_index("ix_jobs_sha256", "jobs", ["sha256"])
    op.create_index("ix_jobs_batch", "jobs", ["batch"])
    op.create_index("ix_jobs_meeting_id", "jobs", ["meeting_id"])
    op.create_index("ix_jobs_team_id", "jobs", ["team_id"])
    op.create_index("ix_jobs_submitted_by", "jobs", ["submitted_by"])


def downgrade() -> None:
    for column in ("submitted_by", "team_id", "meeting_id", "batch", "sha256"):
        op.drop_index(f"ix_jobs_{column}", table_name="jobs")
    op.drop_index("ix_jobs_status_available_at", table_name="jobs")
    op.drop_table("jobs")
