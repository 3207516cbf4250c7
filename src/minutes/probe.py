"""What a recording is, before it is decoded: ffprobe, under the allow-list of :mod:`minutes.demuxers`.

The web upload check calls :func:`probe` on the uploaded bytes; ingest (``process``, ``batch``,
``watch``, the worker) calls :func:`examine` before decoding. Both refuse, with an
:class:`~minutes.errors.InputError` that names the problem and what to send instead, anything that
is not a readable recording in one of the accepted formats.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from minutes import demuxers
from minutes.errors import InputError
from minutes.types import AudioInfo

PROBE_SECONDS = 60.0
"""How long ffprobe may take on one file: it reads a few megabytes, so more means a hostile file."""

_EXTERNAL = "Skipped opening external track"  # an MP4/MOV whose samples are in another file
_NO_INDEX = "moov atom not found"  # ffmpeg on an MP4 whose index was never written
_ESTIMATED = "Estimating duration from bitrate"  # ffmpeg's warning: the length is a guess from the size


@dataclass(frozen=True, slots=True)
class Probed:
    """A recording's facts, and the length of its audio as the container states it.

    ``stated`` is ``None`` when the file states no length, or when ffmpeg only estimated it from
    the bit rate and the file's size (which a cut-short file shrinks with it).
    """

    info: AudioInfo
    stated: float | None


def tool(name: str) -> str:
    """The path of ``ffmpeg`` or ``ffprobe``, or an error saying how to install it."""
    found = shutil.which(name)
    if found is None:
        raise InputError(
            f"{name} is not installed; install it with `apt-get install ffmpeg` (or `make setup`)"
        )
    return found


def check_file(path: Path) -> None:
    """Refuse what is not a non-empty regular file before ffmpeg sees it."""
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


def ffmpeg_error(stderr: str, path: Path) -> str:
    """ffmpeg's last word on a file, without the file's name in front of it (one printable line)."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    line = lines[-1] if lines else "unknown error"
    for prefix in (demuxers.media_url(path), str(path.resolve()), str(path)):
        line = line.replace(prefix + ": ", "")
    return "".join(c for c in line if c.isprintable())[:200]


def refused(path: Path, stderr: str) -> InputError | None:
    """The error for a file in a format outside the allow-list, if that is why ffmpeg stopped."""
    name = demuxers.refused_format(stderr)
    return None if name is None else InputError(demuxers.refusal(path, name))


def probe(path: Path) -> AudioInfo:
    """Read a recording's facts without decoding it; raise :class:`InputError` if it is not media."""
    return examine(path).info


def examine(path: Path) -> Probed:
    """:func:`probe`, with the length the container states (for telling a cut-short file)."""
    check_file(path)
    proc = _ffprobe(path)
    if error := _refusal(path, proc):
        raise error
    try:
        found = json.loads(proc.stdout or "{}")
    except ValueError as exc:
        raise InputError(f"{path}: ffprobe gave unreadable output") from exc
    streams = found.get("streams", [])
    tracks = [s for s in streams if s.get("codec_type") == "audio"]
    if not tracks:
        raise InputError(f"{path}: has no audio track")
    audio, fmt = tracks[0], found.get("format", {})
    # The audio track's own length; the file's only where the audio is all it holds (a video
    # track may run longer than the sound).
    own = _float(audio.get("duration")) or (_float(fmt.get("duration")) if len(streams) == 1 else 0.0)
    info = AudioInfo(
        path=str(path.resolve()),
        sha256="",
        duration=own or _float(fmt.get("duration")),
        sample_rate=int(_float(audio.get("sample_rate"))),
        channels=int(audio.get("channels") or 0),
        codec=str(audio.get("codec_name") or ""),
        format=str(fmt.get("format_name") or ""),
    )
    return Probed(info, None if _ESTIMATED in proc.stderr or own <= 0 else own)


def _ffprobe(path: Path) -> subprocess.CompletedProcess[str]:
    cmd = [
        tool("ffprobe"),
        "-v",
        "warning",
        *demuxers.input_options(),
        "-show_entries",
        "stream=index,codec_type,codec_name,sample_rate,channels,duration:format=format_name,duration",
        "-of",
        "json",
        demuxers.media_url(path),
    ]
    try:
        return subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            errors="replace",
            check=False,
            stdin=subprocess.DEVNULL,
            timeout=PROBE_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise InputError(
            f"{path}: ffprobe found no end to this file's header in {PROBE_SECONDS:.0f} s; "
            "it is damaged or not a recording"
        ) from None


def _refusal(path: Path, proc: subprocess.CompletedProcess[str]) -> InputError | None:
    """Why ffprobe's answer means the file is not opened, or None when it is a recording."""
    if proc.returncode == 0:
        if _EXTERNAL in proc.stderr:
            return InputError(
                f"{path}: an MP4/MOV file that keeps its audio in another file (an external data "
                "reference), which minutes never opens; export or share the recording again as one "
                "self-contained file"
            )
        return None
    if error := refused(path, proc.stderr):
        return error
    if _NO_INDEX in proc.stderr:
        return InputError(
            f"{path}: not a readable audio or video file: ffmpeg read it as MP4/M4A/MOV but found no "
            "index (moov atom) in it; either it is not a recording, or it was cut short before the "
            "recorder or the copy wrote the index, which comes last: send the complete file"
        )
    if proc.returncode < 0:
        signal = -proc.returncode
        return InputError(f"{path}: ffprobe crashed reading this file (signal {signal}): it is damaged")
    said = ffmpeg_error(proc.stderr, path)
    return InputError(f"{path}: not a readable audio or video file (ffmpeg: {said})")


def _float(value: object) -> float:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0
