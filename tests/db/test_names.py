"""Names heard in the conversation, as suggestions with their lines: shown beside the voice's,
confirmed into a name given by hand, or rejected and never offered again (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minutes.accounts import people
from minutes.accounts.access import Actor
from minutes.db import load_meeting, replace_transcript
from minutes.db.voice_tables import NameRejectionRow
from minutes.export import render
from minutes.types import NameSuggestion, Speaker, Utterance
from tests.db.test_repo import new_meeting

OPERATOR = Actor(principal=None, ip=None, via="cli")
LINES = (
    ("SPEAKER_00", "Right, let's start. Nadia, can you walk us through the pipeline?"),
    ("SPEAKER_01", "Sure. Three deals are close, one slipped to January."),
    ("SPEAKER_00", "Thanks, Nadia. And the renewals?"),
    ("SPEAKER_02", "Two are signed."),
)


def transcript(session: Session) -> int:
    m = new_meeting(session, "heard")
    utterances = [
        Utterance(index=i, speaker=who, start=5.0 * i, end=5.0 * i + 4, text=text)
        for i, (who, text) in enumerate(LINES)
    ]
    replace_transcript(
        session,
        meeting_id=m.id,
        utterances=utterances,
        speakers=[Speaker(label, talk_time=4.0) for label in ("SPEAKER_00", "SPEAKER_01", "SPEAKER_02")],
        embeddings={},
    )
    return m.id


def suggestions(session: Session, meeting_id: int, label: str) -> tuple[NameSuggestion, ...]:
    doc = load_meeting(session, meeting_id=meeting_id)
    return next(s for s in doc.speakers if s.label == label).suggestions


def test_a_name_heard_is_suggested_with_its_lines_and_confirmed(session: Session) -> None:
    meeting = transcript(session)

    assert suggestions(session, meeting, "SPEAKER_01") == (
        NameSuggestion("Nadia", "conversation", None, (0, 2)),
    )
    assert suggestions(session, meeting, "SPEAKER_02") == ()
    exported = render(load_meeting(session, meeting_id=meeting), "json")
    assert '"source": "conversation"' in exported

    assert people.decide(session, OPERATOR, meeting, "SPEAKER_01", accept=True) == "Nadia"

    doc = load_meeting(session, meeting_id=meeting)
    nadia = next(s for s in doc.speakers if s.label == "SPEAKER_01")
    assert (nadia.name, nadia.name_source, nadia.suggestions) == ("Nadia", "manual", ())


def test_a_rejected_name_stays_rejected_across_a_re_run(session: Session) -> None:
    meeting = transcript(session)

    assert people.decide(session, OPERATOR, meeting, "SPEAKER_01", accept=False) == "Nadia"

    assert suggestions(session, meeting, "SPEAKER_01") == ()
    assert session.scalar(select(func.count()).select_from(NameRejectionRow)) == 1
    utterances = load_meeting(session, meeting_id=meeting).utterances
    replace_transcript(
        session,
        meeting_id=meeting,
        utterances=utterances,
        speakers=[Speaker(label, talk_time=4.0) for label in ("SPEAKER_00", "SPEAKER_01", "SPEAKER_02")],
        embeddings={},
    )
    assert suggestions(session, meeting, "SPEAKER_01") == ()
