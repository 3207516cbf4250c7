"""Ingest: a recording → 16 kHz mono float32 on disk, plus a content hash and facts.

Decoding goes through the ``ffmpeg`` and ``ffprobe`` programs (no Python media bindings):
they read every container and codec people send, and a crash in a decoder cannot take
the worker down with it. They open only local files in the formats of
:mod:`minutes.demuxers` (never a playlist or a list of other files), probed first
(:mod:`minutes.probe`); a file cut short or damaged is decoded as far as it goes and
marked (:mod:`minutes.truncation`).

A recording is decoded once, into a private temporary file of raw samples
(:func:`decoded`), and the stages read it a window at a time (:class:`PcmFile`), so that
memory does not grow with the length of a meeting: a 3-hour recording is 690 MB of float32
samples, which live on disk, not in the process. Reads are explicit ``readinto`` calls rather
than a memory map, because every page of a mapped file that is touched counts as the
process's resident memory until the map is dropped.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Protocol, TypeAlias

import numpy as np
import numpy.typing as npt

from minutes import demuxers
from minutes.errors import InputError, StageError
from minutes.probe import check_file, examine, ffmpeg_error, refused, tool
from minutes.probe import probe as probe  # the upload check calls audio.probe
from minutes.truncation import decode_warnings
from minutes.types import AudioInfo

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
MIN_DURATION = 0.1  # seconds; below this there is nothing to hear
_SAMPLE_BYTES = 4  # float32
_LOG_KEPT = 2**20  # bytes of ffmpeg's errors kept from each end of its log (a damaged file may fill it)
_TMPFS_WARNING_BYTES = 100 * 2**20  # decoded audio this large in a RAM-backed folder gets a warning
_MOUNTS = Path("/proc/self/mounts")

Waveform = npt.NDArray[np.float32]


class AudioSource(Protocol):
    """16 kHz mono float32 samples, read a window at a time (what the stages take)."""

    @property
    def num_samples(self) -> int: ...

    @property
    def duration(self) -> float: ...

    def read(self, start: int = 0, stop: int | None = None) -> Waveform:
        """Samples ``start`` to ``stop`` (clipped to the recording), as a new array."""
        ...


AudioInput: TypeAlias = "AudioSource | Waveform"


@dataclass(frozen=True, slots=True)
class PcmFile:
    """Decoded audio on disk: raw little-endian float32 samples at 16 kHz, mono."""

    path: Path
    num_samples: int

    @property
    def duration(self) -> float:
        return self.num_samples / SAMPLE_RATE

    def read(self, start: int = 0, stop: int | None = None) -> Waveform:
        start, stop = _clip(start, stop, self.num_samples)
        out = np.empty(stop - start, dtype=np.float32)
        view = out.data.cast("B")
        # One handle per read: transcription and diarization read the same file from two
        # threads, and a shared handle's seek position would be a race.
        with self.path.open("rb", buffering=0) as fh:
            fh.seek(start * _SAMPLE_BYTES)
            done = 0
            while done < len(view):
                got = fh.readinto(view[done:])
                if not got:
                    raise StageError(f"decoded audio {self.path} ended early (removed while in use?)")
                done += got
        return out


@dataclass(frozen=True, slots=True, eq=False)
class InMemoryAudio:
    """An already-decoded waveform behind the same interface (tests, short clips, scripts)."""

    wave: Waveform

    @property
    def num_samples(self) -> int:
        return int(self.wave.size)

    @property
    def duration(self) -> float:
        return self.num_samples / SAMPLE_RATE

    def read(self, start: int = 0, stop: int | None = None) -> Waveform:
        start, stop = _clip(start, stop, self.num_samples)
        return np.array(self.wave[start:stop], dtype=np.float32)


def _clip(start: int, stop: int | None, size: int) -> tuple[int, int]:
    start = min(max(0, start), size)
    stop = size if stop is None else min(max(start, stop), size)
    return start, stop


def as_source(audio: AudioInput) -> AudioSource:
    """A stage's input as an :class:`AudioSource` (a float32 array is wrapped, not copied)."""
    if isinstance(audio, np.ndarray):
        return InMemoryAudio(np.ascontiguousarray(audio, dtype=np.float32).reshape(-1))
    return audio


def read_all(audio: AudioInput) -> Waveform:
    """Every sample in memory at once: only for short recordings (tests, fakes)."""
    return as_source(audio).read()


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes: the identity of a recording."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _decode_command(path: Path, out: Path, sample_rate: int) -> list[str]:
    return [
        tool("ffmpeg"),
        "-nostdin",
        "-hide_banner",
        "-v",
        "error",
        *demuxers.input_options(),
        "-i",
        demuxers.media_url(path),
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
        "-y",
        "file:" + str(out),
    ]


@dataclass(frozen=True, slots=True)
class _Decoded:
    samples: int  # written to the output file
    digest: str  # the source's sha256, empty if not asked for
    errors: str  # what ffmpeg said (its errors; the ends of a long log)


