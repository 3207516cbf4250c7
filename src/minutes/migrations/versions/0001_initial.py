"""Initial schema: recordings, meetings, stage runs, speakers, utterances.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

Written by hand, frozen: later changes go into new revisions, never into this file. It must
not import ``minutes.db.models``, which describes the newest schema rather than this one.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_name", sa.String(1024), nullable=False),
        sa.Column("media_path", sa.String(4096), nullable=True),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        sa.Column("channels", sa.Integer(), nullable=False),
        sa.Column("codec", sa.String(64), nullable=False),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_recordings"),
        sa.UniqueConstraint("sha256", name="uq_recordings_sha256"),
        sa.CheckConstraint("length(sha256) = 64", name="ck_recordings_sha256_length"),
    )
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(1024), nullable=False),
        sa.Column("meeting_date", _timestamp(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("code_version", sa.String(64), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_meetings"),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name="fk_meetings_recording_id_recordings",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'processing', 'done', 'failed')", name="ck_meetings_status"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_meetings_recording_id", "meetings", ["recording_id"])
    op.create_index("ix_meetings_created_at", "meetings", ["created_at"])

    op.create_table(
        "stage_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(64), nullable=False),
        sa.Column("cache_key", sa.String(128), nullable=False),
        sa.Column("models", _json(), nullable=False),
        sa.Column("options", _json(), nullable=False),
        sa.Column("code_version", sa.String(64), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_stage_runs"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_stage_runs_meeting_id_meetings", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("meeting_id", "stage", name="uq_stage_runs_meeting_id_stage"),
    )
    op.create_index("ix_stage_runs_cache_key", "stage_runs", ["cache_key"])

    op.create_table(
        "speakers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("name", sa.String(256), nullable=True),
        sa.Column("talk_time", sa.Float(), nullable=False),
        sa.Column("embedding", _json(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_speakers"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_speakers_meeting_id_meetings", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("meeting_id", "label", name="uq_speakers_meeting_id_label"),
    )

    op.create_table(
        "utterances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("speaker_label", sa.String(64), nullable=False),
        sa.Column("start", sa.Float(), nullable=False),
        sa.Column("end", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("words", _json(), nullable=False),
        sa.Column("overlap", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_utterances"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_utterances_meeting_id_meetings", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("meeting_id", "idx", name="uq_utterances_meeting_id_idx"),
    )
    op.create_index("ix_utterances_meeting_id_start", "utterances", ["meeting_id", "start"])


def downgrade() -> None:
    op.drop_index("ix_utterances_meeting_id_start", table_name="utterances")
    op.drop_table("utterances")
    op.drop_table("speakers")
    op.drop_index("ix_stage_runs_cache_key", table_name="stage_runs")
    op.drop_table("stage_runs")
    op.drop_index("ix_meetings_created_at", table_name="meetings")
    op.drop_index("ix_meetings_recording_id", table_name="meetings")
    op.drop_table("meetings")
    op.drop_table("recordings")
