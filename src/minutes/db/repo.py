"""Reading and writing meetings.

Every function takes a :class:`~sqlalchemy.orm.Session` first and keyword arguments after it.
None of them commits: the caller's :func:`~minutes.db.engine.session_scope` does, so several
calls form one transaction. ORM rows are converted to the dataclasses of :mod:`minutes.types`
here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import PurePath
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from minutes.carry import respell
from minutes.controls import WHITESPACE, refuse_controls
from minutes.db.kept_edits import carry_transcript, note_correction, store_transcript_edits
from minutes.db.people import drop_matches, recognise
from minutes.db.tables import (
    STATUSES,
    Base,
    Meeting,
    Recording,
    SpeakerRow,
    StageRun,
    UtteranceRow,
    utcnow,
)
from minutes.db.voice_tables import NameRejectionRow, VoiceMatchRow
from minutes.errors import ConfigError, NotFoundError
from minutes.types import (
    AudioInfo,
    Carried,
    ModelRef,
    Speaker,
    StageRecord,
    Utterance,
    Word,
)

"""The values :func:`action_items` accepts for ``status``."""


def find_recording(session: Session, *, sha256: str) -> Recording | None:
    """The recording with this content hash, if it was ingested before."""
    return session.scalars(select(Recording).where(Recording.sha256 == sha256.lower())).one_or_none()


def add_recording(session: Session, *, audio: AudioInfo, media_path: str | None) -> Recording:
    """Store a new recording; a second one with the same hash raises ``IntegrityError``.

    ``original_name`` is the file name the user gave; ``media_path`` is where the project keeps
    its own copy, if it keeps one.
    """
    recording = Recording(
        sha256=audio.sha256.lower(),
        original_name=PurePath(audio.path).name or audio.path,
        media_path=media_path,
        duration=audio.duration,
        sample_rate=audio.sample_rate,
        channels=audio.channels,
        codec=audio.codec,
        format=audio.format,
    )
    session.add(recording)
    session.flush()
    return recording


# Meetings --------------------------------------------------------------------------------------


def create_meeting(
    session: Session, *, recording: Recording, title: str, meeting_date: datetime | None, code_version: str
) -> Meeting:
    """Start a meeting for a recording, with status ``pending``.

    ``meeting_date`` is stored in UTC (a naive value is taken to be UTC already).
    """
    meeting = Meeting(
        recording=recording,
        title=title,
        meeting_date=meeting_date,
        status="pending",
        code_version=code_version,
    )
    session.add(meeting)
    session.flush()
    return meeting


def meetings_for_recording(session: Session, *, recording_id: int) -> list[Meeting]:
    """The meetings made from one recording, oldest first."""
    query = select(Meeting).where(Meeting.recording_id == recording_id).order_by(Meeting.id)
    return list(session.scalars(query))


def set_status(session: Session, *, meeting_id: int, status: str, error: str | None = None) -> None:
    """Set a meeting's status; ``error`` replaces the stored error (``None`` clears it)."""
    if status not in STATUSES:
        raise ConfigError(f"unknown meeting status {status!r}; choose one of: {', '.join(STATUSES)}")
    meeting = meeting_row(session, meeting_id)
    meeting.status = status
    meeting.error = error
    session.flush()


def set_language(session: Session, *, meeting_id: int, language: str | None) -> None:
    """Record the language the meeting was transcribed in."""
    meeting = meeting_row(session, meeting_id)
    meeting.language = language
    session.flush()


def delete_meeting_rows(session: Session, *, meeting_id: int) -> None:
    """Delete a meeting's row with its stages, speakers, utterances and minutes (cascades).

    The recording, its file and the jobs stay, and nothing is audited: deleting a meeting as a
    user means it is :func:`minutes.accounts.deletion.delete_meeting`, which calls this.
    """
    session.delete(meeting_row(session, meeting_id))
    session.flush()


def meeting_row(session: Session, meeting_id: int) -> Meeting:
    """The meeting's row, or :class:`NotFoundError` naming the id."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError(f"no meeting with id {meeting_id}; `minutes list` shows the ids")
    return meeting


def _touch(meeting: Meeting) -> None:
    meeting.updated_at = utcnow()


def _insert_rows(
    session: Session, meeting: Meeting, *batches: tuple[type[Base], list[dict[str, Any]]]
) -> None:
    """Bulk-insert each batch of a meeting's child rows, then mark the meeting updated."""
    for model, rows in batches:
        if rows:
            session.execute(insert(model), rows)
    _touch(meeting)
    session.flush()


