"""Open questions in more words: said as a statement ("we still don't know whether …", "… remains
unanswered", "the … question is still hanging"). Not a shop still open or a fact still known. And
left open by the reply ("Great question.", "Crickets.", "I'll know after they meet."), or by
the asker ("I still don't have a clean answer.")."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.candidates import find_candidates
from minutes.types import Utterance

WED = date(2026, 11, 18)
ALICE, BOB = "SPEAKER_00", "SPEAKER_01"
NAMES = {ALICE: "Alice", BOB: "Bob"}


def _questions(*lines: tuple[str, str]) -> list[str]:
    utts = [Utterance(i, who, 10.0 * i, 10.0 * i + 8, text) for i, (who, text) in enumerate(lines)]
    found = find_candidates(utts, meeting_date=WED, names=NAMES)
    return [c.text for c in found if c.kind == "question"]


@pytest.mark.parametrize(
    "said",
    [
        "Their board meets on the 29th, so we still do not know whether the hall is ours on the 20th.",
        "I've had the figures and I still can't tell you whether we're taking new patients.",
        "Whether it is one steward per pitch or one per club remains unanswered.",
        "And the remote-testimony question for the cousin in Lisbon is still hanging.",
        "So forty-five minutes or fifty, still unknown.",
        "Honestly, we still haven't worked out who pays for the reinstatement.",
    ],
)
def test_a_question_said_open_is_an_open_question(said: str) -> None:
    assert _questions((ALICE, said), (BOB, "Okay. Next, the rota.")) == [said]


@pytest.mark.parametrize(
    "said",
    [
        "The café is still open till six on Saturdays.",
        "We still know who the supplier is, it hasn't changed.",
        "The question of parking came up and we answered it last week.",
        "We don't know the new manager yet, she starts Monday.",
    ],
)
def test_a_place_still_open_or_a_fact_known_is_not(said: str) -> None:
    assert _questions((ALICE, said), (BOB, "Okay. Next, the rota.")) == []


@pytest.mark.parametrize(
    ("asked", "reply"),
    [
        (
            "Who actually owns the marketing WordPress site, us or the agency?",
            "Great question. Not anyone here.",
        ),
        ("Did Legal ever come back on the contractor laptop?", "Crickets. They're on board prep."),
        ("Has anybody been told when the new record goes live?", "We've been told nothing at all."),
        ("Are the Trustees having a private view?", "I've asked twice. I'll know after they meet."),
        ("Whose is the WordPress site, then?", "I'm going to go ask the CMO directly."),
    ],
)
def test_a_question_the_room_cannot_answer_yet_is_open(asked: str, reply: str) -> None:
    assert _questions((ALICE, asked), (BOB, reply)) == [asked]


@pytest.mark.parametrize(
    "said",
    [
        "Do we tell customers about the eleven accounts or not? I still don't have a clean answer.",
        "One thing I don't expect answered today: do the Trustees want a private view?",
        "Though I'm still unsure whether she wants to watch the unpacking as well.",
    ],
)
def test_the_asker_saying_it_is_open_makes_it_open(said: str) -> None:
    found = _questions((ALICE, said), (BOB, "Right. The rota."))
    assert len(found) == 1 and found[0] in said


def test_handing_a_question_to_a_colleague_is_no_deferral() -> None:
    asked = "Is there anyone who can help with the translation?"
    assert _questions((ALICE, asked), (BOB, "I'm going to ask my official to say more on the funding.")) == []
