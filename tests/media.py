"""Test media made with ffmpeg: the containers people send, and the broken files they also send.

Everything is generated (``-f lavfi`` sources, truncation, random bytes), small and fast: the
whole set takes about a second. :func:`library` builds it once per folder, so fixtures in several
test packages can share one copy per session.
"""

from __future__ import annotations

import functools
import random
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

FFMPEG = shutil.which("ffmpeg") or "/usr/bin/ffmpeg"
SECONDS = 3.0  # length of every "good" recording


@dataclass(frozen=True, slots=True)
class Media:
    """A recording that must decode, with what ingest must report about it."""

    name: str
    path: Path
    duration: float  # seconds after decoding
    sample_rate: int  # as stored in the file
    channels: int
    codec: str


@dataclass(frozen=True, slots=True)
class BadMedia:
    """An input that must be refused, and a pattern the error message must match."""

    name: str
    path: Path
    problem: str  # regular expression, searched in the message

    def matches(self, message: str) -> bool:
        return re.search(self.problem, message) is not None


@dataclass(frozen=True, slots=True)
class Library:
    good: dict[str, Media]  # every container/codec; loud tones, one frequency each
    edge: dict[str, Media]  # odd but valid: blip, silence, noise, odd name, truncated mp3
    bad: dict[str, BadMedia]


def ffmpeg(*args: str) -> None:
    subprocess.run(
        [FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y", *args],
        check=True,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )


def _sine(frequency: int, seconds: float, sample_rate: int) -> list[str]:
    return ["-f", "lavfi", "-i", f"sine=frequency={frequency}:duration={seconds}:sample_rate={sample_rate}"]


def _testsrc(seconds: float) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc=size=64x64:rate=5:duration={seconds}"]


def tone(
    out: Path,
    *,
    frequency: int = 440,
    seconds: float = SECONDS,
    sample_rate: int = 44_100,
    channels: int = 2,
    codec: Sequence[str] = (),
) -> Path:
    """A sine tone; ``codec`` are extra ffmpeg output options (``-c:a libopus -b:a 32k``)."""
    ffmpeg(*_sine(frequency, seconds, sample_rate), "-ac", str(channels), *codec, str(out))
    return out


def video(out: Path, *, frequency: int = 440, seconds: float = SECONDS, audio: Sequence[str] | None) -> Path:
    """A 64x64 test-pattern video; ``audio=None`` leaves out the audio track."""
    if audio is None:
        ffmpeg(*_testsrc(seconds), "-c:v", "mpeg4", str(out))
    else:
        ffmpeg(
            *_testsrc(seconds),
            *_sine(frequency, seconds, 44_100),
            "-c:v",
            "mpeg4",
            *audio,
            "-shortest",
            str(out),
        )
    return out


def silence(out: Path, *, seconds: float, sample_rate: int = 16_000) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"anullsrc=r={sample_rate}:cl=mono", "-t", str(seconds), str(out))
    return out


def noise(out: Path, *, seconds: float, sample_rate: int = 48_000) -> Path:
    ffmpeg("-f", "lavfi", "-i", f"anoisesrc=d={seconds}:c=white:a=0.5:r={sample_rate}", str(out))
    return out


def truncated(src: Path, out: Path, *, nbytes: int) -> Path:
    """The first ``nbytes`` of ``src``, as a download or copy cut short leaves it."""
    out.write_bytes(src.read_bytes()[:nbytes])
    return out


def random_bytes(out: Path, *, nbytes: int = 4096, seed: int = 1) -> Path:
    out.write_bytes(random.Random(seed).randbytes(nbytes))
    return out


# name → (file name, sample rate, channels, codec, ffmpeg audio options)
_GOOD: dict[str, tuple[str, int, int, str, tuple[str, ...]]] = {
    "wav": ("tone.wav", 44_100, 2, "pcm_s16le", ()),
    "flac": ("tone.flac", 48_000, 1, "flac", ()),
    "mp3": ("tone.mp3", 44_100, 2, "mp3", ("-c:a", "libmp3lame", "-b:a", "64k")),
    "m4a": ("tone.m4a", 44_100, 2, "aac", ("-c:a", "aac", "-b:a", "64k")),
    "ogg": ("tone.ogg", 48_000, 1, "opus", ("-c:a", "libopus", "-b:a", "32k")),
    "webm": ("tone.webm", 48_000, 2, "opus", ("-c:a", "libopus", "-b:a", "32k")),
}
# name → (file name, audio codec, ffmpeg audio options); video at 5 fps, audio 44.1 kHz mono
_VIDEO: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "mp4": ("clip.mp4", "aac", ("-c:a", "aac", "-ac", "1")),
    "mkv": ("clip.mkv", "vorbis", ("-c:a", "libvorbis", "-ac", "1")),
}

