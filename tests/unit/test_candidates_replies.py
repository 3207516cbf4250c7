"""Requests taken on in few words, offers said in passing, and the rulings of a chair, as people say
them (candidates/requests.py, commitments.py, decisions.py): each becomes one item, each
look-alike none."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.candidates import Candidate, find_candidates
from minutes.summarize.dates import resolve_due
from minutes.types import Utterance

TUE = date(2026, 6, 2)  # a Tuesday
ASKER, DOER = "SPEAKER_00", "SPEAKER_01"


def _found(*lines: tuple[str, str]) -> list[Candidate]:
    utts = [Utterance(i, who, 10.0 * i, 10.0 * i + 8.0, text) for i, (who, text) in enumerate(lines)]
    return find_candidates(utts, meeting_date=TUE, names={ASKER: "Nadia", DOER: "Olu"})


def _actions(*lines: tuple[str, str]) -> list[Candidate]:
    return [c for c in _found(*lines) if c.kind == "action"]


@pytest.mark.parametrize(
    ("reply", "due"),
    [
        ("Mm. Sure.", None),  # a back-channel, then the yes
        ("Mm-hm. I'll get onto it.", None),
        ("Tomorrow, yeah, first thing.", date(2026, 6, 3)),  # when, then yes
        ("Friday's fine.", date(2026, 6, 5)),
        ("End of next week is fine, yep.", date(2026, 6, 12)),
        ("Thursday... yes, Thursday works.", date(2026, 6, 4)),
    ],
)
def test_a_request_taken_on_in_few_words_is_the_replier_s(reply: str, due: date | None) -> None:
    found = _actions((ASKER, "Could you update the supplier list for us?"), (DOER, reply))
    assert [(c.owner, c.due) for c in found] == [(DOER, due)]


@pytest.mark.parametrize("reply", ["Mm. No, sorry, I'm off from tomorrow.", "Friday? No chance, I'm away."])
def test_a_few_words_that_say_no_take_nothing_on(reply: str) -> None:
    assert _actions((ASKER, "Could you update the supplier list for us?"), (DOER, reply)) == []


def test_who_does_it_answered_by_a_volunteer_is_theirs() -> None:
    found = _actions((ASKER, "Who rings the landlord?"), (DOER, "I will, I know him."))
    assert [(c.owner, c.text.lower()) for c in found] == [(DOER, "ring the landlord")]


def test_who_knows_is_no_call_for_a_volunteer() -> None:
    assert _actions((ASKER, "Who knows what they want?"), (DOER, "I will, I reckon.")) == []


@pytest.mark.parametrize(
    "said",
    [
        "I'll write the rota, and, um, when do you need it by?",
        "Fine. I'll explain the change to the tenants myself.",
        "The new form goes out with Friday's post. I'll see to it.",
    ],
)
def test_an_offer_said_in_passing_is_an_action(said: str) -> None:
    assert [c.owner for c in _actions((ASKER, "Right, next item."), (DOER, said))] == [DOER]


@pytest.mark.parametrize(
    "said",
    ["I'll explain it to you after.", "Let me explain the numbers first.", "So when will the rota be done?"],
)
def test_explaining_to_the_room_or_asking_is_no_action(said: str) -> None:
    assert _actions((ASKER, "Right, next item."), (DOER, said)) == []


def test_a_day_said_at_the_latest_is_the_deadline_whatever_day_it_is_today() -> None:
    said = "I'll send it over, what's today, the second, so Monday at the latest."
    assert resolve_due(said, TUE) == (date(2026, 6, 8), "Monday")


@pytest.mark.parametrize(
    "ruling",
    [
        "Look, the answer's no on the extra van, we keep the two.",
        "Then stay with the old supplier, it's not worth the hassle.",
        "Hands up for sixty. Sixty, carried four to two.",
        "We're not moving the launch, end of.",
        "It's a staffing thing, it always has been, so the answer's no on the extra shift.",
        "They're on the early sitting, no arguments.",
        "I'm convinced, so, we're doing it.",
    ],
)
def test_a_chair_s_ruling_in_plain_words_is_a_decision(ruling: str) -> None:
    found = _found((DOER, "We could swap supplier or keep the old one, or move the launch."), (ASKER, ruling))
    assert [c.kind for c in found] == ["decision"]


def test_agreeing_to_another_s_proposal_with_do_it_is_a_decision() -> None:
    found = _found((DOER, "I'd drop the Saturday opening, it never pays."), (ASKER, "Fine, do it."))
    assert [c.kind for c in found] == ["decision"]


@pytest.mark.parametrize(
    "said",
    [
        "That was decided in March, so it's not up for debate.",  # a ruling told, not made
        "Sure, let's take it to the planning day.",  # sent elsewhere
        "Let's stick it on the list for next month.",
    ],
)
def test_rulings_told_and_business_sent_elsewhere_are_no_decision(said: str) -> None:
    assert [
        c for c in _found((DOER, "What about the Saturday opening?"), (ASKER, said)) if c.kind == "decision"
    ] == []


@pytest.mark.parametrize(
    ("said", "due"),
    [
        ("Chasing the three landlords is mine, I know them all.", None),  # a task claimed by name
        ("I'll get the drawings over by, er, the ninth?", date(2026, 6, 9)),  # an offer said rising
        ("Tuesday week, fine, I'll sort the van out.", date(2026, 6, 16)),  # when, before the offer
        ("I'll have the minutes out by Thursday. No, Friday, I'm on site Thursday.", date(2026, 6, 5)),
    ],
)
def test_offers_in_other_shapes_are_actions_with_their_dates(said: str, due: date | None) -> None:
    assert [(c.owner, c.due) for c in _actions((ASKER, "Right, next item."), (DOER, said))] == [(DOER, due)]


@pytest.mark.parametrize(
    "said",
    [
        "Ha, I'll hold you to that.",
        "I'll hold the motion over to March.",
        "And I'll ask leave to speak?",
        "The red folder is mine, by the way.",
    ],
)
def test_idioms_procedure_and_possession_are_no_actions(said: str) -> None:
    assert _actions((ASKER, "Right, next item."), (DOER, said)) == []


def test_a_task_put_with_a_tag_and_taken_is_the_listener_s() -> None:
    found = _actions((ASKER, "Pop the new rates in the price list before you go, eh?"), (DOER, "Will do."))
    assert [c.owner for c in found] == [DOER]


def test_a_remark_with_a_tag_is_no_task() -> None:
    assert _actions((ASKER, "Lovely weather for it, eh?"), (DOER, "Yeah.")) == []


@pytest.mark.parametrize(
    "said",
    [
        "Send me the slides so that I can put them in the pack.",
        "As far as I can tell the numbers hold up.",
        "The best thing I can come up with is a shorter form.",
        "That's about all I can do with two people off.",
    ],
)
def test_a_cue_inside_a_clause_about_something_else_is_no_offer(said: str) -> None:
    assert _actions((ASKER, "Right, next item."), (DOER, said)) == []


@pytest.mark.parametrize(
    "said", ["What I can do is send it Monday.", "Sure thing, I'll flip it over tonight."]
)
def test_an_offer_after_what_or_a_comma_is_still_an_offer(said: str) -> None:
    assert [c.owner for c in _actions((ASKER, "Right, next item."), (DOER, said))] == [DOER]


def test_two_tasks_each_with_its_own_i_will_are_two_actions() -> None:
    said = "Fine, I'll ring the caterers today, and I'll send everyone the seating plan by Friday."
    found = _actions((ASKER, "Right, next item."), (DOER, said))
    assert [(c.owner, c.due) for c in found] == [(DOER, TUE), (DOER, date(2026, 6, 5))]


@pytest.mark.parametrize(
    "said",
    [
        "I'll pull the figures by region, and I'll have them for Thursday.",  # the same task delivered
        "I'll chase their legal team, and I'll get their boss on the phone if it drags.",  # a fallback
    ],
)
def test_one_task_and_its_delivery_or_fallback_stay_one_action(said: str) -> None:
    assert len(_actions((ASKER, "Right, next item."), (DOER, said))) == 1


@pytest.mark.parametrize(
    "said",
    [
        "So let's find out which ones we need first.",
        "Let's back up a bit, you missed the start.",
        "Let's chat about it with the finance team when we can.",
        "Let's mark that and move on.",
        "Let's read the figures out first.",
    ],
)
def test_the_talk_s_own_moves_are_no_decision(said: str) -> None:
    assert [
        c
        for c in _found((DOER, "We've got the two suppliers to compare."), (ASKER, said))
        if c.kind == "decision"
    ] == []


def test_taking_what_was_offered_is_still_a_decision() -> None:
    found = _found((DOER, "They've offered us the Sunday slot."), (ASKER, "Let's, um, let's just take it."))
    assert [c.kind for c in found] == ["decision"]
