"""Is a decoded recording all there? The signs that a file was cut short or is damaged.

A recording cut short (an upload or a copy interrupted, a recorder that lost power) decodes up to
the cut, as a media player plays it: minutes processes what it holds and *marks* it, so that a
reader knows the transcript and the minutes end early. What ffmpeg 5.1 shows on files cut to 60%
of their bytes (measured; the table is in docs/media.md):

- most containers state the audio's length (MP3 Xing/Info header, FLAC STREAMINFO, MP4/MOV track
  header, AIFF, AU, WavPack): it is compared with what decoded;
- Matroska/WebM say "File ended prematurely", MP4/MOV "partial file";
- a WAV file's data chunk announces more bytes than the file holds; ffmpeg then takes the length
  from the file's size and says nothing, so the header is read here;
- Ogg states no length and ffmpeg says nothing, but an Ogg stream ends with a page marked
  end-of-stream: a last page that is incomplete or unmarked is read here;
- any other decoding error means damage somewhere in the file: parts may be missing.

Each sign becomes one plain sentence (:func:`decode_warnings`), stored with the meeting.
"""

from __future__ import annotations

import re
from pathlib import Path

TOLERANCE = 0.5
"""Seconds the decoded audio may fall short of the stated length: an MP3's stated length counts
the encoder's delay and padding (0.1 s at 16 kHz, 0.25 s at 8 kHz), which do not decode."""

_ENDED_EARLY = ("File ended prematurely", "partial file")
_PREFIX = re.compile(r"^(\[[^\]]* @ 0x[0-9a-fA-F]+\]\s*)+")
_OGG_PAGE_MAX = 27 + 255 + 255 * 255
_WAV_UNKNOWN_SIZES = (0, 0xFFFFFFFF)  # "not known when the header was written" (streams, RF64)
_MAX_CHUNKS = 64


def decode_warnings(
    path: Path, *, fmt: str, stated: float | None, decoded: float, stderr: str
) -> tuple[str, ...]:
    """What a reader of this recording's transcript should know: ``()`` for a whole, clean file.

    ``fmt`` is ffprobe's format name, ``stated`` the length the container states (``None``: none
    or only an estimate), ``decoded`` the seconds that decoded, ``stderr`` ffmpeg's errors.
    """
    cut = _cut_short(path, fmt.split(",")[0], stated, decoded, stderr)
    if cut is not None:
        return (cut,)
    errors = _errors(stderr, path)
    if not errors:
        return ()
    many = f"{len(errors)} decoding errors" if len(errors) > 1 else "a decoding error"
    return (
        f"damaged recording: ffmpeg met {many} (first: {errors[0]}); parts of the audio may be "
        "missing from the transcript and the minutes",
    )


def clock(seconds: float) -> str:
    """``42.5 s``, ``6:05`` or ``1:02:03``: a length as a sentence about a recording gives it."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    s = round(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m}:{sec:02d}"


def _cut_short(path: Path, demuxer: str, stated: float | None, decoded: float, stderr: str) -> str | None:
    header = wav_stated(path) if demuxer == "wav" else None
    length = header or stated
    if length is not None and length - decoded > TOLERANCE:
        return (
            f"incomplete recording: the file says it lasts {clock(length)}, but only {clock(decoded)} "
            "could be decoded (cut short, as by an interrupted upload or copy, or damaged); the "
            "transcript and the minutes cover only that"
        )
    said = next((m for m in _ENDED_EARLY if m in stderr), None)
    reason = f"ffmpeg: {said}" if said else (ogg_unfinished(path) if demuxer == "ogg" else None)
    if reason is None:
        return None
    return (
        f"incomplete recording: the file stops mid-stream ({reason}), as one cut short does; the "
        f"transcript and the minutes cover the {clock(decoded)} that could be decoded"
    )


def _errors(stderr: str, path: Path) -> list[str]:
    """ffmpeg's error lines, each without the ``[demuxer @ 0x…]`` or file name in front."""
    names = (f"file:{path.resolve()}: ", f"{path.resolve()}: ", f"{path}: ")
    found: list[str] = []
    for raw in stderr.splitlines():
        line = _PREFIX.sub("", raw.strip())
        for name in names:
            line = line.replace(name, "")
        line = "".join(c for c in line if c.isprintable()).strip()
        if line:
            found.append(line[:120])
    return found


def wav_stated(path: Path) -> float | None:
    """Seconds of audio a WAV file's data chunk announces, if more bytes than the file holds.

    ``None`` for a whole file, one that is not RIFF/WAVE, or one whose header left the size open.
    """
    try:
        with path.open("rb") as fh:
            size = path.stat().st_size
            head = fh.read(12)
            if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                return None
            byte_rate, at = 0, 12
            for _ in range(_MAX_CHUNKS):
                fh.seek(at)
                chunk = fh.read(8)
                if len(chunk) < 8:
                    return None
                kind, length = chunk[:4], int.from_bytes(chunk[4:], "little")
                if kind == b"fmt ":
                    fmt = fh.read(12)
                    byte_rate = int.from_bytes(fmt[8:12], "little") if len(fmt) == 12 else 0
                elif kind == b"data":
                    if length in _WAV_UNKNOWN_SIZES or byte_rate <= 0 or at + 8 + length <= size:
                        return None
                    return length / byte_rate
                at += 8 + length + (length & 1)
    except OSError:
        return None
    return None


def ogg_unfinished(path: Path) -> str | None:
    """Why an Ogg file's end is not the end of its stream (``None``: its last page ends it)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            start = max(0, size - 2 * _OGG_PAGE_MAX)
            fh.seek(start)
            tail = fh.read()
    except OSError:
        return None
    at = tail.find(b"OggS")
    while at >= 0:
        end = _ogg_page_end(tail, at)
        if end is not None and end > len(tail):
            return "its last Ogg page is incomplete"
        if end == len(tail):
            eos = tail[at + 5] & 0x04
            return None if eos else "its last Ogg page is not marked as the end of the stream"
        # A page is followed by the next page; "OggS" anywhere else was inside a packet.
        following = end is not None and tail.startswith(b"OggS", end)
        at = end if following and end is not None else tail.find(b"OggS", at + 1)
    return None  # no page reaches the end (trailing bytes of another kind): nothing to tell


def _ogg_page_end(data: bytes, at: int) -> int | None:
    """Where the Ogg page starting at ``at`` ends (past ``len(data)`` if it is cut), or None."""
    if len(data) < at + 27 or data[at + 4] != 0:  # stream structure version 0
        return None
    segments = data[at + 26]
    table = data[at + 27 : at + 27 + segments]
    if len(table) < segments:
        return len(data) + 1
    return at + 27 + segments + sum(table)
