"""Which format a transcript file is in: from its content first, its name's ending second.

``WEBVTT`` at the top is WebVTT; text that parses as JSON is this project's export (its
``schema``), WhisperX (``segments``) or a list of speaker turns; a timing line (``-->``) among the
first lines is SRT (WebVTT for a ``.vtt`` name); a ``.srt``, ``.vtt`` or ``.json`` name that the
content does not bear out is read as that format anyway, so its error says what is wrong; lines
that start with ``Name:`` are plain text. Anything else is an error listing the formats.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from minutes.errors import InputError
from minutes.importing import minutes_json, srt, text, turns, vtt, whisperx
from minutes.importing.decode import load_json, refuse_nul

FORMATS = (minutes_json.FORMAT, whisperx.FORMAT, turns.FORMAT, srt.FORMAT, vtt.FORMAT, text.FORMAT)
"""Every format :func:`minutes.importing.parse` reads, by the names ``--format`` takes."""

JSON_FORMATS = frozenset({minutes_json.FORMAT, whisperx.FORMAT, turns.FORMAT})

DESCRIBED = (
    "this project's JSON export, WhisperX JSON, a JSON list of speaker turns, SRT, WebVTT, "
    "or plain text with one 'Speaker: text' line per utterance"
)

_HEAD_LINES = 3  # a subtitle file's first cue has its timing line among its first lines
_TEXT_LINES = 50  # plain text: how many lines are looked at for a 'Name:' start


def json_format(data: Any) -> str:
    """The format of a JSON transcript (``json.loads``'s value), or :class:`InputError`."""
    if minutes_json.is_export(data):
        return minutes_json.FORMAT
    if isinstance(data, dict) and isinstance(data.get("segments"), list):
        return whisperx.FORMAT
    if turns.turn_list(data) is not None:
        return turns.FORMAT
    raise InputError(
        "it is JSON, but no transcript this command reads: expected this project's export "
        '("schema": "minutes.meeting/1"), WhisperX output ("segments") or a list of '
        '{"speaker": ..., "text": ...} objects'
    )


def _subtitles(content: str) -> bool:
    head = [line for line in content.split("\n", 50) if line.strip()][:_HEAD_LINES]
    return any("-->" in line for line in head)


def sniff(content: str, *, name: str) -> tuple[str, Any]:
    """The format of ``content`` (a file called ``name``) and, for a JSON format, its JSON value."""
    head = content.lstrip()
    suffix = PurePath(name).suffix.lower()
    if head.startswith("WEBVTT"):
        return vtt.FORMAT, None
    if head[:1] in "{[" or suffix == ".json":
        try:
            data = json.loads(content)
        except (ValueError, RecursionError):
            if head[:1] == "{" or suffix == ".json":
                load_json(content)  # raises, saying where the JSON is malformed
        else:
            return json_format(refuse_nul(data)), data
    if _subtitles(content):
        return (vtt.FORMAT if suffix == ".vtt" else srt.FORMAT), None
    if suffix in (".srt", ".vtt"):
        return suffix[1:], None
    if text.speaker_lines(content, limit=_TEXT_LINES):
        return text.FORMAT, None
    raise InputError(f"no transcript format recognised; give {DESCRIBED} (or say which with --format)")
