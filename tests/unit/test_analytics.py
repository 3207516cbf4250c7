"""Speaking analytics of one meeting: turns, interruptions, words per minute, monologues, questions."""

from __future__ import annotations

import pytest

from minutes.analytics import OVERLAP_TOLERANCE, meeting_stats, turns
from minutes.types import Speaker, Utterance


def u(i: int, who: str, start: float, end: float, text: str) -> Utterance:
    return Utterance(index=i, speaker=who, start=start, end=end, text=text)


MEETING = (
    u(0, "A", 0.0, 30.0, "Welcome everyone. Shall we start? " + "word " * 70),
    u(1, "A", 30.5, 60.0, "word " * 60),
    u(2, "B", 55.0, 70.0, "Sorry, can I jump in? Is the budget final?"),  # starts 5 s before A ends
    u(3, "A", 70.1, 75.0, "Yes."),  # a quick hand-over: not an interruption
    u(4, "C", 80.0, 90.0, "Thanks."),
)


def test_turns_join_a_speakers_consecutive_lines() -> None:
    assert [(t.speaker, t.start, t.end) for t in turns(MEETING)] == [
        ("A", 0.0, 60.0),
        ("B", 55.0, 70.0),
        ("A", 70.1, 75.0),
        ("C", 80.0, 90.0),
    ]


def test_each_speakers_figures() -> None:
    stats = {s.label: s for s in meeting_stats(MEETING, [Speaker("A", "Priya"), Speaker("B"), Speaker("C")])}

    a, b, c = stats["A"], stats["B"], stats["C"]
    assert (a.name, a.turns, a.interruptions, a.questions) == ("Priya", 2, 0, 1)
    assert a.longest_monologue == 60.0 and a.talk_time == pytest.approx(64.4)
    assert a.words == 136 and a.words_per_minute == pytest.approx(136 / (64.4 / 60), abs=0.1)
    assert (b.name, b.turns, b.interruptions, b.questions, b.words) == ("B", 1, 1, 2, 9)
    assert c.interruptions == 0 and c.share == pytest.approx(10 / 89.4, abs=1e-4)
    assert sum(s.share for s in stats.values()) == pytest.approx(1.0, abs=1e-3)
    assert [s.label for s in meeting_stats(MEETING)] == ["A", "B", "C"]  # most talkative first


def test_stored_talk_time_wins_and_silent_speakers_are_left_out() -> None:
    speakers = [Speaker("A", talk_time=40.0), Speaker("B", talk_time=20.0), Speaker("D", talk_time=0.0)]
    stats = meeting_stats(MEETING[:3], speakers)
    assert [(s.label, s.talk_time, s.share) for s in stats] == [("A", 40.0, 0.6667), ("B", 20.0, 0.3333)]


def test_a_handover_within_the_tolerance_is_not_an_interruption() -> None:
    lines = (u(0, "A", 0.0, 10.0, "done"), u(1, "B", 10.0 - OVERLAP_TOLERANCE / 2, 20.0, "next"))
    assert [s.interruptions for s in meeting_stats(lines)] == [0, 0]


def test_an_empty_meeting_has_no_figures() -> None:
    assert meeting_stats(()) == ()
