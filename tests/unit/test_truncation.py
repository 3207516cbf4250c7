"""A recording cut short is decoded for what it holds and marked: ``AudioInfo.warnings`` says so.

The files are real: made with ffmpeg, then cut as an interrupted upload or copy leaves them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from minutes import audio
from tests import media

SECONDS = 6.0
# container → (file name, ffmpeg options): what recorders, phones and browsers write.
CONTAINERS = {
    "wav": ("memo.wav", ()),
    "mp3": ("memo.mp3", ("-c:a", "libmp3lame", "-b:a", "32k")),
    "m4a": ("memo.m4a", ("-c:a", "aac", "-b:a", "32k", "-movflags", "+faststart")),
    "ogg": ("memo.ogg", ("-c:a", "libopus", "-b:a", "24k")),
    "flac": ("memo.flac", ()),
    "webm": ("memo.webm", ("-c:a", "libopus", "-b:a", "24k")),
}


def recording(folder: Path, container: str) -> Path:
    name, options = CONTAINERS[container]
    return media.tone(folder / name, seconds=SECONDS, sample_rate=16_000, channels=1, codec=options)


def cut(path: Path, share: float) -> Path:
    out = path.with_name(f"cut-{path.name}")
    data = path.read_bytes()
    out.write_bytes(data[: int(len(data) * share)])
    return out


@pytest.mark.parametrize("container", list(CONTAINERS))
def test_a_recording_cut_short_is_decoded_up_to_the_cut_and_marked(tmp_path: Path, container: str) -> None:
    whole = recording(tmp_path, container)
    info, wave = audio.load(cut(whole, 0.6))

    assert 0.4 * SECONDS < wave.size / audio.SAMPLE_RATE < 0.7 * SECONDS  # what it holds, processed
    (warning,) = info.warnings
    assert warning.startswith("incomplete recording: ")
    assert "the transcript and the minutes cover" in warning and "\n" not in warning
    if container != "ogg":  # Ogg states no length; its last page tells it was cut
        stated = rf"the file says it lasts 6\.[01] s, but only {info.duration:.1f} s could be decoded"
        assert re.search(stated, warning), warning  # an MP3 counts its encoder padding (0.1 s)
    assert audio.load(whole)[0].warnings == ()  # the whole file: nothing to say


def test_a_damaged_stream_without_a_stated_length_is_marked_damaged(tmp_path: Path) -> None:
    adts = media.tone(tmp_path / "memo.aac", seconds=SECONDS, channels=1, codec=("-c:a", "aac"))
    info, _ = audio.load(cut(adts, 0.6))
    (warning,) = info.warnings
    assert warning.startswith("damaged recording: ffmpeg met ")
    assert "(first: Input buffer exhausted before END element found)" in warning


def test_a_wav_header_that_announces_more_than_the_file_holds(tmp_path: Path) -> None:
    from minutes.truncation import wav_stated

    whole = recording(tmp_path, "wav")
    assert wav_stated(whole) is None
    assert wav_stated(cut(whole, 0.5)) == pytest.approx(SECONDS, abs=0.01)
    unknown = bytearray(whole.read_bytes())
    at = unknown.index(b"data") + 4
    unknown[at : at + 4] = b"\xff\xff\xff\xff"  # a recorder that never finished its header
    (tmp_path / "unknown.wav").write_bytes(bytes(unknown[: len(unknown) // 2]))
    assert wav_stated(tmp_path / "unknown.wav") is None
    assert wav_stated(recording(tmp_path, "flac")) is None


def test_an_ogg_file_ends_with_its_end_of_stream_page(tmp_path: Path) -> None:
    from minutes.truncation import ogg_unfinished

    whole = recording(tmp_path, "ogg")
    assert ogg_unfinished(whole) is None
    assert ogg_unfinished(cut(whole, 0.5)) == "its last Ogg page is incomplete"
    data = whole.read_bytes()
    last = data.rindex(b"OggS")
    at_page = tmp_path / "at-a-page.ogg"
    at_page.write_bytes(data[:last])  # cut exactly between two pages
    assert ogg_unfinished(at_page) == "its last Ogg page is not marked as the end of the stream"


def test_warnings_from_ffmpegs_words() -> None:
    from minutes.truncation import decode_warnings

    path = Path("/srv/media/x.webm")
    assert decode_warnings(path, fmt="wav", stated=None, decoded=3.0, stderr="") == ()
    assert decode_warnings(path, fmt="mp3", stated=3.3, decoded=3.0, stderr="") == ()  # encoder padding
    (early,) = decode_warnings(
        path,
        fmt="matroska,webm",
        stated=None,
        decoded=95.0,
        stderr="[matroska,webm @ 0x5f] File ended prematurely\n",
    )
    assert early == (
        "incomplete recording: the file stops mid-stream (ffmpeg: File ended prematurely), as one cut "
        "short does; the transcript and the minutes cover the 1:35 that could be decoded"
    )
    stderr = "[flac @ 0x1] invalid residual\x1b]0;pwned\x07\nfile:/srv/media/x.webm: Input/output error\n"
    (damaged,) = decode_warnings(path, fmt="flac", stated=None, decoded=3.0, stderr=stderr)
    assert damaged.startswith(
        "damaged recording: ffmpeg met 2 decoding errors (first: invalid residual]0;pwned)"
    )
    assert damaged.isprintable()  # nothing from a file reaches a terminal as a control sequence
