"""People's voices in the store: enrol with consent, recognise, confirm or reject, forget.

The matching itself is :mod:`minutes.voices` (pure); this module reads and writes the rows of
:mod:`minutes.db.voice_tables` and the speakers they name. Nothing commits here: each function is
part of its caller's unit of work, and access rules and the audit log are the caller's
(:mod:`minutes.accounts.people`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from minutes.controls import refuse_controls
from minutes.db.ledger_rows import relink_meetings
from minutes.db.tables import SpeakerRow, StageRun, utcnow
from minutes.db.voice_tables import EnrolmentRow, PersonRow, VoiceMatchRow
from minutes.errors import ConfigError, NotFoundError
from minutes.summarize.text import name_key as name_key
from minutes.types import ModelRef, NameSuggestion
from minutes.voices import SUGGEST, VoiceMatch, Voiceprint, match, similarity, voiceprint


def voice_model(session: Session, meeting_id: int) -> str | None:
    """The identity of the speaker-embedding model behind a meeting's speaker embeddings (the last
    model of its diarization stage), or None when it was not diarized here (an imported transcript)."""
    return voice_models(session, [meeting_id]).get(meeting_id)


def voice_models(session: Session, meeting_ids: Iterable[int] | None = None) -> dict[int, str]:
    """:func:`voice_model` of many meetings (all when ``meeting_ids`` is None), in one query."""
    q = select(StageRun.meeting_id, StageRun.models).where(StageRun.stage == "diarize")
    if meeting_ids is not None:
        q = q.where(StageRun.meeting_id.in_(list(meeting_ids)))
    out: dict[int, str] = {}
    for meeting_id, models in session.execute(q):
        if models:
            out[meeting_id] = ModelRef(**models[-1]).identity
    return out


def find_person(session: Session, name: str) -> PersonRow:
    person = session.scalar(select(PersonRow).where(PersonRow.name_key == name_key(name)))
    if person is None:
        known = ", ".join(session.scalars(select(PersonRow.name).order_by(PersonRow.name_key))) or "none yet"
        raise NotFoundError(
            f"nobody called {name!r} has a remembered voice; people with voices: {known} "
            "(remember one with `minutes rename MEETING LABEL NAME --remember-voice`)"
        )
    return person


def speaker_row(session: Session, meeting_id: int, label: str) -> SpeakerRow:
    row = session.scalar(
        select(SpeakerRow).where(SpeakerRow.meeting_id == meeting_id, SpeakerRow.label == label)
    )
    if row is None:
        labels = session.scalars(
            select(SpeakerRow.label).where(SpeakerRow.meeting_id == meeting_id).order_by(SpeakerRow.label)
        )
        valid = ", ".join(labels) or "none yet (the meeting has no transcript)"
        raise NotFoundError(f"meeting {meeting_id} has no speaker {label!r}; its speakers are: {valid}")
    return row


@dataclass(frozen=True, slots=True)
class Enrolled:
    """What remembering one speaker's voice did: the person, how many speakers their print is made
    of now, and how many speakers of earlier meetings were offered as suggestions."""

    person_id: int
    name: str
    samples: int
    suggested: int


def enrol(session: Session, *, meeting_id: int, label: str, name: str, enrolled_by: str) -> Enrolled:
    """Remember the voice of speaker ``label`` of a meeting as ``name`` (the speaker is already named
    so): the person is created on first use; earlier meetings' anonymous speakers that sound like
    them become suggestions, never names."""
    clean = refuse_controls(" ".join(name.split()), "the person's name")
    if not clean:
        raise ConfigError("a remembered voice needs a name")
    speaker = speaker_row(session, meeting_id, label)
    model = voice_model(session, meeting_id)
    if not speaker.embedding or model is None:
        raise ConfigError(
            f"speaker {label} of meeting {meeting_id} has no voice embedding (an imported transcript, or "
            "one processed without diarization); its voice cannot be remembered, only its name"
        )
    person = session.scalar(select(PersonRow).where(PersonRow.name_key == name_key(clean)))
    if person is not None:
        # A second enrolment must sound like the first: a mix-up (or a wrong name) would
        # otherwise blend two people into one print, which then names strangers.
        print_ = next((p for p in prints(session, model) if p.person_id == person.id), None)
        score = similarity(speaker.embedding, print_.vector) if print_ is not None else None
        if score is not None and score < SUGGEST:
            raise ConfigError(
                f"speaker {label} does not sound like the remembered {person.name} ({score:.2f}); if it is "
                "someone else, give another name (an admin can merge two people later)"
            )
    if person is None:
        person = PersonRow(name=clean, name_key=name_key(clean), created_at=utcnow())
        session.add(person)
        session.flush()
    session.execute(
        delete(EnrolmentRow).where(EnrolmentRow.meeting_id == meeting_id, EnrolmentRow.label == label)
    )
    session.add(
        EnrolmentRow(
            person_id=person.id,
            meeting_id=meeting_id,
            label=label,
            embedding=[float(x) for x in speaker.embedding],
            model=model,
            enrolled_by=enrolled_by[:128],
            created_at=utcnow(),
        )
    )
    drop_matches(session, meeting_id, label)
    session.flush()
    samples = session.scalar(select(func.count()).where(EnrolmentRow.person_id == person.id)) or 0
    return Enrolled(person.id, person.name, samples, _offer_earlier(session, person, model))


def prints(session: Session, model: str) -> list[Voiceprint]:
    """Every enrolled person's voiceprint made with ``model``."""
    rows = session.execute(
        select(PersonRow.id, PersonRow.name, EnrolmentRow.embedding)
        .join(EnrolmentRow, EnrolmentRow.person_id == PersonRow.id)
        .where(EnrolmentRow.model == model)
        .order_by(PersonRow.id, EnrolmentRow.id)
    )
    grouped: dict[tuple[int, str], list[list[float]]] = defaultdict(list)
    for pid, name, embedding in rows:
        grouped[(pid, name)].append(embedding)
    out = []
    for (pid, name), embeddings in grouped.items():
        vector = voiceprint(embeddings)
        if vector is not None:
            out.append(Voiceprint(pid, name, vector, len(embeddings)))
    return out


