"""Outcomes said plainly in the present tense after a closing word (candidates/plain.py), read
through the whole rule set: each ruling becomes one decision, each look-alike none."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.candidates import find_candidates
from minutes.summarize.candidates.plain import plain_ruling
from minutes.types import Utterance

MON = date(2026, 6, 1)
CHAIR, OTHER = "SPEAKER_00", "SPEAKER_01"


def _decisions(*lines: tuple[str, str]) -> list[str]:
    utts = [Utterance(i, who, 10.0 * i, 10.0 * i + 8.0, text) for i, (who, text) in enumerate(lines)]
    found = find_candidates(utts, meeting_date=MON, names={CHAIR: "Dana", OTHER: "Femi"})
    return [c.text for c in found if c.kind == "decision"]


@pytest.mark.parametrize(
    "ruling",
    [
        "Right. Okay, we scrap the Tuesday run.",
        "Fine, then we rebook the coach for the later slot.",
        "So the canteen closes at two from next Monday.",
        "Okay so the late shift starts at six from the first of July.",
        "Right, so, no overtime until the end of August.",
        "Oh and no site visits this week, the crane's being inspected.",
        "Yeah, we freeze hiring till October.",
        "So then the newsletter moves to Thursdays from this month.",
        "Fine, you've talked me round. We keep it at forty.",
        "Good, so the east stairwell reopens tomorrow.",
        "Right, so the two upstairs classrooms close tonight, the heating's gone.",
    ],
)
def test_a_plain_ruling_after_the_talk_is_a_decision(ruling: str) -> None:
    found = _decisions(
        (OTHER, "The numbers on the Tuesday run are poor again, and the drivers keep asking about it."),
        (CHAIR, ruling),
        (OTHER, "Okay."),
    )
    assert len(found) == 1 and ruling.split()[-1].rstrip(".") in found[0]


@pytest.mark.parametrize(
    "said",
    [
        "So we usually cancel it when it snows.",  # a habit
        "So we cancel it if the loads stay low.",  # a condition
        "So we order the parts and then they ship them to site.",  # a procedure told
        "We buy most of our paper from them.",  # no closing word
        "So we keep getting complaints from the drivers.",
        "Okay, so we'd probably close the canteen from next Monday.",  # a hedge
        "So the canteen doesn't close from next Monday.",
        "So does the canteen close from next Monday?",  # a question
        "Okay, so these were the figures from today.",  # a plural noun is no verb
        "So, no problem this week, the drivers were fine.",
        "So, in terms of things from the survey, it's mixed.",
        "Last year we decided that, so no overtime until March was the rule then.",
        "We leave it at that for today.",
        "So the valve closes and the pump starts.",  # how it works, told
        "So the gate closes when the last van's in.",  # a habit
        "So where exactly is this i",  # a question cut off
        "So, we're doing OK on backups.",  # a state, not a plan
        "Okay, Jo's off till next week.",  # a person away
        "Yeah, it's off.",
        "So that's going back to what we were saying earlier.",  # the talk, not a time
        "But it's moving to the next item.",
        "The council have offered us Tuesdays instead.",  # news of an offer
        "So I shifted it: the six of them will be trained by the nineteenth instead.",  # a task moved
        "So we'll go back to that next week.",  # the agenda
        "Back to the agenda, from the top.",
        "So we're moving house next month.",  # no time the change takes effect from
        "If the rain holds, so we're moving the fair to the hall.",
        "The problem is really the front door this week, not the back.",  # no ruling, a contrast
    ],
)
def test_the_same_words_that_settle_nothing_are_no_ruling(said: str) -> None:
    assert not plain_ruling(said)
    assert _decisions((OTHER, "What about the canteen?"), (CHAIR, said)) == []


@pytest.mark.parametrize(
    "ruling",
    [
        "Okay, the leather trim is out.",
        "So the second loudspeaker's out, right?",
        "Right, the spare charger is in as well then.",
        "Yeah, the glossy finish will have to go, it's too dear.",
        "Okay, we make two versions, one with a clip and one without.",
        "So we use the standard cells.",
        "Okay, so no backlight.",
        "Alright so no second screen for that.",
        "Okay. Ditch it.",
    ],
)
def test_an_option_kept_or_struck_in_so_many_words_is_a_decision(ruling: str) -> None:
    assert _decisions((OTHER, "What about the extras?"), (CHAIR, ruling))


@pytest.mark.parametrize(
    "line",
    [
        "June's when the orchids are out.",
        "Next meeting is in",
        "The flats above the shop will go spare.",
        "I'm in.",
        "We're out of milk, by the way",
        "So no problem there.",
        "Okay, so no idea yet.",
        "Drop it off at reception later.",
        "All eight are in.",  # things that came in: a status
        "Both letters are in.",
        "Right, the quotes are in.",
        "Three of the four are in.",
    ],
)
def test_a_thing_in_or_out_that_is_not_an_option_struck_is_no_decision(line: str) -> None:
    assert not _decisions((OTHER, "Anything else?"), (CHAIR, line))


@pytest.mark.parametrize(
    "ruling",
    [
        "Right, we're cancelling the Saturday collection.",
        "We are closing the north car park at the end of July.",
        "Okay, so the open day goes ahead on the ninth.",
        "Fine, the blue logo wins.",
        "Then the staff meeting is on Tuesday, not Monday.",
        "Alright then, the consultation ends on Friday.",
        "Good, the winter timetable starts Monday.",
        "Right, so the evening class is dropped.",
        "Fine, the deadline moves to the twelfth.",
        "Okay. The survey is cancelled this year.",
        "Fine, we take the lease on the smaller unit.",
        "So we say yes to the loan request.",
        "Fine, the review meeting becomes monthly.",
        "Okay. Samir takes the Manchester account.",
        "Okay, coffee mornings are moving to Wednesdays.",
        "Right, everyone, the office will be closed on the twenty-fourth.",
        "Fine. No more printed agendas, everything goes on the shared drive.",
        # the reason first, the change said as under way with its time
        "The supplier moved their order, so we're moving the shutdown to the week of the third of August.",
        "Finance replied, they're happy to switch it off, so we're dropping it from the first of April.",
        "I've agreed with product we're moving code freeze to Thursday the twelfth.",
        # a time ruled with "then", without a preposition
        "Then it's the 2nd.",
        "Then the summer maintenance shutdown is the week of the twentieth of July.",
        # the new value, then the old one
        "So the freeze now starts Wednesday the twenty-fifth, not the twenty-seventh.",
        # the old time, then the new one
        "We said midday, but we're moving it to half one.",
        "We said Tuesdays, but it's going back to Mondays at 8:15 from next week.",
        "We said the seventeenth; we'll now move on Saturday the thirty-first.",
        "We'll start it on Tuesday the nineteenth instead, still ten percent.",
        "The appeal launches on Monday the sixteenth of November instead.",
        "Staff briefing goes back to Mondays from next week.",
        "Last thing: staff briefing moves to Tuesdays at 8:15 from after half-term.",
        # read on series-dev8: a rule from a time on, a swap with the old way after it, a thing struck off
        # a list, a recommendation, a go-ahead with "so", a "grand" lead
        "From today, any mould report is a priority two.",
        "So we swap the whole batch on that route, not one at a time.",
        "Then Crane's off the watch list.",
        "Then we recommend mediation to the family.",
        "Grand, so from this Saturday we open the doors at ten.",
        "Grand, summer hampers go ahead so.",
        # a plan under way on a thing named by its name
        "Okay, we're adding Hillside.",
        # a change undone from a time on
        "Back to ten days, from Monday.",
        "We'll go back to the nurses' station for handover from tomorrow.",
    ],
)
def test_a_plan_under_way_a_start_or_a_choice_ruled_plainly_is_a_decision(ruling: str) -> None:
    assert len(_decisions((OTHER, "Where are we on that?"), (CHAIR, ruling))) == 1


@pytest.mark.parametrize(
    "said",
    [
        "So, we're doing this in conjunction with the youth parliament.",  # how, not what was settled
        "We're cancelling the Saturday collection, aren't we?",  # asked
        "So we're closing the car park, yeah?",  # put back to the room for a yes
        "We are closing the car park, I think, at the end of July.",  # a hedge
        "The survey is cancelled, apparently, if the council says so.",  # a condition
        "Then we take it from there.",
        "So the consultation usually ends on a Friday.",  # a habit
        "Okay, so the discussion moves to the next item.",  # the meeting's own business
        "So the net takes the features and gives a posterior.",  # how it works, after a bare "so"
        "Okay, no more questions on that.",
    ],
)
def test_the_same_shapes_that_settle_nothing_are_no_decision(said: str) -> None:
    assert _decisions((OTHER, "Where are we on that?"), (CHAIR, said)) == []


@pytest.mark.parametrize(
    "ruling",
    [
        "The away day moves to Tuesday the ninth.",  # a move to a time needs no closing word
        "Then the stocktake runs from the third of March to the sixth.",
        "From the first of June we stop taking cash.",
        "From this week the bin round goes on Thursdays.",
        "So handover is Friday the 1st of May. Not a day later.",
        "Then we move the print job to the other firm. Decided.",  # a closing word of its own
        "Fourteen days from the eighteenth. Locked.",
        # the ruling announced, then said
        "Okay. I'm just gonna call it. Anything under fifty, the agent approves it, starting Monday.",
        "Okay, here's the call. The sales account gets an exception until it's on OAuth.",
        "I talked to procurement, and I'm making the call: we renew with the current vendor for a year.",
        "Yeah. Nobody's arguing with that. The bot's off for returns until the article's fixed.",
        "Okay, that's a majority. Every other week, next one's the seventeenth.",
        "I think we're all of a mind, then. Two of us for Mr Halliday from today, every visit.",
        "Ten a minute. Ship it.",
    ],
)
def test_a_change_to_a_time_or_a_ruling_marked_as_one_is_a_decision(ruling: str) -> None:
    found = _decisions((OTHER, "The printer let us down again on the last job."), (CHAIR, ruling))
    assert len(found) == 1, found


@pytest.mark.parametrize(
    "said",
    [
        "So from September the cut-off moves to the eighteenth. That's been agreed with the bank already.",
        "From the first of June we could stop taking cash, maybe.",
        "The away day moves to Tuesday if the room is free.",
        "Is it decided? Nobody has said.",
        "Decided. Well, I haven't, honestly.",
        "Nobody's arguing with that. Is it?",  # the mark with nothing ruled after it
        "I'm not going to call it yet. We need the numbers first.",
    ],
)
def test_a_ruling_told_for_information_hedged_or_asked_is_no_decision(said: str) -> None:
    assert _decisions((OTHER, "The printer let us down again on the last job."), (CHAIR, said)) == []
