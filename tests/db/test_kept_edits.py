"""A person's edits survive a re-run (``--force``, changed options), on SQLite and PostgreSQL.

The pipeline runs with fake model stages (``tests/fakes.py``) on a real database: a correction,
a speaker name and a done tick are made as a person makes them, the meeting is processed again,
and what the person typed is on the new output, or counted and kept where it no longer fits.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from minutes import db as store
from minutes.audio import SAMPLE_RATE, AudioInput
from minutes.db.meeting_store import SqlMeetingStore
from minutes.errors import StageError
from minutes.pipeline import MeetingProcessor, ProcessResult
from minutes.types import LeftEdit, MeetingDoc, MinuteItem, Minutes, Transcript, Word
from tests.fakes import FakeDiarizer, FakeTranscriber, InMemoryIngest

# 16 s of tone: the fake hears word0 ... word15, one a second; with 8 s turns that is two lines,
# SPEAKER_00 saying word0-word7 and SPEAKER_01 saying word8-word15.
WAVE = (0.3 * np.sin(2 * np.pi * 220 * np.arange(16 * SAMPLE_RATE) / SAMPLE_RATE)).astype(np.float32)
MACHINE = "word8 word9 word10 word11 word12 word13 word14 word15"
CORRECTED = "We ship Pricing v2 in December, says Priya"  # 8 words, as many as were heard


class HeardDifferently(FakeTranscriber):
    """The fake's words, some heard as others: what another speech model (or option) does."""

    def __init__(self, heard: dict[str, str], **options: Any) -> None:
        super().__init__(heard=sorted(heard.items()), **options)  # another cache key
        self.heard = heard

    def transcribe(self, audio: AudioInput, *, progress: Any = None) -> Transcript:
        t = super().transcribe(audio, progress=progress)

        def hear(w: Word) -> Word:
            return replace(w, text=self.heard.get(w.text, w.text))

        segments = tuple(
            replace(s, words=(ws := tuple(hear(w) for w in s.words)), text=" ".join(w.text for w in ws))
            for s in t.segments
        )
        return replace(t, segments=segments)


def processor(
    sessions: sessionmaker[Session], asr: FakeTranscriber | None = None, dia: FakeDiarizer | None = None
) -> MeetingProcessor:
    return MeetingProcessor(
        transcriber=asr or FakeTranscriber(),
        diarizer=dia or FakeDiarizer(turn=8.0),
        store=SqlMeetingStore(sessions),
        ingest=InMemoryIngest({"standup.wav": WAVE}),
    )


def doc(sessions: sessionmaker[Session], meeting_id: int) -> MeetingDoc:
    with store.session_scope(sessions) as s:
        return store.load_meeting(s, meeting_id=meeting_id)


def left(sessions: sessionmaker[Session], meeting_id: int) -> tuple[LeftEdit, ...]:
    with store.session_scope(sessions) as s:
        return store.left_edits(s, meeting_id=meeting_id)


def processed_and_corrected(sessions: sessionmaker[Session]) -> int:
    """A processed meeting whose second line a person corrected."""
    meeting_id = processor(sessions).process("standup.wav").meeting_id or 0
    before = doc(sessions, meeting_id)
    assert [u.text for u in before.utterances] == ["word0 word1 word2 word3 word4 word5 word6 word7", MACHINE]
    with store.session_scope(sessions) as s:
        store.correct_utterance(s, meeting_id=meeting_id, index=1, text=CORRECTED)
    return meeting_id


def edits(result: ProcessResult, outcome: str) -> dict[str, int]:
    return {kind: n for kind, n in result.edits[outcome].items() if n}


def test_a_correction_survives_force_with_the_same_output(factory: sessionmaker[Session]) -> None:
    meeting_id = processed_and_corrected(factory)
    corrected = doc(factory, meeting_id).utterances[1]

    result = processor(factory).process("standup.wav", force=True)

    assert result.status == "done" and result.stages["attribute"] == "ran"
    after = doc(factory, meeting_id)
    assert after.utterances[1] == corrected  # text, and the word timings respelled as before
    assert [w.text for w in after.utterances[1].words] == CORRECTED.split()
    assert edits(result, "carried") == {"line": 1} and edits(result, "not_carried") == {}
    assert left(factory, meeting_id) == ()
    # The carried correction is kept for the next run too.
    again = processor(factory).process("standup.wav", force=True)
    assert doc(factory, meeting_id).utterances[1].text == CORRECTED and edits(again, "carried") == {"line": 1}


