"""Which media minutes opens: an allow-list of ffmpeg demuxers, on local files only.

ffmpeg recognises a file's format from its first bytes, whatever the file is called, and among
the ~350 formats it knows are several that are not recordings but lists of *other* things to
open: an HLS or DASH playlist, an ``ffconcat`` list, an image sequence, an IMF composition, a
VobSub index. A 90-byte text file named ``weekly.wav`` holding an HLS playlist that names another
file on the server would have ffmpeg decode *that* file. So every ffprobe and ffmpeg run on a
recording (the upload check, ``process``, ``batch``, ``watch``, the worker's decode) starts with
:func:`input_options`:

- ``-protocol_whitelist file``: the recording, and anything a demuxer might open, must be a
  local file (no http, no ``concat:``, ``subfile:`` or ``crypto:`` protocols);
- ``-format_whitelist`` with the demuxers of :data:`ACCEPTED`: audio and video containers that
  hold their own samples and open no other file. ffmpeg checks the list right after recognising
  the format and before it reads the file's header, so a playlist is refused without a single
  entry of it being opened, by the probe as by the decode.

MP4/MOV files may point at external media ("data references"); ffmpeg follows them only with
``-enable_drefs 1`` (off by default since ffmpeg 3.1, never passed here), and then only to files
beside the recording. Formats left out, and why: playlists, lists and manifests (they open other
files or addresses), images, subtitles, metadata and raw data (no recording inside), and the long
tail of game, camera and tracker formats nobody sends to a meeting tool: each is more parser code
exposed to an upload for no user. Anything refused can be converted first (``ffmpeg -i FILE
recording.flac``) on a machine where the person trusts the file.
"""

from __future__ import annotations

import re
from pathlib import Path

ACCEPTED: dict[str, str] = {
    # Uncompressed and lossless audio.
    "wav": "WAV, RF64 and Broadcast WAV",
    "w64": "Sony Wave64",
    "aiff": "AIFF and AIFF-C",
    "caf": "Apple Core Audio (CAF)",
    "au": "Sun/NeXT audio (AU)",
    "flac": "FLAC",
    "wv": "WavPack",
    "ape": "Monkey's Audio (APE)",
    # Compressed audio, as phones, dictaphones and conferencing tools write it.
    "mp3": "MP3 and MP2",
    "aac": "AAC (ADTS)",
    "ac3": "AC-3",
    "eac3": "E-AC-3",
    "amr": "AMR",
    "amrnb": "AMR-NB",
    "amrwb": "AMR-WB",
    "ogg": "Ogg (Opus, Vorbis, Speex, FLAC)",
    # Containers with video (screen and call recordings), of which the first audio track is used.
    "mov": "MP4, M4A, MOV and 3GP",
    "matroska": "Matroska (MKV, MKA) and WebM",
    "asf": "WMA and WMV",
    "avi": "AVI",
    "flv": "Flash video (FLV)",
    "mpegts": "MPEG transport stream (TS, MTS)",
    "mpeg": "MPEG program stream (MPG, VOB)",
}
"""ffmpeg demuxer → what people call its files: the formats minutes opens, and no others."""

SEND = "WAV, FLAC, MP3, M4A/MP4, Ogg/Opus, WebM/MKV, WMA or MOV"
"""The formats named in a refusal, the common ones first."""

# Formats that are, or can be, lists of other files or addresses: what a refusal calls them.
_REFERENCES: dict[str, str] = {
    "hls": "an HLS playlist",
    "dash": "a DASH manifest",
    "webm_dash_manifest": "a WebM DASH manifest",
    "concat": "an ffconcat list",
    "imf": "an IMF composition playlist",
    "image2": "an image sequence pattern",
    "vobsub": "a VobSub subtitle index",
    "sdp": "an SDP session description",
    "rtsp": "an RTSP stream description",
    "rtp": "an RTP stream description",
}
_SUBTITLES = frozenset(
    (  # noqa: SIM905 - one list a person can read at a glance
        "aqtitle ass jacosub lrc mcc microdvd mpl2 mpsub pjs realtext sami scc srt stl subviewer "
        "subviewer1 sup tedcaptions vplayer webvtt dvbsub dvbtxt"
    ).split()
)
_DATA = frozenset(("bin", "data", "tty", "xbin", "idf", "adf", "ffmetadata", "rawvideo"))

_NOT_ALLOWED = re.compile(r"\[(?P<name>[\w,]+) @ 0x[0-9a-fA-F]+\] Format not on whitelist")


def input_options() -> list[str]:
    """ffmpeg/ffprobe options that go before every recording's name: local files, allowed demuxers."""
    return ["-protocol_whitelist", "file", "-format_whitelist", ",".join(ACCEPTED)]


def media_url(path: Path) -> str:
    """The recording as ffmpeg's input: absolute, behind ``file:`` (a name like "-agenda.wav" or
    "team:sync.wav" would otherwise be read as an option or a protocol)."""
    return "file:" + str(path.resolve())


def refused_format(stderr: str) -> str | None:
    """The demuxer ffmpeg recognised but the allow-list refused (``hls``), from its error output."""
    found = _NOT_ALLOWED.search(stderr)
    return found.group("name").split(",")[0] if found else None


def refusal(path: Path, name: str) -> str:
    """Why a recording in format ``name`` is not opened, and what to send instead (one line)."""
    if name in _REFERENCES:
        return (
            f"{path}: is {_REFERENCES[name]} ({name}): it names other files or addresses to play "
            f"and is not a recording itself; minutes opens only recordings: send the audio or video "
            f"file itself ({SEND})"
        )
    if name in _SUBTITLES:
        what = f"a subtitle file ({name})"
    elif name in _DATA:
        what = f"a data file ({name})"
    elif name.endswith("_pipe") or name in ("image2pipe", "apng", "gif", "ico", "mjpeg"):
        what = f"an image ({name})"
    else:
        what = f"in a format minutes does not open ({name})"
    return (
        f"{path}: is {what}, not a recording minutes opens; send {SEND}, or convert it first "
        f"(e.g. `ffmpeg -i FILE recording.flac`)"
    )
