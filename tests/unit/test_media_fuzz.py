"""Fuzz: a few hundred hostile and broken files (:mod:`tests.hostile`) through ingest.

Each goes through :func:`minutes.audio.decoded`, the worker's ingest (the upload check's
:func:`minutes.audio.probe` first, then the decode), and each must end as a one-line
:class:`InputError` naming the file or as decoded audio; nothing else may escape. Meanwhile an
inotify watch on the *secret* recording the playlists name proves that neither ffprobe nor ffmpeg
ever opened it, and no decoded audio holds its tone.
"""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from minutes import audio
from minutes.errors import InputError
from tests import hostile
from tests.hostile import Case, Corpus
from tests.openwatch import OpenWatch

# Containers that state their length, cut to these shares of their bytes, must decode and be marked.
MARKED_WHEN_CUT = ("wav", "mp3", "m4a_faststart", "flac", "ogg", "webm")
MARKED_FRACTIONS = (0.45, 0.6)


@dataclass(frozen=True, slots=True)
class Outcome:
    error: str | None = None  # the InputError's message
    seconds: float = 0.0  # decoded
    warnings: tuple[str, ...] = ()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("hostile")
    return hostile.corpus(folder, secret=hostile.secret_recording(folder))


def secret_share(wave: np.ndarray) -> float:
    """How much of a decoded window's energy is at the secret recording's frequency."""
    window = wave[: audio.SAMPLE_RATE].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(window)) ** 2
    total = float(spectrum.sum())
    if total == 0.0:
        return 0.0
    hz = np.fft.rfftfreq(window.size, 1 / audio.SAMPLE_RATE)
    near = np.abs(hz - hostile.SECRET_FREQUENCY) < 20
    return float(spectrum[near].sum()) / total


def ingest(case: Case, scratch: Path) -> Outcome:
    """What ingest makes of one file; any exception but InputError propagates."""
    try:
        with audio.decoded(case.path, tmp_dir=scratch) as (info, pcm):
            wave = pcm.read()
            assert wave.size == pcm.num_samples >= audio.MIN_DURATION * audio.SAMPLE_RATE
            assert bool(np.isfinite(wave).all()), "decoded samples must be finite"
            assert info.duration == round(wave.size / audio.SAMPLE_RATE, 3)
            assert secret_share(wave) < 0.5, "the decoded audio is the secret recording's tone"
            return Outcome(seconds=info.duration, warnings=info.warnings)
    except InputError as exc:
        return Outcome(error=str(exc))


def one_printable_line(text: str) -> bool:
    return text.isprintable() and "\n" not in text


def test_every_hostile_or_broken_file_is_refused_clearly_or_decoded_and_none_opens_the_secret(
    corpus: Corpus, tmp_path: Path
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert len(corpus.cases) >= 200
    outcomes: dict[str, Outcome] = {}
    problems: list[str] = []
    started, children = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
    with OpenWatch(corpus.secret) as watch:
        for case in corpus.cases:
            try:
                outcomes[case.id] = ingest(case, scratch)
            except Exception as exc:  # anything but a clear refusal is a finding
                problems.append(f"{case.id}: {type(exc).__name__}: {exc}")
            if watch.touched():
                problems.append(f"{case.id}: ffprobe or ffmpeg opened the secret recording")
        corpus.secret.read_bytes()
        assert watch.touched() == [corpus.secret]  # the watch sees an open when there is one
    elapsed = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    assert problems == []
    assert list(scratch.iterdir()) == []  # no decoded audio left behind, refused or not

    for case in corpus.cases:
        got = outcomes[case.id]
        if got.error is not None:
            assert one_printable_line(got.error) and got.error.startswith(f"{case.path}: "), got.error
        for warning in got.warnings:
            assert one_printable_line(warning) and len(warning) < 400, warning
    for case in corpus.of_kind("playlist"):
        error = outcomes[case.id].error
        assert error is not None, f"{case.id} was decoded"
        if case.refused_as:  # a format ffmpeg recognises: named, with what to send instead
            assert case.refused_as in error and "send" in error, error
    for case in corpus.of_kind("whole"):
        assert outcomes[case.id] == Outcome(seconds=outcomes[case.id].seconds), case.id
        assert outcomes[case.id].seconds == pytest.approx(hostile.SECONDS, abs=0.1)
    cut = {(c.container, c.fraction): outcomes[c.id] for c in corpus.of_kind("cut")}
    for container in MARKED_WHEN_CUT:
        for fraction in MARKED_FRACTIONS:
            got = cut[(container, fraction)]
            assert got.error is None and got.seconds < hostile.SECONDS * (fraction + 0.1), (container, got)
            assert len(got.warnings) == 1 and got.warnings[0].startswith("incomplete recording"), got
    counts = {
        kind: sum(1 for c in corpus.of_kind(kind) if outcomes[c.id].error) for kind in ("cut", "corrupt")
    }
    print(f"\n{len(corpus.cases)} files in {elapsed:.1f} s (ffmpeg CPU {cpu:.1f} s); refused: {counts}")


def test_an_mp4_cut_before_its_index_is_refused_saying_so(corpus: Corpus) -> None:
    case = next(c for c in corpus.of_kind("cut") if (c.container, c.fraction) == ("m4a", 0.6))
    with pytest.raises(InputError, match=r"found no index \(moov atom\).*cut short"):
        audio.probe(case.path)
