"""The orchestrator with fake stages on a real SQLite database: caching, failure, consistency."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from minutes import db as store
from minutes.audio import AudioInput, PcmFile
from minutes.db.meeting_store import SqlMeetingStore
from minutes.errors import InputError, StageError
from minutes.factory import ThreadPlan, open_store
from minutes.pipeline import MeetingProcessor
from minutes.types import Diarization, Transcript
from tests.fakes import FakeDiarizer, FakeTranscriber


def _processor(asr: FakeTranscriber | None = None, dia: FakeDiarizer | None = None) -> MeetingProcessor:
    return MeetingProcessor(
        transcriber=asr or FakeTranscriber(),
        diarizer=dia or FakeDiarizer(),
        store=SqlMeetingStore(open_store()),
    )


def test_process_stores_utterances_speakers_and_provenance(tone: Path) -> None:
    p = _processor()
    seen: list[tuple[str, float]] = []
    result = p.process(tone, progress=lambda s, f: seen.append((s, f)))
    assert result.status == "done" and result.utterances > 0 and result.speakers == 2
    with store.session_scope(p.store.sessions) as s:
        doc = store.load_meeting(s, meeting_id=result.meeting_id or 0)
    assert doc.status == "done" and doc.language == "en"
    assert {u.speaker for u in doc.utterances} == {"SPEAKER_00", "SPEAKER_01"}
    stages = {st.stage: st for st in doc.stages}
    assert set(stages) == {"ingest", "transcribe", "diarize", "recover", "attribute"}
    assert doc.audio.warnings == () and result.warnings == ()  # a whole recording, nothing to say
    assert stages["transcribe"].models[0].sha256 == "a" * 64
    assert stages["transcribe"].code_version
    assert {s for s, f in seen if f == 1.0} == {"ingest", "transcribe", "diarize", "recover", "attribute"}


def test_same_recording_is_reused_and_force_redoes_it(tone: Path, tmp_path: Path) -> None:
    asr, dia = FakeTranscriber(), FakeDiarizer()
    p = _processor(asr, dia)
    first = p.process(tone)
    copy = tmp_path / "copy of tone.wav"
    copy.write_bytes(tone.read_bytes())
    again = p.process(copy)
    assert again.status == "reused" and again.meeting_id == first.meeting_id
    assert (asr.calls, dia.calls) == (1, 1)
    forced = p.process(tone, force=True)
    assert forced.status == "done" and forced.meeting_id == first.meeting_id
    assert (asr.calls, dia.calls) == (2, 2)


def test_option_change_redoes_only_the_stage_it_touches(tone: Path) -> None:
    sessions = open_store()
    asr, dia = FakeTranscriber(), FakeDiarizer()
    MeetingProcessor(transcriber=asr, diarizer=dia, store=SqlMeetingStore(sessions)).process(tone)
    dia2 = FakeDiarizer(num_speakers=2)
    result = MeetingProcessor(transcriber=asr, diarizer=dia2, store=SqlMeetingStore(sessions)).process(tone)
    assert result.stages == {"transcribe": "cached", "diarize": "ran", "recover": "ran", "attribute": "ran"}
    assert asr.calls == 1 and dia2.calls == 1


def test_speaker_names_survive_reprocessing(tone: Path) -> None:
    p = _processor()
    mid = p.process(tone).meeting_id or 0
    with store.session_scope(p.store.sessions) as s:
        store.rename_speaker(s, meeting_id=mid, label="SPEAKER_00", name="Priya Shah")
    p.process(tone, force=True)
    with store.session_scope(p.store.sessions) as s:
        doc = store.load_meeting(s, meeting_id=mid)
    assert doc.speaker_name("SPEAKER_00") == "Priya Shah"


def test_stage_failure_marks_meeting_failed_and_keeps_finished_stage(tone: Path) -> None:
    p = _processor(asr=FakeTranscriber(fail=RuntimeError("decoder exploded")))
    with pytest.raises(StageError, match="decoder exploded"):
        p.process(tone)
    with store.session_scope(p.store.sessions) as s:
        (summary,) = store.list_meetings(s)
        assert summary.status == "failed"
        doc = store.load_meeting(s, meeting_id=summary.id)
        assert doc.error and "decoder exploded" in doc.error
        assert doc.utterances == ()
        # diarization finished before the failure surfaced: it is kept, not redone
        assert store.get_stage(s, meeting_id=summary.id, stage="diarize") is not None
    dia = FakeDiarizer()
    retry = MeetingProcessor(transcriber=FakeTranscriber(), diarizer=dia, store=p.store).process(tone)
    assert retry.status == "done" and retry.stages["diarize"] == "cached" and dia.calls == 0


def test_bad_input_writes_nothing(tmp_path: Path) -> None:
    p = _processor()
    bad = tmp_path / "notes.wav"
    bad.write_text("this is not audio\n")
    with pytest.raises(InputError, match=r"notes\.wav"):
        p.process(bad)
    with store.session_scope(p.store.sessions) as s:
        assert s.scalar(select(func.count()).select_from(store.Recording)) == 0
        assert s.scalar(select(func.count()).select_from(store.Meeting)) == 0


def test_sequential_and_parallel_give_the_same_result(tone: Path) -> None:
    a = MeetingProcessor(
        transcriber=FakeTranscriber(),
        diarizer=FakeDiarizer(),
        store=SqlMeetingStore(open_store()),
        parallel=True,
    ).process(tone)
    b = MeetingProcessor(
        transcriber=FakeTranscriber(),
        diarizer=FakeDiarizer(),
        store=SqlMeetingStore(open_store()),
        parallel=False,
    ).process(tone, force=True)
    assert (a.utterances, a.speakers) == (b.utterances, b.speakers)


@pytest.mark.parametrize(
    ("cores", "parallel", "expected"),
    [(2, True, (1, 1)), (4, True, (2, 2)), (3, True, (1, 2)), (1, True, (1, 1)), (2, False, (2, 2))],
)
def test_thread_plan_never_oversubscribes(cores: int, parallel: bool, expected: tuple[int, int]) -> None:
    plan = ThreadPlan.for_cores(cores, parallel=parallel)
    assert (plan.asr, plan.diarize) == expected
    if parallel and cores >= 2:
        assert plan.asr + plan.diarize <= cores


class _SpyTranscriber(FakeTranscriber):
    """Notes what audio it was given and whether the decoded samples were there to read."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.given: list[tuple[object, bool]] = []

    def transcribe(self, audio: AudioInput, *, progress: Any = None) -> Transcript:
        self.given.append((audio, isinstance(audio, PcmFile) and audio.path.is_file()))
        return super().transcribe(audio, progress=progress)