def test_a_correction_is_carried_onto_a_slightly_different_transcript(factory: sessionmaker[Session]) -> None:
    meeting_id = processed_and_corrected(factory)

    # Another model hears one word of the line differently, and one of the line before: new options,
    # so transcription and attribution run again without --force.
    asr = HeardDifferently({"word12": "werd12", "word3": "ward3"})
    result = processor(factory, asr=asr).process("standup.wav")

    assert result.stages["transcribe"] == "ran" and result.stages["attribute"] == "ran"
    after = doc(factory, meeting_id)
    assert after.utterances[0].text == "word0 word1 word2 ward3 word4 word5 word6 word7"  # the machine's
    assert after.utterances[1].text == CORRECTED  # the person's, not "werd12"
    assert edits(result, "carried") == {"line": 1} and left(factory, meeting_id) == ()


def test_a_correction_split_across_two_new_lines_goes_onto_both(factory: sessionmaker[Session]) -> None:
    meeting_id = processed_and_corrected(factory)

    # Speakers now change every 4 s: the corrected stretch (8-16 s) is two lines (8-12, 12-16).
    result = processor(factory, dia=FakeDiarizer(turn=4.0)).process("standup.wav")

    texts = [u.text for u in doc(factory, meeting_id).utterances]
    assert texts[2:] == ["We ship Pricing v2", "in December, says Priya"]
    assert edits(result, "carried") == {"line": 1} and left(factory, meeting_id) == ()


def test_a_correction_that_cannot_be_carried_is_counted_and_kept(factory: sessionmaker[Session]) -> None:
    meeting_id = processed_and_corrected(factory)

    # This run hears nothing after 8 s (and its second listen does not either): the corrected
    # words are not in the new transcript.
    deaf = FakeTranscriber(drop_after=8.0, deaf_below=100.0)
    result = processor(factory, asr=deaf).process("standup.wav", force=True)

    assert result.status == "done"
    assert edits(result, "not_carried") == {"line": 1} and edits(result, "carried") == {}
    assert result.to_dict()["edits"]["not_carried"] == {"line": 1, "speaker": 0, "action": 0}
    assert CORRECTED not in [u.text for u in doc(factory, meeting_id).utterances]
    (kept,) = left(factory, meeting_id)
    assert (kept.kind, kept.machine, kept.text) == ("line", MACHINE, CORRECTED)
    assert (kept.start, kept.end) == pytest.approx((8.1, 15.6)) and kept.left_at

    # A later run that hears the words again puts the kept correction back.
    back = processor(factory).process("standup.wav", force=True)
    assert doc(factory, meeting_id).utterances[1].text == CORRECTED
    assert edits(back, "carried") == {"line": 1} and left(factory, meeting_id) == ()


def test_a_speaker_name_survives_force_and_follows_its_speaker(factory: sessionmaker[Session]) -> None:
    meeting_id = processor(factory).process("standup.wav").meeting_id or 0
    with store.session_scope(factory) as s:
        store.rename_speaker(s, meeting_id=meeting_id, label="SPEAKER_01", name="Priya Shah")

    same = processor(factory).process("standup.wav", force=True)
    assert doc(factory, meeting_id).speaker_name("SPEAKER_01") == "Priya Shah"
    assert edits(same, "carried") == {"speaker": 1}

    # Another diarization labels the same two people the other way round: the name follows the
    # person who speaks from 8 s (now SPEAKER_00), not the label.
    swapped = FakeDiarizer(turn=8.0, labels=("SPEAKER_01", "SPEAKER_00"))
    result = processor(factory, dia=swapped).process("standup.wav")
    after = doc(factory, meeting_id)
    assert after.utterances[1].speaker == "SPEAKER_00"
    assert after.speaker_name("SPEAKER_00") == "Priya Shah"
    assert after.speaker_name("SPEAKER_01") == "SPEAKER_01"
    assert edits(result, "carried") == {"speaker": 1} and left(factory, meeting_id) == ()


def test_a_name_whose_speaker_is_gone_is_counted_and_kept(factory: sessionmaker[Session]) -> None:
    meeting_id = processor(factory).process("standup.wav").meeting_id or 0
    with store.session_scope(factory) as s:
        store.rename_speaker(s, meeting_id=meeting_id, label="SPEAKER_01", name="Priya Shah")

    # Now one speaker talks throughout: the old SPEAKER_00's lines hold most of it.
    result = processor(factory, dia=FakeDiarizer(turn=16.0)).process("standup.wav")

    assert doc(factory, meeting_id).speaker_name("SPEAKER_00") == "SPEAKER_00"
    assert edits(result, "not_carried") == {"speaker": 1}
    assert [(e.kind, e.label, e.text) for e in left(factory, meeting_id)] == [
        ("speaker", "SPEAKER_01", "Priya Shah")
    ]


