"""Voices: people, their consented enrolments, what recognition made of each speaker, and names
heard in the conversation that a person rejected.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

Written by hand, frozen once landed. Only new tables: no existing table is rebuilt (SQLite's
batch rebuild would drop the search triggers on ``speakers``). A speaker's name stays in
``speakers.name``; ``voice_matches`` says when it came from the voice.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("name_key", sa.String(256), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("name_key", name="uq_people_name_key"),
    )
    op.create_table(
        "voice_enrolments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("embedding", _json(), nullable=False),
        sa.Column("model", sa.String(256), nullable=False),
        sa.Column("enrolled_by", sa.String(128), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_voice_enrolments"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_voice_enrolments_person_id_people", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name="fk_voice_enrolments_meeting_id_meetings",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("meeting_id", "label", name="uq_voice_enrolments_meeting_id_label"),
    )
    op.create_index("ix_voice_enrolments_person_id", "voice_enrolments", ["person_id"])
    op.create_table(
        "voice_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_voice_matches"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_voice_matches_meeting_id_meetings", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_voice_matches_person_id_people", ondelete="CASCADE"
        ),
        sa.UniqueConstraint(
            "meeting_id", "label", "person_id", name="uq_voice_matches_meeting_id_label_person_id"
        ),
        sa.CheckConstraint("status IN ('named', 'suggested', 'rejected')", name="ck_voice_matches_status"),
    )
    op.create_index("ix_voice_matches_person_id", "voice_matches", ["person_id"])
    op.create_table(
        "name_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("name", sa.String(256), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_name_rejections"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_name_rejections_meeting_id_meetings", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("meeting_id", "label", "name", name="uq_name_rejections_meeting_id_label_name"),
    )


def downgrade() -> None:
    op.drop_table("name_rejections")
    op.drop_table("voice_matches")
    op.drop_table("voice_enrolments")
    op.drop_table("people")
