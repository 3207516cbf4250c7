"""Shared checks for the real-model tests."""

from __future__ import annotations

from collections.abc import Sequence

from minutes.types import MeetingDoc


def word_pairs(
    doc: MeetingDoc, timeline: Sequence[tuple[float, float, str, str]]
) -> dict[tuple[str, str], int]:
    """(scripted person, diarized label) → words, by the person speaking at each word's midpoint."""
    pairs: dict[tuple[str, str], int] = {}
    for u in doc.utterances:
        for w in u.words:
            mid = (w.start + w.end) / 2
            person = next((who for s, e, who, _ in timeline if s - 0.3 <= mid <= e + 0.3), None)
            if person:
                pairs[(person, u.speaker)] = pairs.get((person, u.speaker), 0) + 1
    return pairs


def person_labels(doc: MeetingDoc, timeline: Sequence[tuple[float, float, str, str]]) -> dict[str, str]:
    """Each scripted person's diarized label: the one most of their words went to."""
    pairs = word_pairs(doc, timeline)
    people = {p for p, _ in pairs}
    return {person: max((n, label) for (p, label), n in pairs.items() if p == person)[1] for person in people}
