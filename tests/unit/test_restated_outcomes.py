"""Spontaneous talk, as a recogniser writes it down: an outcome said back after the room agreed is a
decision; hedges, news, answers and blame are not items. Phrasings written for these tests, none
taken from the generated meetings."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.candidates import Candidate, find_candidates
from minutes.types import Utterance

TUE = date(2026, 11, 17)  # a Tuesday
NORA, PAVEL, IFE = "SPEAKER_00", "SPEAKER_01", "SPEAKER_02"
NAMES = {NORA: "Nora", PAVEL: "Pavel", IFE: "Ife"}


def _find(*lines: tuple[str, str], kind: str = "decision") -> list[Candidate]:
    utts = [Utterance(i, who, 6.0 * i, 6.0 * i + 5.0, text) for i, (who, text) in enumerate(lines)]
    return [c for c in find_candidates(utts, meeting_date=TUE, names=NAMES) if c.kind == kind]


@pytest.mark.parametrize(
    ("lines", "at"),
    [
        (  # an option put as a question, named by another, said back with "okay"
            [(NORA, "Do we start the survey at nine? Ten?"), (PAVEL, "Ten."), (NORA, "Okay, ten, not nine.")],
            2,
        ),
        (  # the acknowledgement a sentence of its own, the outcome short
            [
                (PAVEL, "Honestly I'd put the grey one on the cover."),
                (IFE, "Grey works."),
                (NORA, "Right. The grey one. Send me the file when you can."),
            ],
            2,
        ),
        (  # the speaker's own proposal, agreed by another, then said back
            [
                (NORA, "We could hand out the badges at the door instead of by post, um, saves the stamps."),
                (IFE, "Mm-hmm."),
                (NORA, "Okay. Badges at the door then, from the spring event."),
            ],
            2,
        ),
        (  # "go on then" after a proposal and two yeses
            [
                (IFE, "What about a, a quiet room for the fair? Just a small one?"),
                (PAVEL, "Yeah."),
                (NORA, "Go on then, one quiet room, the small hall."),
            ],
            2,
        ),
        (  # the outcome first, the acknowledgement after it
            [
                (PAVEL, "The fourteenth or the twenty-first?"),
                (IFE, "Twenty-first."),
                (NORA, "Twenty-first. Okay. Done."),
            ],
            2,
        ),
    ],
)
def test_an_outcome_said_back_is_a_decision(lines: list[tuple[str, str]], at: int) -> None:
    (c,) = _find(*lines)
    assert c.utterance == at and c.cue == "decision:restated" and c.owner is None


@pytest.mark.parametrize(
    "lines",
    [
        # an answer to a question that asks for a fact
        [(NORA, "How many chairs do we have?"), (PAVEL, "Okay, um. Forty chairs.")],
        # news said back is no decision
        [
            (PAVEL, "The printer people moved the delivery to Friday."),
            (NORA, "Okay, so they moved it. Friday."),
        ],
        # hedged, or still open
        [(IFE, "Blue or grey for the banner?"), (NORA, "Okay, grey, maybe, I'll think about it.")],
        [(IFE, "Blue for the banner?"), (NORA, "Okay, blue is still on the table.")],
        # the next item, or someone called on
        [(PAVEL, "Budget's fine."), (NORA, "Okay, next, the budget for the fair. Where are we?")],
        [(PAVEL, "That's the budget done."), (NORA, "Okay, thanks. Ife.")],
        # an acknowledgement alone
        [(PAVEL, "I think blue."), (NORA, "Okay. Good.")],
    ],
)
def test_what_is_not_an_outcome_said_back(lines: list[tuple[str, str]]) -> None:
    assert _find(*lines) == []


def test_one_turn_holds_one_decision() -> None:
    (c,) = _find(
        (PAVEL, "Reminders a week before and a day before, I'd say."),
        (NORA, "Okay, let's do that. A week and a day. That's the rule for every booking from now on."),
    )
    assert c.evidence == (0, 1) and "A week and a day." in c.text and "from now on" in c.text


def test_a_ruling_said_with_full_stop_or_no_exceptions() -> None:
    (c,) = _find((NORA, "Nobody books the van without the form. No exceptions."))
    assert c.utterance == 0
    (c,) = _find((NORA, "And we don't pay the invoice till it's countersigned. Full stop."))
    assert c.utterance == 0


@pytest.mark.parametrize(
    "text",
    [
        "I'll try and find a spare projector, but don't count on it.",
        "I can ask my cousin about the van, no promises.",
        "That's on me, sorry, I was off sick and I forgot to book it.",
    ],
)
def test_no_promise_and_blame_are_no_tasks(text: str) -> None:
    assert _find((PAVEL, text), kind="action") == []


def test_a_task_started_is_a_task_and_its_fallback_no_deadline() -> None:
    (c,) = _find((PAVEL, "Okay. I'll start on the seating plan tomorrow then."), kind="action")
    assert c.owner == PAVEL and c.due == date(2026, 11, 18)
    (c,) = _find(
        (IFE, "I'll ring the caterer tomorrow, and if they don't answer by next week we find another."),
        kind="action",
    )
    assert c.due == date(2026, 11, 18) and "next week" not in c.text
    assert _find((IFE, "Right, I'll start the notes."), kind="action") == []


def test_a_request_turned_down_or_a_topic_called_is_nobodys_task() -> None:
    assert (
        _find(
            (NORA, "Pavel, could you redo the floor plan this week?"),
            (PAVEL, "Uh, I could, but I'm away till Monday. I'd rather Ife did it."),
            kind="action",
        )
        == []
    )
    assert (
        _find(
            (NORA, "Okay, money. Pavel, Kestrel Catering."),
            (PAVEL, "Yeah, so they quoted high."),
            kind="action",
        )
        == []
    )
    assert _find((NORA, "Ife, do you want to go first?"), (IFE, "Sure."), kind="action") == []
