"""Ingest: every container decodes to 16 kHz mono float32; every bad input is a clear InputError."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from minutes import audio
from minutes.errors import InputError
from tests import media
from tests.media import Library

GOOD = list(media.GOOD_NAMES)
EDGE = list(media.EDGE_NAMES)
BAD = list(media.BAD_NAMES)


@pytest.fixture(scope="session")
def lib(tmp_path_factory: pytest.TempPathFactory) -> Library:
    return media.library(tmp_path_factory.getbasetemp() / "media")


@pytest.mark.parametrize("name", GOOD)
def test_every_format_decodes_to_16k_mono_float32(lib: Library, name: str) -> None:
    m = lib.good[name]
    info, wave = audio.load(m.path)
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert wave.size / audio.SAMPLE_RATE == pytest.approx(m.duration, abs=0.1)
    assert info.duration == pytest.approx(m.duration, abs=0.1)
    assert (info.sample_rate, info.channels, info.codec) == (m.sample_rate, m.channels, m.codec)
    assert info.path == str(m.path.resolve())
    assert len(info.sha256) == 64 and info.sha256 == audio.content_hash(m.path)
    # A tone, not silence or garbage: decoding kept the signal's level (sine amplitude 1/8).
    assert 0.05 < float(np.abs(wave).max()) <= 1.0


@pytest.mark.parametrize("name", EDGE)
def test_odd_but_valid_recordings_decode(lib: Library, name: str) -> None:
    m = lib.edge[name]
    info, wave = audio.load(m.path)
    assert wave.dtype == np.float32 and wave.ndim == 1
    assert info.duration == pytest.approx(m.duration, abs=0.1)
    assert (info.sample_rate, info.channels, info.codec) == (m.sample_rate, m.channels, m.codec)


def test_silence_decodes_to_zeros_and_noise_is_loud(lib: Library) -> None:
    _, quiet = audio.load(lib.edge["silence"].path)
    assert quiet.size == 60 * audio.SAMPLE_RATE and float(np.abs(quiet).max()) == 0.0
    _, loud = audio.load(lib.edge["noise"].path)
    assert float(np.abs(loud).max()) > 0.1


def test_a_path_may_be_a_string_with_a_tilde(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    m = lib.good["wav"]
    monkeypatch.setenv("HOME", str(m.path.parent))
    info, _ = audio.load(f"~/{m.path.name}")
    assert info.path == str(m.path.resolve())


def test_decode_takes_another_sample_rate(lib: Library) -> None:
    wave = audio.decode(lib.good["flac"].path, sample_rate=8000)
    assert wave.size / 8000 == pytest.approx(media.SECONDS, abs=0.1)


def test_probe_reads_facts_without_hashing(lib: Library) -> None:
    info = audio.probe(lib.good["mp4"].path)
    assert info.sha256 == "" and info.codec == "aac" and info.channels == 1
    assert "mp4" in info.format and info.duration == pytest.approx(media.SECONDS, abs=0.1)


# -- identity --------------------------------------------------------------------------------


def test_content_hash_is_stable_and_tells_recordings_apart(lib: Library) -> None:
    hashes = {name: audio.content_hash(m.path) for name, m in lib.good.items()}
    assert len(set(hashes.values())) == len(hashes)
    assert audio.content_hash(lib.good["wav"].path) == hashes["wav"]  # same bytes, same hash, every time
    assert audio.load(lib.good["wav"].path)[0].sha256 == hashes["wav"]


def test_same_content_under_another_name_has_the_same_hash(lib: Library, tmp_path: Path) -> None:
    original = lib.good["m4a"].path
    copy = tmp_path / "copy" / "Weekly sync (final).M4A"
    copy.parent.mkdir()
    shutil.copyfile(original, copy)
    info, wave = audio.load(copy)
    assert info.sha256 == audio.load(original)[0].sha256
    assert info.path == str(copy.resolve())
    assert wave.size / audio.SAMPLE_RATE == pytest.approx(media.SECONDS, abs=0.1)


def test_one_changed_byte_changes_the_hash(lib: Library, tmp_path: Path) -> None:
    data = bytearray(lib.good["wav"].path.read_bytes())
    data[-1] ^= 0xFF
    changed = tmp_path / "tone.wav"
    changed.write_bytes(bytes(data))
    assert audio.content_hash(changed) != audio.content_hash(lib.good["wav"].path)


# -- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BAD)
def test_bad_input_is_an_input_error_naming_file_and_problem(lib: Library, name: str) -> None:
    bad = lib.bad[name]
    with pytest.raises(InputError) as caught:
        audio.load(bad.path)
    message = str(caught.value)
    assert bad.path.name in message, message
    assert bad.matches(message), f"{message!r} does not match {bad.problem!r}"
    assert "\n" not in message  # one line: the CLI prints it as is


@pytest.mark.parametrize("name", ["empty", "text", "no_audio", "folder", "missing"])
def test_probe_refuses_bad_input_before_decoding(lib: Library, name: str) -> None:
    bad = lib.bad[name]
    with pytest.raises(InputError, match=bad.problem):
        audio.probe(bad.path)


def test_error_names_the_path_as_given(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(lib.bad["text"].path.parent)
    with pytest.raises(InputError, match=r"^notes\.wav: not a readable audio or video file"):
        audio.load("notes.wav")


def test_missing_ffmpeg_says_how_to_install_it(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(
        InputError, match=r"ffprobe is not installed; install it with `apt-get install ffmpeg`"
    ):
        audio.load(lib.good["wav"].path)


# -- file names ffmpeg could misread -----------------------------------------------------------


def test_name_with_spaces_accents_and_quotes(lib: Library) -> None:
    m = lib.edge["odd_name"]
    info, _ = audio.load(m.path)
    assert Path(info.path).name == media.ODD_NAME


def test_name_starting_with_a_dash(lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copyfile(lib.good["wav"].path, tmp_path / "-agenda.wav")
    monkeypatch.chdir(tmp_path)
    info, _ = audio.load("./-agenda.wav")
    assert info.duration == pytest.approx(media.SECONDS, abs=0.1)


def test_name_with_a_colon(lib: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copyfile(lib.good["wav"].path, tmp_path / "team:sync.wav")
    monkeypatch.chdir(tmp_path)
    info, _ = audio.load("team:sync.wav")
    assert info.duration == pytest.approx(media.SECONDS, abs=0.1)