GOOD_NAMES = (*_GOOD, *_VIDEO)
EDGE_NAMES = ("blip", "silence", "noise", "odd_name", "cut_mp3")
BAD_NAMES = (
    "empty",
    "cut_wav",
    "cut_m4a",
    "cut_mp3",
    "text",
    "random",
    "too_short",
    "no_audio",
    "folder",
    "missing",
)
ODD_NAME = 'réunion d\'équipe "Q3".wav'


def good_media(folder: Path) -> dict[str, Media]:
    """One 3-second tone per container/codec, each at its own frequency (so each hashes differently)."""
    folder.mkdir(parents=True, exist_ok=True)
    found: dict[str, Media] = {}
    frequency = 300
    for name, (file, rate, channels, codec, options) in _GOOD.items():
        frequency += 50
        path = tone(folder / file, frequency=frequency, sample_rate=rate, channels=channels, codec=options)
        # Opus always decodes at 48 kHz whatever it was fed; the container says so.
        found[name] = Media(name, path, SECONDS, 48_000 if codec == "opus" else rate, channels, codec)
    for name, (file, codec, options) in _VIDEO.items():
        frequency += 50
        path = video(folder / file, frequency=frequency, audio=options)
        found[name] = Media(name, path, SECONDS, 44_100, 1, codec)
    return found


def edge_media(folder: Path, good: dict[str, Media]) -> dict[str, Media]:
    """Valid recordings that are easy to get wrong."""
    folder.mkdir(parents=True, exist_ok=True)
    mp3 = good["mp3"].path
    half = truncated(mp3, folder / "cut-short.mp3", nbytes=mp3.stat().st_size // 2)
    return {
        "blip": Media(
            "blip", tone(folder / "blip.wav", seconds=0.3, channels=1), 0.3, 44_100, 1, "pcm_s16le"
        ),
        "silence": Media(
            "silence", silence(folder / "silence.wav", seconds=60), 60.0, 16_000, 1, "pcm_s16le"
        ),
        "noise": Media(
            "noise", noise(folder / "noise.wav", seconds=SECONDS), SECONDS, 48_000, 1, "pcm_s16le"
        ),
        "odd_name": Media(
            "odd_name", tone(folder / ODD_NAME, frequency=1000, channels=1), SECONDS, 44_100, 1, "pcm_s16le"
        ),
        # A cut-short mp3 decodes up to the cut, as a media player plays it.
        "cut_mp3": Media("cut_mp3", half, SECONDS / 2, 44_100, 2, "mp3"),
    }


def bad_media(folder: Path, good: dict[str, Media]) -> dict[str, BadMedia]:
    """Inputs ingest must refuse, each with a distinct file name and the words its error must use."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "empty.wav").write_bytes(b"")
    truncated(good["wav"].path, folder / "cut-header.wav", nbytes=2048)
    # Without +faststart the moov atom (the index) is written last, so half a file has none.
    m4a = good["m4a"].path
    truncated(m4a, folder / "cut-index.m4a", nbytes=m4a.stat().st_size // 2)
    truncated(good["mp3"].path, folder / "cut-frame.mp3", nbytes=300)
    (folder / "notes.wav").write_text("Agenda\n1. budget\n2. hiring\n", encoding="utf-8")
    random_bytes(folder / "garbage.m4a")
    tone(folder / "too-short.wav", seconds=0.05, channels=1)
    video(folder / "screen.mp4", seconds=2, audio=None)
    (folder / "a-folder.wav").mkdir(exist_ok=True)
    unreadable = "not a readable audio or video file"
    entries = [
        ("empty", "empty.wav", r"file is empty \(0 bytes\)"),
        ("cut_wav", "cut-header.wav", r"only 0\.\d\d s of audio could be decoded; .*at least 0\.1 s"),
        ("cut_m4a", "cut-index.m4a", unreadable),
        ("cut_mp3", "cut-frame.mp3", rf"{unreadable}|only 0\.\d\d s of audio could be decoded"),
        ("text", "notes.wav", unreadable),
        ("random", "garbage.m4a", unreadable),
        ("too_short", "too-short.wav", r"only 0\.0\d s of audio could be decoded; .*at least 0\.1 s"),
        ("no_audio", "screen.mp4", "has no audio track"),
        ("folder", "a-folder.wav", "is a folder"),
        ("missing", "not-there.wav", "no such file"),
    ]
    return {name: BadMedia(name, folder / file, problem) for name, file, problem in entries}


@functools.cache
def library(root: Path) -> Library:
    """Every test recording under ``root``, made once per process however many fixtures ask."""
    good = good_media(root / "good")
    return Library(good=good, edge=edge_media(root / "edge", good), bad=bad_media(root / "bad", good))
