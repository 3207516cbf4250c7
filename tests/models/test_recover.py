"""No lost speech, on a real recording: Whisper tiny.en skips the opening words of an AMI clip
that the diarization hears; the second listen recovers them."""

from __future__ import annotations

from pathlib import Path

import pytest

from minutes.asr import WhisperTranscriber
from minutes.audio import decoded
from minutes.coverage import speech_coverage
from minutes.diarize import PyannoteDiarizer
from minutes.pipeline.recover import RecoverOptions, recover

pytestmark = pytest.mark.models


def test_words_tiny_en_dropped_are_heard_again(
    tiny: WhisperTranscriber, diarizer: PyannoteDiarizer, data_dir: Path, report: list[str]
) -> None:
    with decoded(data_dir / "ami-clips-dev" / "trn05.wav") as (_info, pcm):
        first = tiny.transcribe(pcm)
        turns = diarizer.diarize(pcm)
        found = recover(pcm, first, turns, transcriber=tiny, options=RecoverOptions())
    speech = [(t.start, t.end) for t in turns.turns]
    before = speech_coverage(speech, first.words)
    assert before.gaps and before.gaps[0][0] < 1.0  # the first pass left the opening without words
    assert found.coverage.recovered >= 2
    assert found.coverage.share > before.share and found.coverage.share >= 0.98
    added = " ".join(s.text for s in found.added)
    report.append(
        f"trn05 tiny.en: speech covered {before.share:.1%} -> {found.coverage.share:.1%}, recovered {added!r}"
    )
    merged = found.apply(first)
    assert [w.start for w in merged.words] == sorted(w.start for w in merged.words)
