"""Edits: a person's corrections kept beside the machine's transcript, so a re-run can carry them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24

Written by hand, frozen once landed: later changes go into new revisions. It must not import
``minutes.db.models``, which describes the newest schema rather than this one. Only a new table is
created, so SQLite needs no batch rebuild of an existing table.

Lines corrected before this revision are taken from the audit log: for each line whose text is
still the last correction recorded for it, the chain of corrections leading to that text gives
what the machine wrote (the ``old`` text of its first link). A line whose text differs from its
last recorded correction (the meeting was reprocessed since, or it was changed another way) is
left alone: nothing says what the machine wrote there.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("utterance_idx", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(64), nullable=True),
        sa.Column("start", sa.Float(), nullable=True),
        sa.Column("end", sa.Float(), nullable=True),
        sa.Column("machine_text", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("left_at", _timestamp(), nullable=True),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_edits"),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name="fk_edits_meeting_id_meetings", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("meeting_id", "utterance_idx", name="uq_edits_meeting_id_utterance_idx"),
        sa.CheckConstraint("kind IN ('line', 'speaker', 'action')", name="ck_edits_kind"),
    )
    _lines_from_the_audit_log()


def downgrade() -> None:
    op.drop_table("edits")


def _detail(value: Any) -> dict[str, Any]:
    """An audit entry's detail: a dict on PostgreSQL (JSONB), JSON text on SQLite."""
    if isinstance(value, str):
        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def _lines_from_the_audit_log() -> None:
    conn = op.get_bind()
    entries = conn.execute(
        sa.text(
            "SELECT meeting_id, object_id, detail, at FROM audit_log"
            " WHERE action = 'correct_utterance' AND meeting_id IS NOT NULL ORDER BY id"
        )
    ).all()
    chains: dict[tuple[int, str], list[tuple[str, str, Any]]] = {}
    for meeting_id, object_id, detail, at in entries:
        d = _detail(detail)
        if isinstance(d.get("old"), str) and isinstance(d.get("new"), str) and (object_id or "").isdigit():
            chains.setdefault((meeting_id, object_id), []).append((d["old"], d["new"], at))
    line = sa.text(
        'SELECT speaker_label, start, "end", text FROM utterances WHERE meeting_id = :m AND idx = :i'
    )
    add = sa.text(
        'INSERT INTO edits (meeting_id, kind, utterance_idx, label, start, "end", machine_text, text,'
        " created_at, updated_at) VALUES (:m, 'line', :i, :label, :start, :end, :machine, :text, :at, :now)"
    )
    for (meeting_id, object_id), chain in chains.items():
        found = conn.execute(line, {"m": meeting_id, "i": int(object_id)}).one_or_none()
        if found is None or found.text != chain[-1][1]:
            continue
        first = len(chain) - 1
        while first > 0 and chain[first - 1][1] == chain[first][0]:
            first -= 1
        machine = chain[first][0]
        if machine == found.text:
            continue
        conn.execute(
            add,
            {
                "m": meeting_id,
                "i": int(object_id),
                "label": found.speaker_label,
                "start": found.start,
                "end": found.end,
                "machine": machine,
                "text": found.text,
                "at": chain[first][2],
                "now": chain[-1][2],
            },
        )
