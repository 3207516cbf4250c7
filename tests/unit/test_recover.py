"""The second listen: speech the diarization heard but the first pass left without words."""

from __future__ import annotations

import pytest

from minutes.pipeline import MeetingProcessor
from minutes.pipeline.recover import RecoverOptions
from tests.fakes import FakeDiarizer, FakeTranscriber, InMemoryIngest, InMemoryMeetingStore
from tests.unit.test_orchestrator import RECORDINGS


def _process(
    asr: FakeTranscriber, store: InMemoryMeetingStore, options: RecoverOptions | None = None
) -> MeetingProcessor:
    p = MeetingProcessor(
        transcriber=asr,
        diarizer=FakeDiarizer(),
        store=store,
        ingest=InMemoryIngest(RECORDINGS),
        recover_options=options,
    )
    p.process("review.wav")  # 9 s, two speakers taking 3-s turns
    return p


def test_a_dropped_tail_is_heard_again_and_merged_in_time_order() -> None:
    store, asr = InMemoryMeetingStore(), FakeTranscriber(drop_after=3.0)  # nothing after 3 s
    _process(asr, store)
    doc = store.load_meeting(1)
    words = " ".join(u.text for u in doc.utterances).split()
    assert words == [f"word{i}" for i in range(9)]  # 0-2 from the first pass, 3-8 recovered
    assert asr.relistened == [(pytest.approx(1.1), 9.0)]  # the gap with 2 s of context
    assert doc.speech_coverage == 1.0
    _, payload = store.stage(1, "recover") or (None, {})
    assert payload["coverage"]["recovered_words"] == 6 and payload["coverage"]["gaps"] == []


def test_a_gap_still_silent_is_heard_once_more_with_wider_context() -> None:
    store, asr = InMemoryMeetingStore(), FakeTranscriber(drop_after=3.0, deaf_below=8.5)
    _process(asr, store)
    assert asr.relistened == [(pytest.approx(1.1), 9.0), (0.0, 9.0)]  # 2 s of context, then 4 s
    assert store.load_meeting(1).speech_coverage == 1.0


def test_a_recovered_stage_is_reused_and_its_options_are_in_its_key() -> None:
    store, asr = InMemoryMeetingStore(), FakeTranscriber(drop_after=3.0)
    _process(asr, store)
    again = MeetingProcessor(
        transcriber=asr, diarizer=FakeDiarizer(), store=store, ingest=InMemoryIngest(RECORDINGS)
    ).process("review.wav")
    assert again.status == "reused" and len(asr.relistened) == 1

    changed = MeetingProcessor(
        transcriber=asr,
        diarizer=FakeDiarizer(),
        store=store,
        ingest=InMemoryIngest(RECORDINGS),
        recover_options=RecoverOptions(context=1.0),
    ).process("review.wav")
    assert changed.stages["recover"] == "ran" and changed.stages["transcribe"] == "cached"
    assert asr.relistened[-1] == (pytest.approx(2.1), 9.0)


def test_without_the_second_listen_the_low_coverage_is_still_measured() -> None:
    store, asr = InMemoryMeetingStore(), FakeTranscriber(drop_after=3.0)
    _process(asr, store, RecoverOptions(enabled=False))
    doc = store.load_meeting(1)
    assert asr.relistened == []
    assert doc.speech_coverage == pytest.approx(3.1 / 9.0, abs=1e-4)  # stored to 4 places
    assert len(" ".join(u.text for u in doc.utterances).split()) == 3


def test_full_coverage_needs_no_second_listen() -> None:
    store, asr = InMemoryMeetingStore(), FakeTranscriber()
    _process(asr, store)
    assert asr.relistened == [] and store.load_meeting(1).speech_coverage == 1.0
