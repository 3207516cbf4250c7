"""Speech that no word covers: find it, and merge what a second listen recovers.

A recogniser can skip a stretch that other models clearly hear as speech: Whisper tiny.en
returned nothing for the last 22 s of a real four-person meeting, and nothing downstream
noticed. Here the diarization's turns (and the VAD's speech, where given) are the speech;
a *gap* is a stretch of it, at least ``min_gap`` seconds long, with no word within ``pad``
seconds. The pipeline transcribes each gap again on its own (:func:`gap_windows`) and merges
the words found (:func:`recovered_segments`, :func:`with_segments`); :func:`speech_coverage` is
the share of speech seconds that is not in a gap, stored per meeting and shown with a warning
when it is low.

All pure functions on plain spans; no model, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from minutes.types import Segment, Transcript, Word

Span = tuple[float, float]

MIN_GAP = 1.0
"""Seconds of speech without a word before it counts as lost (shorter: a breath, a back-channel)."""
WORD_PAD = 0.5
"""A word covers this much speech either side of its own timing (timings are approximate)."""
BRIDGE = 0.3
"""Speech spans this close together are one stretch."""
CONTEXT = 2.0
"""Seconds of audio either side of a gap that its second listen also hears (Whisper needs context)."""
LOW_COVERAGE = 0.95
"""Under this share of speech covered by words, the meeting shows a warning."""


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of the speech the transcript's words cover.

    ``speech`` and ``covered`` are seconds; ``gaps`` the stretches of speech still without words.
    ``recovered`` counts the words a second listen added.
    """

    speech: float
    covered: float
    gaps: tuple[Span, ...] = ()
    recovered: int = 0

    @property
    def share(self) -> float:
        """Share of speech seconds covered by words (1.0 when there is no speech at all)."""
        return 1.0 if self.speech <= 0 else min(1.0, self.covered / self.speech)

    @property
    def low(self) -> bool:
        return self.share < LOW_COVERAGE

    def to_dict(self) -> dict[str, Any]:
        return {
            "share": round(self.share, 4),
            "speech_seconds": round(self.speech, 3),
            "covered_seconds": round(self.covered, 3),
            "gaps": [[round(a, 3), round(b, 3)] for a, b in self.gaps],
            "recovered_words": self.recovered,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Coverage:
        return cls(
            speech=float(data.get("speech_seconds", 0.0)),
            covered=float(data.get("covered_seconds", 0.0)),
            gaps=tuple((float(a), float(b)) for a, b in data.get("gaps") or ()),
            recovered=int(data.get("recovered_words", 0)),
        )


def union(spans: Iterable[Span], *, bridge: float = 0.0) -> list[Span]:
    """Sorted, non-overlapping spans; spans closer than ``bridge`` seconds are joined."""
    out: list[list[float]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1] + bridge:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def gaps(
    speech: Iterable[Span], words: Sequence[Word], *, min_gap: float = MIN_GAP, pad: float = WORD_PAD
) -> list[Span]:
    """Stretches of ``speech`` at least ``min_gap`` long with no word within ``pad`` seconds."""
    heard = union((w.start - pad, w.end + pad) for w in words)
    found: list[Span] = []
    for start, end in union(speech, bridge=BRIDGE):
        cursor = start
        for a, b in heard:
            if b <= cursor or a >= end:
                continue
            if a - cursor >= min_gap:
                found.append((cursor, a))
            cursor = max(cursor, b)
        if end - cursor >= min_gap:
            found.append((cursor, end))
    return found


def speech_coverage(
    speech: Iterable[Span], words: Sequence[Word], *, min_gap: float = MIN_GAP, recovered: int = 0
) -> Coverage:
    """Speech seconds, and those outside any :func:`gaps` stretch (i.e. covered by words)."""
    stretches = union(speech, bridge=BRIDGE)
    total = sum(b - a for a, b in stretches)
    lost = gaps(stretches, words, min_gap=min_gap)
    return Coverage(
        speech=total, covered=total - sum(b - a for a, b in lost), gaps=tuple(lost), recovered=recovered
    )


def gap_windows(found: Sequence[Span], *, duration: float, context: float = CONTEXT) -> list[Span]:
    """Audio windows to transcribe again: each gap with ``context`` seconds either side, joined when
    they touch, clipped to the recording."""
    return union(((max(0.0, a - context), min(duration, b + context)) for a, b in found), bridge=0.0)


def recovered_segments(found: Sequence[Span], heard: Sequence[Segment]) -> tuple[Segment, ...]:
    """The words of ``heard`` (a second listen around the gaps) that fall inside a gap, as segments;
    words outside every gap were heard the first time already."""

    def inside(w: Word) -> bool:
        middle = (w.start + w.end) / 2
        return any(a <= middle <= b for a, b in found)

    added: list[Segment] = []
    for seg in heard:
        words = tuple(w for w in seg.words if inside(w))
        if words:
            text = " ".join(w.text for w in words)
            added.append(Segment(start=words[0].start, end=words[-1].end, text=text, words=words))
    return tuple(added)


def with_segments(transcript: Transcript, added: Sequence[Segment]) -> Transcript:
    """``transcript`` with ``added`` segments merged in, in time order."""
    if not added:
        return transcript
    segments = tuple(sorted((*transcript.segments, *added), key=lambda s: (s.start, s.end)))
    return replace(transcript, segments=segments)
