"""Speaking analytics of one meeting, from its attributed lines: who talked, how much, how.

Pure functions over :class:`~minutes.types.Utterance` lines. A **turn** is a speaker's run of
consecutive lines (in time order) until someone else speaks. A turn is an **interruption** when
it starts while another speaker's turn is still going (by more than :data:`OVERLAP_TOLERANCE`, so
a quick hand-over is not one). **Words per minute** divide a speaker's words by the time their
lines span; the **longest monologue** is their longest turn; **questions** are the sentences they
end with a question mark. Talk time is the diarization's (overlaps counted for each speaker) when
stored, else the lines' durations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from minutes.types import Speaker, Utterance

OVERLAP_TOLERANCE = 0.3
"""Seconds another turn may still run when a new one starts without it counting as an interruption."""

_QUESTION = re.compile(r"\?+")


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class SpeakerStats:
    """How one speaker of a meeting spoke (seconds, counts; ``share`` of all talk time, 0..1)."""

    label: str
    name: str
    talk_time: float
    share: float
    turns: int
    interruptions: int
    words: int
    words_per_minute: float
    longest_monologue: float
    questions: int


def turns(utterances: Sequence[Utterance]) -> list[Turn]:
    """Consecutive lines of one speaker (in time order) joined into turns."""
    out: list[Turn] = []
    for u in sorted(utterances, key=lambda u: (u.start, u.index)):
        if out and out[-1].speaker == u.speaker:
            last = out[-1]
            out[-1] = Turn(last.speaker, last.start, max(last.end, u.end))
        else:
            out.append(Turn(u.speaker, u.start, u.end))
    return out


def interruptions(all_turns: Sequence[Turn]) -> dict[str, int]:
    """Per speaker: how many of their turns started while someone else's was still going."""
    counts: dict[str, int] = {}
    running: dict[str, float] = {}  # speaker → when their latest turn ends
    for t in sorted(all_turns, key=lambda t: t.start):
        if any(end - t.start > OVERLAP_TOLERANCE for who, end in running.items() if who != t.speaker):
            counts[t.speaker] = counts.get(t.speaker, 0) + 1
        running[t.speaker] = max(running.get(t.speaker, 0.0), t.end)
    return counts


def meeting_stats(
    utterances: Sequence[Utterance], speakers: Sequence[Speaker] = ()
) -> tuple[SpeakerStats, ...]:
    """Each speaker's figures, most talkative first (speakers with no line and no talk time left out)."""
    names = {s.label: s.display_name for s in speakers}
    stored = {s.label: s.talk_time for s in speakers if s.talk_time > 0}
    all_turns = turns(utterances)
    interrupted = interruptions(all_turns)
    labels = list(dict.fromkeys([s.label for s in speakers] + [u.speaker for u in utterances]))
    spoken: dict[str, float] = dict.fromkeys(labels, 0.0)
    words: dict[str, int] = dict.fromkeys(labels, 0)
    questions: dict[str, int] = dict.fromkeys(labels, 0)
    for u in utterances:
        spoken[u.speaker] += max(u.end - u.start, 0.0)
        words[u.speaker] += len(u.text.split())
        questions[u.speaker] += len(_QUESTION.findall(u.text))
    talk = {label: stored.get(label, spoken[label]) if stored else spoken[label] for label in labels}
    total = sum(talk.values()) or 1.0
    out = [
        SpeakerStats(
            label=label,
            name=names.get(label, label),
            talk_time=round(talk[label], 2),
            share=round(talk[label] / total, 4),
            turns=sum(1 for t in all_turns if t.speaker == label),
            interruptions=interrupted.get(label, 0),
            words=words[label],
            words_per_minute=round(words[label] / (spoken[label] / 60.0), 1) if spoken[label] > 0 else 0.0,
            longest_monologue=round(
                max((t.end - t.start for t in all_turns if t.speaker == label), default=0.0), 2
            ),
            questions=questions[label],
        )
        for label in labels
        if talk[label] > 0 or words[label]
    ]
    return tuple(sorted(out, key=lambda s: (-s.talk_time, s.label)))
