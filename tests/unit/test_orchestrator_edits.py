"""The orchestrator reports what became of a person's edits, from the transcript and the minutes."""

from __future__ import annotations

from typing import Any

import numpy as np

from minutes.audio import SAMPLE_RATE
from minutes.pipeline import MeetingProcessor
from minutes.summarize.summarizer import Summarizer
from minutes.types import Carried
from tests.fakes import FakeDiarizer, FakeLLM, FakeTranscriber, InMemoryIngest, InMemoryMeetingStore


class EditedStore(InMemoryMeetingStore):
    """A store whose replacements carried some edits and could not carry others."""

    def save_transcript(self, meeting_id: int, **kwargs: Any) -> Carried:
        super().save_transcript(meeting_id, **kwargs)
        return Carried(carried={"line": 2, "speaker": 1}, not_carried={"line": 1})

    def save_minutes(self, meeting_id: int, **kwargs: Any) -> Carried:
        super().save_minutes(meeting_id, **kwargs)
        return Carried(carried={"action": 1}, not_carried={"action": 1})


def test_the_result_counts_the_edits_of_every_replaced_output() -> None:
    wave = (0.3 * np.sin(2 * np.pi * 220 * np.arange(7 * SAMPLE_RATE) / SAMPLE_RATE)).astype(np.float32)
    p = MeetingProcessor(
        transcriber=FakeTranscriber(),
        diarizer=FakeDiarizer(),
        store=EditedStore(),
        summarizer=Summarizer(FakeLLM()),
        ingest=InMemoryIngest({"standup.wav": wave}),
    )
    result = p.process("standup.wav")
    assert result.to_dict()["edits"] == {
        "carried": {"line": 2, "speaker": 1, "action": 1},
        "not_carried": {"line": 1, "speaker": 0, "action": 1},
    }
    reused = p.process("standup.wav")  # nothing replaced: nothing to report
    assert reused.status == "reused" and reused.edits == Carried().to_dict()
