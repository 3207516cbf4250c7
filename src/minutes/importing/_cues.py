"""What SRT and WebVTT share: blocks of lines, timing lines, and a cue's text → one utterance."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from minutes.controls import one_line
from minutes.errors import InputError
from minutes.importing._model import Line
from minutes.importing.prefixes import split_speaker
from minutes.importing.timing import parse_clock

_ARROW = re.compile(r"^\s*(?P<a>\S+?)\s*-->\s*(?P<b>\S+)(?:\s.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+(?P<name>[^>]+)>")
_TAG = re.compile(r"</?[A-Za-z0-9.:_-][^<>]*>|<\d[\d:.]*>")  # <i>, </v>, <c.yellow>, <00:00:01.000>
_ASS = re.compile(r"\{\\[^{}]*\}")  # {\an8}: a position override some SRT files carry


@dataclass(frozen=True, slots=True)
class Cue:
    start: float
    end: float
    text: str  # the cue's lines joined by newlines, tags and all
    where: str


def blocks(text: str) -> Iterator[tuple[int, list[str]]]:
    """(number of its first line, its lines) of each run of non-blank lines."""
    block: list[str] = []
    first = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not block:
                first = number
            block.append(line.rstrip())
        elif block:
            yield first, block
            block = []
    if block:
        yield first, block


def timing(line: str, where: str, example: str) -> tuple[float, float]:
    """The (start, end) of a timing line, or :class:`InputError` showing the line and the form."""
    found = _ARROW.match(line)
    start = parse_clock(found["a"]) if found else None
    end = parse_clock(found["b"]) if found else None
    if start is None or end is None:
        raise InputError(
            f"{where} has a broken timing line '{one_line(line.strip()[:80])}'; write it as {example}"
        )
    return start, end


def is_timing(line: str) -> bool:
    return "-->" in line


def cue_lines(cues: Iterable[Cue]) -> tuple[Line, ...]:
    """One utterance per cue with text, its speaker from ``<v Name>`` or the text's prefix
    (``Name:``, ``[Name]``, ``>> Name:``), else the speaker of the cue before."""
    lines: list[Line] = []
    speaker: str | None = None
    for cue in cues:
        voice = _VOICE.search(cue.text)
        body = " ".join(html.unescape(_ASS.sub("", _TAG.sub("", " ".join(cue.text.split("\n"))))).split())
        if voice is not None:
            name: str | None = " ".join(html.unescape(voice["name"]).split()) or None
        else:
            name, body = split_speaker(body)
        speaker = name or speaker
        if body:
            lines.append(Line(body, speaker=speaker, start=cue.start, end=cue.end, where=cue.where))
    return tuple(lines)
