"""Windowed transcription: windows tile the recording, end in pauses, and words come back once, in place.

faster-whisper is replaced by a stand-in that "hears" one word per burst of tone in the window it
is given (times relative to that window, as faster-whisper reports them), and the VAD by an energy
detector, so that what is checked is the windowing itself, exactly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from minutes import asr
from minutes.asr import AsrOptions, WhisperTranscriber, pause_middle, windows
from minutes.audio import SAMPLE_RATE, InMemoryAudio, Waveform
from minutes.registry import ResolvedModel

SR = SAMPLE_RATE


def _signal(seconds: float, bursts: list[tuple[float, float]]) -> Waveform:
    t = np.arange(int(seconds * SR)) / SR
    wave = np.zeros(t.size, dtype=np.float32)
    for start, end in bursts:
        span = (t >= start) & (t < end)
        wave[span] = (0.5 * np.sin(2 * np.pi * 300 * t[span])).astype(np.float32)
    return wave


def _loud_runs(wave: Waveform) -> list[tuple[int, int]]:
    """Sample ranges where the tone is on (gaps shorter than 10 ms, i.e. zero crossings, bridged)."""
    loud = np.abs(wave) > 1e-3
    idx = np.flatnonzero(loud)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > SR // 100)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _energy_vad(wave: Waveform) -> npt.NDArray[np.float32]:
    """Stand-in for Silero: 1.0 for a 512-sample frame with tone in it, else 0.0."""
    frames = np.pad(wave, (0, -wave.size % 512)).reshape(-1, 512)
    return (np.abs(frames).max(axis=1) > 1e-3).astype(np.float32)


@dataclass
class _Word:
    start: float
    end: float
    word: str
    probability: float = 0.9


@dataclass
class _Segment:
    start: float
    end: float
    text: str
    words: list[_Word]
    no_speech_prob: float = 0.01
    avg_logprob: float = -0.2
    compression_ratio: float = 1.2


@dataclass
class _Info:
    language: str
    language_probability: float
    duration_after_vad: float


@dataclass
class FakeWhisper:
    """One word per burst of tone, like faster-whisper: times relative to the window, 10 ms steps."""

    heard_language: str = "nl"
    calls: list[dict[str, Any]] = field(default_factory=list)

    def transcribe(self, wave: Waveform, **options: Any) -> tuple[list[_Segment], _Info]:
        speech = sum(b - a for a, b in _loud_runs(wave)) / SR
        self.calls.append({"samples": wave.size, "speech": speech, **options})
        segments = [
            _Segment(
                round(a / SR, 2),
                round(b / SR, 2),
                "word",
                [_Word(round(a / SR, 2), round(b / SR, 2), " word")],
            )
            for a, b in _loud_runs(wave)
        ]
        language = options["language"] or (self.heard_language if speech else "en")
        return segments, _Info(language, 0.8 if options["language"] is None else 1.0, speech)


@pytest.fixture
def transcriber(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[WhisperTranscriber, FakeWhisper]:
    monkeypatch.setattr(asr, "speech_probabilities", _energy_vad)
    weights = tmp_path / "model.bin"
    weights.write_bytes(b"fake weights")
    ref = ResolvedModel(name="fake", kind="asr", files=(weights,), folder=tmp_path, licence="MIT")
    t = WhisperTranscriber(AsrOptions(model="fake"), model=ref, window_seconds=20.0)
    fake = FakeWhisper()
    t._model = fake
    return t, fake


# Bursts of 0.6 s every 1.1 s, so that most nominal window ends (20 s, 40 s, ...) fall inside a
# word, and one long pause (12.1-15.9 s), which the first cut must find.
BURSTS = [(round(0.5 + 1.1 * k, 2), round(1.1 + 1.1 * k, 2)) for k in range(90) if not 11 <= k <= 13]


def test_every_word_comes_back_once_at_its_place_in_the_recording(
    transcriber: tuple[WhisperTranscriber, FakeWhisper],
) -> None:
    t, fake = transcriber
    wave = _signal(100.0, BURSTS)
    out = t.transcribe(InMemoryAudio(wave))
    got = [(w.start, w.end) for w in out.words]
    assert len(got) == len(BURSTS)
    for (start, end), (want_start, want_end) in zip(got, BURSTS, strict=True):
        assert start == pytest.approx(want_start, abs=0.011) and end == pytest.approx(want_end, abs=0.011)
    # Windows tile the recording: no sample heard twice or skipped, none longer than asked.
    sizes = [c["samples"] for c in fake.calls]
    assert len(sizes) >= 5 and sum(sizes) == wave.size and max(sizes) <= 20 * SR
    # The first window ends in the middle of the long pause, not at 20 s in a word.
    assert sizes[0] / SR == pytest.approx((12.1 + 15.9) / 2, abs=0.05)
    assert out.duration == pytest.approx(100.0) and [s.words[0].start for s in out.segments] == [
        w.start for w in out.words
    ]


def test_a_recording_shorter_than_a_window_is_one_call(
    transcriber: tuple[WhisperTranscriber, FakeWhisper],
) -> None:
    t, fake = transcriber
    wave = _signal(19.0, BURSTS[:14])
    out = t.transcribe(wave)  # a plain array works too
    assert [c["samples"] for c in fake.calls] == [wave.size]
    assert len(out.words) == 14


def test_language_is_detected_on_the_first_window_with_speech_then_kept(
    transcriber: tuple[WhisperTranscriber, FakeWhisper],
) -> None:
    t, fake = transcriber
    late = [(s + 30.0, e + 30.0) for s, e in BURSTS[:40]]  # 30 s of silence first
    out = t.transcribe(_signal(80.0, late))
    first_heard = next(i for i, c in enumerate(fake.calls) if c["speech"])
    assert first_heard >= 1  # the silent start took a window or more
    asked = [c["language"] for c in fake.calls]
    assert asked == [None] * (first_heard + 1) + ["nl"] * (len(asked) - first_heard - 1)
    assert (out.language, out.language_probability) == ("nl", 0.8)


def test_a_given_language_goes_to_every_window(
    transcriber: tuple[WhisperTranscriber, FakeWhisper],
) -> None:
    t, fake = transcriber
    t.opts = AsrOptions(model="fake", language="de")
    out = t.transcribe(_signal(60.0, BURSTS))
    assert {c["language"] for c in fake.calls} == {"de"} and out.language == "de"


def test_progress_rises_to_one(transcriber: tuple[WhisperTranscriber, FakeWhisper]) -> None:
    t, _ = transcriber
    seen: list[float] = []
    t.transcribe(_signal(70.0, BURSTS), progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and 0 < seen[0] < 0.1


# -- the cut itself ------------------------------------------------------------------------------


def test_cut_is_the_middle_of_the_longest_pause_and_the_latest_of_equals() -> None:
    p = np.array([0.9, 0.1, 0.1, 0.9, 0.2, 0.2, 0.2, 0.9, 0.1, 0.1, 0.1, 0.8], dtype=np.float32)
    assert pause_middle(p) == int((8 + 11) * 512 / 2)  # frames 8..10 and 4..6 tie: the later wins
    p[3] = 0.3  # under the pause threshold (0.35): frames 1..6 become one pause, the longest
    assert pause_middle(p) == int((1 + 7) * 512 / 2)


def test_without_any_pause_the_least_speechlike_frame_is_the_cut() -> None:
    p = np.array([0.9, 0.6, 0.8, 0.6, 0.95], dtype=np.float32)
    assert pause_middle(p) == 3 * 512 + 256


def test_windows_tile_even_continuous_sound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(asr, "speech_probabilities", _energy_vad)
    source = InMemoryAudio(_signal(65.0, [(0.0, 65.0)]))
    spans = list(windows(source, window=20 * SR))
    assert spans[0][0] == 0 and spans[-1][1] == source.num_samples
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(0 < stop - start <= 20 * SR for start, stop in spans)