class _SpyDiarizer(FakeDiarizer):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.given: list[tuple[object, bool]] = []

    def diarize(self, audio: AudioInput, *, progress: Any = None) -> Diarization:
        self.given.append((audio, isinstance(audio, PcmFile) and audio.path.is_file()))
        return super().diarize(audio, progress=progress)


def test_stages_read_one_decoded_file_that_is_removed_afterwards(tone: Path) -> None:
    asr, dia = _SpyTranscriber(), _SpyDiarizer()
    _processor(asr, dia).process(tone)
    ((seen_by_asr, there_for_asr),) = asr.given
    ((seen_by_dia, there_for_dia),) = dia.given
    assert seen_by_asr is seen_by_dia and there_for_asr and there_for_dia  # decoded once, read by both
    assert isinstance(seen_by_asr, PcmFile) and seen_by_asr.duration == pytest.approx(7.0, abs=0.01)
    assert not seen_by_asr.path.parent.exists()


class _FailingDiarizer(FakeDiarizer):
    def diarize(self, audio: AudioInput, *, progress: Any = None) -> Diarization:
        raise RuntimeError("segmentation exploded")


@pytest.mark.parametrize("parallel", [True, False])
def test_decoded_file_is_removed_when_a_stage_fails(tone: Path, parallel: bool) -> None:
    asr = _SpyTranscriber()
    p = MeetingProcessor(
        transcriber=asr, diarizer=_FailingDiarizer(), store=SqlMeetingStore(open_store()), parallel=parallel
    )
    with pytest.raises(StageError, match="segmentation exploded"):
        p.process(tone)
    ((pcm, was_there),) = asr.given
    assert was_there and isinstance(pcm, PcmFile) and not pcm.path.parent.exists()


def test_nothing_is_decoded_into_the_temp_folder_for_good(
    tone: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    p = _processor()
    p.process(tone)  # processed
    p.process(tone)  # reused
    with pytest.raises(StageError):
        MeetingProcessor(
            transcriber=FakeTranscriber(fail=RuntimeError("boom")),
            diarizer=FakeDiarizer(),
            store=p.store,
        ).process(tone, force=True)
    assert list(scratch.iterdir()) == []


def test_a_speaker_heard_without_recognised_words_is_still_counted(tone: Path) -> None:
    """`process` says as many speakers as `minutes list` shows: the diarization heard the second
    voice, though no word of it was recognised (nor on listening again)."""
    p = _processor(asr=FakeTranscriber(drop_after=3.0, deaf_below=1e9))
    result = p.process(tone)
    with store.session_scope(p.store.sessions) as s:
        doc = store.load_meeting(s, meeting_id=result.meeting_id or 0)
        listed = next(m for m in store.list_meetings(s) if m.id == result.meeting_id)
    assert {u.speaker for u in doc.utterances} == {"SPEAKER_00"}
    assert result.speakers == listed.speakers == len(doc.speakers) == 2
