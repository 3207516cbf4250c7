"""People's remembered voices, as an admin sees them: list, show and export, merge, forget.

What a person holds is decided in :mod:`minutes.db.people` (enrol, recognise, decide); this module
reads it back whole and removes it. Nothing commits here; access rules and the audit log are the
caller's (:mod:`minutes.accounts.people`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from minutes.db.people import find_person
from minutes.db.tables import Meeting, SpeakerRow, StageRun
from minutes.db.voice_tables import EnrolmentRow, PersonRow, VoiceMatchRow
from minutes.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What forgetting a person removed."""

    name: str
    enrolments: int
    names: int
    suggestions: int
    embeddings: int


def forget(session: Session, name: str) -> Forgotten:
    """Remove a person's voiceprint and everything derived from it: their enrolments, names from the
    voice (those speakers fall back to their labels), suggestions and rejections, and the speaker
    embeddings their print was made from or matched (in the speakers and the diarization results)."""
    person = find_person(session, name)
    enrolled = list(
        session.execute(
            select(EnrolmentRow.meeting_id, EnrolmentRow.label).where(EnrolmentRow.person_id == person.id)
        ).tuples()
    )
    matches = list(
        session.execute(
            select(VoiceMatchRow.meeting_id, VoiceMatchRow.label, VoiceMatchRow.status).where(
                VoiceMatchRow.person_id == person.id
            )
        ).tuples()
    )
    named = [(m, lab) for m, lab, status in matches if status == "named"]
    for meeting_id, label in named:
        session.execute(
            update(SpeakerRow)
            .where(SpeakerRow.meeting_id == meeting_id, SpeakerRow.label == label)
            .values(name=None)
        )
    voiced = sorted(set(enrolled) | set(named))
    embeddings = _drop_embeddings(session, voiced)
    session.execute(delete(VoiceMatchRow).where(VoiceMatchRow.person_id == person.id))
    session.execute(delete(EnrolmentRow).where(EnrolmentRow.person_id == person.id))
    session.delete(person)
    session.flush()
    return Forgotten(person.name, len(enrolled), len(named), len(matches) - len(named), embeddings)


def _drop_embeddings(session: Session, speakers: Iterable[tuple[int, str]]) -> int:
    """Null the voice embeddings of these (meeting, label) speakers, and take them out of their
    meetings' stored diarization results too. Returns how many speakers had one."""
    by_meeting: dict[int, set[str]] = defaultdict(set)
    for meeting_id, label in speakers:
        by_meeting[meeting_id].add(label)
    dropped = 0
    for meeting_id, labels in by_meeting.items():
        rows = session.scalars(
            select(SpeakerRow).where(SpeakerRow.meeting_id == meeting_id, SpeakerRow.label.in_(labels))
        )
        for row in rows:
            dropped += row.embedding is not None
            row.embedding = None
        stage = session.scalar(
            select(StageRun).where(StageRun.meeting_id == meeting_id, StageRun.stage == "diarize")
        )
        if stage is not None and isinstance(stage.payload.get("embeddings"), dict):
            kept = {k: v for k, v in stage.payload["embeddings"].items() if k not in labels}
            stage.payload = {**stage.payload, "embeddings": kept}
    return dropped


def merge(session: Session, keep: str, other: str) -> int:
    """Fold person ``other`` into ``keep`` (one person enrolled twice): enrolments and matches move,
    speakers named ``other`` from the voice take ``keep``'s name. Returns the enrolments moved."""
    into, gone = find_person(session, keep), find_person(session, other)
    if into.id == gone.id:
        raise ConfigError(f"{keep!r} and {other!r} are the same person")
    moved = session.scalar(select(func.count()).where(EnrolmentRow.person_id == gone.id)) or 0
    session.execute(update(EnrolmentRow).where(EnrolmentRow.person_id == gone.id).values(person_id=into.id))
    theirs = set(
        session.execute(
            select(VoiceMatchRow.meeting_id, VoiceMatchRow.label).where(VoiceMatchRow.person_id == into.id)
        ).tuples()
    )
    for row in session.scalars(select(VoiceMatchRow).where(VoiceMatchRow.person_id == gone.id)):
        if (row.meeting_id, row.label) in theirs:
            session.delete(row)
            continue
        if row.status == "named":
            session.execute(
                update(SpeakerRow)
                .where(and_(SpeakerRow.meeting_id == row.meeting_id, SpeakerRow.label == row.label))
                .values(name=into.name)
            )
        row.person_id = into.id
    session.flush()
    session.delete(gone)
    session.flush()
    return int(moved)


def held(session: Session, name: str) -> dict[str, Any]:
    """Everything stored about a person's voice, for ``people show`` and ``people export``."""
    person = find_person(session, name)
    enrolments = session.execute(
        select(EnrolmentRow, Meeting.title)
        .join(Meeting, Meeting.id == EnrolmentRow.meeting_id)
        .where(EnrolmentRow.person_id == person.id)
        .order_by(EnrolmentRow.created_at, EnrolmentRow.id)
    )
    matches = session.execute(
        select(VoiceMatchRow, Meeting.title)
        .join(Meeting, Meeting.id == VoiceMatchRow.meeting_id)
        .where(VoiceMatchRow.person_id == person.id)
        .order_by(VoiceMatchRow.meeting_id, VoiceMatchRow.label)
    )
    return {
        "name": person.name,
        "created_at": person.created_at.isoformat(),
        "enrolments": [
            {
                "meeting_id": e.meeting_id,
                "meeting": title,
                "label": e.label,
                "enrolled_by": e.enrolled_by,
                "at": e.created_at.isoformat(),
                "model": e.model,
                "embedding": list(e.embedding),
            }
            for e, title in enrolments
        ],
        "matches": [
            {
                "meeting_id": m.meeting_id,
                "meeting": title,
                "label": m.label,
                "status": m.status,
                "score": m.score,
            }
            for m, title in matches
        ],
    }


def people(session: Session) -> list[dict[str, Any]]:
    """Everyone with a remembered voice: name, enrolments, speakers named from the voice, open suggestions."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"enrolments": 0, "named": 0, "suggested": 0})
    for pid, n in session.execute(
        select(EnrolmentRow.person_id, func.count()).group_by(EnrolmentRow.person_id)
    ):
        counts[pid]["enrolments"] = n
    q = select(VoiceMatchRow.person_id, VoiceMatchRow.status, func.count()).group_by(
        VoiceMatchRow.person_id, VoiceMatchRow.status
    )
    for pid, status, n in session.execute(q):
        if status in ("named", "suggested"):
            counts[pid][status] = n
    return [
        {"name": p.name, **counts[p.id]}
        for p in session.scalars(select(PersonRow).order_by(PersonRow.name_key))
    ]
