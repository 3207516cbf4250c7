"""The second listen: speech the diarization heard but no word covers is transcribed again.

Runs after transcription and diarization, before words meet speaker turns. Its result (the
words it recovered, and how much speech the words now cover) is a stage of its own, stored with
a cache key made of the two stages it reads and its options, so a re-run reuses it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from minutes.asr import Transcriber
from minutes.audio import AudioSource
from minutes.cache import options_identity
from minutes.coverage import (
    CONTEXT,
    MIN_GAP,
    Coverage,
    gap_windows,
    recovered_segments,
    speech_coverage,
    with_segments,
)
from minutes.payloads import segments_from_list, segments_to_list
from minutes.types import Diarization, Segment, Transcript


@dataclass(frozen=True, slots=True)
class RecoverOptions:
    """``enabled=False`` keeps the first pass's words as they are (the coverage is still measured)."""

    enabled: bool = True
    min_gap: float = MIN_GAP  # seconds of speech without a word that count as lost
    context: float = CONTEXT  # seconds of audio either side of a gap that the second listen hears

    def cache_identity(self) -> dict[str, Any]:
        return options_identity(self)


@dataclass(frozen=True, slots=True)
class Recovery:
    """The segments the second listen added, and the speech coverage with them."""

    added: tuple[Segment, ...]
    coverage: Coverage

    def apply(self, transcript: Transcript) -> Transcript:
        return with_segments(transcript, self.added)

    def to_payload(self) -> dict[str, Any]:
        return {"segments": segments_to_list(self.added), "coverage": self.coverage.to_dict()}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Recovery:
        return cls(segments_from_list(payload["segments"]), Coverage.from_dict(payload["coverage"]))


def recover(
    pcm: AudioSource,
    transcript: Transcript,
    diarization: Diarization,
    *,
    transcriber: Transcriber,
    options: RecoverOptions,
) -> Recovery:
    """Listen again at every stretch of diarized speech of ``options.min_gap`` s or more without a
    word (a second time, with wider context, where the first try heard nothing); merge the words
    heard there; measure the coverage of the result."""
    speech = [(t.start, t.end) for t in diarization.turns]
    first = speech_coverage(speech, transcript.words, min_gap=options.min_gap)
    if not options.enabled or not first.gaps:
        return Recovery((), first)
    added: tuple[Segment, ...] = ()
    left = first
    # Whisper's decoding of a short window depends on where the window starts: a gap still
    # without words after the first try is heard once more with twice the context.
    for context in (options.context, 2 * options.context):
        windows = gap_windows(left.gaps, duration=pcm.duration, context=context)
        heard = transcriber.listen_again(pcm, windows, language=transcript.language)
        added += recovered_segments(left.gaps, heard)
        left = speech_coverage(speech, with_segments(transcript, added).words, min_gap=options.min_gap)
        if not left.gaps:
            break
    count = sum(len(s.words) for s in added)
    return Recovery(added, replace(left, recovered=count))
