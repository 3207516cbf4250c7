"""Voiceprints: a person's voice as one unit vector, and a meeting's speakers matched against them.

Pure functions over the speaker embeddings diarization stores (CAM++, one per speaker of a
meeting). A person's print is the mean of the unit embeddings of the speakers they were named as
with ``--remember-voice`` (more meetings, steadier print), made unit again. A speaker is matched
by cosine similarity:

- at or above :data:`AUTO`, and clear of every other person by :data:`MARGIN`: named
  automatically (``name_source`` ``"voice"``);
- at or above :data:`SUGGEST`: offered as a suggestion ("maybe Priya, 0.62") to confirm or reject;
- below: stays anonymous.

Each person names at most one speaker of a meeting (the best match), and each speaker gets at
most one name or suggestion. A pair someone rejected is never offered again. The thresholds were chosen
on real AMI recordings (``bench/voices.py``, ``docs/voices.md``): a wrong name is worse than none.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

AUTO = 0.65
"""Cosine similarity from which a speaker is named without asking."""
SUGGEST = 0.5
"""Cosine similarity from which a speaker is offered as a suggestion."""
MARGIN = 0.1
"""How far the best person must be ahead of the next for an automatic name."""
MIN_SPEECH = 8.0
"""Seconds a speaker must talk for an automatic name: a shorter speaker's embedding is too noisy."""


@dataclass(frozen=True, slots=True)
class Voiceprint:
    """An enrolled person's voice: the unit mean of ``samples`` speaker embeddings."""

    person_id: int
    name: str
    vector: tuple[float, ...]
    samples: int


@dataclass(frozen=True, slots=True)
class VoiceMatch:
    """A speaker of a meeting and the person whose voice it matches, named (``confident``) or suggested."""

    label: str
    person_id: int
    name: str
    score: float
    confident: bool


def unit(vector: Sequence[float]) -> tuple[float, ...] | None:
    """``vector`` scaled to length 1; None for a zero, empty or non-finite vector."""
    if not vector or not all(math.isfinite(x) for x in vector):
        return None
    norm = math.sqrt(math.fsum(x * x for x in vector))
    if norm == 0.0:
        return None
    return tuple(x / norm for x in vector)


def voiceprint(embeddings: Sequence[Sequence[float]]) -> tuple[float, ...] | None:
    """The unit mean of the unit ``embeddings`` (those of one length, the first's); None if none is usable."""
    units = [u for u in map(unit, embeddings) if u is not None]
    if not units:
        return None
    dim = len(units[0])
    same = [u for u in units if len(u) == dim]
    return unit([math.fsum(u[i] for u in same) / len(same) for i in range(dim)])


def similarity(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors; 0.0 when either is unusable or their lengths differ."""
    ua, ub = unit(a), unit(b)
    if ua is None or ub is None or len(ua) != len(ub):
        return 0.0
    return math.fsum(x * y for x, y in zip(ua, ub, strict=True))


def match(
    speakers: Mapping[str, Sequence[float]],
    prints: Sequence[Voiceprint],
    *,
    speech: Mapping[str, float] | None = None,
    rejected: Collection[tuple[str, int]] = (),
    auto: float = AUTO,
    suggest: float = SUGGEST,
    margin: float = MARGIN,
    min_speech: float = MIN_SPEECH,
) -> list[VoiceMatch]:
    """The meeting's speakers (label → embedding) matched against enrolled ``prints``.

    Returns at most one match per speaker, names first, then suggestions, best scores first;
    pairs in ``rejected`` (label, person id) are never returned. A match is ``confident`` (a name)
    when its score reaches ``auto``, no other person scores within ``margin`` of it for that
    speaker, and the speaker talks at least ``min_speech`` seconds (``speech``: label → seconds;
    absent: enough). A person names at most one speaker of a meeting (the best); a speaker
    diarization split off the same person may still be suggested as them.
    """
    scores: dict[str, dict[int, float]] = {
        label: {p.person_id: similarity(embedding, p.vector) for p in prints}
        for label, embedding in speakers.items()
    }
    names = {p.person_id: p.name for p in prints}

    def confident(label: str, pid: int, score: float) -> bool:
        rival = max((s for other, s in scores[label].items() if other != pid), default=-1.0)
        talked = speech.get(label, 0.0) if speech is not None else min_speech
        return score >= auto and score - rival >= margin and talked >= min_speech

    pairs = sorted(
        (
            (confident(label, pid, score), score, label, pid)
            for label, row in scores.items()
            for pid, score in row.items()
            if score >= suggest and (label, pid) not in rejected
        ),
        key=lambda t: (not t[0], -t[1], t[2], t[3]),
    )
    named: set[int] = set()
    out: dict[str, VoiceMatch] = {}
    for sure, score, label, pid in pairs:
        if label in out:
            continue
        sure = sure and pid not in named  # the person already names a better speaker here
        if sure:
            named.add(pid)
        out[label] = VoiceMatch(label, pid, names[pid], round(score, 4), sure)
    return sorted(out.values(), key=lambda m: (not m.confident, -m.score, m.label))