def _decode_to(
    path: Path, out: Path, *, sample_rate: int, expected_seconds: float = 0.0, hash_source: bool = False
) -> _Decoded:
    """Decode the first audio track into ``out``, hashing the source meanwhile if asked."""
    needed = int(expected_seconds * sample_rate * _SAMPLE_BYTES)
    if needed and shutil.disk_usage(out.parent).free < needed:
        raise _no_space(path, out.parent, needed)
    err_path = out.with_suffix(".log")
    with err_path.open("w+b") as err:
        proc = subprocess.Popen(
            _decode_command(path, out, sample_rate),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            # The hash reads the source while ffmpeg decodes it (mostly from the page cache).
            digest = content_hash(path) if hash_source else ""
            code = proc.wait()
        finally:
            if proc.poll() is None:  # interrupted: do not leave ffmpeg writing behind us
                proc.kill()
                proc.wait()
        stderr = _log_ends(err)
    samples = out.stat().st_size // _SAMPLE_BYTES if out.exists() else 0
    # ffmpeg's words, or (its message may be in another language) a failure on a full disk.
    if "No space left on device" in stderr or (code != 0 and shutil.disk_usage(out.parent).free < 2**20):
        raise _no_space(path, out.parent, needed)
    if code != 0 and samples == 0:
        if error := refused(path, stderr):  # the file changed since it was probed
            raise error
        if code < 0:
            raise InputError(f"{path}: ffmpeg crashed decoding this file (signal {-code}): it is damaged")
        raise InputError(f"{path}: cannot decode audio (ffmpeg: {ffmpeg_error(stderr, path)})")
    if code < 0:  # what came before the crash is kept, and the crash is one of its errors
        stderr += f"\nffmpeg crashed (signal {-code})\n"
    # A truncated file decodes up to where it breaks (ffmpeg exits non-zero or complains): keep
    # what was readable, as a media player would; its warnings say what is missing.
    return _Decoded(samples, digest, stderr)


def _log_ends(log: IO[bytes]) -> str:
    """ffmpeg's log, or its first and last megabyte when a damaged file made it longer."""
    size = log.seek(0, os.SEEK_END)
    log.seek(0)
    if size <= 2 * _LOG_KEPT:
        return log.read().decode("utf-8", "replace")
    head = log.read(_LOG_KEPT)
    log.seek(size - _LOG_KEPT)
    return (head + b"\n" + log.read()).decode("utf-8", "replace")


def _no_space(path: Path, folder: Path, needed: int) -> StageError:
    size = f"about {needed / 2**20:,.0f} MB" if needed else "room for the decoded audio"
    return StageError(
        f"{path}: no space left in {folder.parent} for the decoded audio (needs {size}); "
        "free some space there or set TMPDIR to a folder on a larger disk"
    )


@contextmanager
def _scratch(tmp_dir: str | Path | None = None) -> Iterator[Path]:
    """A private folder (mode 0700) for decoded audio, removed on exit whatever happened."""
    folder = Path(tempfile.mkdtemp(prefix="minutes-", dir=tmp_dir))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def on_tmpfs(folder: Path) -> bool:
    """Whether ``folder`` lies on a RAM-backed file system (where "on disk" means in memory)."""
    try:
        mounts = _MOUNTS.read_text().splitlines()
    except OSError:  # not Linux: no way to tell, and no reason to warn
        return False
    target, best, kind = str(folder.resolve()), "", ""
    for line in mounts:
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, fields[2]
    return kind in ("tmpfs", "ramfs")


@contextmanager
def decoded(path: str | Path, *, tmp_dir: str | Path | None = None) -> Iterator[tuple[AudioInfo, PcmFile]]:
    """Probe, hash and decode a recording; the decoded samples exist until the block ends.

    ``with decoded("call.m4a") as (info, pcm): ...`` gives the recording's facts (with its
    sha256 and decoded duration) and a :class:`PcmFile` to read windows from. The samples go
    to a private temporary folder (``tmp_dir``, else ``$TMPDIR``; 64 kB per second of audio),
    which is removed when the block ends, also on error or interrupt. Bad input raises
    :class:`InputError` before anything is yielded. A recording cut short or damaged is
    decoded as far as it goes, and ``info.warnings`` says so (:mod:`minutes.truncation`).
    """
    p = Path(path).expanduser()
    probed = examine(p)
    info = probed.info
    with _scratch(tmp_dir) as folder:
        out = folder / "audio.f32"
        size = int(info.duration * SAMPLE_RATE * _SAMPLE_BYTES)
        if size > _TMPFS_WARNING_BYTES and on_tmpfs(folder):
            log.warning(
                "%s: its decoded audio (about %d MB) goes to %s, a folder in memory (tmpfs); "
                "set TMPDIR to a folder on disk to keep long recordings out of RAM",
                p,
                size // 2**20,
                folder.parent,
            )
        done = _decode_to(p, out, sample_rate=SAMPLE_RATE, expected_seconds=info.duration, hash_source=True)
        duration = done.samples / SAMPLE_RATE
        if duration < MIN_DURATION:
            raise InputError(
                f"{p}: only {duration:.2f} s of audio could be decoded; recordings must be at least "
                f"{MIN_DURATION:g} s long"
            )
        warnings = decode_warnings(
            p, fmt=info.format, stated=probed.stated, decoded=duration, stderr=done.errors
        )
        for warning in warnings:  # the result carries it to the user; the log keeps it for -v
            log.info("%s: %s", p, warning)
        facts = replace(info, sha256=done.digest, duration=round(duration, 3), warnings=warnings)
        yield facts, PcmFile(out, done.samples)


def decode(path: Path, *, sample_rate: int = SAMPLE_RATE) -> Waveform:
    """Decode the first audio track to mono float32 at ``sample_rate``, all in memory."""
    check_file(path)
    with _scratch() as folder:
        out = folder / "audio.f32"
        done = _decode_to(path, out, sample_rate=sample_rate)
        return PcmFile(out, done.samples).read()


def load(path: str | Path) -> tuple[AudioInfo, Waveform]:
    """Probe, hash and decode a recording into memory (short recordings; the pipeline streams)."""
    with decoded(path) as (info, pcm):
        return info, pcm.read()
