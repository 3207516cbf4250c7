"""Decisions said in so many words in more phrasings (candidates/decisions.py), a recap that reads back
decisions already found, a chair's "Action for Sam: …" and "end of day tomorrow", read through the
whole rule set."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.candidates import Candidate, find_candidates
from minutes.types import Utterance

MON = date(2026, 3, 2)
CHAIR, OTHER, THIRD = "SPEAKER_00", "SPEAKER_01", "SPEAKER_02"
NAMES = {CHAIR: "Dana", OTHER: "Sam", THIRD: "Ade"}


def _found(*lines: tuple[str, str]) -> list[Candidate]:
    utts = [Utterance(i, who, 10.0 * i, 10.0 * i + 8.0, text) for i, (who, text) in enumerate(lines)]
    return find_candidates(utts, meeting_date=MON, names=NAMES)


@pytest.mark.parametrize(
    "ruling",
    [
        "I think the consensus is we launch in May.",
        "So to confirm, the launch date stays the third of March.",
        "Right. So the plan is: Berlin hosts the summit.",
        "We'll use Postgres rather than Mongo for the new service.",
        "I'm approving the overtime for this weekend.",
        "The committee has chosen Dr Patel as chair.",
        "We've settled it: the conference is in Porto.",
        "The vote is four to one, so the park stays open late.",
        "Okay, the offer is accepted, thirty-two thousand.",
        "So the conclusion is we hire two juniors.",
        "Alright, decision: no new features until the bugs are fixed.",
        "We reached agreement on the salary bands.",
        "The date is set: the twentieth of October.",
        "Okay, I've decided: we're hiring a second designer.",
        "So, final decision, the intern project is the chatbot.",
        "Good, so we're definitely going with the cheaper printer.",
        "Um, okay, so we'll go ahead and order the twelve laptops.",
        "Approved: Jenny's leave for the whole of August.",
        "The trustees have accepted the auditor's report.",
        "We've chosen Harbour Design for the rebrand.",
        "Right, it's a yes to the school trip.",
        "The verdict is in: we keep the office open on Fridays.",
        "I'm signing off on the new laptops today.",
        "The new rate applies from the first of May.",
        "The start date for the new system is the fifth of May, final.",
        "Good, we'll reuse last year's brochure, no reprint.",
    ],
)
def test_a_decision_said_in_so_many_words_is_found(ruling: str) -> None:
    found = _found((OTHER, "Next item, then."), (CHAIR, ruling), (THIRD, "Fine."))
    assert [c.utterance for c in found if c.kind == "decision"] == [1]


@pytest.mark.parametrize(
    "said",
    [
        "Did we reach agreement on the salary bands?",
        "Is the date set yet?",
        "So to confirm, are you presenting on Friday?",
        "The plan is to discuss it next week.",
        "Well if it's the belief nets, we'll switch to logic, but I don't think so.",
        "The committee will need to decide who to choose as chair.",
        "Let's go ahead and start with the budget item.",
        "I want to present what we've chosen as ours and discuss it.",
        "We reused the brochure last year.",
    ],
)
def test_the_same_words_that_settle_nothing_find_no_decision(said: str) -> None:
    found = _found((OTHER, "Next item, then."), (CHAIR, said))
    assert [c for c in found if c.kind == "decision"] == []


def test_a_choice_put_as_which_and_answered_is_a_decision() -> None:
    found = _found((OTHER, "Which supplier, Acme or Brightline?"), (CHAIR, "Brightline. They're cheaper."))
    assert [(c.kind, c.utterance, c.evidence) for c in found] == [("decision", 1, (0, 1))]


def test_a_recap_to_confirm_is_evidence_for_the_decisions_it_reads_back_not_a_new_one() -> None:
    found = _found(
        (CHAIR, "The answer's no on the budget increase."),
        (OTHER, "Understood."),
        (CHAIR, "Kelvin Motors, then. Carried, unanimous."),
        (CHAIR, "So just to confirm: no to the budget increase, and the Kelvin Motors deal is accepted."),
    )
    decisions = [c for c in found if c.kind == "decision"]
    assert len(decisions) == 2 and all(3 in c.evidence for c in decisions)


def test_an_action_minuted_for_someone_is_theirs_in_the_words_of_the_minute() -> None:
    found = _found((CHAIR, "Action for Sam: fix the login bug before the release."), (OTHER, "On it."))
    (action,) = [c for c in found if c.kind == "action"]
    assert action.owner == OTHER and action.text.startswith("Fix the login bug") and 0 in action.evidence


def test_end_of_day_tomorrow_is_tomorrow() -> None:
    (action,) = _found((OTHER, "I'll send round the revised budget by end of day tomorrow."))
    assert action.kind == "action" and action.due == date(2026, 3, 3)