def _offer_earlier(session: Session, person: PersonRow, model: str) -> int:
    """Suggest ``person`` for anonymous speakers of other meetings whose voice is near their print."""
    mine = next((p for p in prints(session, model) if p.person_id == person.id), None)
    if mine is None:
        return 0
    touched = select(VoiceMatchRow.meeting_id, VoiceMatchRow.label).where(VoiceMatchRow.status != "rejected")
    rejected = {
        (m, lab)
        for m, lab in session.execute(
            select(VoiceMatchRow.meeting_id, VoiceMatchRow.label).where(
                VoiceMatchRow.person_id == person.id, VoiceMatchRow.status == "rejected"
            )
        )
    }
    busy = set(session.execute(touched).tuples())
    enrolled = set(session.execute(select(EnrolmentRow.meeting_id, EnrolmentRow.label)).tuples())
    candidates = session.execute(
        select(SpeakerRow.meeting_id, SpeakerRow.label, SpeakerRow.embedding).where(
            SpeakerRow.name.is_(None), SpeakerRow.embedding.is_not(None)
        )
    )
    models = voice_models(session)
    offered = 0
    for meeting_id, label, embedding in candidates:
        key = (meeting_id, label)
        if key in busy or key in rejected or key in enrolled or models.get(meeting_id) != model:
            continue
        score = similarity(embedding, mine.vector)
        if score >= SUGGEST:
            session.add(_match_row(meeting_id, label, person.id, score, "suggested"))
            offered += 1
    session.flush()
    return offered


