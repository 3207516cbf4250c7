"""Speech-act rules for decisions and commitments, on phrasings written for these tests (none taken
from the generated meetings of ``tests/data/meetings``): what a user sees as items, owners and dates."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.candidates import Candidate, commitment_cue, find_candidates
from minutes.types import Utterance

WED = date(2026, 11, 18)  # a Wednesday
HANA, FELIX, OSEI = "SPEAKER_00", "SPEAKER_01", "SPEAKER_02"
NAMES = {HANA: "Hana Ito", FELIX: "Felix", OSEI: "Dr Osei"}


def _find(*lines: tuple[str, str]) -> list[Candidate]:
    utts = [Utterance(i, who, 10.0 * i, 10.0 * i + 8.0, text) for i, (who, text) in enumerate(lines)]
    return [c for c in find_candidates(utts, meeting_date=WED, names=NAMES) if c.kind != "question"]


# Decisions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "evidence"),
    [
        (
            [
                (
                    HANA,
                    "Hands up for the new roster? The motion carries, the roster starts in January.",
                )
            ],
            (0,),
        ),
        ([(HANA, "All in favour? Carried. The roster starts in January.")], (0,)),
        ([(HANA, "Request approved.")], (0,)),
        ([(HANA, "Right. The pour's confirmed for Thursday.")], (0,)),  # a time settled
        ([(HANA, "Okay so the plan, we do a full read-through of the paper on Tuesday.")], (0,)),
        ([(HANA, "Okay. New rule, then: seventy-two hours to get into the flat.")], (0,)),
        ([(HANA, "Rather than straight hourly, we'll offer a capped fee through summary judgment.")], (0,)),
        ([(HANA, "It was, but look, MFCC it is for the paper.")], (0,)),
        ([(FELIX, "The quote came in at two thousand. I'd say go."), (HANA, "Yes, approve it.")], (0, 1)),
        ([(HANA, "Approved, with the usual spending limit.")], (0,)),
        (
            [(FELIX, "Blue or green for the banner?"), (OSEI, "Green, definitely."), (HANA, "Green it is.")],
            (1, 2),
        ),
        (
            [(FELIX, "We could rent the hall or use the gym."), (HANA, "Let's go with the gym, it's free.")],
            (1,),
        ),
        ([(FELIX, "How about we move the standup to ten?"), (OSEI, "Agreed.")], (0, 1)),
        ([(HANA, "Final answer: we skip the trade fair this year.")], (0,)),
        ([(HANA, "We're settling on the smaller venue.")], (0,)),
        ([(FELIX, "We print two hundred copies."), (HANA, "Good, so that's decided.")], (0, 1)),
        ([(FELIX, "The old printer keeps jamming."), (HANA, "Let's replace it with a leased one.")], (1,)),
        ([(HANA, "From now on, every pull request needs two reviews.")], (0,)),
        ([(FELIX, "We're sticking with the current supplier for another year.")], (0,)),
    ],
)
def test_decisions_said_in_many_ways(lines: list[tuple[str, str]], evidence: tuple[int, ...]) -> None:
    (c,) = _find(*lines)
    assert c.kind == "decision" and c.evidence == evidence and c.owner is None


def test_a_choice_answered_by_another_speaker_is_decided() -> None:
    (c,) = _find((FELIX, "Should we ship on Monday or wait for the fix?"), (HANA, "Wait for the fix."))
    assert c.kind == "decision" and c.text == "Wait for the fix." and c.evidence == (0, 1)


def test_a_ruling_with_little_content_takes_the_outcome_said_after_it() -> None:
    (c,) = _find((HANA, "Any objections? None. Carried. The library stays open until eight."))
    assert c.text == "Carried. The library stays open until eight."


def test_agreeing_to_a_commitment_is_no_decision() -> None:
    found = _find((FELIX, "I'll fix the projector on Monday."), (HANA, "Works for me."))
    assert [(c.kind, c.owner) for c in found] == [("action", FELIX)]


@pytest.mark.parametrize(
    "lines",
    [
        [(FELIX, "If we switched vendors, we could save a bit. Just a thought.")],  # hypothetical
        [(FELIX, "Maybe we should go with the cheaper one, I'm not sure.")],  # hedge
        [(FELIX, "We decided last spring to keep the old logo.")],  # a past decision told
        [(FELIX, "As we agreed, the logo stays.")],
        [(FELIX, "Did we agree on the venue?"), (HANA, "Not yet.")],  # a question about a decision
        [(FELIX, "Was the gym booking approved?"), (HANA, "Yes, we approved it at the last board.")],
        [(HANA, "Let's park the logo question until next month.")],  # a deferral
        [(HANA, "Let's sleep on it and decide on Friday.")],
        [(FELIX, "Should we add a second shift?"), (HANA, "Let's not, it's too expensive.")],  # rejected
        [(FELIX, "How about a bigger booth?"), (HANA, "No, too expensive.")],
        [(HANA, "Let's get started. Let's look at the numbers first.")],  # meeting mechanics
        [(FELIX, "Is the printer black or white?"), (OSEI, "I think it's black.")],  # a fact, not a choice
        [(FELIX, "That's just how it is.")],
        # news of something confirmed elsewhere, not the meeting's ruling
        [(FELIX, "And the Sterilab, the order's confirmed and paid.")],
        [(HANA, "All moved to the second, everything's confirmed, the confirmations are in your inbox.")],
        # "then" closing news or a time, not an outcome
        [(FELIX, "The supplier can't deliver before the tenth."), (HANA, "Okay. Bad news, then.")],
        [(FELIX, "The barrier gets fixed Friday."), (HANA, "Right. We wait till then.")],
        [(FELIX, "So you press the button and the remote, wherever it is, beeps.")],  # "it is" of a place
    ],
)
def test_what_is_not_a_decision(lines: list[tuple[str, str]]) -> None:
    assert [c for c in _find(*lines) if c.kind == "decision"] == []


# Commitments and accepted requests ------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "owner", "due"),
    [
        ([(FELIX, "The caterer's invoice is wrong."), (HANA, "Leave that with me.")], HANA, None),
        ([(HANA, "Felix, can you update the price list?"), (FELIX, "On it.")], FELIX, None),
        ([(HANA, "Who wants the supplier call?"), (OSEI, "I can take that.")], OSEI, None),
        ([(HANA, "Could you book the meeting room?"), (FELIX, "Consider it done.")], FELIX, None),
        (
            [(HANA, "Could you send the quote to the client?"), (FELIX, "Sure, by Thursday.")],
            FELIX,
            date(2026, 11, 19),
        ),
        (
            [(HANA, "Could you draft the newsletter?"), (FELIX, "Yep. Should have it by Monday.")],
            FELIX,
            date(2026, 11, 23),
        ),
        ([(HANA, "Felix, order the spare parts today, okay?"), (FELIX, "Will do.")], FELIX, WED),
        (
            [(FELIX, "Shall I send the agenda round?"), (HANA, "Yes please, by tomorrow.")],
            FELIX,
            date(2026, 11, 19),
        ),
        ([(FELIX, "We'll deliver the second batch in two weeks.")], FELIX, date(2026, 12, 2)),
        ([(OSEI, "The slides? That one's on me, you'll have them by Friday.")], OSEI, date(2026, 11, 20)),
    ],
)
def test_commitments_and_accepted_requests(
    lines: list[tuple[str, str]], owner: str, due: date | None
) -> None:
    (c,) = _find(*lines)
    assert (c.kind, c.owner, c.due) == ("action", owner, due)


def test_a_date_said_in_the_next_sentence_belongs_to_the_commitment() -> None:
    (c,) = _find((FELIX, "I'll rewrite the intro. Friday at the latest."))
    assert c.due == date(2026, 11, 20) and c.text == "I'll rewrite the intro. Friday at the latest."


def test_a_turn_with_several_first_person_sentences_is_one_item() -> None:
    (c,) = _find((OSEI, "I'll handle the rota. I'll put it on the board over the next two weeks."))
    assert c.owner == OSEI and c.due == date(2026, 12, 2)


def test_a_date_given_in_reply_to_by_when_is_the_due_date() -> None:
    (c,) = _find((FELIX, "I will repaint the fence."), (HANA, "Great, by when?"), (FELIX, "Saturday."))
    assert c.due == date(2026, 11, 21)
    (c,) = _find((HANA, "Could you draft the memo?"), (FELIX, "Sure."), (HANA, "By Friday?"), (FELIX, "Yep."))
    assert (c.owner, c.due) == (FELIX, date(2026, 11, 20))


def test_a_date_about_something_else_in_the_same_sentence_is_not_the_due_date() -> None:
    (c,) = _find((HANA, "The launch is set for Friday, I'll print the flyers."))
    assert c.kind == "action" and c.due is None


def test_end_of_day_on_a_weekday_is_that_weekday() -> None:
    (c,) = _find((FELIX, "I'll send the figures by end of day Friday."))
    assert c.due == date(2026, 11, 20)


def test_a_deadline_borrowed_from_another_persons_item() -> None:
    found = _find(
        (FELIX, "I'll migrate the mailing list by Tuesday."),
        (HANA, "Then I'll rewrite the welcome email before Felix's deadline."),
    )
    assert [(c.owner, c.due) for c in found] == [(FELIX, date(2026, 11, 24)), (HANA, date(2026, 11, 24))]


def test_two_people_named_together_both_own_the_task() -> None:
    found = _find((HANA, "Felix, you and I can repaint the sign on Saturday."), (FELIX, "Fine."))
    assert {c.owner for c in found} == {HANA, FELIX} and all(c.due == date(2026, 11, 21) for c in found)


@pytest.mark.parametrize(
    "lines",
    [
        [
            (HANA, "Felix, could you cover the Saturday shift?"),
            (FELIX, "Sorry, I can't, I'm away."),
        ],  # declined
        [(FELIX, "I can call the landlord."), (HANA, "No need, I spoke to him yesterday.")],  # withdrawn
        [(FELIX, "Maria said she'd fix the heater.")],  # reported speech, someone absent
        [(FELIX, "He told me I'll get the keys on Monday.")],
        [(HANA, "Did you send the invoice?"), (FELIX, "Yes, I sent it yesterday.")],  # done already
        [(FELIX, "I can do the slides if someone gives me the data.")],  # an offer on a condition
        [(HANA, "Could you lead the audit?"), (FELIX, "Let me think about it.")],  # not a yes
        [(FELIX, "Oh sure, and I'll rebuild the whole website tonight too.")],  # a joke
        [(FELIX, "I'll knit everyone a jumper by Friday."), (HANA, "Ha, nice try.")],  # laughed off
        [(FELIX, "I might look at the logs later, maybe.")],  # a hedge
        [(FELIX, "I'll support the motion.")],  # a stance, not a task
        [(HANA, "I'll take that as a yes.")],
        [(HANA, "We'll see how it goes next month.")],  # the room's plan, no task
        [(HANA, "We'll revisit the pricing in January.")],  # a deferral
        [(OSEI, "We'll move her to the side room this morning.")],  # the room's plan, no delivery
        [(HANA, "Felix, thanks for the update.")],  # a name, no imperative
        [(HANA, "Dr Osei, summary please."), (OSEI, "We finished the ward round early.")],
        # leaving the meeting, the agenda's order, reading out later in it, a task dropped
        [(FELIX, "Great, that's all from me, I'll drop off.")],
        [(OSEI, "That's me, I'll leave you to it.")],
        [(HANA, "Right, morning everyone. Felix, staffing first."), (FELIX, "So, nights are the problem.")],
        [(HANA, "Osei sent me a couple of notes, I'll read them out when we get there.")],
        [(FELIX, "The new software does the booking from July, so I'll take that off my list.")],
    ],
)
def test_what_is_not_an_action(lines: list[tuple[str, str]]) -> None:
    assert [c for c in _find(*lines) if c.kind == "action"] == []


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("Leave it with me.", "leave it with me"),
        ("Consider it done.", "consider it done"),
        ("You'll have it by Monday.", "you'll have it"),
        ("She said I'll get the refund.", None),
        ("I can sort it, if you send me the file.", None),
        ("I'll check if the server is up.", "i'll"),
        # a question put to someone, not a condition
        ("I'll ask St Anne's if we can borrow their lighting desk.", "i'll"),
        ("I'll ring the council whether we need a permit.", "i'll"),
        ("I'll ask, if you want me to.", None),
        # handing something over is a task; handing over to someone the meeting's turn
        ("I'll hand over the keys and the alarm code to her on Friday.", "i'll"),
        ("I'll hand over to Priya now.", None),
        ("I'll hand over the floor to Sam.", None),
        # a second of the meeting's time, and a second thing
        ("I'll get quotes for a second plate reader.", "i'll"),
        ("I'll just check for a second.", None),
        # the speaker's next move now, and a task with a deadline said after "now"
        ("So now I'll get the footpath works tendered by the end of June.", "i'll"),
        ("So now I'll show you the board.", None),
    ],
)
def test_standalone_and_conditional_commitment_cues(sentence: str, cue: str | None) -> None:
    assert commitment_cue(sentence) == cue


def test_a_yes_to_can_we_or_shall_we_decides_it_but_not_a_yes_to_a_wh_question() -> None:
    (c,) = _find((HANA, "Can we move the retro to Thursday?"), (FELIX, "Yes, Thursday works."))
    assert (c.kind, c.evidence, c.due) == ("decision", (0, 1), date(2026, 11, 19))
    assert _find((HANA, "What should we do about the leak?"), (FELIX, "Yes, good question.")) == []
    assert _find((HANA, "Can we see the second slide?"), (FELIX, "Yes.")) == []  # mechanics


@pytest.mark.parametrize(
    "lines",
    [
        [(FELIX, "Red costs less and looks better."), (HANA, "That settles it, red.")],
        [(HANA, "We have consensus on the red logo.")],
        [(HANA, "Okay, we're going ahead with the merger.")],
    ],
)
def test_settled_outcomes(lines: list[tuple[str, str]]) -> None:
    (c,) = _find(*lines)
    assert c.kind == "decision" and len(lines) - 1 in c.evidence


@pytest.mark.parametrize(
    ("lines", "owner", "text"),
    [
        (
            [(HANA, "Dr Osei, you'll draft the letter to the council."), (OSEI, "Fine, by Monday.")],
            OSEI,
            "Draft the letter to the council",
        ),
        ([(HANA, "Can I leave the rota with you, Felix?"), (FELIX, "Sure.")], FELIX, "The rota"),
        (
            [(HANA, "Would you mind checking the fire exits?"), (FELIX, "Not at all, I'll do it today.")],
            FELIX,
            "Checking the fire exits",
        ),
    ],
)
def test_assignments_and_polite_requests(lines: list[tuple[str, str]], owner: str, text: str) -> None:
    (c,) = _find(*lines)
    assert (c.kind, c.owner, c.text) == ("action", owner, text)


def test_a_request_declined_by_the_named_person_goes_to_who_volunteers() -> None:
    found = _find(
        (HANA, "Felix, can you do the bank run?"),
        (FELIX, "Not this week, sorry."),
        (OSEI, "I'll do it tomorrow."),
    )
    assert [(c.owner, c.due) for c in found] == [(OSEI, date(2026, 11, 19))]


def test_a_need_is_not_a_commitment() -> None:
    assert _find((FELIX, "I'll need the numbers by Friday.")) == []


def test_a_request_passed_on_or_politely_declined_is_not_the_named_persons() -> None:
    found = _find(
        (HANA, "Felix, can you call the printer?"),
        (FELIX, "Actually, Dr Osei knows them better."),
        (OSEI, "Sure, I'll call them today."),
    )
    assert [(c.owner, c.due) for c in found] == [(OSEI, WED)]
    assert _find((HANA, "Could you chair next week, Dr Osei?"), (OSEI, "I'd rather not, I'm on call.")) == []


def test_a_vote_that_passes_is_a_decision() -> None:
    (c,) = _find((HANA, "Those in favour of closing early on Fridays? Four. Against? One. So that passes."))
    assert c.kind == "decision" and c.cue == "decision:that passes"


@pytest.mark.parametrize(
    "lines",
    [
        [(FELIX, "I'll draft the letter. Actually, no, Dr Osei should do it, she knows the case.")],
        [(HANA, "Let's print the flyers in colour. Scratch that, black and white is fine.")],
        [(HANA, "Anyone want to lead the social?"), (FELIX, "I'll pass.")],
    ],
)
def test_what_the_speaker_takes_back_or_passes_on_is_no_item(lines: list[tuple[str, str]]) -> None:
    assert _find(*lines) == []


# Rulings, polls and outcomes closed with "then" (6 December: read on the dev splits, phrased anew here)


@pytest.mark.parametrize(
    ("lines", "evidence"),
    [
        ([(HANA, "We keep the Friday deliveries. That's my call.")], (0,)),
        ([(HANA, "Resolved: the hall is hired for the whole of May.")], (0,)),
        ([(HANA, "Then the committee agrees: the audit goes out to tender in spring.")], (0,)),
        ([(HANA, "That passes: parking permits go up to forty a year.")], (0,)),
        ([(HANA, "Good, so I'm reversing last month's freeze. Overtime is back for the night shift.")], (0,)),
        ([(HANA, "From this quarter on, expenses go through the new portal.")], (0,)),
        ([(HANA, "The shop closes at nine, starting tonight.")], (0,)),
        ([(HANA, "The March accounts stand approved.")], (0,)),
        ([(FELIX, "Tuesdays or Thursdays?"), (HANA, "Thursdays."), (FELIX, "Thursdays, then.")], (0, 1, 2)),
        ([(FELIX, "Half the fee up front, that's my offer."), (HANA, "I can live with that.")], (0, 1)),
        ([(FELIX, "I was thinking we hire two temps for the launch."), (HANA, "Fine by me.")], (0, 1)),
        (
            [
                (FELIX, "I would suggest the twelfth. Is there general assent?"),
                (HANA, "Agreed."),
                (OSEI, "Agreed."),
                (FELIX, "So resolved: the open evening is on the twelfth."),
            ],
            (0, 1, 2, 3),
        ),
    ],
)
def test_rulings_polls_and_outcomes_closed_with_then(
    lines: list[tuple[str, str]], evidence: tuple[int, ...]
) -> None:
    (c,) = [c for c in _find(*lines) if c.kind == "decision"]
    assert set(c.evidence) <= set(evidence) and max(c.evidence) == max(evidence)


@pytest.mark.parametrize(
    "lines",
    [
        [(HANA, "If it passes, we tender in spring.")],
        [(HANA, "So, provided that passes, we tender in spring.")],
        [(HANA, "I'd propose we approve it for a trial year.")],
        [(HANA, "The vote last year was unanimous, as you know.")],
        [
            (FELIX, "Let's park the car-share scheme until April."),
            (HANA, "April, then. Item four, the website."),
        ],
        [(HANA, "Right, it's gone seven, let's make a start.")],
        [(HANA, "Show of hands, then.")],
    ],
)
def test_conditions_proposals_reports_and_agenda_moves_decide_nothing(lines: list[tuple[str, str]]) -> None:
    assert not [c for c in _find(*lines) if c.kind == "decision"]


@pytest.mark.parametrize(
    "lines",
    [
        [(HANA, "Right, I'll call the meeting to order.")],
        [(HANA, "Any further comments? Then I'll take the vote.")],
        [(HANA, "I'll close the meeting there, thanks all.")],
        [(HANA, "Okay, Felix texted, he's stuck on the train, so he'll be ten minutes.")],
    ],
)
def test_the_chairs_procedure_and_news_of_a_late_colleague_are_no_actions(
    lines: list[tuple[str, str]],
) -> None:
    assert not [c for c in _find(*lines) if c.kind == "action"]


def test_a_task_named_without_a_verb_is_assigned_when_its_owner_says_yes() -> None:
    (c,) = _find((HANA, "Felix, the supplier letters."), (FELIX, "Understood."), (HANA, "By Friday, please."))
    assert (c.kind, c.owner, c.text, c.evidence) == ("action", FELIX, "The supplier letters", (0, 1))
    # with no yes, a name and a topic only open the topic
    assert not _find((HANA, "Felix, the supplier letters."), (FELIX, "They went out on Monday."))


def test_please_dont_turns_an_offer_down() -> None:
    assert not _find((FELIX, "Shall I bake them all a cake?"), (HANA, "Please don't."))


@pytest.mark.parametrize(
    ("lines", "text"),
    [
        # a bare claim in reply to a task named as a question takes the task from the question
        ([(HANA, "Patch notes for 1.14?"), (FELIX, "Mine. Friday.")], "Patch notes for 1.14: Mine. Friday."),
        ([(HANA, "The supplier call?"), (FELIX, "That's mine.")], "The supplier call: That's mine."),
        # the task named in the same turn, before the claim
        ([(HANA, "Fix out when?"), (FELIX, "Config push Wednesday. Mine.")], "Config push Wednesday. Mine."),
    ],
)
def test_a_bare_claim_names_the_task_it_takes(lines: list[tuple[str, str]], text: str) -> None:
    (c,) = [c for c in _find(*lines) if c.kind == "action"]
    assert c.owner == "SPEAKER_01" and c.text == text


@pytest.mark.parametrize("reply", ["Mine, thanks.", "Mine."])
def test_mine_that_answers_no_task_is_no_claim(reply: str) -> None:
    assert [c for c in _find((HANA, "Whose coffee is this?"), (FELIX, reply)) if c.kind == "action"] == []
