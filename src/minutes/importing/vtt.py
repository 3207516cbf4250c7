"""WebVTT (``.vtt``): a ``WEBVTT`` header, then cues (an optional identifier, a timing line
``00:01.000 --> 00:04.000`` with optional settings, the text); ``NOTE``, ``STYLE`` and ``REGION``
blocks are skipped. One utterance per cue, its speaker from a voice tag (``<v Alice>``, as Teams
writes it) or the text (``Alice: text``, as Zoom writes it), else the speaker of the cue before."""

from __future__ import annotations

from minutes.controls import one_line
from minutes.errors import InputError
from minutes.importing._cues import Cue, blocks, cue_lines, is_timing, timing
from minutes.importing._model import Parsed

FORMAT = "vtt"
EXAMPLE = "'00:00:01.000 --> 00:00:04.000' (hours optional, a dot before the milliseconds)"
_SKIPPED = ("NOTE", "STYLE", "REGION")


def read(text: str) -> Parsed:
    """The utterances of a WebVTT file; a cue without a valid timing line is an error naming it."""
    cues: list[Cue] = []
    for first, block in blocks(text):
        head = block[0].strip()
        if head.startswith("WEBVTT") or head.split(" ", 1)[0] in _SKIPPED:
            continue
        at = next((i for i, line in enumerate(block[:2]) if is_timing(line)), None)
        if at is None:
            raise InputError(
                f"line {first} ('{one_line(head[:60])}') starts no cue: a cue is an optional name, a "
                f"timing line such as {EXAMPLE} and its text; fix or remove it"
            )
        where = f"cue {len(cues) + 1} (line {first + at})"
        start, end = timing(block[at], where, EXAMPLE)
        cues.append(Cue(start, end, "\n".join(block[at + 1 :]), where))
    return Parsed(format=FORMAT, lines=cue_lines(cues))
