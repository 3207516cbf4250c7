"""A transcript cut into passages for retrieval by meaning: windows of consecutive lines.

A passage holds whole lines, about :data:`TARGET_WORDS` words (a line longer than that is a
passage of its own), and the next passage starts one line before this one ends, so an answer
said across the boundary is whole in one of them. Each keeps the range of line indexes it spans,
which is what an answer's citations point into. Pure: utterances in, passages out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from minutes.types import Utterance

TARGET_WORDS = 90
"""Words per passage: between the 60 and 120 a sentence encoder reads well (it cuts at 256 pieces)."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Lines ``first``..``last`` (utterance indexes, both included) and their text, one line each."""

    first: int
    last: int
    text: str


def chunk_lines(
    utterances: Sequence[Utterance], *, names: dict[str, str] | None = None, target: int = TARGET_WORDS
) -> list[Chunk]:
    """Passages of about ``target`` words over the lines in order; each line as "speaker: text"."""
    names = names or {}
    lines = [u for u in sorted(utterances, key=lambda u: u.index) if u.text.strip()]
    chunks: list[Chunk] = []
    i = 0
    while i < len(lines):
        j, words = i, 0
        while j < len(lines) and (words == 0 or words + len(lines[j].text.split()) <= target):
            words += len(lines[j].text.split())
            j += 1
        window = lines[i:j]
        text = "\n".join(f"{names.get(u.speaker) or u.speaker}: {u.text.strip()}" for u in window)
        chunks.append(Chunk(window[0].index, window[-1].index, text))
        if j >= len(lines):
            break
        i = j - 1 if j - 1 > i else j  # overlap by one line, but always move on
    return chunks
