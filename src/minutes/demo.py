"""A demo meeting the project makes itself: a known script spoken by espeak-ng voices.

Used by the README's first command (so a new user sees the whole pipeline without a
recording of their own) and by tests that need a meeting whose words and speakers are known.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from minutes.errors import InputError

SAMPLE_RATE = 16_000


@dataclass(frozen=True, slots=True)
class Line:
    speaker: str  # the person's name, for references
    voice: str  # espeak-ng voice
    text: str
    pitch: int = 50
    speed: int = 160


# Voices picked to be far apart (accent, sex variant, pitch) so that diarization has a fair chance.
VOICES = {
    "Alice": ("en-us+f4", 80),
    "Bob": ("en-gb+m2", 20),
    "Carol": ("en-gb-scotland+klatt2", 55),
}

DEMO_SCRIPT: tuple[tuple[str, str], ...] = (
    ("Alice", "Good morning everyone. Let's start the weekly planning meeting for the mobile app launch."),
    ("Bob", "Thanks Alice. The backend is ready, but the payment service still fails on large orders."),
    ("Carol", "I saw that too. The error happens when the basket has more than fifty items."),
    ("Alice", "Bob, can you fix the payment bug before the release?"),
    ("Bob", "Yes, no problem. I will fix the payment bug by Friday, so that it is ready before the release."),
    ("Carol", "I will update the user guide and send it to the support team by next Tuesday."),
    ("Alice", "Good. We decided to launch the app on the first of March."),
    ("Bob", "What about the Android version? Do we have enough testers for it?"),
    ("Alice", "I am not sure yet. Let's come back to the testers next week. Thanks everyone."),
)


def script_lines(script: Sequence[tuple[str, str]] = DEMO_SCRIPT) -> list[Line]:
    return [Line(speaker=who, voice=VOICES[who][0], text=text, pitch=VOICES[who][1]) for who, text in script]


def _espeak() -> str:
    found = shutil.which("espeak-ng")
    if found is None:
        raise InputError(
            "espeak-ng is not installed; install it with `apt-get install espeak-ng` (or `make setup`)"
        )
    return found


def synthesize(line: Line, workdir: Path) -> np.ndarray:
    """One line as 16 kHz mono float32 (espeak speaks at 22.05 kHz; ffmpeg resamples)."""
    raw = workdir / "line.wav"
    subprocess.run(
        [
            _espeak(),
            "-v",
            line.voice,
            "-p",
            str(line.pitch),
            "-s",
            str(line.speed),
            "-w",
            str(raw),
            line.text,
        ],
        check=True,
        capture_output=True,
    )
    from minutes.audio import decode

    return decode(raw)


def make_meeting(
    out: Path, *, script: Sequence[tuple[str, str]] = DEMO_SCRIPT, gap: float = 0.6
) -> list[tuple[float, float, str, str]]:
    """Write the meeting to ``out`` (wav or any ffmpeg format); return (start, end, who, text) per line."""
    out.parent.mkdir(parents=True, exist_ok=True)
    pieces: list[np.ndarray] = []
    timeline: list[tuple[float, float, str, str]] = []
    pos = 0.0
    silence = np.zeros(int(gap * SAMPLE_RATE), dtype=np.float32)
    with tempfile.TemporaryDirectory(prefix="minutes-demo-") as tmp:
        for line in script_lines(script):
            wave = synthesize(line, Path(tmp))
            pieces.extend([wave, silence])
            timeline.append((round(pos, 3), round(pos + wave.size / SAMPLE_RATE, 3), line.speaker, line.text))
            pos += (wave.size + silence.size) / SAMPLE_RATE
    audio = np.concatenate(pieces)
    write_audio(out, audio)
    return timeline


def write_audio(out: Path, wave: np.ndarray, *, sample_rate: int = SAMPLE_RATE) -> None:
    """Encode float32 mono samples to ``out``; the suffix picks the format (wav, flac, mp3, ...)."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise InputError(
            "ffmpeg is not installed; install it with `apt-get install ffmpeg` (or `make setup`)"
        )
    subprocess.run(
        [
            ffmpeg,
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "f32le",
            "-ar",
            str(sample_rate),
            "-ac",
            "1",
            "-i",
            "-",
            str(out),
        ],
        input=np.ascontiguousarray(wave, dtype=np.float32).tobytes(),
        check=True,
        capture_output=True,
    )


def write_rttm(timeline: Sequence[tuple[float, float, str, str]], path: Path, *, uri: str = "demo") -> None:
    path.write_text(
        "".join(
            f"SPEAKER {uri} 1 {s:.3f} {e - s:.3f} <NA> <NA> {who} <NA> <NA>\n" for s, e, who, _ in timeline
        )
    )
