from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from minutes.summarize.topics import depth_scores, segment, windows
from minutes.types import Utterance

BUDGET = (
    "The Q3 budget forecast is over by twelve percent on cloud spend.",
    "Finance wants the revised budget numbers before the quarterly review.",
    "Our cloud invoice went up because of the storage costs.",
    "Can we cut the forecast for contractor spend next quarter?",
    "The margin target stays the same, so the budget has to come down.",
    "I'd move the savings from the travel budget into cloud costs.",
    "The quarterly forecast also has the annual licence renewal in it.",
    "Finance flagged the invoice for the storage overage twice.",
    "If spend keeps growing the margin for the quarter is gone.",
    "Let's send finance a revised forecast with the cost cuts.",
)
HIRING = (
    "On hiring, we have three candidates for the backend engineer role.",
    "The recruiter says two candidates passed the technical interview.",
    "The designer role still has no good candidates after the referral round.",
    "Salary bands for the engineer offer need approval from the hiring manager.",
    "Onboarding for the new engineer starts the week after the offer.",
    "The interview panel wants one more systems design interview.",
    "We could ask the recruiter to widen the search for designers.",
    "Two referrals came in for the designer role this morning.",
    "The offer letter for the backend candidate goes out after references.",
    "Interview feedback from the panel is due before the hiring sync.",
)
OFFICE = (
    "Now the office move: the lease on the new building starts in March.",
    "The movers can pack the desks and the furniture over one weekend.",
    "Facilities asked which floor the kitchen should go on in the new office.",
    "Parking at the new building is limited, so we need a parking rota.",
    "The landlord will hand over the keys two weeks before the move.",
    "Desks by the windows on the third floor are the quietest.",
    "The old office lease ends in April, so the move cannot slip.",
    "We need the movers booked for the furniture and the server rack.",
    "The kitchen in the new building needs a fridge and a coffee machine.",
    "Keys and parking passes get handed out on move day.",
)


def _meeting(*topics: tuple[str, ...]) -> list[Utterance]:
    lines = [line for topic in topics for line in topic]
    return [Utterance(i, f"SPEAKER_0{i % 3}", 6.0 * i, 6.0 * i + 5.0, t) for i, t in enumerate(lines)]


def _words(utts: list[Utterance], lo: int, hi: int) -> int:
    return sum(len(u.text.split()) for u in utts[lo:hi])


def _check_cover(ranges: list[tuple[int, int]], n: int) -> None:
    assert ranges[0][0] == 0 and ranges[-1][1] == n
    assert all(lo < hi for lo, hi in ranges)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))


def test_three_topics_asked_for_three_chapters_are_cut_at_the_topic_changes() -> None:
    utts = _meeting(BUDGET, HIRING, OFFICE)
    ranges = segment(utts, target_chunks=3, min_words=40)
    _check_cover(ranges, len(utts))
    assert len(ranges) == 3
    assert abs(ranges[1][0] - 10) <= 1 and abs(ranges[2][0] - 20) <= 1


@pytest.mark.parametrize("order", list(itertools.permutations([BUDGET, HIRING, OFFICE])))
def test_chapters_land_on_topic_changes_in_any_order(order: tuple[tuple[str, ...], ...]) -> None:
    utts = _meeting(*order)
    ranges = segment(utts, target_chunks=3, min_words=40)
    assert [lo for lo, _ in ranges] == [0, 10, 20]


def test_without_a_target_a_meeting_that_fits_is_one_chunk() -> None:
    utts = _meeting(BUDGET, HIRING, OFFICE)
    assert segment(utts, min_words=40) == [(0, 30)]


def test_max_words_forces_cuts_and_they_land_on_topic_changes() -> None:
    utts = _meeting(BUDGET, HIRING, OFFICE)
    per_topic = max(_words(utts, 0, 10), _words(utts, 10, 20), _words(utts, 20, 30))
    ranges = segment(utts, max_words=per_topic + 20, min_words=per_topic)
    _check_cover(ranges, len(utts))
    assert all(_words(utts, lo, hi) <= per_topic + 20 for lo, hi in ranges)
    assert len(ranges) == 3
    assert abs(ranges[1][0] - 10) <= 1 and abs(ranges[2][0] - 20) <= 1


