"""Ingest: any media ffmpeg reads → 16 kHz mono float32, plus a content hash and facts.

Decoding goes through the ``ffmpeg`` and ``ffprobe`` programs (no Python media bindings):
they read every container and codec people send, and a crash in a decoder cannot take
the worker down with it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import numpy.typing as npt

from minutes.errors import InputError
from minutes.types import AudioInfo

SAMPLE_RATE = 16_000
MIN_DURATION = 0.1  # seconds; below this there is nothing to hear

Waveform = npt.NDArray[np.float32]


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise InputError(
            f"{name} is not installed; install it with `apt-get install ffmpeg` (or `make setup`)"
        )
    return found


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes: the identity of a recording."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; name the recordings in it (or use a glob)")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if size == 0:
        raise InputError(f"{path}: file is empty (0 bytes)")


def _ffmpeg_input(path: Path) -> str:
    # Absolute, behind the file: protocol: a name like "-agenda.wav" or "team:sync.wav" is
    # otherwise read by ffmpeg as an option or a protocol.
    return "file:" + str(path.resolve())


def _first_error_line(stderr: str, path: Path) -> str:
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    line = lines[-1] if lines else "unknown error"
    for prefix in (_ffmpeg_input(path), str(path.resolve()), str(path)):
        line = line.replace(prefix + ": ", "")
    return line


def probe(path: Path) -> AudioInfo:
    """Read a recording's facts without decoding it; raise :class:`InputError` if it is not media."""
    _check_file(path)
    cmd = [
        _tool("ffprobe"),
        "-v",
        "error",
        "-show_entries",
        "stream=index,codec_type,codec_name,sample_rate,channels,duration:format=format_name,duration",
        "-of",
        "json",
        _ffmpeg_input(path),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise InputError(
            f"{path}: not a readable audio or video file (ffmpeg: {_first_error_line(proc.stderr, path)})"
        )
    try:
        info = json.loads(proc.stdout or "{}")
    except ValueError as exc:
        raise InputError(f"{path}: ffprobe gave unreadable output") from exc
    streams = [s for s in info.get("streams", []) if s.get("codec_type") == "audio"]
    if not streams:
        raise InputError(f"{path}: has no audio track")
    audio = streams[0]
    fmt = info.get("format", {})
    duration = _float(audio.get("duration")) or _float(fmt.get("duration"))
    return AudioInfo(
        path=str(path.resolve()),
        sha256="",
        duration=duration,
        sample_rate=int(_float(audio.get("sample_rate"))),
        channels=int(audio.get("channels") or 0),
        codec=str(audio.get("codec_name") or ""),
        format=str(fmt.get("format_name") or ""),
    )


def _float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


def decode(path: Path, *, sample_rate: int = SAMPLE_RATE) -> Waveform:
    """Decode the first audio track to mono float32 at ``sample_rate``."""
    _check_file(path)
    cmd = [
        _tool("ffmpeg"),
        "-nostdin",
        "-hide_banner",
        "-v",
        "error",
        "-i",
        _ffmpeg_input(path),
        "-map",
        "0:a:0",
        "-vn",
        "-ac",
        "1",
        "-ar",
        str(sample_rate),
        "-f",
        "f32le",
        "-acodec",
        "pcm_f32le",
        "-",
    ]
    proc = subprocess.run(cmd, capture_output=True, check=False, stdin=subprocess.DEVNULL)
    samples = np.frombuffer(proc.stdout, dtype=np.float32)
    if proc.returncode != 0 and samples.size == 0:
        err = proc.stderr.decode("utf-8", "replace")
        raise InputError(f"{path}: cannot decode audio (ffmpeg: {_first_error_line(err, path)})")
    # A truncated file decodes up to where it breaks (ffmpeg exits non-zero or warns): keep
    # what was readable, as a media player would; the stored duration says how much that was.
    return samples.copy()


def load(path: str | Path) -> tuple[AudioInfo, Waveform]:
    """Probe, hash and decode a recording: everything the later stages need."""
    p = Path(path).expanduser()
    info = probe(p)
    wave = decode(p)
    duration = wave.size / SAMPLE_RATE
    if duration < MIN_DURATION:
        raise InputError(
            f"{p}: only {duration:.2f} s of audio could be decoded; recordings must be at least "
            f"{MIN_DURATION:g} s long"
        )
    info = AudioInfo(
        path=info.path,
        sha256=content_hash(p),
        duration=round(duration, 3),
        sample_rate=info.sample_rate,
        channels=info.channels,
        codec=info.codec,
        format=info.format,
    )
    return info, wave
