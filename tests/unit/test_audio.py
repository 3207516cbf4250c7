"""Ingest: every container decodes to 16 kHz mono float32; every bad input is a clear InputError."""

from __future__ import annotations

import shutil
import stat
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from minutes import audio
from minutes.errors import InputError, StageError
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


# -- decoding to a temporary file, read a window at a time --------------------------------------


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where decoded audio goes in these tests (``$TMPDIR``), to see what is left behind."""
    folder = tmp_path / "tmpdir"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_decoded_file_reads_windows_of_the_same_samples(lib: Library, scratch: Path) -> None:
    m = lib.good["m4a"]
    _, whole = audio.load(m.path)
    with audio.decoded(m.path) as (info, pcm):
        assert pcm.num_samples == whole.size and pcm.duration == pytest.approx(info.duration, abs=1e-3)
        assert info.sha256 == audio.content_hash(m.path)
        np.testing.assert_array_equal(pcm.read(1000, 17_000), whole[1000:17_000])
        np.testing.assert_array_equal(pcm.read(), whole)
        # Windows past either end are clipped, never padded or wrapped.
        np.testing.assert_array_equal(pcm.read(whole.size - 10, whole.size + 500), whole[-10:])
        assert pcm.read(-50, 3).size == 3 and pcm.read(whole.size + 1).size == 0
        # The samples live in a private folder of their own, not in this process.
        folder = pcm.path.parent
        assert folder.parent == scratch and stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert pcm.path.stat().st_size == whole.size * 4
    assert list(scratch.iterdir()) == []


def test_decoded_file_is_removed_when_the_block_fails(lib: Library, scratch: Path) -> None:
    with pytest.raises(RuntimeError, match="stage exploded"), audio.decoded(lib.good["wav"].path) as (_, pcm):
        assert pcm.path.exists()
        raise RuntimeError("stage exploded")
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("name", BAD)
def test_bad_input_leaves_nothing_behind(lib: Library, scratch: Path, name: str) -> None:
    with pytest.raises(InputError), audio.decoded(lib.bad[name].path):
        pytest.fail("a bad recording must not get as far as the stages")
    assert list(scratch.iterdir()) == []


def test_interrupted_decode_stops_ffmpeg_and_cleans_up(
    lib: Library, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    def interrupted(_path: Path) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(audio.subprocess, "Popen", popen)
    monkeypatch.setattr(audio, "content_hash", interrupted)
    with pytest.raises(KeyboardInterrupt), audio.decoded(lib.good["flac"].path):
        pytest.fail("unreachable")
    (ffmpeg,) = [p for p in started if Path(str(p.args[0])).name == "ffmpeg"]
    assert ffmpeg.returncode is not None  # stopped and reaped, not left writing into a removed folder
    assert list(scratch.iterdir()) == []


def test_not_enough_disk_for_the_samples_is_refused_up_front(
    lib: Library, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    usage = shutil.disk_usage(scratch)
    monkeypatch.setattr(audio.shutil, "disk_usage", lambda _p: usage._replace(free=1000))
    with pytest.raises(StageError) as caught, audio.decoded(lib.good["wav"].path):
        pytest.fail("unreachable")
    message = str(caught.value)
    assert "tone.wav: no space left in" in message and str(scratch) in message
    assert "needs about 0 MB" in message and "TMPDIR" in message and "\n" not in message
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize(
    "ffmpeg_says",
    ["Error writing: No space left on device", "Fehler: Auf dem Gerät ist kein Speicherplatz mehr verfügbar"],
)
def test_disk_filling_up_while_decoding_is_an_error_not_a_short_recording(
    lib: Library, scratch: Path, monkeypatch: pytest.MonkeyPatch, ffmpeg_says: str
) -> None:
    def full_disk(_path: Path, out: Path, _rate: int) -> list[str]:
        # Half the samples written, then the disk is full (in whatever language ffmpeg speaks).
        return ["sh", "-c", f"head -c 96000 /dev/zero > '{out}'; echo '{ffmpeg_says}' >&2; exit 1"]

    usage = shutil.disk_usage(scratch)
    checks = iter([usage, usage._replace(free=0)])  # room before decoding, none after
    monkeypatch.setattr(audio.shutil, "disk_usage", lambda _p: next(checks))
    monkeypatch.setattr(audio, "_decode_command", full_disk)
    with (
        pytest.raises(StageError, match=r"no space left in .*set TMPDIR"),
        audio.decoded(lib.good["wav"].path),
    ):
        pytest.fail("a half-decoded recording must not reach the stages")
    assert list(scratch.iterdir()) == []


def test_an_array_is_an_audio_source_too() -> None:
    wave = np.arange(10, dtype=np.float64)
    source = audio.as_source(wave)
    assert source.num_samples == 10 and source.duration == 10 / audio.SAMPLE_RATE
    window = source.read(2, 5)
    assert window.dtype == np.float32 and window.tolist() == [2.0, 3.0, 4.0]
    window[0] = 99.0  # a window is the caller's own copy
    assert source.read(2, 3).tolist() == [2.0]
    assert audio.read_all(wave).tolist() == list(range(10))
    pcm = audio.PcmFile(Path("/nonexistent"), 0)
    assert audio.as_source(pcm) is pcm


def test_a_ram_backed_temp_folder_is_recognised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/vda / ext4 rw 0 0\n"
        "tmpfs /tmp tmpfs rw,nosuid 0 0\n"
        "/dev/vdb /tmp/disk ext4 rw 0 0\n"
        "tmpfs /mnt/with\\040space tmpfs rw 0 0\n"
    )
    monkeypatch.setattr(audio, "_MOUNTS", mounts)
    assert audio.on_tmpfs(Path("/tmp/minutes-abc"))
    assert not audio.on_tmpfs(Path("/tmp/disk/minutes-abc"))  # the longest mount point decides
    assert not audio.on_tmpfs(Path("/tmpfoo/minutes-abc")) and not audio.on_tmpfs(Path("/home/x"))
    assert audio.on_tmpfs(Path("/mnt/with space/minutes-abc"))
    monkeypatch.setattr(audio, "_MOUNTS", tmp_path / "no-such-file")
    assert not audio.on_tmpfs(Path("/tmp/minutes-abc"))


def test_long_recording_decoded_into_ram_gets_a_warning(
    lib: Library, scratch: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(audio, "on_tmpfs", lambda _folder: True)
    with audio.decoded(lib.good["wav"].path):
        assert caplog.records == []  # 3 s of audio: not worth a word
    monkeypatch.setattr(audio, "_TMPFS_WARNING_BYTES", 1000)
    with caplog.at_level("WARNING", logger="minutes.audio"), audio.decoded(lib.good["wav"].path):
        pass
    (record,) = caplog.records
    assert "tone.wav" in record.getMessage() and "tmpfs" in record.getMessage()
    assert "set TMPDIR to a folder on disk" in record.getMessage()
