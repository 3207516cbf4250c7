"""Times for lines a file gives none: estimated from their words, at an even speaking rate.

A line without a start begins where the line before it ended (the first at 0:00); a line without
an end lasts one :data:`SECONDS_PER_WORD` per word (whitespace-separated, at least one), cut short
where the file's next known start comes first. Lines the file times keep their times.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from minutes.importing._model import Line

WORDS_PER_MINUTE = 150
"""The speaking rate estimated times assume: a common figure for conversational English."""

SECONDS_PER_WORD = 60.0 / WORDS_PER_MINUTE


def spoken_seconds(text: str) -> float:
    """How long saying ``text`` takes at :data:`WORDS_PER_MINUTE` (one word at least)."""
    return max(1, len(text.split())) * SECONDS_PER_WORD


def _next_starts(lines: Sequence[Line]) -> list[float | None]:
    """For each line, the first known start of a line after it (``None``: no later line has one)."""
    found: list[float | None] = [None] * len(lines)
    upcoming: float | None = None
    for i in range(len(lines) - 1, -1, -1):
        found[i] = upcoming
        if lines[i].start is not None:
            upcoming = lines[i].start
    return found


def spans(lines: Sequence[Line]) -> tuple[list[tuple[float, float]], int]:
    """(start, end) of every line, in order, and how many lines had a time estimated."""
    out: list[tuple[float, float]] = []
    cursor = 0.0
    estimated = 0
    for line, upcoming in zip(lines, _next_starts(lines), strict=True):
        start = line.start if line.start is not None else cursor
        if line.end is not None:
            end = line.end
        else:
            end = start + spoken_seconds(line.text)
            if upcoming is not None and start < upcoming < end:
                end = upcoming
        if line.start is None or line.end is None:
            estimated += 1
            start, end = round(start, 3), round(end, 3)
        out.append((start, end))
        cursor = max(cursor, end)
    return out, estimated


_CLOCK = re.compile(r"(?:(?P<h>\d{1,3}):)?(?P<m>\d{1,2}):(?P<s>\d{1,2})(?:[.,](?P<f>\d{1,3}))?")


def parse_clock(value: str) -> float | None:
    """Seconds of a clock time as transcripts write it (``01:02:03,500``, ``1:02:03.5``, ``02:03``),
    or ``None`` when ``value`` is no such time (minutes or seconds past 59 included)."""
    found = _CLOCK.fullmatch(value.strip())
    if found is None:
        return None
    minutes, secs = int(found["m"]), int(found["s"])
    if minutes > 59 or secs > 59:
        return None
    fraction: str = found["f"] or "0"
    hours = int(found["h"] or 0)
    return float(hours * 3600 + minutes * 60 + secs) + int(fraction) / 10.0 ** len(fraction)
