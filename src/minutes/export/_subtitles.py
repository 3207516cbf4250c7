"""SRT and WebVTT subtitles: utterances cut into short, readable cues.

A cue lasts at most :data:`MAX_CUE_SECONDS` and holds at most :data:`MAX_LINES` lines of
:data:`MAX_LINE_CHARS` characters, counting the ``Name: `` prefix on the first line. Cuts follow the
recogniser's word timings; an utterance without words is cut by text and its time span shared out
in proportion to the characters (an estimate). Both formats use the same cues.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from minutes.export._common import clock_ms, in_time_order, squash
from minutes.types import MeetingDoc, Utterance, Word

MAX_CUE_SECONDS = 7.0
MAX_LINE_CHARS = 42
MAX_LINES = 2
_CLAUSE_END = (".", "?", "!", ",", ";", ":", "…", "。", "？", "！", "，", "、")


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle: who speaks, when, and the wrapped lines (without the speaker prefix)."""

    start: float
    end: float
    speaker: str
    lines: tuple[str, ...]


def wrap(text: str, first_width: int, width: int = MAX_LINE_CHARS) -> list[str]:
    """Greedy word wrap; a word longer than a line is cut (scripts without spaces have such words)."""
    lines: list[str] = []
    current = ""
    for token in text.split():
        while True:
            limit = first_width if not lines else width
            joined = f"{current} {token}" if current else token
            if len(joined) <= limit:
                current = joined
                break
            if current:
                lines.append(current)
                current = ""
                continue
            lines.append(token[:limit])
            token = token[limit:]
            if not token:
                break
    if current:
        lines.append(current)
    return lines


def _join(words: Sequence[Word], *, concat: bool) -> str:
    # faster-whisper words carry their own leading space (and none inside CJK text), so joining
    # them as-is is right for every script; other producers give bare words that need spaces.
    return squash("".join(w.text for w in words) if concat else " ".join(w.text for w in words))


def _glued_by_text(u: Utterance, words: Sequence[Word]) -> bool:
    """Whether ``words`` join without added spaces: whatever reproduces the utterance text wins."""
    if not words:
        return True
    text = squash(u.text)
    if text == _join(words, concat=True):
        return True
    if text == _join(words, concat=False):
        return False
    return any(w.text[:1].isspace() for w in words[1:])


def _pseudo_words(u: Utterance, width: int) -> list[Word]:
    """Chunks of the utterance text with times spread over its span by character count."""
    pieces: list[str] = []
    for token in re.findall(r"\s*\S+", squash(u.text)):
        bare = token.lstrip()
        lead = token[: len(token) - len(bare)]
        chunks = [bare[i : i + width] for i in range(0, len(bare), width)]
        pieces.extend([lead + chunks[0], *chunks[1:]])
    total = sum(len(p) for p in pieces) or 1
    span = max(u.end - u.start, 0.0)
    words, offset = [], 0
    for p in pieces:
        start = u.start + span * offset / total
        offset += len(p)
        words.append(Word(start=start, end=u.start + span * offset / total, text=p))
    return words


def _break_at_clause(words: Sequence[Word], i: int, j: int) -> int:
    """Move a cut at ``j`` back to just after a clause end in the second half of ``words[i:j]``."""
    for k in range(j - 1, i + (j - i + 1) // 2 - 1, -1):
        if k > i and words[k - 1].text.rstrip().endswith(_CLAUSE_END):
            return k
    return j


def _chunk(words: Sequence[Word], fits: Callable[[Sequence[Word]], bool]) -> list[Sequence[Word]]:
    chunks: list[Sequence[Word]] = []
    i = 0
    while i < len(words):
        j = i + 1
        while j < len(words) and fits(words[i : j + 1]):
            j += 1
        if j < len(words):
            j = _break_at_clause(words, i, j)
        chunks.append(words[i:j])
        i = j
    return chunks


def utterance_cues(u: Utterance, speaker: str) -> list[Cue]:
    """Cut one utterance into cues shown as ``speaker: text``."""
    name = squash(speaker)
    first_width = max(MAX_LINE_CHARS - len(name) - 2, MAX_LINE_CHARS // 2)
    real = [w for w in u.words if w.text.strip()]
    concat = _glued_by_text(u, real)
    words = real or _pseudo_words(u, MAX_LINE_CHARS // 2)

    def fits(chunk: Sequence[Word]) -> bool:
        too_long = chunk[-1].end - chunk[0].start > MAX_CUE_SECONDS
        return not too_long and len(wrap(_join(chunk, concat=concat), first_width)) <= MAX_LINES

    cues = []
    for chunk in _chunk(words, fits):
        start = chunk[0].start
        end = max(start, *(w.end for w in chunk))
        lines = tuple(wrap(_join(chunk, concat=concat), first_width))
        if lines:
            cues.append(Cue(start=start, end=end, speaker=name, lines=lines))
    return cues


def cues(doc: MeetingDoc) -> list[Cue]:
    """Every cue of the meeting, in time order."""
    out = [c for u in in_time_order(doc) for c in utterance_cues(u, doc.speaker_name(u.speaker))]
    return sorted(out, key=lambda c: c.start)


def to_srt(doc: MeetingDoc) -> str:
    """SubRip subtitles (``Name: text``); an empty meeting gives an empty file."""
    blocks = []
    for n, c in enumerate(cues(doc), start=1):
        lines = [f"{c.speaker}: {c.lines[0]}", *c.lines[1:]]
        text = "\n".join(line.replace("-->", "->") for line in lines)
        blocks.append(f"{n}\n{clock_ms(c.start, ',')} --> {clock_ms(c.end, ',')}\n{text}\n")
    return "\n".join(blocks)


def vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(doc: MeetingDoc) -> str:
    """WebVTT subtitles with voice tags (``<v Name>text``); an empty meeting gives just the header."""
    blocks = ["WEBVTT\n"]
    for n, c in enumerate(cues(doc), start=1):
        lines = [f"<v {vtt_escape(c.speaker)}>{vtt_escape(c.lines[0])}", *map(vtt_escape, c.lines[1:])]
        text = "\n".join(lines)
        blocks.append(f"{n}\n{clock_ms(c.start, '.')} --> {clock_ms(c.end, '.')}\n{text}\n")
    return "\n".join(blocks)


__all__ = ["MAX_CUE_SECONDS", "MAX_LINES", "MAX_LINE_CHARS", "Cue", "cues", "to_srt", "to_vtt"]
