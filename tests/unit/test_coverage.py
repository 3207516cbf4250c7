"""Speech no word covers: found, measured, and what a second listen hears merged in."""

from __future__ import annotations

import pytest

from minutes.coverage import (
    Coverage,
    gap_windows,
    gaps,
    recovered_segments,
    speech_coverage,
    union,
    with_segments,
)
from minutes.types import Segment, Transcript, Word


def words(*spans: tuple[float, float]) -> list[Word]:
    return [Word(a, b, f"w{i}") for i, (a, b) in enumerate(spans)]


def transcript(*segments: Segment) -> Transcript:
    return Transcript(language="en", language_probability=1.0, duration=60.0, segments=segments)


def test_union_joins_overlapping_and_close_spans() -> None:
    assert union([(5.0, 6.0), (0.0, 2.0), (1.5, 3.0), (3.2, 4.0)]) == [(0.0, 3.0), (3.2, 4.0), (5.0, 6.0)]
    assert union([(0.0, 3.0), (3.2, 4.0)], bridge=0.3) == [(0.0, 4.0)]
    assert union([(2.0, 2.0), (3.0, 1.0)]) == []


def test_a_dropped_tail_is_a_gap_and_lowers_the_coverage() -> None:
    # 0-60 s of speech; words until 38 s, then nothing: the tail is lost.
    heard = words(*[(t, t + 0.4) for t in range(0, 38)])
    found = gaps([(0.0, 60.0)], heard)
    assert found == [(pytest.approx(37.9), 60.0)]
    cov = speech_coverage([(0.0, 60.0)], heard)
    assert cov.share == pytest.approx(37.9 / 60, abs=1e-6) and cov.low


def test_pauses_between_words_and_short_back_channels_are_not_gaps() -> None:
    heard = words((0.0, 0.3), (1.4, 1.8), (2.9, 3.5))  # 1.1 s between words: within the padding
    assert gaps([(0.0, 3.5), (10.0, 10.8)], heard) == []  # the 0.8 s turn at 10 s is too short
    cov = speech_coverage([(0.0, 3.5), (10.0, 10.8)], heard)
    assert cov.share == 1.0 and not cov.low
    assert speech_coverage([], []).share == 1.0  # no speech, nothing lost


def test_turns_of_several_speakers_are_one_stretch_of_speech() -> None:
    found = gaps([(0.0, 2.0), (1.0, 5.0), (5.2, 9.0)], words((0.0, 1.0)))
    assert found == [(1.5, 9.0)]


def test_gap_windows_add_context_join_and_clip() -> None:
    assert gap_windows([(1.0, 3.0), (6.0, 8.0), (20.0, 29.5)], duration=30.0) == [
        (0.0, 10.0),
        (18.0, 30.0),
    ]


def test_merge_keeps_only_words_inside_the_gaps_in_time_order() -> None:
    first = transcript(
        Segment(0.0, 2.0, "hello there", tuple(words((0.0, 0.8), (1.0, 2.0)))),
        Segment(20.0, 21.0, "bye", (Word(20.0, 21.0, "bye"),)),
    )
    # The second listen also re-hears "there" (context before the gap): not added twice.
    again = (
        Segment(
            1.0,
            6.0,
            "there we approve the budget",
            (
                Word(1.0, 2.0, "there"),
                Word(3.0, 3.4, "we"),
                Word(3.5, 4.2, "approve"),
                Word(4.3, 4.5, "the"),
                Word(4.6, 5.5, "budget"),
            ),
        ),
    )
    added = recovered_segments([(2.5, 6.0)], again)
    assert [s.text for s in added] == ["we approve the budget"]
    merged = with_segments(first, added)
    assert [s.text for s in merged.segments] == ["hello there", "we approve the budget", "bye"]
    assert [w.text for w in merged.words] == ["w0", "w1", "we", "approve", "the", "budget", "bye"]
    assert recovered_segments([(2.5, 6.0)], ()) == () and with_segments(first, ()) is first


def test_coverage_round_trips_through_json() -> None:
    cov = speech_coverage([(0.0, 10.0)], words((0.0, 2.0)), recovered=3)
    assert Coverage.from_dict(cov.to_dict()) == Coverage(
        speech=10.0, covered=2.5, gaps=((2.5, 10.0),), recovered=3
    )
    assert cov.to_dict()["share"] == 0.25