def test_min_words_keeps_chunks_from_being_tiny() -> None:
    utts = _meeting(BUDGET, HIRING, OFFICE)
    ranges = segment(utts, target_chunks=3, min_words=100, max_words=400)
    assert all(_words(utts, lo, hi) >= 100 for lo, hi in ranges)


def test_a_long_single_topic_is_split_evenly_within_the_limit() -> None:
    rng = random.Random(7)
    lines = [rng.choice(BUDGET) for _ in range(60)]
    utts = [Utterance(i, "SPEAKER_00", float(i), i + 0.9, t) for i, t in enumerate(lines)]
    total = _words(utts, 0, len(utts))
    ranges = segment(utts, max_words=300, min_words=100)
    _check_cover(ranges, len(utts))
    assert all(_words(utts, lo, hi) <= 300 for lo, hi in ranges)
    assert len(ranges) == -(-total // 300)  # no more cuts than the limit needs


def test_an_utterance_longer_than_max_words_stands_alone() -> None:
    long = " ".join(BUDGET)
    utts = [
        Utterance(0, "A", 0, 1, HIRING[0]),
        Utterance(1, "B", 1, 2, long),
        Utterance(2, "A", 2, 3, OFFICE[0]),
    ]
    ranges = segment(utts, max_words=40, min_words=0)
    assert ranges == [(0, 1), (1, 2), (2, 3)]


def test_more_chunks_asked_than_utterances() -> None:
    utts = _meeting(BUDGET)[:3]
    assert segment(utts, target_chunks=10, min_words=0) == [(0, 1), (1, 2), (2, 3)]


def test_utterances_without_content_words_do_not_break_it() -> None:
    utts = [Utterance(i, "A", float(i), i + 0.5, "Okay. Yeah. Um.") for i in range(40)]
    ranges = segment(utts, max_words=30, min_words=10)
    _check_cover(ranges, 40)
    assert all(_words(utts, lo, hi) <= 30 for lo, hi in ranges)


def test_empty_input_and_bad_limits() -> None:
    assert segment([]) == []
    with pytest.raises(ValueError, match="target_chunks"):
        segment(_meeting(BUDGET), target_chunks=0)
    with pytest.raises(ValueError, match="min_words"):
        segment(_meeting(BUDGET), max_words=100, min_words=200)


def test_depth_is_largest_at_the_deepest_valley() -> None:
    scores = np.array([0.0, 0.8, 0.7, 0.1, 0.6, 0.9, 0.0])
    depth = depth_scores(scores, reach=2)
    assert int(np.argmax(depth)) == 3
    assert depth[3] == pytest.approx((0.8 - 0.1) + (0.9 - 0.1))


@pytest.mark.parametrize(
    ("sizes", "budget", "expected"),
    [
        ([], 10, []),
        ([5, 5, 5, 5], 100, [(0, 4)]),  # all fits: one read
        ([4] * 7, 13, [(0, 3), (3, 5), (5, 7)]),  # three reads at least; 12/8/8, not 12/12/4
        ([3, 3, 3, 3, 3, 3], 12, [(0, 3), (3, 6)]),  # two reads of 9, not 12 and 6
        ([20, 1, 1], 10, [(0, 1), (1, 3)]),  # a chunk over the budget stands alone
        ([1, 1, 20, 1], 10, [(0, 2), (2, 3), (3, 4)]),
    ],
)
def test_reads_are_the_fewest_that_fit_then_the_most_even(
    sizes: list[int], budget: int, expected: list[tuple[int, int]]
) -> None:
    assert windows(sizes, budget) == expected


def test_reads_cover_every_chunk_once_in_order_and_fit() -> None:
    rng = np.random.default_rng(7)
    sizes = [int(s) for s in rng.integers(800, 1800, size=120)]
    got = windows(sizes, 11_000)
    assert [lo for lo, _ in got] == [0, *[hi for _, hi in got[:-1]]] and got[-1][1] == len(sizes)
    assert all(sum(sizes[lo:hi]) <= 11_000 for lo, hi in got)
    assert len(got) in (-(-sum(sizes) // 11_000), 1 - (-sum(sizes) // 11_000))  # as few as fit
