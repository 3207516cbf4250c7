"""Hostile and broken media, generated: what an upload or a watched folder may hold.

:func:`corpus` writes a few hundred files into one folder beside a *secret* recording (another
team's, say) that none of them may ever open:

- ``playlist``: HLS and M3U playlists, ffconcat lists, DASH manifests, SDP, VobSub, ffmetadata,
  subtitles and images, under recording names (``weekly.wav``), naming the secret by absolute,
  relative and ``file:``/``concat:``/``subfile:`` paths: each must be refused;
- ``cut``: real containers (made with ffmpeg from a tone) cut at fractions of their length and
  at a few tiny sizes;
- ``corrupt``: the same containers with bytes overwritten at random (seeded) places;
- ``header``: headers that announce absurd sizes, counts and rates; zero, odd and random sizes;
  text that is not media at all;
- ``whole``: the containers the cuts were made from, which must decode with nothing to report.

Everything is deterministic (seeded), small (the whole corpus is ~4 MB) and made in ~2 s.
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass
from pathlib import Path

from tests.media import ffmpeg, tone

SECONDS = 4.0  # length of every real container in the corpus
SECRET_NAME = "secret-other-team.flac"
SECRET_FREQUENCY = 1234  # Hz: a decode that reached the secret would hear this tone

# container → (file name, ffmpeg options), all from one tone; mono 16 kHz keeps them small.
CONTAINERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "wav": ("tone.wav", ()),
    "mp3": ("tone.mp3", ("-c:a", "libmp3lame", "-b:a", "32k")),
    "m4a": ("tone.m4a", ("-c:a", "aac", "-b:a", "32k")),  # index (moov) last
    "m4a_faststart": ("tone-fast.m4a", ("-c:a", "aac", "-b:a", "32k", "-movflags", "+faststart")),
    "ogg": ("tone.ogg", ("-c:a", "libopus", "-b:a", "24k")),
    "flac": ("tone.flac", ()),
    "webm": ("tone.webm", ("-c:a", "libopus", "-b:a", "24k")),
    "mkv": ("tone.mkv", ("-c:a", "libvorbis")),
    "wma": ("tone.wma", ("-c:a", "wmav2")),
    "aac": ("tone.aac", ("-c:a", "aac", "-b:a", "32k")),
}
CUT_FRACTIONS = (0.002, 0.05, 0.45, 0.6, 0.9, 0.995)
TINY_SIZES = (4, 200)
NAMES = ("weekly.wav", "standup.mp3", "call.m4a", "voice.ogg", "screen.webm", "board.flac")


@dataclass(frozen=True, slots=True)
class Case:
    """One generated file and what is known about it."""

    id: str
    path: Path
    kind: str  # "whole" | "playlist" | "cut" | "corrupt" | "header"
    refused_as: str = ""  # for a playlist ffmpeg recognises: words the refusal must contain
    container: str = ""  # the real container it was made from ("cut" and "corrupt")
    fraction: float = 1.0  # the share of the container's bytes kept ("cut")


@dataclass(frozen=True, slots=True)
class Corpus:
    folder: Path
    secret: Path  # a real recording none of the cases may open
    originals: dict[str, Path]  # container → the whole file the cuts were made from
    cases: list[Case]

    def of_kind(self, kind: str) -> list[Case]:
        return [c for c in self.cases if c.kind == kind]

    def sample(self, per_kind: int) -> list[Case]:
        """Every kind's cases, thinned evenly to at most ``per_kind`` each (a smaller, spread-out set)."""
        picked: list[Case] = []
        for kind in ("whole", "playlist", "cut", "corrupt", "header"):
            cases = self.of_kind(kind)
            step = max(1, len(cases) // per_kind)
            picked += cases[::step][:per_kind]
        return picked


def secret_recording(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return tone(folder / SECRET_NAME, frequency=SECRET_FREQUENCY, seconds=3.0, channels=1)


HLS = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:3.0,\n{}\n#EXT-X-ENDLIST\n"
_CONCAT = "ffconcat version 1.0\nfile {}\n"
_MPD = (
    '<?xml version="1.0"?>\n<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" '
    'mediaPresentationDuration="PT3S"><Period><AdaptationSet mimeType="audio/flac">'
    '<Representation id="a" bandwidth="1"><BaseURL>{}</BaseURL></Representation>'
    "</AdaptationSet></Period></MPD>\n"
)
_SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n"
_VOBSUB = (
    "# VobSub index file, v7 (do not modify this line!)\nsize: 720x480\nid: en, index: 0\n"
    "timestamp: 00:00:00:000, filepos: 000000000\n# {}\n"
)


def playlists(secret: Path) -> dict[str, tuple[str, str]]:
    """kind → (text, words its refusal names; "" where ffmpeg does not recognise it at all), the
    secret named every way ffmpeg takes a path."""
    full, name = str(secret), secret.name
    return {
        "hls_absolute": (HLS.format(full), "HLS playlist"),
        "hls_relative": (HLS.format(name), "HLS playlist"),
        "hls_file_url": (HLS.format("file:" + full), "HLS playlist"),
        "hls_concat_protocol": (HLS.format(f"concat:{full}|{full}"), "HLS playlist"),
        "hls_subfile_protocol": (HLS.format(f"subfile,,start,0,end,0,,:{full}"), "HLS playlist"),
        "hls_crlf": (HLS.format(name).replace("\n", "\r\n"), "HLS playlist"),
        "hls_master": (f"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\n{name}\n", "HLS playlist"),
        "m3u_plain": (f"#EXTM3U\n#EXTINF:3,secret\n{full}\n", ""),
        "ffconcat_absolute": (_CONCAT.format(full), "ffconcat list"),
        "ffconcat_relative": (_CONCAT.format(name), "ffconcat list"),
        "ffconcat_quoted": (
            f"ffconcat version 1.0\nfile '{name}'\nduration 3\nfile '{name}'\n",
            "ffconcat list",
        ),
        "dash_manifest": (_MPD.format(name), ""),
        "sdp": (_SDP, "SDP session description"),
        "vobsub_index": (_VOBSUB.format(name), "VobSub subtitle index"),
        "ffmetadata": (
            ";FFMETADATA1\ntitle=weekly\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=3000\n",
            "data file",
        ),
        "srt": ("1\n00:00:01,000 --> 00:00:02,000\nhello\n\n", "subtitle file"),
        "webvtt": ("WEBVTT\n\n00:01.000 --> 00:02.000\nhello\n", "subtitle file"),
        "ass": (
            "[Script Info]\nScriptType: v4.00+\n\n[Events]\nFormat: Layer, Start, End, Text\n",
            "subtitle file",
        ),
    }


def _write_playlists(folder: Path, secret: Path) -> list[Case]:
    """Each kind under three recording names (every name in turn); HLS and ffconcat also behind
    an ID3 tag, as an MP3 starts (ffmpeg skips the tag before it guesses the format)."""
    cases = []
    for k, (kind, (text, refused_as)) in enumerate(playlists(secret).items()):
        for n in range(3):
            name = NAMES[(3 * k + n) % len(NAMES)]
            path = folder / f"{kind}-{name}"
            path.write_text(text, encoding="utf-8", newline="")
            cases.append(Case(f"playlist/{kind}/{name}", path, "playlist", refused_as))
        if kind in ("hls_absolute", "ffconcat_relative"):
            tagged = folder / f"{kind}-tagged.mp3"
            tagged.write_bytes(b"ID3\x04\x00\x00\x00\x00\x00\x00" + text.encode())
            cases.append(Case(f"playlist/{kind}/id3-tagged.mp3", tagged, "playlist", refused_as))
    image = folder / "cover.wav"
    ffmpeg(
        *("-f", "lavfi", "-i", "testsrc=size=32x32:duration=0.1", "-frames:v", "1"),
        *("-f", "image2pipe", "-c:v", "png", str(image)),
    )
    cases.append(Case("playlist/png-image/cover.wav", image, "playlist", "an image"))
    return cases


def originals(folder: Path) -> dict[str, Path]:
    """The whole containers, one 4 s tone each (a video track in one of them)."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    for container, (name, options) in CONTAINERS.items():
        made[container] = tone(
            folder / name, frequency=500, seconds=SECONDS, sample_rate=16_000, channels=1, codec=options
        )
    clip = folder / "clip.mp4"
    ffmpeg(
        "-f",
        "lavfi",
        "-i",
        f"testsrc=size=32x32:rate=5:duration={SECONDS}",
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency=500:duration={SECONDS}:sample_rate=16000",
        "-c:v",
        "mpeg4",
        "-c:a",
        "aac",
        "-shortest",
        str(clip),
    )
    made["mp4_video"] = clip
    return made


def _cuts(folder: Path, whole: dict[str, Path]) -> list[Case]:
    cases = []
    for container, path in whole.items():
        data = path.read_bytes()
        for fraction in CUT_FRACTIONS:
            out = folder / f"cut-{fraction}-{path.name}"
            out.write_bytes(data[: max(1, int(len(data) * fraction))])
            cases.append(
                Case(f"cut/{container}/{fraction}", out, "cut", container=container, fraction=fraction)
            )
        for size in TINY_SIZES:
            out = folder / f"cut-{size}b-{path.name}"
            out.write_bytes(data[:size])
            cases.append(
                Case(f"cut/{container}/{size}b", out, "cut", container=container, fraction=size / len(data))
            )
    return cases


def _corrupt(folder: Path, whole: dict[str, Path], rng: random.Random) -> list[Case]:
    cases = []
    for container, path in whole.items():
        for flips in (1, 16, 256):
            data = bytearray(path.read_bytes())
            for _ in range(flips):
                data[rng.randrange(len(data))] = rng.randrange(256)
            out = folder / f"corrupt-{flips}-{path.name}"
            out.write_bytes(bytes(data))
            cases.append(Case(f"corrupt/{container}/{flips}", out, "corrupt", container=container))
    return cases


def _riff(fmt: bytes, data_size: int, samples: bytes) -> bytes:
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", data_size) + samples
    return b"RIFF" + struct.pack("<I", min(len(body), 0xFFFFFFFF)) + body


def _pcm_fmt(channels: int = 1, rate: int = 16_000, bits: int = 16) -> bytes:
    align = channels * bits // 8
    return struct.pack("<HHIIHH", 1, channels, rate, (rate * align) & 0xFFFFFFFF, align & 0xFFFF, bits)


def _headers(folder: Path, whole: dict[str, Path], rng: random.Random) -> list[Case]:
    second = bytes(rng.randrange(256) for _ in range(32_000))  # 1 s of 16 kHz 16-bit noise
    mp3 = whole["mp3"].read_bytes()
    ogg_page = b"OggS\x00\x02" + b"\x00" * 20 + b"\xff" + b"\xff" * 255
    made: dict[str, bytes] = {
        "wav-announces-18-hours.wav": _riff(_pcm_fmt(), 0x7FFFFFF0, second),
        "wav-65535-channels.wav": _riff(_pcm_fmt(channels=65535), len(second), second),
        "wav-rate-4-billion.wav": _riff(_pcm_fmt(rate=0xFFFFFFFF), len(second), second),
        "wav-rate-zero.wav": _riff(_pcm_fmt(rate=0), len(second), second),
        "wav-bits-zero.wav": _riff(_pcm_fmt(bits=0), len(second), second),
        "wav-size-unknown.wav": _riff(_pcm_fmt(), 0xFFFFFFFF, second),
        "wav-thousand-chunks.wav": b"RIFF\xff\xff\xff\xffWAVE" + b"junk\x00\x00\x00\x00" * 1000,
        "riff-only.wav": b"RIFF\xff\xff\xff\xffWAVE",
        "mp4-box-4gb.m4a": struct.pack(">I", 0xFFFFFFFF) + b"ftypM4A " + b"\x00" * 64,
        "mp4-box-64bit-huge.m4a": struct.pack(">I", 1) + b"moov" + struct.pack(">Q", 1 << 62) + b"\x00" * 64,
        "mp4-moov-loop.m4a": struct.pack(">I", 8) + b"moov" * 200,
        "ebml-huge.webm": b"\x1a\x45\xdf\xa3\x01\xff\xff\xff\xff\xff\xff\xff"
        + b"\x42\x82\x84webm"
        + b"\x00" * 64,
        "id3-huge.mp3": b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + mp3,
        "ogg-255-segments.ogg": ogg_page * 40,
        "oggs-repeated.ogg": b"OggS" * 4096,
        "flac-empty-streaminfo.flac": b"fLaC\x80\x00\x00\x22" + b"\x00" * 34,
        "mp3-sync-words.mp3": b"\xff\xfb\x90\x64" * 4096,
        "zeros-1mib.wav": b"\x00" * (1 << 20),
        "text-notes.wav": b"Agenda\n1. budget\n2. hiring\n",
        "html.mp3": b"<!doctype html><html><body>hi</body></html>\n",
        "shell-script.m4a": b"#!/bin/sh\ncat /etc/passwd\n",
        "json.ogg": b'{"file": "secret.flac"}\n',
        "empty.wav": b"",
    }
    for size in (1, 2, 7, 511, 4096, 65537):
        made[f"random-{size}.wav"] = bytes(rng.randrange(256) for _ in range(size))
    cases = []
    for name, data in made.items():
        path = folder / name
        path.write_bytes(data)
        cases.append(Case(f"header/{name}", path, "header"))
    return cases


def corpus(folder: Path, *, secret: Path, seed: int = 12) -> Corpus:
    """Write the corpus into ``folder`` (the secret's own folder: relative paths reach it)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    whole = originals(folder / "whole")
    cases = [Case(f"whole/{c}", p, "whole", container=c) for c, p in whole.items()]
    cases += _write_playlists(folder, secret)
    cases += _cuts(folder, whole)
    cases += _corrupt(folder, whole, rng)
    cases += _headers(folder, whole, rng)
    return Corpus(folder, secret, whole, cases)


_MP4_CONTAINERS = (b"moov", b"trak", b"mdia", b"minf", b"dinf")


def _alias_entry(path: bytes) -> bytes:
    """A QuickTime 'alis' data reference naming ``path`` (the record ffmpeg's mov_read_dref parses)."""
    name = path.rsplit(b"/", 1)[-1][:63]
    body = b"\0" * 10 + b"\0" + b"\0" * 27 + b"\0" * 12  # volume: none
    body += bytes([len(name)]) + name.ljust(63, b"\0") + b"\0" * 16
    body += struct.pack(">HH", 1, 1) + b"\0" * 16  # one level up from the alias, one down to the target
    body += struct.pack(">hH", 2, len(path)) + path + (b"\0" if len(path) % 2 else b"")  # absolute path
    body += struct.pack(">hH", -1, 0)
    return struct.pack(">I", 12 + len(body)) + b"alis" + b"\0\0\0\0" + body


def _rewrite_boxes(data: bytes, dref: bytes) -> bytes:
    out, at = b"", 0
    while at + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + size]
        if kind in _MP4_CONTAINERS:
            body = _rewrite_boxes(body, dref)
        elif kind == b"dref":
            body = b"\0\0\0\0" + struct.pack(">I", 1) + dref
        out += struct.pack(">I", 8 + len(body)) + kind + body
        at += size
    return out


def with_external_reference(src: Path, out: Path, *, target: Path) -> Path:
    """``src`` (an M4A whose index comes last) with its audio track pointing at ``target`` instead
    of at its own bytes: an MP4 "external data reference", which ffmpeg follows to a file beside
    the recording only when asked to with ``-enable_drefs 1``."""
    out.write_bytes(_rewrite_boxes(src.read_bytes(), _alias_entry(b"/elsewhere/" + target.name.encode())))
    return out
