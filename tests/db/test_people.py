"""Remembered voices in the store (SQLite and PostgreSQL): enrol with consent, recognise, confirm or
reject, re-run, merge, and forget leaving nothing of the voice behind."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from minutes.accounts import access, people
from minutes.accounts.access import Actor
from minutes.accounts.users import add_member, assign_meeting, create_team, create_user, principal_named
from minutes.db import load_meeting, rename_speaker, replace_transcript, save_stage
from minutes.db import people as voices_db
from minutes.db.accounts import AuditEntry
from minutes.db.tables import Meeting, SpeakerRow, StageRun
from minutes.db.voice_tables import EnrolmentRow, PersonRow, VoiceMatchRow
from minutes.errors import ConfigError, Forbidden, NotFoundError
from minutes.export import render
from minutes.types import ModelRef, NameSuggestion, Speaker, StageRecord, Utterance
from tests.db.test_repo import new_meeting

pytestmark = pytest.mark.usefixtures("session")

CAMPP = ModelRef("campplus", "pkg:campplus", "c" * 64)
OTHER_MODEL = ModelRef("another-embedder", "pkg:other", "d" * 64)
SEGMENTATION = ModelRef("segmentation-3.0", "pkg:seg", "a" * 64)
OPERATOR = Actor(principal=None, ip=None, via="cli")


def voice(seed: int, noise: float = 0.0, dim: int = 16) -> list[float]:
    """A unit-ish voice: ``seed`` picks the main direction, ``noise`` tilts it toward the next one."""
    v = [0.0] * dim
    v[seed % dim] = 1.0
    v[(seed + 1) % dim] = noise
    return v


def at(score: float) -> list[float]:
    """An embedding whose cosine similarity with ``voice(0)`` is ``score`` (tilted toward axis 5)."""
    v = [0.0] * 16
    v[0], v[5] = score, math.sqrt(1 - score * score)
    return v


def meeting(
    session: Session,
    seed: str,
    speakers: dict[str, tuple[list[float], float]],
    *,
    model: ModelRef = CAMPP,
) -> int:
    """A diarized meeting whose speakers have these embeddings and talk times, recognised as stored."""
    m = new_meeting(session, seed, title=f"meeting {seed}")
    record = StageRecord("diarize", f"k-{seed}", (SEGMENTATION, model), {}, "0.1.0", 1.0)
    embeddings = {label: e for label, (e, _) in speakers.items()}
    save_stage(session, meeting_id=m.id, record=record, payload={"turns": [], "embeddings": embeddings})
    transcript(session, m.id, speakers)
    return m.id


def transcript(session: Session, meeting_id: int, speakers: dict[str, tuple[list[float], float]]) -> None:
    utterances = [
        Utterance(index=i, speaker=label, start=10.0 * i, end=10.0 * i + 5, text=f"line {i}")
        for i, label in enumerate(speakers)
    ]
    replace_transcript(
        session,
        meeting_id=meeting_id,
        utterances=utterances,
        speakers=[Speaker(label, talk_time=t) for label, (_, t) in speakers.items()],
        embeddings={label: tuple(e) for label, (e, _) in speakers.items()},
    )


def remember(session: Session, meeting_id: int, label: str, name: str) -> voices_db.Enrolled:
    return people.remember_voice(session, OPERATOR, meeting_id, label, name, username="cli:tester")


def speaker(session: Session, meeting_id: int, label: str) -> Speaker:
    return next(s for s in load_meeting(session, meeting_id=meeting_id).speakers if s.label == label)


def test_a_remembered_voice_names_the_speaker_of_the_next_meeting(session: Session) -> None:
    first = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0), "SPEAKER_01": (voice(3), 40.0)})
    enrolled = remember(session, first, "SPEAKER_00", "Priya Natarajan")
    assert (enrolled.name, enrolled.samples, enrolled.suggested) == ("Priya Natarajan", 1, 0)

    later = meeting(session, "b", {"SPEAKER_00": (voice(7), 50.0), "SPEAKER_01": (voice(0, 0.2), 45.0)})

    named = speaker(session, later, "SPEAKER_01")
    assert (named.name, named.name_source, named.suggestions) == ("Priya Natarajan", "voice", ())
    stranger = speaker(session, later, "SPEAKER_00")
    assert (stranger.name, stranger.name_source, stranger.suggestions) == (None, None, ())
    assert speaker(session, first, "SPEAKER_00").name_source == "manual"
    exported = render(load_meeting(session, meeting_id=later), "json")
    assert '"name_source": "voice"' in exported


def test_a_near_match_is_a_suggestion_and_a_short_speaker_is_never_named_automatically(
    session: Session,
) -> None:
    first = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0)})
    remember(session, first, "SPEAKER_00", "Priya")

    later = meeting(
        session,
        "b",
        {"SPEAKER_00": (at(0.55), 60.0), "SPEAKER_01": (voice(0, 0.1), 3.0), "SPEAKER_02": (at(0.3), 60.0)},
    )

    near = speaker(session, later, "SPEAKER_00")
    assert (near.name, near.suggestions) == (None, (NameSuggestion("Priya", "voice", 0.55),))
    short = speaker(session, later, "SPEAKER_01")
    assert short.name is None and [g.name for g in short.suggestions] == ["Priya"]
    assert speaker(session, later, "SPEAKER_02").suggestions == ()


def test_confirm_makes_it_a_name_given_by_hand_and_a_rejection_is_remembered(session: Session) -> None:
    first = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0)})
    remember(session, first, "SPEAKER_00", "Priya")
    later = meeting(session, "b", {"SPEAKER_00": (at(0.55), 60.0), "SPEAKER_01": (at(0.56), 30.0)})

    assert people.decide(session, OPERATOR, later, "SPEAKER_00", accept=True) == "Priya"
    assert people.decide(session, OPERATOR, later, "SPEAKER_01", accept=False) == "Priya"

    confirmed, rejected = speaker(session, later, "SPEAKER_00"), speaker(session, later, "SPEAKER_01")
    assert (confirmed.name, confirmed.name_source, confirmed.suggestions) == ("Priya", "manual", ())
    assert (rejected.name, rejected.suggestions) == (None, ())
    # Recognition again (a re-run): the rejection holds, the confirmed name is carried as a person's.
    transcript(session, later, {"SPEAKER_00": (at(0.55), 60.0), "SPEAKER_01": (at(0.56), 30.0)})
    assert speaker(session, later, "SPEAKER_01").suggestions == ()
    assert speaker(session, later, "SPEAKER_00").name_source == "manual"
    with pytest.raises(NotFoundError, match="no suggested name"):
        people.decide(session, OPERATOR, later, "SPEAKER_01", accept=True)


def test_rejecting_a_name_from_the_voice_takes_it_away(session: Session) -> None:
    first = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0)})
    remember(session, first, "SPEAKER_00", "Priya")
    later = meeting(session, "b", {"SPEAKER_00": (voice(0, 0.1), 60.0)})
    assert speaker(session, later, "SPEAKER_00").name == "Priya"

    people.decide(session, OPERATOR, later, "SPEAKER_00", accept=False)

    assert speaker(session, later, "SPEAKER_00").name is None
    transcript(session, later, {"SPEAKER_00": (voice(0, 0.1), 60.0)})
    assert speaker(session, later, "SPEAKER_00").name is None


def test_enrolling_offers_earlier_meetings_as_suggestions_never_as_names(session: Session) -> None:
    earlier = meeting(session, "a", {"SPEAKER_00": (voice(0, 0.1), 60.0), "SPEAKER_01": (voice(4), 60.0)})
    rename_speaker(session, meeting_id=earlier, label="SPEAKER_01", name="Someone")
    source = meeting(session, "b", {"SPEAKER_00": (voice(0), 60.0)})

    enrolled = remember(session, source, "SPEAKER_00", "Priya")

    assert enrolled.suggested == 1
    old = speaker(session, earlier, "SPEAKER_00")
    assert old.name is None and [g.name for g in old.suggestions] == ["Priya"]


def test_a_second_enrolment_steadies_the_print_and_a_name_is_a_name_by_any_case(session: Session) -> None:
    a = meeting(session, "a", {"SPEAKER_00": (voice(0, 0.3), 60.0)})
    b = meeting(session, "b", {"SPEAKER_00": (voice(0, -0.3), 60.0)})
    remember(session, a, "SPEAKER_00", "Priya")
    assert speaker(session, b, "SPEAKER_00").suggestions  # offered, not named
    second = remember(session, b, "SPEAKER_00", "  priya ")

    assert second.samples == 2
    assert session.scalar(select(func.count()).select_from(PersonRow)) == 1
    (p,) = voices_db.prints(session, CAMPP.sha256)
    assert p.samples == 2 and p.vector[1] == pytest.approx(0.0, abs=1e-9)


def test_voices_of_another_embedding_model_are_never_compared(session: Session) -> None:
    first = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0)})
    remember(session, first, "SPEAKER_00", "Priya")

    other = meeting(session, "b", {"SPEAKER_00": (voice(0), 60.0)}, model=OTHER_MODEL)

    assert speaker(session, other, "SPEAKER_00") == Speaker("SPEAKER_00", talk_time=60.0)


def test_a_voice_without_an_embedding_cannot_be_remembered(session: Session) -> None:
    m = new_meeting(session, "imported")
    replace_transcript(
        session,
        meeting_id=m.id,
        utterances=[Utterance(index=0, speaker="Alice", start=0, end=1, text="hi")],
        speakers=[Speaker("Alice", talk_time=1.0)],
        embeddings={},
    )

    with pytest.raises(ConfigError, match="no voice embedding"):
        remember(session, m.id, "Alice", "Alice Smith")
    with pytest.raises(NotFoundError, match="no speaker 'Nobody'"):
        remember(session, m.id, "Nobody", "Alice Smith")
    assert session.scalar(select(func.count()).select_from(PersonRow)) == 0


def embedding(session: Session, meeting_id: int, label: str) -> list[float] | None:
    q = select(SpeakerRow.embedding).where(SpeakerRow.meeting_id == meeting_id, SpeakerRow.label == label)
    return session.scalars(q).one()


def test_forget_leaves_nothing_of_the_voice_behind(session: Session) -> None:
    first = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0), "SPEAKER_01": (voice(3), 60.0)})
    remember(session, first, "SPEAKER_00", "Priya")
    remember(session, first, "SPEAKER_01", "Tom")
    named = meeting(session, "b", {"SPEAKER_00": (voice(0, 0.1), 60.0)})
    suggested = meeting(session, "c", {"SPEAKER_00": (at(0.55), 60.0)})
    by_hand = meeting(session, "d", {"SPEAKER_00": (voice(9), 60.0)})
    rename_speaker(session, meeting_id=by_hand, label="SPEAKER_00", name="Priya")
    people.decide(session, OPERATOR, suggested, "SPEAKER_00", accept=False)
    priya = session.scalar(select(PersonRow.id).where(PersonRow.name == "Priya"))

    gone = people.forget(session, OPERATOR, "priya", username="cli:tester")

    assert (gone.enrolments, gone.names, gone.suggestions, gone.embeddings) == (1, 1, 1, 2)
    for table in (EnrolmentRow, VoiceMatchRow):
        assert session.scalar(select(func.count()).select_from(table).where(table.person_id == priya)) == 0
    assert session.scalar(select(func.count()).select_from(PersonRow).where(PersonRow.id == priya)) == 0
    assert speaker(session, named, "SPEAKER_00").name is None  # the name came from the voice
    assert speaker(session, first, "SPEAKER_00").name == "Priya"  # given by hand: stays
    assert speaker(session, by_hand, "SPEAKER_00").name == "Priya"
    voiced = [(first, "SPEAKER_00"), (named, "SPEAKER_00")]
    for meeting_id, label in voiced:
        row = session.scalar(
            select(SpeakerRow).where(SpeakerRow.meeting_id == meeting_id, SpeakerRow.label == label)
        )
        assert row is not None and row.embedding is None
        stage = session.scalar(
            select(StageRun).where(StageRun.meeting_id == meeting_id, StageRun.stage == "diarize")
        )
        assert stage is not None and label not in stage.payload["embeddings"]
    tom = session.scalar(
        select(SpeakerRow).where(SpeakerRow.meeting_id == first, SpeakerRow.label == "SPEAKER_01")
    )
    assert tom is not None and tom.embedding is not None  # someone else's voice is untouched
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "people_forget")).one()
    assert entry.detail["embeddings"] == 2 and "embedding" not in str(entry.detail.keys() - {"embeddings"})
    # Nothing comes back: a new meeting in that voice stays anonymous.
    again = meeting(session, "e", {"SPEAKER_00": (voice(0), 60.0)})
    assert speaker(session, again, "SPEAKER_00").suggestions == ()
    with pytest.raises(NotFoundError, match="Tom"):
        people.forget(session, OPERATOR, "Priya")


def test_deleting_the_meeting_a_voice_was_remembered_from_removes_it(session: Session) -> None:
    first = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0)})
    remember(session, first, "SPEAKER_00", "Priya")

    session.execute(delete(Meeting).where(Meeting.id == first))
    session.expire_all()

    assert voices_db.prints(session, CAMPP.sha256) == []
    later = meeting(session, "b", {"SPEAKER_00": (voice(0), 60.0)})
    assert speaker(session, later, "SPEAKER_00").name is None


def test_merge_folds_one_person_into_another(session: Session) -> None:
    a = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0)})
    b = meeting(session, "b", {"SPEAKER_00": (voice(3), 60.0)})
    remember(session, a, "SPEAKER_00", "Priya")
    remember(session, b, "SPEAKER_00", "P. Natarajan")
    c = meeting(session, "c", {"SPEAKER_00": (voice(3, 0.1), 60.0)})
    assert speaker(session, c, "SPEAKER_00").name == "P. Natarajan"

    assert people.merge(session, OPERATOR, "Priya", "P. Natarajan") == 1

    assert [p["name"] for p in people.list_people(session, OPERATOR)] == ["Priya"]
    assert speaker(session, c, "SPEAKER_00").name == "Priya"
    with pytest.raises(ConfigError, match="same person"):
        people.merge(session, OPERATOR, "Priya", "priya")


def test_who_may_remember_and_forget_voices(session: Session) -> None:
    first = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0)})
    team = create_team(session, name="Sales")
    assign_meeting(session, meeting_id=first, team=team.id)
    for username, role in (("mgr", "manager"), ("member", "member")):
        create_user(session, username=username, password="correct horse battery")
        add_member(session, team="Sales", username=username, role=role)
    create_user(session, username="root", password="correct horse battery", admin=True)
    session.flush()

    def actor(username: str) -> Actor:
        return Actor(principal=principal_named(session, username), ip=None, via="web")

    with pytest.raises(NotFoundError):  # a member sees only what is shared with them
        people.remember_voice(session, actor("member"), first, "SPEAKER_00", "Priya")
    enrolled = people.remember_voice(session, actor("mgr"), first, "SPEAKER_00", "Priya")
    assert session.scalars(select(EnrolmentRow.enrolled_by)).one() == "mgr" and enrolled.samples == 1
    for who in ("mgr", "member"):
        with pytest.raises(Forbidden, match="only an admin"):
            people.forget(session, actor(who), "Priya")
        with pytest.raises(Forbidden):
            people.held(session, actor(who), "Priya")
    access.require_people_admin(actor("root"))
    assert people.held(session, actor("root"), "Priya")["enrolments"][0]["enrolled_by"] == "mgr"
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"remember_voice", "people_export"} <= actions


def test_a_second_enrolment_that_sounds_like_someone_else_is_refused(session: Session) -> None:
    first = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0)})
    other = meeting(session, "b", {"SPEAKER_00": (voice(7), 60.0)})
    remember(session, first, "SPEAKER_00", "Priya")

    with pytest.raises(ConfigError, match=r"does not sound like the remembered Priya \(0\.00\)"):
        remember(session, other, "SPEAKER_00", "priya")
    assert voices_db.prints(session, CAMPP.sha256)[0].samples == 1


def test_a_re_run_that_gives_a_label_to_another_voice_drops_its_rejection_and_forget_follows_the_voice(
    session: Session,
) -> None:
    first = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0), "SPEAKER_01": (voice(3), 60.0)})
    remember(session, first, "SPEAKER_00", "Priya")
    later = meeting(session, "b", {"SPEAKER_00": (at(0.55), 60.0)})
    people.decide(session, OPERATOR, later, "SPEAKER_00", accept=False)
    # The same voice again: the rejection holds.
    transcript(session, later, {"SPEAKER_00": (at(0.55), 60.0)})
    assert speaker(session, later, "SPEAKER_00").suggestions == ()
    # Another diarization: SPEAKER_00 is now someone else, who may be suggested again.
    transcript(session, later, {"SPEAKER_00": (at(0.56), 60.0)})
    assert [g.name for g in speaker(session, later, "SPEAKER_00").suggestions] == ["Priya"]
    # Re-diarized, Priya's voice moved to SPEAKER_01 of the first meeting: forget finds it there.
    rename_speaker(session, meeting_id=first, label="SPEAKER_00", name=None)
    transcript(session, first, {"SPEAKER_00": (voice(3), 60.0), "SPEAKER_01": (voice(0, 0.05), 60.0)})

    people.forget(session, OPERATOR, "Priya")

    assert embedding(session, first, "SPEAKER_01") is None
    assert embedding(session, first, "SPEAKER_00") is not None


def test_merge_never_leaves_a_voice_name_looking_typed_by_hand(session: Session) -> None:
    a = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0)})
    b = meeting(session, "b", {"SPEAKER_00": (voice(3), 60.0)})
    remember(session, a, "SPEAKER_00", "Priya")
    remember(session, b, "SPEAKER_00", "Tom")
    c = meeting(session, "c", {"SPEAKER_00": (voice(3, 0.1), 60.0)})
    assert speaker(session, c, "SPEAKER_00").name == "Tom"
    session.add(VoiceMatchRow(meeting_id=c, label="SPEAKER_00", person_id=1, score=0.2, status="rejected"))
    session.flush()

    people.merge(session, OPERATOR, "Priya", "Tom")

    merged = speaker(session, c, "SPEAKER_00")
    assert (merged.name, merged.name_source) == (None, None)  # Priya was rejected for it


def test_names_with_accents_and_slashes_are_one_person(session: Session) -> None:
    from sqlalchemy import true

    from minutes.db.people_stats import person_stats

    m = meeting(session, "a", {"SPEAKER_00": (voice(0), 60.0)})
    rename_speaker(session, meeting_id=m, label="SPEAKER_00", name="Émile Ø/Ørsted")

    assert person_stats(session, true(), "émile ø/ørsted").figures.meetings == 1
