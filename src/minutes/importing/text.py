"""Plain text: one ``Speaker: text`` utterance per line, in order.

A line may start with a time (``[00:01:23]``, ``(1:23)``, ``00:01:23.5 -``), which becomes its
start; the rest are estimated (:mod:`minutes.importing.timing`). Blank lines are skipped. A line
that names no speaker (see :mod:`minutes.importing.prefixes`) is one more utterance of the speaker
before it; the first line must name one.
"""

from __future__ import annotations

import re

from minutes.controls import one_line
from minutes.errors import InputError
from minutes.importing._model import Line, Parsed
from minutes.importing.prefixes import split_colon
from minutes.importing.timing import parse_clock

FORMAT = "text"

_STAMP = re.compile(
    r"^[\[(]?(?P<t>(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])]?(?:\s+[-–—|]?\s*|\s*[-–—|]\s*)"
)


def speaker_lines(text: str, *, limit: int) -> int:
    """How many of the first ``limit`` non-blank lines name a speaker (for format detection)."""
    found = seen = 0
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        seen += 1
        found += split_colon(_unstamped(line)[1])[0] is not None
        if seen >= limit:
            break
    return found


def _unstamped(line: str) -> tuple[float | None, str]:
    stamp = _STAMP.match(line)
    if stamp is not None:
        start = parse_clock(stamp["t"])
        if start is not None:
            return start, line[stamp.end() :]
    return None, line


def read(text: str) -> Parsed:
    """The utterances of a plain-text transcript."""
    lines: list[Line] = []
    speaker: str | None = None
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line:
            continue
        start, rest = _unstamped(line)
        name, said = split_colon(rest)
        if name is None:
            if speaker is None:
                raise InputError(
                    f"line {number} names no speaker ('{one_line(line[:60])}'); start each line "
                    "with the speaker's name and a colon ('Alice: text')"
                )
            said = rest
        else:
            speaker = name
        said = " ".join(said.split())
        if said:
            lines.append(Line(said, speaker=speaker, start=start, where=f"line {number}"))
    return Parsed(format=FORMAT, lines=tuple(lines))