def test_a_crash_half_way_through_the_replacement_keeps_the_old_transcript_and_its_edits(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    meeting_id = processed_and_corrected(factory)
    with store.session_scope(factory) as s:
        store.rename_speaker(s, meeting_id=meeting_id, label="SPEAKER_01", name="Priya Shah")
    before = doc(factory, meeting_id)
    with store.session_scope(factory) as s:
        rows_before = [(r.utterance_idx, r.machine_text, r.text) for r in s.scalars(select(store.EditRow))]
    assert rows_before == [(1, MACHINE, CORRECTED)]

    # The attribute stage's record fails to store: it is written in the same transaction as the new
    # transcript (after the old one was deleted and the new one inserted), so all of it rolls back.
    real = store.save_stage

    def failing(session: Session, *, meeting_id: int, record: Any, payload: Any) -> None:
        if record.stage == "attribute":
            raise RuntimeError("disk full")
        real(session, meeting_id=meeting_id, record=record, payload=payload)

    monkeypatch.setattr("minutes.db.meeting_store.save_stage", failing)
    with pytest.raises(StageError, match="disk full"):
        processor(factory, asr=HeardDifferently({"word12": "werd12"})).process("standup.wav", force=True)

    after = doc(factory, meeting_id)
    assert after.status == "failed"
    assert after.utterances == before.utterances and after.speakers == before.speakers
    with store.session_scope(factory) as s:
        rows_after = [(r.utterance_idx, r.machine_text, r.text) for r in s.scalars(select(store.EditRow))]
    assert rows_after == rows_before

    monkeypatch.setattr("minutes.db.meeting_store.save_stage", real)
    result = processor(factory, asr=HeardDifferently({"word12": "werd12"})).process("standup.wav", force=True)
    assert doc(factory, meeting_id).utterances[1].text == CORRECTED
    assert edits(result, "carried") == {"line": 1, "speaker": 1}


# Done ticks --------------------------------------------------------------------------------------

ACTIONS = Minutes(
    summary="Budget agreed.",
    items=(
        MinuteItem(kind="action", text="Send the budget to finance", owner="SPEAKER_01"),
        MinuteItem(kind="action", text="Book the room", owner="SPEAKER_00"),
    ),
)


def test_a_done_tick_that_fits_no_new_item_is_counted_and_kept(factory: sessionmaker[Session]) -> None:
    meeting_id = processor(factory).process("standup.wav").meeting_id or 0
    with store.session_scope(factory) as s:
        store.save_minutes(s, meeting_id=meeting_id, minutes=ACTIONS)
        store.set_item_done(s, meeting_id=meeting_id, position=0, done=True)
        store.set_item_done(s, meeting_id=meeting_id, position=1, done=True)

    rewritten = replace(ACTIONS, items=(MinuteItem(kind="action", text="Book the room", owner="SPEAKER_00"),))
    with store.session_scope(factory) as s:
        carried = store.save_minutes(s, meeting_id=meeting_id, minutes=rewritten)

    assert carried.carried == {"action": 1} and carried.not_carried == {"action": 1}
    minutes = doc(factory, meeting_id).minutes
    assert minutes is not None and [i.done for i in minutes.items] == [True]
    assert [(e.kind, e.label, e.text) for e in left(factory, meeting_id)] == [
        ("action", "SPEAKER_01", "Send the budget to finance")
    ]

    # Minutes that have the item again take the tick back (and it is no longer listed).
    with store.session_scope(factory) as s:
        again = store.save_minutes(s, meeting_id=meeting_id, minutes=ACTIONS)
    minutes = doc(factory, meeting_id).minutes
    assert minutes is not None and [i.done for i in minutes.items] == [True, True]
    assert again.carried == {"action": 2} and again.not_carried == {} and left(factory, meeting_id) == ()


def test_deleting_a_meeting_deletes_its_kept_edits(factory: sessionmaker[Session]) -> None:
    meeting_id = processed_and_corrected(factory)
    processor(factory, asr=FakeTranscriber(drop_after=8.0, deaf_below=100.0)).process(
        "standup.wav", force=True
    )
    assert len(left(factory, meeting_id)) == 1
    with store.session_scope(factory) as s:
        store.delete_meeting_rows(s, meeting_id=meeting_id)
    with store.session_scope(factory) as s:
        assert s.scalars(select(store.EditRow)).all() == []


def test_correcting_a_line_back_to_the_machines_words_keeps_no_edit(factory: sessionmaker[Session]) -> None:
    meeting_id = processed_and_corrected(factory)
    with store.session_scope(factory) as s:
        store.correct_utterance(s, meeting_id=meeting_id, index=1, text="We ship v2")
        (row,) = s.scalars(select(store.EditRow)).all()
        assert (row.machine_text, row.text) == (MACHINE, "We ship v2")  # the machine's words stay
        store.correct_utterance(s, meeting_id=meeting_id, index=1, text=MACHINE)
        assert s.scalars(select(store.EditRow)).all() == []
