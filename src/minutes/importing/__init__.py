"""Transcripts made elsewhere, read into meetings: pure functions from a file's bytes to plain data.

:func:`parse` takes a file's bytes and name and gives an :class:`ImportedMeeting` (utterances in
file order with speaker labels, names and times; title, date, language and minutes where the file
holds them), or an :class:`~minutes.errors.InputError` naming the file, the problem and the fix.
Nothing here touches a file or a database: :mod:`minutes.pipeline.importer` reads the file and
stores the meeting.

One module per format (:data:`FORMATS`): :mod:`~minutes.importing.minutes_json` (this project's
export: the round trip), :mod:`~minutes.importing.whisperx`, :mod:`~minutes.importing.turns`
(a JSON list of speaker turns, QMSum's included), :mod:`~minutes.importing.srt`,
:mod:`~minutes.importing.vtt`, :mod:`~minutes.importing.text`; :mod:`~minutes.importing.detect`
tells them apart by content, :mod:`~minutes.importing.build` turns what they read into labelled,
timed utterances, :mod:`~minutes.importing.timing` estimates times a file lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from minutes.errors import ConfigError, InputError
from minutes.importing import minutes_json, srt, text, turns, vtt, whisperx
from minutes.importing._model import ImportedMeeting, Line, Parsed
from minutes.importing.build import build, language_code
from minutes.importing.decode import decode, load_json
from minutes.importing.detect import FORMATS, JSON_FORMATS, sniff
from minutes.importing.timing import WORDS_PER_MINUTE

READERS: dict[str, Callable[[Any], Parsed]] = {
    minutes_json.FORMAT: minutes_json.read,
    whisperx.FORMAT: whisperx.read,
    turns.FORMAT: turns.read,
    srt.FORMAT: srt.read,
    vtt.FORMAT: vtt.read,
    text.FORMAT: text.read,
}


def read(data: bytes, *, name: str, fmt: str | None = None) -> Parsed:
    """What the file holds, in the format ``fmt`` (``None``: found from the content)."""
    if fmt is not None and fmt not in READERS:
        raise ConfigError(f"unknown transcript format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    content = decode(data)
    if fmt is None:
        fmt, loaded = sniff(content, name=name)
    else:
        loaded = load_json(content) if fmt in JSON_FORMATS else None
    return READERS[fmt](loaded if fmt in JSON_FORMATS else content)


def parse(data: bytes, *, name: str, fmt: str | None = None) -> ImportedMeeting:
    """The meeting in a transcript file's bytes (``name``: its file name, for detection and errors).

    Raises :class:`~minutes.errors.InputError` ("NAME: problem; fix") for an empty file, bytes that
    are no UTF-8 text, malformed JSON, a broken timing line, a line naming no speaker, a control
    character, or content in no known format; :class:`~minutes.errors.ConfigError` for an unknown
    ``fmt``.
    """
    try:
        return build(read(data, name=name, fmt=fmt))
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None


__all__ = [
    "FORMATS",
    "READERS",
    "WORDS_PER_MINUTE",
    "ImportedMeeting",
    "Line",
    "Parsed",
    "build",
    "language_code",
    "parse",
    "read",
]