def _upsert(
    session: Session,
    model: type[Base],
    *,
    keys: dict[str, Any],
    values: dict[str, Any],
    insert_only: Mapping[str, Any] | None = None,
) -> None:
    """One atomic INSERT ... ON CONFLICT (keys) DO UPDATE, so two workers cannot collide.

    ``insert_only`` values are written by the INSERT but not by the UPDATE (e.g. ``created_at``).
    On PostgreSQL the row stays locked until commit, which serialises the callers' transactions.
    """
    conflict = list(keys)
    row = {**keys, **(insert_only or {}), **values}
    if session.get_bind().dialect.name == "postgresql":
        pg_stmt = postgresql.insert(model).values(**row)
        session.execute(pg_stmt.on_conflict_do_update(index_elements=conflict, set_=values))
    else:
        lite_stmt = sqlite.insert(model).values(**row)
        session.execute(lite_stmt.on_conflict_do_update(index_elements=conflict, set_=values))


# Stages ----------------------------------------------------------------------------------------


def save_stage(session: Session, *, meeting_id: int, record: StageRecord, payload: dict[str, Any]) -> None:
    """Store a stage's result and provenance, replacing an earlier result of the same stage."""
    meeting = meeting_row(session, meeting_id)
    values: dict[str, Any] = {
        "cache_key": record.cache_key,
        "models": [_model_to_json(m) for m in record.models],
        "options": dict(record.options),
        "code_version": record.code_version,
        "seconds": float(record.seconds),
        "payload": payload,
        "created_at": utcnow(),
    }
    keys = {"meeting_id": meeting_id, "stage": record.stage}
    _upsert(session, StageRun, keys=keys, values=values)
    session.expire(meeting, ["stages"])
    _touch(meeting)
    session.flush()


def get_stage(session: Session, *, meeting_id: int, stage: str) -> tuple[StageRecord, dict[str, Any]] | None:
    """A stage's provenance and stored result, or ``None`` if the stage has not been saved."""
    query = select(StageRun).where(StageRun.meeting_id == meeting_id, StageRun.stage == stage)
    row = session.scalars(query.execution_options(populate_existing=True)).one_or_none()
    if row is None:
        return None
    return stage_record(row), row.payload


def _model_to_json(model: ModelRef) -> dict[str, str]:
    return {"name": model.name, "source": model.source, "sha256": model.sha256, "licence": model.licence}


def stage_record(row: StageRun) -> StageRecord:
    return StageRecord(
        stage=row.stage,
        cache_key=row.cache_key,
        models=tuple(ModelRef(**m) for m in row.models),
        options=dict(row.options),
        code_version=row.code_version,
        seconds=row.seconds,
    )


# Transcript ------------------------------------------------------------------------------------


