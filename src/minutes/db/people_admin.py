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

from minutes.db.ledger_rows import relink_meetings
from minutes.db.people import find_person
from minutes.db.tables import Meeting, SpeakerRow, StageRun
from minutes.db.voice_tables import EnrolmentRow, PersonRow, VoiceMatchRow
from minutes.errors import ConfigError
from minutes.voices import SUGGEST, similarity


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
    embeddings of their voice: those their print was made from (found by the enrolled embedding,
    so a re-run that moved them to another label does not hide them) and those it named, in the
    speakers and in the stored diarization results. ``suggestions`` counts suggestions and
    rejections removed."""
    person = find_person(session, name)
    enrolled = list(
        session.execute(
            select(EnrolmentRow.meeting_id, EnrolmentRow.embedding).where(EnrolmentRow.person_id == person.id)
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
        _name_speaker(session, meeting_id, label, None)
    embeddings = _drop_embeddings(session, named, enrolled)
    session.execute(delete(VoiceMatchRow).where(VoiceMatchRow.person_id == person.id))
    session.execute(delete(EnrolmentRow).where(EnrolmentRow.person_id == person.id))
    session.delete(person)
    session.flush()
    relink_meetings(session, (m for m, _ in named))
    return Forgotten(person.name, len(enrolled), len(named), len(matches) - len(named), embeddings)


def _drop_embeddings(
    session: Session, named: Iterable[tuple[int, str]], enrolled: Iterable[tuple[int, list[float]]]
) -> int:
    """Null the voice embeddings of the ``named`` (meeting, label) speakers and of every speaker of
    an ``enrolled`` meeting that still sounds like the enrolled embedding (at least
    :data:`~minutes.voices.SUGGEST`), and take them out of the meetings' stored diarization results.
    Returns how many speakers had one."""
    labels: dict[int, set[str]] = defaultdict(set)
    for meeting_id, label in named:
        labels[meeting_id].add(label)
    voices: dict[int, list[list[float]]] = defaultdict(list)
    for meeting_id, embedding in enrolled:
        voices[meeting_id].append(embedding)

    def theirs(meeting_id: int, label: str, embedding: Any) -> bool:
        if label in labels.get(meeting_id, ()):
            return True
        return bool(embedding) and any(
            similarity(embedding, e) >= SUGGEST for e in voices.get(meeting_id, ())
        )

    dropped = 0
    for meeting_id in sorted(set(labels) | set(voices)):
        for row in session.scalars(select(SpeakerRow).where(SpeakerRow.meeting_id == meeting_id)):
            if row.embedding is not None and theirs(meeting_id, row.label, row.embedding):
                dropped += 1
                row.embedding = None
        stage = session.scalar(
            select(StageRun).where(StageRun.meeting_id == meeting_id, StageRun.stage == "diarize")
        )
        if stage is not None and isinstance(stage.payload.get("embeddings"), dict):
            kept = {k: v for k, v in stage.payload["embeddings"].items() if not theirs(meeting_id, k, v)}
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
    theirs = {
        (r.meeting_id, r.label): r
        for r in session.scalars(select(VoiceMatchRow).where(VoiceMatchRow.person_id == into.id))
    }
    renamed: set[int] = set()
    for row in session.scalars(select(VoiceMatchRow).where(VoiceMatchRow.person_id == gone.id)):
        kept = theirs.get((row.meeting_id, row.label))
        named = row.status == "named"
        if named:
            renamed.add(row.meeting_id)
        if kept is not None:
            # Both people matched this speaker: keep's row stays; a name from the other's voice
            # becomes keep's, unless keep was rejected for the speaker (then no name).
            if named and kept.status != "rejected":
                kept.status = "named"
            session.delete(row)
            if named:
                _name_speaker(
                    session, row.meeting_id, row.label, into.name if kept.status == "named" else None
                )
            continue
        if named:
            _name_speaker(session, row.meeting_id, row.label, into.name)
        row.person_id = into.id
    session.flush()
    session.delete(gone)
    session.flush()
    relink_meetings(session, renamed)
    return int(moved)


def _name_speaker(session: Session, meeting_id: int, label: str, name: str | None) -> None:
    session.execute(
        update(SpeakerRow)
        .where(and_(SpeakerRow.meeting_id == meeting_id, SpeakerRow.label == label))
        .values(name=name)
    )


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
