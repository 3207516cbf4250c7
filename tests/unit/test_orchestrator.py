"""The orchestrator alone: fake stages, an in-memory store and ingest (no database, no ffmpeg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from minutes.audio import SAMPLE_RATE, AudioInput
from minutes.errors import StageError
from minutes.pipeline import MeetingProcessor, run_models, stage_keys
from minutes.pipeline.summarize_stage import summarize_meeting
from minutes.summarize.summarizer import Summarizer
from minutes.types import Diarization
from tests.fakes import (
    FakeDiarizer,
    FakeEmbedder,
    FakeLLM,
    FakeTranscriber,
    InMemoryIngest,
    InMemoryMeetingStore,
)


def _tone(seconds: float, hz: float = 220.0) -> np.ndarray:
    t = np.arange(int(SAMPLE_RATE * seconds)) / SAMPLE_RATE
    return (0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


RECORDINGS = {"standup.wav": _tone(7.0), "review.wav": _tone(9.0, 330.0)}


def _processor(
    store: InMemoryMeetingStore | None = None,
    *,
    asr: FakeTranscriber | None = None,
    dia: FakeDiarizer | None = None,
    llm: FakeLLM | None = None,
    ingest: InMemoryIngest | None = None,
    parallel: bool = True,
) -> MeetingProcessor:
    return MeetingProcessor(
        transcriber=asr or FakeTranscriber(),
        diarizer=dia or FakeDiarizer(),
        store=store or InMemoryMeetingStore(),
        summarizer=Summarizer(llm) if llm is not None else None,
        ingest=ingest or InMemoryIngest(RECORDINGS),
        parallel=parallel,
    )


def test_a_new_recording_goes_through_every_stage_into_the_store() -> None:
    store, ingest = InMemoryMeetingStore(), InMemoryIngest(RECORDINGS)
    seen: list[tuple[str, float]] = []
    asr, dia = FakeTranscriber(), FakeDiarizer()
    p = _processor(store, asr=asr, dia=dia, llm=FakeLLM(), ingest=ingest)
    result = p.process("standup.wav", progress=lambda s, f: seen.append((s, f)))

    assert result.status == "done" and result.meeting_id == 1
    assert result.stages == {s: "ran" for s in ("transcribe", "diarize", "recover", "attribute", "summarize")}
    assert set(result.timings) == {"ingest", "transcribe", "diarize", "recover", "attribute", "summarize"}
    assert (result.duration, result.language, result.speakers) == (7.0, "en", 2)
    doc = store.load_meeting(1)
    assert doc.title == "standup" and doc.status == "done" and doc.minutes is not None
    assert len(doc.utterances) == result.utterances > 0
    keys = stage_keys(
        doc.audio.sha256,
        transcriber=asr,
        diarizer=dia,
        attribute_options=p.attribute_options,
        recover_options=p.recover_options,
    )
    assert {r.stage: r.cache_key for r in doc.stages if r.stage in keys} == keys
    assert {s for s, f in seen if f == 1.0} == {
        "ingest",
        "transcribe",
        "diarize",
        "recover",
        "attribute",
        "summarize",
    }
    assert ingest.reading == 0  # the decoded audio was let go


def test_each_stage_is_stored_as_soon_as_it_is_done() -> None:
    store = InMemoryMeetingStore()
    _processor(store, llm=FakeLLM(), parallel=False).process("standup.wav")
    assert store.writes == [
        ("open_meeting", 1),
        ("save_stage:ingest", 1),
        ("set_status:processing", 1),
        ("save_stage:transcribe", 1),
        ("save_stage:diarize", 1),
        ("save_stage:recover", 1),
        ("save_transcript", 1),
        ("save_minutes", 1),
    ]


def test_a_second_run_reuses_every_stage_and_force_redoes_them() -> None:
    store, asr, dia, llm = InMemoryMeetingStore(), FakeTranscriber(), FakeDiarizer(), FakeLLM()
    p = _processor(store, asr=asr, dia=dia, llm=llm)
    p.process("standup.wav")
    calls = len(llm.calls)
    again = p.process("standup.wav")
    assert again.status == "reused" and again.meeting_id == 1
    assert set(again.stages.values()) == {"cached"} and set(again.timings) == {"ingest"}
    assert (asr.calls, dia.calls, len(llm.calls)) == (1, 1, calls)
    forced = p.process("standup.wav", force=True)
    assert forced.status == "done" and set(forced.stages.values()) == {"ran"}
    assert (asr.calls, dia.calls) == (2, 2) and len(llm.calls) == 2 * calls


def test_two_recordings_are_two_meetings() -> None:
    store = InMemoryMeetingStore()
    p = _processor(store)
    a, b = p.process("standup.wav"), p.process("review.wav")
    assert (a.meeting_id, b.meeting_id) == (1, 2)
    assert (a.duration, b.duration) == (7.0, 9.0)


def test_an_option_change_redoes_only_the_stages_it_touches() -> None:
    store, asr = InMemoryMeetingStore(), FakeTranscriber()
    _processor(store, asr=asr, llm=FakeLLM()).process("standup.wav")
    dia = FakeDiarizer(num_speakers=2)
    result = _processor(store, asr=asr, dia=dia, llm=FakeLLM()).process("standup.wav")
    assert result.stages == {
        "transcribe": "cached",
        "diarize": "ran",
        "recover": "ran",  # it reads the diarization
        "attribute": "ran",
        "summarize": "ran",  # the transcript under the minutes changed
    }
    assert (asr.calls, dia.calls) == (1, 1)


def test_a_failed_stage_marks_the_meeting_failed_and_keeps_the_finished_one() -> None:
    store = InMemoryMeetingStore()
    # side by side, diarization finishes while transcription fails
    broken = _processor(store, asr=FakeTranscriber(fail=RuntimeError("decoder exploded")))
    with pytest.raises(StageError, match="decoder exploded") as err:
        broken.process("standup.wav")
    assert err.value.meeting_id == 1
    doc = store.load_meeting(1)
    assert doc.status == "failed" and doc.error and "standup.wav: processing failed" in doc.error
    assert doc.utterances == ()
    dia = FakeDiarizer()
    retry = _processor(store, dia=dia).process("standup.wav")
    assert retry.status == "done" and retry.stages["diarize"] == "cached" and dia.calls == 0


def test_failed_minutes_keep_the_transcript_and_say_how_to_retry() -> None:
    store = InMemoryMeetingStore()
    p = _processor(store, llm=FakeLLM(fail=RuntimeError("out of memory")))
    with pytest.raises(StageError, match=r"transcript is kept \(`minutes summarize 1` retries\)"):
        p.process("standup.wav")
    doc = store.load_meeting(1)
    assert doc.status == "failed" and doc.utterances and doc.minutes is None
    minutes, how, _ = summarize_meeting(store, meeting_id=1, summarizer=Summarizer(FakeLLM()))
    assert how == "ran" and store.load_meeting(1).minutes == minutes
    assert store.load_meeting(1).status == "done"


def test_minutes_of_a_meeting_without_a_transcript_are_refused() -> None:
    store = InMemoryMeetingStore()
    p = _processor(store, asr=FakeTranscriber(fail=RuntimeError("boom")))
    with pytest.raises(StageError):
        p.process("standup.wav")
    with pytest.raises(StageError, match="meeting 1 has no transcript yet"):
        summarize_meeting(store, meeting_id=1, summarizer=Summarizer(FakeLLM()))


def test_the_stage_error_wins_when_the_store_cannot_record_it() -> None:
    store = InMemoryMeetingStore()
    p = _processor(store, asr=FakeTranscriber(fail=RuntimeError("decoder exploded")))
    store.fail_on = "set_status:failed"
    with pytest.raises(StageError, match="decoder exploded"):
        p.process("standup.wav")
    assert store.load_meeting(1).status == "processing"


def test_the_decoded_audio_is_let_go_when_a_stage_fails() -> None:
    ingest = InMemoryIngest(RECORDINGS)
    p = _processor(dia=_FailingDiarizer(), ingest=ingest)
    with pytest.raises(StageError, match="segmentation exploded"):
        p.process("standup.wav")
    assert len(ingest.given) == 1 and ingest.reading == 0


class _FailingDiarizer(FakeDiarizer):
    def diarize(self, audio: AudioInput, *, progress: Any = None) -> Diarization:
        raise RuntimeError("segmentation exploded")


@pytest.mark.parametrize("parallel", [True, False])
def test_run_models_returns_what_ran_and_stores_only_that(parallel: bool) -> None:
    store, asr, dia = InMemoryMeetingStore(), FakeTranscriber(), FakeDiarizer()
    p = _processor(store, asr=asr, dia=dia, parallel=parallel)
    p.process("standup.wav")
    diarized = store.stage(1, "diarize")
    assert diarized is not None
    store.writes.clear()
    ingest = InMemoryIngest(RECORDINGS)
    with ingest("standup.wav") as (info, pcm):
        keys = stage_keys(
            info.sha256,
            transcriber=asr,
            diarizer=dia,
            attribute_options=p.attribute_options,
            recover_options=p.recover_options,
        )
        run = run_models(
            pcm,
            transcriber=asr,
            diarizer=dia,
            store=store,
            meeting_id=1,
            keys=keys,
            cached={"diarize": diarized[1]},
            progress=lambda _s, _f: None,
            parallel=parallel,
        )
    assert run.stages == {"transcribe": "ran", "diarize": "cached"}
    assert set(run.timings) == {"transcribe"}
    assert run.diarization.speakers == ("SPEAKER_00", "SPEAKER_01")
    assert run.transcript.words and store.writes == [("save_stage:transcribe", 1)]


def test_no_database_and_no_decoder_are_needed(minutes_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_ffmpeg(*_a: object, **_k: object) -> None:
        raise AssertionError("ffmpeg or the database was called")

    monkeypatch.setattr("minutes.audio.probe", no_ffmpeg)
    monkeypatch.setattr("minutes.audio._decode_to", no_ffmpeg)
    monkeypatch.setattr("minutes.db.make_engine", no_ffmpeg)
    _processor(llm=FakeLLM()).process("standup.wav")
    assert not minutes_home.exists()  # where the SQLite database would have been made


def test_sequential_and_parallel_give_the_same_meeting() -> None:
    a, b = InMemoryMeetingStore(), InMemoryMeetingStore()
    _processor(a, parallel=True).process("review.wav")
    _processor(b, parallel=False).process("review.wav")
    assert a.load_meeting(1).utterances == b.load_meeting(1).utterances


def test_each_meeting_stores_its_own_token_usage() -> None:
    store = InMemoryMeetingStore()
    p = _processor(store, llm=FakeLLM())
    p.process("standup.wav")
    p.process("review.wav")
    one, two = store.stage(1, "summarize"), store.stage(2, "summarize")
    assert one is not None and two is not None
    alone = InMemoryMeetingStore()
    _processor(alone, llm=FakeLLM()).process("review.wav")
    by_itself = alone.stage(1, "summarize")
    assert by_itself is not None and two[1]["prompt_tokens"] == by_itself[1]["prompt_tokens"] > 0


def test_a_processed_meeting_is_indexed_for_ask_and_reuses_its_passages() -> None:
    store, embedder = InMemoryMeetingStore(), FakeEmbedder()
    p = MeetingProcessor(
        transcriber=FakeTranscriber(),
        diarizer=FakeDiarizer(),
        store=store,
        ingest=InMemoryIngest(RECORDINGS),
        embedder=embedder,
    )
    first = p.process("standup.wav")
    assert first.stages["index"] == "ran" and "index" in first.timings
    model, passages = store.chunks[1]
    assert model == embedder.ref().identity and passages and passages[0][0] == 0
    assert passages[-1][1] == first.utterances - 1  # every line is in a passage
    calls = embedder.calls
    assert p.process("standup.wav").stages["index"] == "cached" and embedder.calls == calls
