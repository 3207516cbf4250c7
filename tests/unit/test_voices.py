"""Voiceprints and matching (pure): who is named, who is only suggested, and who stays anonymous."""

from __future__ import annotations

import math

import pytest

from minutes.voices import (
    AUTO,
    MIN_SPEECH,
    SUGGEST,
    VoiceMatch,
    Voiceprint,
    match,
    similarity,
    unit,
    voiceprint,
)


def at(score: float, axis: int = 0, away: int = 5) -> tuple[float, ...]:
    """A vector whose cosine with the unit vector on ``axis`` is ``score``."""
    v = [0.0] * 8
    v[axis], v[away] = score, math.sqrt(1 - score * score)
    return tuple(v)


def axis(i: int) -> tuple[float, ...]:
    return at(1.0, i)


PRIYA = Voiceprint(1, "Priya", axis(0), 2)
TOM = Voiceprint(2, "Tom", axis(1), 1)


def test_unit_and_similarity_refuse_what_cannot_be_compared() -> None:
    assert unit([3.0, 4.0]) == pytest.approx((0.6, 0.8))
    assert unit([]) is None and unit([0.0, 0.0]) is None and unit([math.nan, 1.0]) is None
    assert similarity([1.0, 0.0], [1.0, 0.0, 0.0]) == 0.0  # another model's length
    assert similarity([2.0, 0.0], [1.0, 1.0]) == pytest.approx(math.sqrt(0.5))


def test_a_voiceprint_is_the_unit_mean_of_unit_embeddings() -> None:
    assert voiceprint([[10.0, 0.0], [0.0, 1.0]]) == pytest.approx((math.sqrt(0.5), math.sqrt(0.5)))
    assert voiceprint([[0.0, 0.0], [0.0, 2.0]]) == pytest.approx((0.0, 1.0))  # the unusable one is skipped
    assert voiceprint([]) is None


def test_names_suggestions_and_strangers() -> None:
    speakers = {"A": at(0.9), "B": at(0.55, 1), "C": at(0.2, 0)}
    found = match(speakers, [PRIYA, TOM], speech={"A": 60.0, "B": 60.0, "C": 60.0})

    assert found == [VoiceMatch("A", 1, "Priya", 0.9, True), VoiceMatch("B", 2, "Tom", 0.55, False)]


def test_the_thresholds_hold_at_their_edges() -> None:
    def named(score: float) -> list[bool]:
        return [m.confident for m in match({"A": at(score)}, [PRIYA])]

    assert named(AUTO) == [True] and named(AUTO - 0.01) == [False]
    assert named(SUGGEST) == [False] and named(SUGGEST - 0.01) == []


def test_too_little_speech_or_a_close_rival_makes_only_a_suggestion() -> None:
    short = match({"A": at(0.95)}, [PRIYA], speech={"A": MIN_SPEECH - 0.5})
    assert [(m.name, m.confident) for m in short] == [("Priya", False)]
    twin = Voiceprint(3, "Priya's twin", at(0.96, 0, 6), 1)  # both close to the speaker
    rivals = match({"A": at(0.9)}, [PRIYA, twin])
    assert len(rivals) == 1 and not rivals[0].confident


def test_a_person_names_one_speaker_and_a_split_off_part_is_suggested() -> None:
    """Diarization split Priya in two: the better-named part (long speech) gets her name, the
    short part a suggestion, even though the short part scores higher."""
    found = match({"long": at(0.76), "short": at(0.8)}, [PRIYA], speech={"long": 27.0, "short": 4.0})

    assert [(m.label, m.confident) for m in found] == [("long", True), ("short", False)]
    two_long = match({"a": at(0.8), "b": at(0.7)}, [PRIYA])
    assert [(m.label, m.confident) for m in two_long] == [("a", True), ("b", False)]


def test_a_rejected_pair_is_never_offered_again() -> None:
    assert match({"A": at(0.9)}, [PRIYA], rejected={("A", 1)}) == []
    assert match({"A": at(0.9)}, [PRIYA, TOM], rejected={("A", 1)}) == []
    assert [m.name for m in match({"A": at(0.9)}, [PRIYA], rejected={("B", 1)})] == ["Priya"]


def test_nobody_enrolled_matches_nothing() -> None:
    assert match({"A": at(0.9)}, []) == []
