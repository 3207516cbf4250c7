"""News of a task on a day just gone ("went in Wednesday", "texted me this morning") counts as a
plain close: a report names the day it happened, a plan names the day it will. A task said to be held
up to a later day slips to that day, and more time asked for in reply to a prompt ("Give me till
the 20th.") is as plain as a close."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.ledger.cues import dated_past
from tests.unit.test_ledger import FIRST, links_of, meeting

PRESS_RELEASE = 1  # Priya's "Write the press release" in FIRST


@pytest.mark.parametrize(
    "sentence",
    [
        "The new machine went in Thursday afternoon, and it's half the noise.",
        "She texted me this morning.",
        "Nasrin's report came through as well, Friday afternoon.",
        "Signed Thursday.",
        "Asbestos lads got in yesterday.",
        "Nkechi sent me her list Friday night.",
        "The Year 7s all did the safety quiz on Monday.",
    ],
)
def test_a_past_event_on_a_named_day_is_dated_news(sentence: str) -> None:
    assert dated_past(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "I'll send it Friday.",  # a plan
        "It goes to the printer on Thursday.",  # no past tense
        "It needs signing by Friday.",  # a deadline
        "The quotes haven't come back since Monday.",  # not done
        "We signed the old lease last year.",  # no day just gone
        "Next Monday we start the new rota.",
        "Did the van get booked on Tuesday?",  # a question
        "Back in 2019 we had a Black Friday where the conveyor died at two a.m.",  # a story
    ],
)
def test_a_plan_a_deadline_or_a_doubt_is_not(sentence: str) -> None:
    assert not dated_past(sentence)


def test_a_close_that_names_the_day_it_happened_is_acted_on() -> None:
    went = links_of(meeting(2, [("Priya", "The release went to the paper on Tuesday.")]))
    assert [(ln.kind, ln.earlier, ln.state) for ln in went.values()] == [
        ("done", FIRST.entries[PRESS_RELEASE].key, "auto")
    ]
    # the same words as a plan close nothing
    goes = links_of(meeting(2, [("Priya", "The release goes to the paper on Tuesday.")]))
    assert not [ln for ln in goes.values() if ln.kind == "done"]


LEAK = 0  # Tom's "Fix the memory leak in the importer", due Friday 6 March, in FIRST


def test_a_task_held_up_to_a_later_day_slips_to_it() -> None:
    said = [("Tom", "The memory leak fix won't happen before next Wednesday, the eighteenth.")]
    moved = [ln for ln in links_of(meeting(2, said)).values() if ln.earlier == FIRST.entries[LEAK].key]
    assert [(ln.kind, ln.due) for ln in moved] == [("redated", date(2026, 3, 18))]


@pytest.mark.parametrize(
    "said",
    [
        "The memory leak fix isn't merged, still on for Friday though.",  # keeps its date
        "The memory leak, not fixed, the profiler came in on Wednesday.",  # a day gone, not the new one
    ],
)
def test_a_held_up_task_that_keeps_its_date_does_not_slip(said: str) -> None:
    found = links_of(meeting(2, [("Tom", said)])).values()
    assert not [ln for ln in found if ln.earlier == FIRST.entries[LEAK].key and ln.kind == "redated"]


PERF = 4  # Ana's "Book the perf environment", due 9 March, in FIRST


@pytest.mark.parametrize(
    "reply", ["Give me till the twentieth.", "Can I have till the twentieth? Ops are moving racks."]
)
def test_more_time_asked_in_reply_to_a_prompt_is_acted_on(reply: str) -> None:
    said = [("Priya", "Ana, perf?"), ("Ana", reply)]
    moved = [ln for ln in links_of(meeting(2, said)).values() if ln.earlier == FIRST.entries[PERF].key]
    assert [(ln.kind, ln.due, ln.state) for ln in moved] == [("redated", date(2026, 3, 20), "auto")]


@pytest.mark.parametrize("reply", ["Not yet.", "I'll do it tonight."])
def test_a_reply_that_only_says_it_goes_on_stays_a_suggestion(reply: str) -> None:
    said = [("Priya", "Ana, perf?"), ("Ana", reply)]
    found = [ln for ln in links_of(meeting(2, said)).values() if ln.earlier == FIRST.entries[PERF].key]
    assert [(ln.kind, ln.state) for ln in found] == [("restated", "suggested")]
