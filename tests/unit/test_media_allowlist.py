"""Media is opened only as what it claims to be: ffprobe and ffmpeg get an allow-list of demuxers
and local files only, so a playlist or a list under a recording's name never makes the upload
check or the worker open another file (issue 12, finding 1)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from minutes import audio
from minutes.errors import InputError
from tests import hostile, media
from tests.openwatch import OpenWatch

# What ffmpeg recognises that opens other files or addresses, or holds no recording.
NEVER = (  # noqa: SIM905 - one list a person can read at a glance
    "hls dash webm_dash_manifest concat imf image2 image2pipe sdp rtp rtsp vobsub ffmetadata lavfi data "
    "srt webvtt ass png_pipe tee"
).split()


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """Another team's recording, in the folder the uploads go to."""
    return hostile.secret_recording(tmp_path)


def playlist(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def hls(secret: Path, *, relative: bool = False) -> str:
    return hostile.HLS.format(secret.name if relative else str(secret))


CASES: dict[str, tuple[Callable[[Path], str], str]] = {
    "hls-absolute": (lambda s: hls(s), r"is an HLS playlist \(hls\)"),
    "hls-relative": (lambda s: hls(s, relative=True), r"is an HLS playlist \(hls\)"),
    "ffconcat-relative": (
        lambda s: f"ffconcat version 1.0\nfile {s.name}\n",
        r"is an ffconcat list \(concat\)",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_playlist_named_like_a_recording_is_refused_without_opening_what_it_names(
    secret: Path, case: str
) -> None:
    make, refusal = CASES[case]
    upload = playlist(secret.parent, "weekly.wav", make(secret))
    assert upload.stat().st_size < 200  # a few bytes of text, as in the review

    with OpenWatch(secret) as watch:
        with pytest.raises(InputError, match=refusal) as caught:
            audio.probe(upload)  # the upload check
        with pytest.raises(InputError, match=refusal), audio.decoded(upload):  # the worker
            pytest.fail("a playlist must not be decoded")
        assert watch.touched() == []
    message = str(caught.value)
    assert message.startswith(f"{upload}: ") and "not a recording itself" in message
    assert "send the audio or video file itself (WAV, FLAC, MP3, M4A/MP4" in message and "\n" not in message


def test_without_the_allow_list_ffprobe_would_open_it(secret: Path) -> None:
    """The threat is real: ffprobe as the upload check ran it before follows the playlist."""
    upload = playlist(secret.parent, "weekly.wav", hls(secret))
    with OpenWatch(secret) as watch:
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=format_name", f"file:{upload}"],
            capture_output=True,
            check=True,
        )
        assert watch.touched() == [secret]


def test_the_decode_refuses_it_too_if_the_file_changed_after_the_probe(
    secret: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ffmpeg's own run carries the allow-list: the probe is not the only guard."""
    from minutes import probe

    upload = playlist(secret.parent, "weekly.wav", hls(secret))
    good = probe.examine(media.tone(secret.parent / "tone.wav", seconds=1.0))
    monkeypatch.setattr(audio, "examine", lambda _path: good)  # as if it held a WAV when probed
    with OpenWatch(secret) as watch:
        with pytest.raises(InputError, match=r"is an HLS playlist \(hls\)"), audio.decoded(upload):
            pytest.fail("a playlist must not be decoded")
        assert watch.touched() == []


def test_an_mp4_whose_audio_is_in_another_file_is_refused_and_the_file_never_opened(tmp_path: Path) -> None:
    carrier = media.tone(tmp_path / "carrier.m4a", seconds=1.0, codec=("-c:a", "aac"))  # index last
    secret = media.tone(tmp_path / "other-team.m4a", frequency=1234, codec=("-c:a", "aac"))
    upload = hostile.with_external_reference(carrier, tmp_path / "weekly.m4a", target=secret)
    with OpenWatch(secret) as watch:
        # Only with external references enabled does ffmpeg open the file beside it: the file is real.
        subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-enable_drefs",
                "1",
                "-show_entries",
                "format=format_name",
                f"file:{upload}",
            ],
            capture_output=True,
            check=True,
        )
        assert watch.touched() == [secret]
        with pytest.raises(
            InputError, match=r"keeps its audio in another file \(an external data reference\)"
        ):
            audio.probe(upload)
        with pytest.raises(InputError), audio.decoded(upload):
            pytest.fail("an external reference must not be decoded")
        assert watch.touched() == []


def test_every_ffprobe_and_ffmpeg_run_on_a_recording_carries_the_allow_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from minutes import demuxers

    recording = media.tone(tmp_path / "call.wav", seconds=1.0)
    commands: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(cmd: list[str], *args: Any, **kwargs: Any) -> Any:
        commands.append(list(cmd))
        return real_popen(cmd, *args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)  # subprocess.run starts its process through it
    audio.probe(recording)
    with audio.decoded(recording):
        pass
    audio.decode(recording)

    assert [Path(c[0]).name for c in commands] == ["ffprobe", "ffprobe", "ffmpeg", "ffmpeg"]
    for cmd in commands:
        source = cmd.index(f"file:{recording.resolve()}")
        before = cmd[:source]
        assert before[before.index("-protocol_whitelist") + 1] == "file"
        assert before[before.index("-format_whitelist") + 1] == ",".join(demuxers.ACCEPTED)
        assert not any("drefs" in arg or "absolute_path" in arg for arg in cmd)


def test_the_allow_list_holds_only_recordings_this_ffmpeg_knows() -> None:
    from minutes import demuxers

    listing = subprocess.run(
        [shutil.which("ffmpeg") or "ffmpeg", "-hide_banner", "-demuxers"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    known = {name for line in listing.splitlines()[4:] for name in line.split()[1].split(",")}
    assert set(demuxers.ACCEPTED) <= known
    assert not set(demuxers.ACCEPTED) & set(NEVER)


# format → (file name, ffmpeg output options): containers people send beyond tests/media's six.
MORE_FORMATS = {
    "aiff": ("memo.aiff", ()),
    "caf": ("memo.caf", ()),
    "au": ("memo.au", ()),
    "w64": ("memo.w64", ()),
    "wv": ("memo.wv", ()),
    "ac3": ("memo.ac3", ()),
    "aac": ("memo.aac", ("-c:a", "aac")),
    "asf": ("memo.wma", ("-c:a", "wmav2")),
    "mpegts": ("memo.ts", ("-c:a", "aac")),
    "mpeg": ("memo.mpg", ("-c:a", "mp2")),
    "avi": ("memo.avi", ("-c:a", "pcm_s16le")),
    "flv": ("memo.flv", ("-c:a", "aac")),
    "ogg": ("memo.oga", ("-c:a", "libvorbis")),
}


@pytest.mark.parametrize("fmt", list(MORE_FORMATS))
def test_the_formats_people_send_still_decode(tmp_path: Path, fmt: str) -> None:
    name, options = MORE_FORMATS[fmt]
    recording = media.tone(tmp_path / name, seconds=2.0, channels=1, codec=options)
    info, wave = audio.load(recording)
    assert info.format.split(",")[0] == fmt
    assert wave.size / audio.SAMPLE_RATE == pytest.approx(2.0, abs=0.1) and info.warnings == ()


def test_a_refusal_names_the_format_and_what_to_send() -> None:
    from minutes import demuxers

    path = Path("minutes.wav")
    assert demuxers.refusal(path, "srt").startswith("minutes.wav: is a subtitle file (srt), not a recording")
    assert "is an image (png_pipe)" in demuxers.refusal(path, "png_pipe")
    other = demuxers.refusal(path, "tta")
    assert "in a format minutes does not open (tta)" in other
    assert "send WAV, FLAC, MP3" in other and "`ffmpeg -i FILE recording.flac`" in other
    stderr = "[matroska,webm @ 0x55d1] Format not on whitelist 'wav,mp3'\nfile:x: Invalid argument\n"
    assert demuxers.refused_format(stderr) == "matroska" and demuxers.refused_format("Invalid data") is None
