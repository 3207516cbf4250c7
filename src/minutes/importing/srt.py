"""SubRip (``.srt``): numbered cues, each a timing line ``00:00:01,000 --> 00:00:04,000`` and its
text; one utterance per cue, its speaker from the text (``Name: text``, ``[Name] text``), else the
speaker of the cue before."""

from __future__ import annotations

from minutes.controls import one_line
from minutes.errors import InputError
from minutes.importing._cues import Cue, blocks, cue_lines, is_timing, timing
from minutes.importing._model import Parsed

FORMAT = "srt"
EXAMPLE = "'00:00:01,000 --> 00:00:04,000' (hours:minutes:seconds,milliseconds)"


def read(text: str) -> Parsed:
    """The utterances of an SRT file; a cue without a valid timing line is an error naming it."""
    cues: list[Cue] = []
    for first, block in blocks(text):
        at = next((i for i, line in enumerate(block[:2]) if is_timing(line)), None)
        if at is None:
            if block[0].strip().isdigit() or not cues:
                raise InputError(
                    f"line {first} ('{one_line(block[0].strip()[:60])}') starts no subtitle cue: a cue is "
                    f"its number, a timing line such as {EXAMPLE} and its text; fix or remove it"
                )
            # Text after a blank line inside a cue: some editors write those; it belongs to the cue.
            last = cues[-1]
            cues[-1] = Cue(last.start, last.end, "\n".join([last.text, *block]), last.where)
            continue
        number = block[0].strip() if at == 1 else str(len(cues) + 1)
        where = f"cue {number} (line {first + at})"
        start, end = timing(block[at], where, EXAMPLE)
        cues.append(Cue(start, end, "\n".join(block[at + 1 :]), where))
    return Parsed(format=FORMAT, lines=cue_lines(cues))