def replace_transcript(
    session: Session,
    *,
    meeting_id: int,
    utterances: Sequence[Utterance],
    speakers: Sequence[Speaker],
    embeddings: Mapping[str, Sequence[float]],
) -> Carried:
    """Replace a meeting's speakers and utterances, carrying a person's edits onto the new ones.

    Corrected lines and speaker names of the old transcript go where they still fit
    (:mod:`minutes.carry`; a name a person gave wins over a name in ``speakers``); what does not fit
    is kept and listed (:func:`minutes.db.kept_edits.left_edits`). Anonymous speakers are then matched
    against remembered voices (:func:`minutes.db.people.recognise`). Returns what became of the edits.
    Embeddings of labels not in ``speakers`` are ignored. All of it is the caller's one transaction.
    """
    meeting = meeting_row(session, meeting_id)
    carry = carry_transcript(session, meeting_id=meeting_id, utterances=utterances, speakers=speakers)

    before = dict(
        session.execute(
            select(SpeakerRow.label, SpeakerRow.embedding).where(SpeakerRow.meeting_id == meeting_id)
        )
        .tuples()
        .all()
    )
    session.execute(delete(UtteranceRow).where(UtteranceRow.meeting_id == meeting_id))
    session.execute(delete(SpeakerRow).where(SpeakerRow.meeting_id == meeting_id))
    # Names from the voice and open suggestions belong to the old labels; recognition runs again.
    drop_matches(session, meeting_id)
    session.expire(meeting, ["speakers", "utterances"])

    speaker_rows = [
        {
            "meeting_id": meeting_id,
            "label": s.label,
            "name": carry.names.get(s.label) or s.name,
            "talk_time": float(s.talk_time),
            "embedding": [float(x) for x in embeddings[s.label]] if s.label in embeddings else None,
        }
        for s in speakers
    ]
    utterance_rows = [
        {
            "meeting_id": meeting_id,
            "idx": u.index,
            "speaker_label": u.speaker,
            "start": float(u.start),
            "end": float(u.end),
            "text": u.text,
            "words": [[float(w.start), float(w.end), w.text, float(w.probability)] for w in u.words],
            "overlap": bool(u.overlap),
        }
        for u in carry.utterances
    ]
    # Bulk INSERTs: a long meeting has thousands of utterances.
    _insert_rows(session, meeting, (SpeakerRow, speaker_rows), (UtteranceRow, utterance_rows))
    store_transcript_edits(session, carry)
    # A rejection ("not Priya") holds for a label only while it is the same voice: a changed
    # diarization may give the label to someone else.
    moved = [
        r["label"] for r in speaker_rows if before.get(str(r["label"]), r["embedding"]) != r["embedding"]
    ]
    moved += sorted(set(before) - {str(r["label"]) for r in speaker_rows})
    if moved:
        session.execute(
            delete(NameRejectionRow).where(
                NameRejectionRow.meeting_id == meeting_id, NameRejectionRow.label.in_(moved)
            )
        )
        session.execute(
            delete(VoiceMatchRow).where(
                VoiceMatchRow.meeting_id == meeting_id, VoiceMatchRow.label.in_(moved)
            )
        )
    recognise(session, meeting_id)
    return carry.carried


def rename_speaker(session: Session, *, meeting_id: int, label: str, name: str | None) -> None:
    """Give a speaker label a person's name (``None`` or blank removes it); a meeting of a series
    has its series linked again (owners are matched by name)."""
    meeting = meeting_row(session, meeting_id)
    query = select(SpeakerRow).where(SpeakerRow.meeting_id == meeting_id).order_by(SpeakerRow.label)
    rows = list(session.scalars(query))
    row = next((r for r in rows if r.label == label), None)
    if row is None:
        valid = ", ".join(r.label for r in rows) or "none yet (the meeting has no transcript)"
        raise NotFoundError(f"meeting {meeting_id} has no speaker {label!r}; its speakers are: {valid}")
    row.name = refuse_controls((name or "").strip(), "the speaker name") or None
    # A name a person gives replaces any name or suggestion from the voice (rejections stay).
    drop_matches(session, meeting_id, label)
    _touch(meeting)
    session.flush()
    # Owners are matched by name across a series: its ledger is linked again.
    from minutes.db.ledger_rows import relink_meeting

    relink_meeting(session, meeting_id)


def correct_utterance(session: Session, *, meeting_id: int, index: int, text: str) -> str:
    """Replace the text of utterance ``index`` (a person's correction); returns the old text.

    Word timings are kept when the correction has as many words as were recognised (each word
    takes the new spelling); otherwise they no longer match the text and are dropped, and the
    exports time the line by its text (as for a line without words). The correction is kept
    beside the machine's words, so a re-run can carry it (:mod:`minutes.db.kept_edits`).
    """
    clean = " ".join(refuse_controls(text, "the corrected line", allow=WHITESPACE).split())
    if not clean:
        raise ConfigError("a corrected line cannot be empty; delete words, not the whole line")
    meeting = meeting_row(session, meeting_id)
    query = select(UtteranceRow).where(UtteranceRow.meeting_id == meeting_id, UtteranceRow.idx == index)
    row = session.scalars(query).one_or_none()
    if row is None:
        raise NotFoundError(f"meeting {meeting_id} has no utterance {index}")
    old = row.text
    words = respell([Word(w[0], w[1], str(w[2]), w[3]) for w in row.words], clean)
    row.words = [[w.start, w.end, w.text, w.probability] for w in words]
    row.text = clean
    note_correction(session, meeting_id=meeting_id, line=row, old=old)
    _touch(meeting)
    session.flush()
    return old


# Minutes ---------------------------------------------------------------------------------------
