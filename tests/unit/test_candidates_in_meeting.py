"""What a speaker does in the meeting itself is no action item: presenting, rating, using the board,
taking the notes, calling on someone, asking for information. Found on real meetings (AMI, ICSI,
committee hearings), tested here in other words; each task after the meeting still counts."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.candidates import find_candidates
from minutes.summarize.text import fluent
from minutes.types import Utterance

MON = date(2026, 6, 1)
A, B = "SPEAKER_00", "SPEAKER_01"


def _items(kind: str, lines: tuple[tuple[str, str], ...]) -> list[str]:
    utts = [Utterance(i, who, 10.0 * i, 10.0 * i + 8.0, text) for i, (who, text) in enumerate(lines)]
    found = find_candidates(utts, meeting_date=MON, names={A: "Ines", B: "Tariq"})
    return [c.text for c in found if c.kind == kind]


def _actions(*lines: tuple[str, str]) -> list[str]:
    return _items("action", lines)


def _decisions(*lines: tuple[str, str]) -> list[str]:
    return _items("decision", lines)


@pytest.mark.parametrize(
    "line",
    [
        "Sure, I can go first.",
        "I'll just mention the two options again.",
        "I'll say a few words about the budget.",
        "Right, so I'm going to talk about the supplier side.",
        "I'll give a quick overview of where we are.",
        "I'll give it a six, honestly.",
        "Looks-wise I'd say I will give it, hmm, an eight.",
        "I'll rub that out and start again.",
        "Let me draw the layout.",
        "I'll use the whiteboard for this bit.",
        "I can assure you the figures are right.",
        "I'll try and be brief.",
        "I'll take the minutes again.",
        "I can take notes.",
        "Let me skip ahead to the last slide.",
        "I'm gonna stop fiddling with the projector.",
        "I'll show you in a minute.",
        "I'll pull up the numbers right now.",
        "I'll discuss the three costs in turn.",
        "I'll be presenting the results from the pilot.",
        "Or I can make it bigger.",
        "I I'll I'll explain the menu.",
        "Now I'll put up the floor plan.",
        "The new brief, I'll just show them.",
        "I'll open it on the big screen so everyone can see.",
        "I'll wait.",
        "I'll take this opportunity to thank the clerks.",
        "I will do everything I can to help families here.",
        "Right, I'll zip through last week's action points.",
        "I'll run over the agenda first.",
    ],
)
def test_the_speakers_part_in_the_meeting_is_no_action(line: str) -> None:
    assert _actions((A, "Okay, who's next?"), (B, line), (A, "Go on.")) == []


@pytest.mark.parametrize(
    "line",
    [
        "I'll send the revised drawings round on Thursday.",
        "I can draw up the rota for next month.",
        "I'll discuss it with the landlord tomorrow.",
        "I'll give you a call on Friday about the lease.",
        "I I'll book the room for the workshop.",
    ],
)
def test_a_task_after_the_meeting_still_counts(line: str) -> None:
    assert len(_actions((A, "Anything else?"), (B, line), (A, "Great, thanks."))) == 1


@pytest.mark.parametrize(
    ("ask", "reply"),
    [
        ("How much can you fit on one screen, really?", "Yeah."),
        ("On the other hand you could you treat it as a cost.", "Yeah."),
        ("Can I ask everyone to declare any interests, please?", "None from me."),
        ("Tariq, I just wanted to check there's nothing you wanted to add, please.", "No, that's fine."),
        ("Could you go back one slide?", "Sure."),
        ("Can you read that out?", "Okay."),
        ("Tariq, could you maybe start with the shape?", "Okay."),
        ("Could you give the committee an assurance on that?", "Yes, I can."),
        ("Tariq, on this?", "Yes, briefly."),
        ("Could you just give me your thoughts on that?", "Sure."),
        ("Tariq, could you give a quick talk on the pilot?", "Okay."),
        # a suggestion agreed to, then the floor given: no task of the next speaker's
        ("Yes, please let's not guess about insurance. Conservation. Tariq.", "Okay."),
        ("Let us know, please, Tariq.", "Sure."),
    ],
)
def test_a_question_or_the_meetings_own_business_is_no_request(ask: str, reply: str) -> None:
    assert _actions((A, ask), (B, reply)) == []


def test_a_request_for_a_task_is_still_one() -> None:
    assert len(_actions((A, "Tariq, could you send the agenda round by Friday?"), (B, "Sure."))) == 1


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("I I can do it", "I can do it"),
        ("I'll I'll send it", "I'll send it"),
        ("so I can I can take that", "so I can take that"),
        ("the the budget", "the budget"),
        ("No, no. Not that.", "No, no. Not that."),
        ("in twenty twenty-six", "in twenty twenty-six"),
        ("Two two one.", "Two two one."),
    ],
)
def test_fluent_drops_words_said_twice_but_not_numbers_or_repeats_across_a_comma(
    said: str, read: str
) -> None:
    assert fluent(said) == read


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("I'll uh discuss the buttons", "I'll discuss the buttons"),
        ("by, um, the twenty-fourth?", "by the twenty-fourth?"),
        ("Um, so the, uh, budget.", "So the budget."),
        ("Okay, um.", "Okay."),
        ("Um.", "Um."),
        ("Mm-hmm.", "Mm-hmm."),
    ],
)
def test_fluent_drops_hesitations_with_their_commas(said: str, read: str) -> None:
    assert fluent(said) == read


def test_an_offer_begun_again_is_read_from_where_it_starts_again() -> None:
    assert _actions((A, "Anyone for the flyers?"), (B, "Okay, I'll, um, I might ask my cousin, maybe.")) == []
    assert _actions((A, "Anyone for the flyers?"), (B, "I'll, uh, I'll print them tonight.")) != []


@pytest.mark.parametrize(
    "lines",
    [
        # a score agreed in an evaluation round is no outcome of the meeting
        (
            (B, "Ease of use, one to seven?"),
            (A, "I'd say three."),
            (B, "Three or four?"),
            (A, "Okay, three."),
        ),
        ((A, "How many stars for the look?"), (B, "Four."), (A, "Yeah, four."), (B, "Okay. Four.")),
        # steering the meeting
        ((A, "Are we on?"), (B, "We're recording, yes."), (A, "Okay, so we're recording.")),
        (
            (A, "That's the staffing side done."),
            (B, "Yes."),
            (A, "Right, we'll move on now to the estates questions."),
        ),
        ((A, "Anything else before the close?"), (B, "No."), (A, "Okay, let's do the digits.")),
    ],
)
def test_a_score_or_a_step_of_the_meeting_said_back_is_no_decision(
    lines: tuple[tuple[str, str], ...],
) -> None:
    assert _decisions(*lines) == []


def test_a_number_said_back_with_what_it_counts_is_still_a_decision() -> None:
    found = _decisions(
        (B, "They've offered thirty-eight for the van."),
        (A, "We could go to forty?"),
        (B, "Forty works."),
        (A, "Okay, forty for the van then."),
    )
    assert found and "forty" in found[-1].lower()


def test_a_word_the_meeting_says_all_along_is_no_outcome_said_back() -> None:
    # the same three lines decide in a short meeting, but not where "case" and "plastic" are the topic
    said_back = ((B, "We could go with a plastic case?"), (A, "Yeah."), (B, "Okay. Plastic case."))
    assert _decisions(*said_back)
    talk = tuple(
        (A if n % 2 else B, f"The plastic case would need {word}, I suppose.")
        for n, word in enumerate(
            [
                "ribs",
                "clips",
                "screws",
                "paint",
                "sanding",
                "moulds",
                "vents",
                "a hinge",
                "a seam",
                "glue",
                "feet",
            ]
            * 2
        )
    )
    assert _decisions(*talk, *said_back) == []


@pytest.mark.parametrize(
    "line",
    [
        "Well, we'll certainly get a copy of that to you.",
        "We'll send the figures round to everyone.",
        "Of course, we'll write to the committee on that.",
    ],
)
def test_a_delivery_to_the_people_asking_is_a_commitment_even_undated(line: str) -> None:
    assert len(_actions((A, "Could we see the review?"), (B, line))) == 1


def test_the_rooms_own_plan_without_a_date_is_still_no_commitment() -> None:
    assert _actions((A, "What next?"), (B, "We'll get the kids to write to the council about it.")) == []


@pytest.mark.parametrize(
    "line",
    [
        "And Tariq has, frankly, rebuilt the whole spreadsheet. Thanks.",  # a report about him
        "Tariq said, honestly, book the bigger room.",  # reported speech, not a request to him
    ],
)
def test_a_name_before_a_comma_in_a_report_is_no_request(line: str) -> None:
    assert _actions((A, line), (B, "No worries.")) == []


def test_a_name_with_a_title_before_a_comma_still_asks() -> None:
    assert _actions((A, "Mr Tariq, send the drawings round by Friday."), (B, "Will do.")) != []
