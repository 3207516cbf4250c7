"""Who speaks a line, from how transcripts write it: ``Name: text``, ``[Name] text``, ``>> Name: text``.

A name is at most :data:`MAX_NAME_WORDS` words with a letter in it and no sentence punctuation
(``?``, ``!``, ``;``, quotes) and no colon: the first colon followed by a space (or ending the
line) ends it, so a colon later in the text ("at 10:30: ready") stays text. A bracketed sound
("[Music]", "[laughter]") is text, not a speaker.
"""

from __future__ import annotations

import re

MAX_NAME_WORDS = 5
MAX_NAME_CHARS = 80

_COLON = re.compile(r"^(?P<name>[^:\[\]<>]+?)\s*:(?:\s+|$)(?P<text>.*)$", re.S)
_BRACKET = re.compile(r"^\[(?P<name>[^\[\]]+)\]\s*:?(?:\s+|$)(?P<text>.*)$", re.S)
_LEAD = re.compile(r"^(?:>>+|-|–|—)\s*")
_NOT_A_NAME = re.compile(r"[?!;\"“”„«»]|^(?:https?|www\.)", re.I)

SOUNDS = frozenset(
    {
        "applause", "background noise", "beep", "blank_audio", "coughs", "coughing", "crosstalk",
        "inaudible", "laughs", "laughter", "music", "noise", "pause", "silence", "sighs", "unintelligible",
    }
)  # fmt: skip
"""Bracketed words that describe a sound, not who speaks."""


def plausible_name(name: str) -> bool:
    """Whether ``name`` can be a speaker's name (see the module docstring)."""
    words = name.split()
    return (
        0 < len(words) <= MAX_NAME_WORDS
        and len(name) <= MAX_NAME_CHARS
        and any(c.isalpha() for c in name)
        and not _NOT_A_NAME.search(name)
    )


def split_colon(line: str) -> tuple[str | None, str]:
    """``("Name", "text")`` for ``Name: text``; ``(None, line)`` when the line names nobody."""
    found = _COLON.match(line)
    if found is None or not plausible_name(found["name"]):
        return None, line
    return found["name"].strip(), found["text"].strip()


def split_speaker(line: str) -> tuple[str | None, str]:
    """The speaker a subtitle's text starts with, in any of the usual ways, and the rest of it."""
    bare = _LEAD.sub("", line.strip(), count=1)
    bracket = _BRACKET.match(bare)
    if bracket is not None:
        name = bracket["name"].strip()
        if name.casefold() not in SOUNDS and plausible_name(name):
            return name, bracket["text"].strip()
        return None, line.strip()
    name, text = split_colon(bare)
    return (name, text) if name is not None else (None, line.strip())