def recognise(session: Session, meeting_id: int) -> list[VoiceMatch]:
    """Match the speakers of a transcript just stored against every voiceprint: confident matches
    name anonymous speakers (``name_source`` voice), near ones become suggestions; names a person
    gave and rejections are respected. The old speakers' matches are gone already
    (:func:`minutes.db.repo.replace_transcript` drops them with the old speakers). Returns the
    matches."""
    model = voice_model(session, meeting_id)
    if model is None:
        return []
    voices = prints(session, model)
    if not voices:
        return []
    speakers = {
        s.label: s
        for s in session.scalars(select(SpeakerRow).where(SpeakerRow.meeting_id == meeting_id))
        if s.embedding and not s.name
    }
    rejected = set(
        session.execute(
            select(VoiceMatchRow.label, VoiceMatchRow.person_id).where(
                VoiceMatchRow.meeting_id == meeting_id, VoiceMatchRow.status == "rejected"
            )
        ).tuples()
    )
    found = match(
        {label: s.embedding or [] for label, s in speakers.items()},
        voices,
        speech={label: s.talk_time for label, s in speakers.items()},
        rejected=rejected,
    )
    for m in found:
        if m.confident:
            speakers[m.label].name = m.name
        session.add(
            _match_row(meeting_id, m.label, m.person_id, m.score, "named" if m.confident else "suggested")
        )
    session.flush()
    return found


def _match_row(meeting_id: int, label: str, person_id: int, score: float, status: str) -> VoiceMatchRow:
    return VoiceMatchRow(
        meeting_id=meeting_id,
        label=label,
        person_id=person_id,
        score=round(score, 4),
        status=status,
        created_at=utcnow(),
    )


def drop_matches(session: Session, meeting_id: int, label: str | None = None) -> None:
    """Drop a meeting's (or one speaker's) names-from-the-voice records and open suggestions, when a
    person names the speaker or the speakers are replaced. Rejections stay; speaker names are the
    caller's."""
    where = [VoiceMatchRow.meeting_id == meeting_id, VoiceMatchRow.status != "rejected"]
    if label is not None:
        where.append(VoiceMatchRow.label == label)
    session.execute(delete(VoiceMatchRow).where(*where))


def speaker_voices(session: Session, meeting_id: int) -> tuple[set[str], dict[str, list[NameSuggestion]]]:
    """A meeting's labels named from the voice, and each label's open voice suggestions, best first."""
    rows = session.execute(
        select(VoiceMatchRow.label, VoiceMatchRow.status, VoiceMatchRow.score, PersonRow.name)
        .join(PersonRow, PersonRow.id == VoiceMatchRow.person_id)
        .where(VoiceMatchRow.meeting_id == meeting_id, VoiceMatchRow.status != "rejected")
        .order_by(VoiceMatchRow.score.desc())
    )
    named: set[str] = set()
    suggestions: dict[str, list[NameSuggestion]] = defaultdict(list)
    for label, status, score, name in rows:
        if status == "named":
            named.add(label)
        else:
            suggestions[label].append(NameSuggestion(name, "voice", float(score)))
    return named, dict(suggestions)


def decide_voice(session: Session, *, meeting_id: int, label: str, accept: bool) -> str | None:
    """Confirm (the speaker takes the person's name, as a person's edit) or reject a speaker's best
    open suggestion or name from the voice; a rejection is remembered. Returns the person's name,
    or None when the speaker has nothing from the voice."""
    speaker = speaker_row(session, meeting_id, label)
    row = session.scalar(
        select(VoiceMatchRow)
        .where(
            VoiceMatchRow.meeting_id == meeting_id,
            VoiceMatchRow.label == label,
            VoiceMatchRow.status != "rejected",
        )
        .order_by(VoiceMatchRow.status == "suggested", VoiceMatchRow.score.desc())
    )
    if row is None:
        return None
    person = session.get(PersonRow, row.person_id)
    assert person is not None  # the foreign key holds it
    before = speaker.name
    if accept:
        speaker.name = person.name
        drop_matches(session, meeting_id, label)
    else:
        if row.status == "named":
            speaker.name = None
        row.status = "rejected"
    session.flush()
    if speaker.name != before:
        relink_meetings(session, (meeting_id,))
    return person.name
