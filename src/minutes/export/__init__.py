"""Export a :class:`~minutes.types.MeetingDoc` as JSON, Markdown, text, SRT, WebVTT or RTTM.

Formatting is pure (``to_<format>(doc) -> str``); :func:`write` is the one function that touches
the file system, and it replaces the target atomically. :func:`clock` and :func:`talk_times` are
the helpers the web pages share with the exports, so a page and a file show the same numbers.

What :func:`render` returns (every file written, download and printed export) holds no control
character but newlines and tabs: one in the stored text is written ``\\u001b``
(:func:`minutes.controls.visible`), since ``cat`` would let a terminal obey it. That is JSON's
own escape, so a JSON export is still the same document.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

from minutes.controls import visible
from minutes.errors import ConfigError
from minutes.export._common import clock, file_stem, slugify
from minutes.export._json import SCHEMA, from_dict, from_json, to_dict, to_json
from minutes.export._markdown import md_escape, talk_times, to_markdown
from minutes.export._plain import to_rttm, to_txt
from minutes.export._subtitles import Cue, cues, to_srt, to_vtt
from minutes.types import MeetingDoc

FORMATS = ("json", "md", "txt", "srt", "vtt", "rttm")

_RENDERERS: dict[str, Callable[[MeetingDoc], str]] = {
    "json": to_json,
    "md": to_markdown,
    "txt": to_txt,
    "srt": to_srt,
    "vtt": to_vtt,
    "rttm": to_rttm,
}


_USE_WORDS = frozenset({"json", "srt", "vtt"})
"""Formats that read word timings: JSON writes them out, subtitles cut long lines at them."""


def needs_words(fmt: str) -> bool:
    """Whether format ``fmt`` reads the utterances' word timings.

    The others render the same text from a document loaded without them, so a caller can skip
    loading them (``load_meeting(..., words=False)``), which is most of the cost for a long meeting.
    """
    return _check_format(fmt) in _USE_WORDS


def needs_turns(fmt: str) -> bool:
    """Whether format ``fmt`` reads the diarization's speaker turns (``load_meeting(..., turns=True)``)."""
    return _check_format(fmt) == "rttm"


def _check_format(fmt: str) -> str:
    name = fmt.strip().lower() if isinstance(fmt, str) else fmt
    if name not in _RENDERERS:
        raise ConfigError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    return name


def render(doc: MeetingDoc, fmt: str, *, sections: Sequence[str] = ()) -> str:
    """The meeting in format ``fmt`` (one of :data:`FORMATS`, case-insensitive), control
    characters in its text made visible (see the module docstring). ``sections`` are further
    Markdown blocks for the ``md`` format (the series' "Since last time"); other formats ignore them.

    Raises :class:`~minutes.errors.ConfigError` naming the bad format and the valid ones.
    """
    name = _check_format(fmt)
    if name == "md" and sections:
        return visible(to_markdown(doc, sections=sections))
    return visible(_RENDERERS[name](doc))


def default_filename(doc: MeetingDoc, fmt: str) -> str:
    """A safe file name such as ``meeting-12-weekly-sync.md`` (ASCII, no separators, any title)."""
    return f"{file_stem(doc)}.{_check_format(fmt)}"


def _atomic_write_text(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    while True:
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            # os.open with 0o666 lets the umask decide permissions, as for a normally created file.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write(doc: MeetingDoc, fmt: str, path: str | os.PathLike[str], *, sections: Sequence[str] = ()) -> Path:
    """Render ``doc`` as ``fmt`` and write it to ``path`` atomically; returns the file written.

    When ``path`` is an existing directory the file goes inside it under :func:`default_filename`.
    The text is rendered before anything is written, and written to a temporary file next to the
    target that then replaces it, so a failure leaves any existing file untouched and no partial file.
    """
    name = _check_format(fmt)
    target = Path(path)
    if target.is_dir():
        target = target / default_filename(doc, name)
    _atomic_write_text(target, render(doc, name, sections=sections))
    return target


__all__ = [
    "FORMATS",
    "SCHEMA",
    "Cue",
    "clock",
    "cues",
    "default_filename",
    "from_dict",
    "from_json",
    "md_escape",
    "needs_turns",
    "needs_words",
    "render",
    "slugify",
    "talk_times",
    "to_dict",
    "to_json",
    "to_markdown",
    "to_rttm",
    "to_srt",
    "to_txt",
    "to_vtt",
    "write",
]
