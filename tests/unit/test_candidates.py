from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.candidates import Candidate, commitment_cue, find_candidates
from minutes.summarize.text import split_sentences
from minutes.types import Utterance

WED = date(2026, 11, 18)  # a Wednesday
ALICE, BOB, CAROL = "SPEAKER_00", "SPEAKER_01", "SPEAKER_02"
NAMES = {ALICE: "Alice Moreau", BOB: "Bob", CAROL: "Carol Diaz"}


def _utts(*lines: tuple[str, str], first: int = 0) -> list[Utterance]:
    return [
        Utterance(first + i, speaker, 10.0 * i, 10.0 * i + 8.0, text)
        for i, (speaker, text) in enumerate(lines)
    ]


def _find(*lines: tuple[str, str], names: dict[str, str] | None = None, first: int = 0) -> list[Candidate]:
    return find_candidates(_utts(*lines, first=first), meeting_date=WED, names=names)


def test_a_weekly_sync_yields_the_items_with_owners_and_dates() -> None:
    utts = _utts(
        (ALICE, "Morning everyone. How was the weekend? Can you all hear me?"),
        (BOB, "Yeah, all good. Great weekend, thanks."),
        (ALICE, "Okay, first the checkout errors. Bob, can you look into the payment timeouts?"),
        (BOB, "Sure. I'll have a fix by Friday."),
        (CAROL, "On the vendor, we decided to go with Stripe for the new billing."),
        (ALICE, "Let's move the launch to the first of March."),
        (CAROL, "Agreed."),
        (ALICE, "Who is going to own the data migration?"),
        (BOB, "Not sure, let's come back to that next week."),
        (CAROL, "I'll send the updated budget to finance tomorrow."),
        (ALICE, "Great, thanks everyone. See you next week."),
        first=100,
    )
    found = find_candidates(utts, meeting_date=WED, names=NAMES)
    assert [(c.kind, c.utterance, c.owner, c.due, c.evidence) for c in found] == [
        ("action", 102, BOB, date(2026, 11, 20), (102, 103)),
        ("decision", 104, None, None, (104,)),
        ("decision", 105, None, date(2027, 3, 1), (105, 106)),
        ("question", 107, None, None, (107,)),
        ("action", 109, CAROL, date(2026, 11, 19), (109,)),
    ]
    action = found[0]
    assert action.text == "Look into the payment timeouts"
    assert action.due_text == "by Friday" and action.speaker == ALICE
    assert found[2].text == "Let's move the launch to the first of March." and found[2].speaker == ALICE
    assert found[3].text == "Who is going to own the data migration?"


@pytest.mark.parametrize(
    "lines",
    [
        [
            (ALICE, "Hi everyone, how are you?"),
            (BOB, "Good, how are you?"),
            (ALICE, "Can you see my screen?"),
        ],
        [(ALICE, "Right?"), (BOB, "Yeah?"), (ALICE, "Okay?")],
        [(BOB, "I can see the dashboard now. I can hear you fine.")],
        [(BOB, "Let me share my screen. Let me know if you can see it.")],
        [(BOB, "Let me put it this way. Let me give you an example. I can only say good things.")],
        [(BOB, "I'll be honest, the demo went well. I think it looks great.")],
        [(BOB, "I will not be able to make it on Friday. I can't promise anything.")],
        [(BOB, "I would do it if I can find the time.")],
        [(BOB, "We haven't decided on the vendor yet."), (CAROL, "No, and the budget needs to be approved.")],
        [(BOB, "Have we agreed on the vendor?"), (CAROL, "Yes, last week.")],
        [(BOB, "I agreed with her point about pricing, it was a good talk.")],
        [(ALICE, "Everyone, please fill in the survey."), (BOB, "Sure.")],
    ],
)
def test_small_talk_mechanics_and_non_commitments_give_nothing(lines: list[tuple[str, str]]) -> None:
    assert _find(*lines) == []


def test_commitment_owner_is_the_speaker_with_due_date_and_cue() -> None:
    (c,) = _find((ALICE, "Next item."), (BOB, "Okay. I will fix the payment bug by Friday."))
    assert c.kind == "action" and c.owner == BOB and c.speaker == BOB
    assert c.text == "I will fix the payment bug by Friday."
    assert (c.due, c.due_text) == (date(2026, 11, 20), "by Friday")
    assert c.evidence == (1,) and c.cue == "commitment:i will"


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("I'm going to draft the hiring plan.", "i'm going to"),
        ("I'm going to draft the hiring plan, okay?", "i'm going to"),
        ("Let me check with legal about the contract.", "let me"),
        ("I can take the onboarding docs.", "i can"),
        ("If the tests pass, I'll deploy on Monday.", "i'll"),
        ("I'll also take care of the invoices.", "i'll"),
        ("Will I need to send it?", None),
        ("I can't do Thursday.", None),
        ("If I can, I'd like to help.", None),
        ("I'll be out next week.", None),
    ],
)
def test_commitment_cues(sentence: str, cue: str | None) -> None:
    assert commitment_cue(sentence) == cue


def test_accepted_request_is_one_action_owned_by_who_accepted() -> None:
    found = _find(
        (ALICE, "Could you send me the budget spreadsheet by Monday?"),
        (BOB, "Yes, I'll send it tomorrow morning."),
    )
    (c,) = found  # the acceptance is not a second, separate commitment
    assert c.owner == BOB and c.speaker == ALICE
    assert c.text == "Send me the budget spreadsheet by Monday"
    assert c.evidence == (0, 1) and c.cue == "request:accepted"
    assert (c.due, c.due_text) == (date(2026, 11, 19), "tomorrow")  # the acceptor's word wins


def test_request_due_date_is_used_when_the_acceptance_names_none() -> None:
    (c,) = _find((ALICE, "Please update the roadmap before Thursday."), (CAROL, "Will do."))
    assert c.owner == CAROL and c.text == "Update the roadmap before Thursday"
    assert (c.due, c.due_text) == (date(2026, 11, 19), "before Thursday")


def test_refusal_is_skipped_and_the_next_volunteer_owns_it() -> None:
    (c,) = _find(
        (ALICE, "Can you review the security report?"),
        (BOB, "No, sorry, I can't this week."),
        (CAROL, "I can do it."),
    )
    assert c.owner == CAROL and c.evidence == (0, 2)


def test_open_call_needs_a_real_volunteer_not_a_bare_yes() -> None:
    (c,) = _find(
        (ALICE, "Can someone take the notes for the retro?"),
        (BOB, "Yes."),
        (CAROL, "I'll do it."),
    )
    assert c.owner == CAROL and c.text == "Take the notes for the retro"


@pytest.mark.parametrize(
    ("asked", "answer", "text"),
    [
        (
            "Someone needs to update the wiki before the release.",
            "I can do that.",
            "Update the wiki before the release",
        ),
        ("Who can take the minutes?", "Me.", "Take the minutes"),
        ("Would you be able to review the PR?", "Sure.", "Review the PR"),
        ("When you have time, can you look at the logs?", "Yep.", "Look at the logs"),
        (
            "Do you want to take the lead on the migration?",
            "Yeah, I'll take it.",
            "Take the lead on the migration",
        ),
    ],
)
def test_request_forms(asked: str, answer: str, text: str) -> None:
    (c,) = _find((ALICE, asked), (BOB, answer))
    assert (c.kind, c.owner, c.text, c.evidence) == ("action", BOB, text, (0, 1))


def test_request_to_a_named_person_is_theirs_without_an_answer() -> None:
    (c,) = _find((ALICE, "Carol, could you please send the contract to legal?"), names=NAMES)
    assert c.owner == CAROL and c.evidence == (0,) and c.cue == "request:assigned"
    assert c.text == "Send the contract to legal"


def test_a_name_in_the_task_is_not_the_addressee() -> None:
    (c,) = _find((ALICE, "Can you send Carol the signed contract?"), (BOB, "Sure."), names=NAMES)
    assert c.owner == BOB and c.text == "Send Carol the signed contract"
    (c,) = _find((ALICE, "Can you send the signed contract, Carol?"), names=NAMES)
    assert c.owner == CAROL and c.text == "Send the signed contract"


@pytest.mark.parametrize(
    "asked",
    [
        "Carol, when the count's done, send me the variance list.",
        "And, uh, Carol, once the audit closes, send me the variance list.",
        "Carol, before you leave on Friday, send me the variance list.",
    ],
)
def test_a_task_after_a_time_clause_is_still_a_request_to_the_named_person(asked: str) -> None:
    (c,) = _find((ALICE, asked), (CAROL, "Sure."), names=NAMES)
    assert (c.kind, c.owner, c.evidence) == ("action", CAROL, (0, 1))
    assert c.text == "Send me the variance list"


def test_named_assignment_and_acceptance_from_the_named_person() -> None:
    (c,) = _find(
        (ALICE, "Bob to prepare the slides for the board."),
        (CAROL, "Sounds fine."),
        (BOB, "Yep, I'll do that next Tuesday."),
        names=NAMES,
    )
    assert c.owner == BOB and c.evidence == (0, 2)
    assert c.text == "Prepare the slides for the board"
    assert (c.due, c.due_text) == (date(2026, 11, 24), "next Tuesday")


def test_unanswered_request_without_names_is_not_an_action() -> None:
    found = _find((ALICE, "Bob, can you fix the flaky test?"), (ALICE, "Anyway, moving on."))
    assert [c.kind for c in found] == ["question"]  # left hanging: an open question, not an owner


def test_a_request_is_not_accepted_by_its_own_speaker() -> None:
    found = _find((ALICE, "Can you ship the hotfix?"), (ALICE, "Yes. I'll ask around."))
    assert all(c.cue != "request:accepted" for c in found)


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("We decided to go with Postgres for the archive.", "decision:we decided"),
        ("We've decided to drop the Android beta.", "decision:we've decided"),
        ("Let's go with option B for the pricing page.", "decision:let's go with"),
        ("The Q3 marketing budget is approved.", "decision:is approved"),
        ("So it's agreed, we ship on Monday.", "decision:it's agreed"),
        ("Final answer is no new hires this quarter.", "decision:final answer is"),
    ],
)
def test_decision_cues(sentence: str, cue: str) -> None:
    (c,) = _find((BOB, sentence))
    assert c.kind == "decision" and c.cue == cue and c.speaker == BOB and c.owner is None


def test_decision_names_its_date() -> None:
    (c,) = _find((BOB, "We decided to launch on the first of March."))
    assert (c.due, c.due_text) == (date(2027, 3, 1), "on the first of March")


def test_agreement_to_a_proposal_makes_the_proposal_the_decision() -> None:
    (c,) = _find((ALICE, "Should we go with Postgres for the archive?"), (BOB, "Sounds good."))
    assert c.kind == "decision" and c.text == "Should we go with Postgres for the archive?"
    assert c.speaker == ALICE and c.evidence == (0, 1)


def test_short_settlement_takes_the_sentence_before_it() -> None:
    (c,) = _find((ALICE, "The offsite moves to Lisbon."), (BOB, "Okay. So it's settled."))
    assert c.text == "The offsite moves to Lisbon. So it's settled." and c.evidence == (0, 1)


def test_a_proposal_with_its_own_cue_and_an_agreement_is_one_decision() -> None:
    (c,) = _find((ALICE, "Let's go with option B."), (BOB, "Agreed."))
    assert c.evidence == (0, 1)


def test_question_followed_by_a_deferral_is_open() -> None:
    (c,) = _find(
        (ALICE, "What is the budget for the offsite?"),
        (BOB, "Hmm."),
        (CAROL, "I don't know yet, it's TBD."),
    )
    assert c.kind == "question" and c.cue == "question:deferred" and c.speaker == ALICE


def test_question_nobody_else_answers_is_open_and_an_answered_one_is_not() -> None:
    found = _find(
        (ALICE, "Which region do we deploy to first?"),
        (BOB, "Europe, because of the data residency rules."),
        (CAROL, "And what about the office budget for next year?"),
    )
    assert [(c.kind, c.utterance, c.cue) for c in found] == [("question", 2, "question:unanswered")]


@pytest.mark.parametrize(
    "lines",
    [
        [(ALICE, "Has legal come back on the claim wording?"), (BOB, "Not a peep. I'll chase them.")],
        [(ALICE, "Did anyone find out about the car park?"), (BOB, "No. Nobody's looked.")],
        [(ALICE, "Does the grant cover second-hand machinery?"), (BOB, "Still don't know.")],
        [(ALICE, "Who pays if somebody breaks it?"), (BOB, "Nobody knows, honestly.")],
        [(ALICE, "Did the vendor ever say whether it needs a reboot?"), (BOB, "No.")],
        [(ALICE, "We still don't know about the licence, do we?"), (BOB, "Well, I asked the council.")],
        # a short question whose topic is said before it; "Nothing.", "still open", "I'll find out"
        [(ALICE, "Flat nine. Are we moving them out or not?"), (BOB, "Waiting on the spec, don't know.")],
        [(ALICE, "Kiln Yard recharge. Legal come back?"), (BOB, "Nothing. Still open.")],
        [
            (ALICE, "Any word on whether the group renewed the drone licence?"),
            (BOB, "Nothing. I emailed twice."),
        ],
        [
            (ALICE, "Does the party need a liquor licence at the clubhouse?"),
            (BOB, "I'll check with council."),
        ],
        # leave asked to ask, then the question; kept open, undecided, can't say, decided later
        [(ALICE, "Can I ask, are we still taking new patients, or is the list closed?"), (BOB, "No idea.")],
        [
            (ALICE, "Will the bowls club let us have the clubhouse?"),
            (BOB, "That's theirs to say, so we keep it open."),
        ],
        [(ALICE, "Guitar or backing tracks for the songs?"), (BOB, "Undecided, sorry.")],
        [
            (ALICE, "Are we replacing her or stopping Saturdays?"),
            (BOB, "Honestly, I can't say which way it'll go."),
        ],
        [
            (ALICE, "Should reminders go by text instead of letters?"),
            (BOB, "Good point. Let's decide once we've seen the costs."),
        ],
        [(ALICE, "Has the league said whether it's one per pitch?"), (BOB, "I've written twice. Nothing.")],
    ],
)
def test_a_question_nobody_can_answer_yet_is_open(lines: list[tuple[str, str]]) -> None:
    (c,) = [c for c in _find(*lines, names=NAMES) if c.kind == "question"]
    assert c.cue == "question:deferred" and c.utterance == 0


@pytest.mark.parametrize(
    "lines",
    [
        # a status check on someone's task, or a new date put forward: business, not an open question
        [(ALICE, "Is the June rota done, Bob?"), (BOB, "Not yet.")],
        [(ALICE, "Carol, the invoices?"), (CAROL, "Not yet, Friday.")],
        [(ALICE, "Did you get the device lab for this sprint?"), (BOB, "Not yet.")],
        [(BOB, "Can we say the twentieth?"), (ALICE, "Not sure, let me check.")],
        # "No." answers a question about the room's knowledge, not one asked of a person's plans
        [(ALICE, "Are we going with the blue logo?"), (BOB, "No.")],
        # leave asked, nothing asked; small talk
        [(ALICE, "Can I ask something?"), (BOB, "Not sure I'll know.")],
        [(ALICE, "How are we doing?"), (BOB, "No idea, honestly.")],
    ],
)
def test_a_status_check_a_new_date_or_a_plain_answer_is_not_an_open_question(
    lines: list[tuple[str, str]],
) -> None:
    assert not [c for c in _find(*lines, names=NAMES) if c.kind == "question"]


def test_repeated_commitment_is_merged() -> None:
    (c,) = _find(
        (BOB, "I'll send the deck to the client."),
        (ALICE, "Great."),
        (BOB, "Yeah, I'll send the deck to the client tomorrow."),
    )
    assert c.evidence == (0, 2) and c.due == date(2026, 11, 19)


def test_sentence_splitting_keeps_punctuation_and_decimals() -> None:
    assert split_sentences("We grew 2.5 percent. Great! Why? ") == ["We grew 2.5 percent.", "Great!", "Why?"]


def test_empty_meeting() -> None:
    assert find_candidates([], meeting_date=WED) == []


def test_a_confirmation_on_the_next_line_is_more_evidence_not_a_second_decision() -> None:
    said = (ALICE, "Mine, really. B's the one. Let's go with B.")
    found = _find(said, (BOB, "Brilliant. B it is."))
    assert [(c.kind, c.evidence) for c in found] == [("decision", (0, 1))]
    # naming something new is its own decision, not a confirmation
    found = _find(said, (BOB, "Brilliant. C it is."))
    assert [(c.kind, c.utterance) for c in found] == [("decision", 0), ("decision", 1)]
    # the same speaker saying it again is not another speaker's confirmation
    assert len(_find(said, (ALICE, "Brilliant. B it is."))) == 2


@pytest.mark.parametrize(
    "lines",
    [
        # a ruling said as how things will be done
        [
            (BOB, "Shall we split the invoice run?"),
            (ALICE, "We bill monthly from here. That's how we'll do it."),
        ],
        # consensus named by the chair
        [
            (BOB, "Two rounds seems right."),
            (ALICE, "I think we're all on the same page: two interview rounds."),
        ],
        # a go-ahead given as a ruling
        [
            (BOB, "The quote for the scaffolding is in, nine thousand."),
            (ALICE, "Fine, go ahead and sign it."),
        ],
        [(BOB, "The blue or the grey for the cover?"), (ALICE, "Yeah, go with the grey cover.")],
        # a keeping ruled in a few words
        [(BOB, "Do we rename the newsletter or not?"), (ALICE, "Okay. The name stays.")],
        # a committee's recommendation
        [(CAROL, "Chair, the evidence is clear."), (ALICE, "The committee will recommend a second review.")],
    ],
)
def test_decisions_said_as_rulings_in_other_words(lines: list[tuple[str, str]]) -> None:
    found = [c for c in _find(*lines) if c.kind == "decision"]

    assert [c.utterance for c in found] == [1]


@pytest.mark.parametrize(
    "lines",
    [
        [(BOB, "Is the roof ours or the landlord's?"), (ALICE, "Let's talk about the roof after lunch.")],
        [(ALICE, "It's two o'clock, let's do the, the weekly ops call.")],
        [(ALICE, "Let's decide that once the figures are in.")],
        [(ALICE, "We'll come back to it then.")],
        [(BOB, "The canteen budget?"), (ALICE, "We decided in March to keep it at four thousand.")],
        [(BOB, "Did we ever settle who signs, us or the agency?"), (ALICE, "The agency.")],
        [(BOB, "We'll publish the figures on the site."), (ALICE, "Agreed, yes.")],
    ],
)
def test_deferrals_past_rulings_and_meeting_business_are_not_decisions(lines: list[tuple[str, str]]) -> None:
    assert not [c for c in _find(*lines) if c.kind == "decision"]


@pytest.mark.parametrize(
    "line",
    [
        "I can cover Friday— oh, wait, no, I can't, I'm at a funeral.",
        "Fine, I'll let it go.",
        "The supplier says Monday, but I'll believe it when I see it.",
    ],
)
def test_offers_taken_back_in_the_same_breath_or_idioms_are_no_actions(line: str) -> None:
    assert not [c for c in _find((BOB, line)) if c.kind == "action"]


def test_a_request_declined_after_a_filler_is_no_action() -> None:
    found = _find((ALICE, "Bob, could you take the Harlow account?"), (BOB, "Honestly, no. I'm underwater."))

    assert not [c for c in found if c.kind == "action"]


@pytest.mark.parametrize(
    ("lines", "due"),
    [
        # the date agreed just before the offer, in the same turn
        (
            [
                (ALICE, "Could I have the figures?"),
                (BOB, "Yes, by the 27th. I'll pull them from the ledger."),
            ],
            27,
        ),
        # a span to do it in: "give me ten days"
        ([(BOB, "I can get three quotes for the van. Give me, say, ten days.")], 28),
        # a deadline in the next sentence over a day named as the task's object
        ([(BOB, "I'll sort Saturday's cover myself. I'll have it done by Friday.")], 20),
        # a team's task with its deadline said after it
        ([(BOB, "We'll send the new timetable out to the parents. By Monday.")], 23),
        # minutes from now: today
        ([(BOB, "I'll send the agenda round in ten minutes.")], 18),
    ],
)
def test_due_dates_said_around_the_offer(lines: list[tuple[str, str]], due: int) -> None:
    (action,) = [c for c in _find(*lines) if c.kind == "action"]

    assert action.owner == BOB and action.due == date(2026, 11, due)


def test_a_date_in_someone_elses_long_turn_after_the_offer_is_not_its_due_date() -> None:
    found = _find(
        (BOB, "I'll draft the workshop flyer."),
        (CAROL, "Oh, by the way, I emailed the lender about the couriers. They're coming on the second."),
    )

    (action,) = [c for c in found if c.kind == "action"]
    assert action.due is None


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        ("Bob, you're on the venue shortlist, by Friday.", date(2026, 11, 20)),
        ("Bob, you take the onboarding checklist.", None),
    ],
)
def test_the_chairs_assignment_said_to_the_person_is_theirs_when_they_accept(
    asked: str, due: date | None
) -> None:
    (c,) = [x for x in _find((ALICE, asked), (BOB, "Yep, can do."), names=NAMES) if x.kind == "action"]

    assert (c.owner, c.evidence, c.due) == (BOB, (0, 1), due)


def test_you_said_or_you_know_after_a_name_is_no_assignment() -> None:
    found = _find((ALICE, "Bob, you know the venue better than me."), (BOB, "Yep."), names=NAMES)

    assert not [c for c in found if c.kind == "action"]


@pytest.mark.parametrize(
    "lines",
    [
        # a ruling that something will not be done, the thing named
        [(BOB, "The heated seats add forty pounds a unit."), (ALICE, "We're not offering the heated seats.")],
        [
            (BOB, "A second shuttle bus?"),
            (ALICE, "No, we're not hiring a second bus, the first runs half empty."),
        ],
        [(CAROL, "The glass atrium fails the energy model."), (ALICE, "Agreed, that's a no on the atrium.")],
        # granted in a word
        [(BOB, "Could I bring the locksmith in? It's about two hundred."), (ALICE, "Yeah fine, book him.")],
        [(BOB, "The grant request for the sound desk."), (ALICE, "Nobody objects. Good, approved.")],
        # in force from now
        [(BOB, "The side door keeps jamming."), (ALICE, "Okay, the side door is staff only from now.")],
    ],
)
def test_rulings_out_grants_and_changes_in_force_now_are_decisions(lines: list[tuple[str, str]]) -> None:
    found = [c for c in _find(*lines) if c.kind == "decision"]

    assert [c.utterance for c in found] == [1]


@pytest.mark.parametrize(
    "line",
    [
        "We're not doing that again, it was chaos.",  # nothing named: a remark, not a ruling
        "Honestly we're not seeing the numbers we hoped for.",
        "We're not getting the parts before March.",
        "We're not finding a problem with capacity in the north.",  # a finding, not a ruling
        "We're not urging mergers, but, if a college wants one, we'll help.",
        "We have until March, that's three weeks from now.",
        "Who's chasing the printers then",  # a question without its question mark
    ],
)
def test_remarks_and_questions_without_their_mark_are_no_decisions(line: str) -> None:
    assert not [c for c in _find((BOB, "Where are we on the launch?"), (ALICE, line)) if c.kind == "decision"]


def test_an_outcome_asked_back_and_confirmed_is_a_decision() -> None:
    found = _find(
        (BOB, "The newsletter could go fortnightly, it's a lot of work weekly."),
        (ALICE, "So we're moving the newsletter to fortnightly, yeah?"),
        (CAROL, "Yep, fortnightly."),
    )

    (c,) = [c for c in found if c.kind == "decision"]
    assert c.utterance == 1 and c.evidence == (1, 2)
    assert c.text == "So we're moving the newsletter to fortnightly."


@pytest.mark.parametrize(
    "line",
    [
        "Oh sure, I'll just rebuild the whole website over the weekend.",
        "Oh great, and I guess I'll do the accounts as well then.",
        "Right, I'll phone all two hundred members tonight, shall I.",
        "I'll write the grant bid in my sleep, obviously.",
        "I might run a workshop too, I'll have to see.",
        "The rota, let me have a think about it.",
        "I said I'd chair the panel, but I'm going to have to back out of that.",
        "I'll move we adopt the report.",
        "I'll keep it short today.",
    ],
)
def test_sarcasm_hedges_withdrawals_and_procedure_are_no_actions(line: str) -> None:
    assert not [c for c in _find((ALICE, "Next item."), (BOB, line)) if c.kind == "action"]


@pytest.mark.parametrize(
    "lines",
    [
        # the acceptance, then the date said of "it" in the same turn
        [(ALICE, "Bob, can you sketch the new logo?"), (BOB, "Yeah, I can do that. I'll have it Friday.")],
        # a bare yes, then the task in the acceptor's own words
        [(ALICE, "Bob, could you check the fire doors?"), (BOB, "Sure, on it. I'll go round tomorrow.")],
        # the date asked and answered, then said of "it"
        [
            (ALICE, "Bob, could you write up the pilot?"),
            (BOB, "Sure. When's the board meeting?"),
            (ALICE, "The twentieth."),
            (BOB, "Okay, I'll get it to you before then."),
        ],
    ],
)
def test_an_acceptance_and_its_detail_are_one_action(lines: list[tuple[str, str]]) -> None:
    (c,) = [c for c in _find(*lines, names=NAMES) if c.kind == "action"]

    assert c.owner == BOB and c.due is not None


def test_before_then_is_the_date_said_earlier_in_the_same_turn() -> None:
    # a weekday said by another speaker just before must not win over the speaker's own
    (c,) = [
        c
        for c in _find(
            (CAROL, "With four pitches in use on a Sunday, that is quite a difference."),
            (BOB, "The council's booking window closes on Friday. I'll submit our application before then."),
        )
        if c.kind == "action"
    ]
    assert (c.owner, c.due_text, c.due.weekday() if c.due else None) == (BOB, "on Friday", 4)


def test_an_open_call_then_a_named_ask_taken_once_is_one_action() -> None:
    found = _find(
        (CAROL, "Someone should really recount the stock at the depot."),
        (ALICE, "Bob, can you do that?"),
        (BOB, "Yeah, I'm on it. I'll go over tomorrow."),
        names=NAMES,
    )

    (c,) = [c for c in found if c.kind == "action"]
    assert c.owner == BOB and c.due == date(2026, 11, 19)


def test_put_me_down_for_it_takes_the_task() -> None:
    found = _find((ALICE, "Who's taking minutes?"), (BOB, "Put me down for the minutes, I've got my laptop."))

    assert [(c.kind, c.owner) for c in found if c.kind == "action"] == [("action", BOB)]


@pytest.mark.parametrize(
    ("line", "due"),
    [
        # the hesitations of speech inside the date
        ("I'll have the flyers, by the, uh, the twenty-fourth.", date(2026, 11, 24)),
        ("I can chase the caterer. Give me, um, a week.", date(2026, 11, 25)),
        # "Tuesday week": the Tuesday after next
        ("I'll get the draft to you Tuesday week.", date(2026, 12, 1)),
    ],
)
def test_due_dates_said_haltingly_or_a_week_on(line: str, due: date) -> None:
    (action,) = [c for c in _find((BOB, line)) if c.kind == "action"]

    assert action.due == due


@pytest.mark.parametrize(
    "lines",
    [
        # a warm refusal, then the chair's "okay" is no one taking it
        [
            (ALICE, "And the housing team, could you send us the waiting-list figures?"),
            (CAROL, "I'd love to, honestly, but we don't hold them, the council does."),
            (BOB, "Okay. Next item then."),
        ],
        # an offer taken back in the next sentence
        [(BOB, "I can do the poster. Oh — actually no, wait, I'm away that week.")],
        # asked to present now, not a task
        [(ALICE, "Bob, d'you want to take us through the floor plans"), (BOB, "Yeah, so there are two.")],
        # a motion moved is procedure
        [(ALICE, "Bob, would you move that?"), (BOB, "I move, Chair.")],
        # a statement to a named person, not a task named without a verb
        [
            (ALICE, "Um, Carol, the new rota's been live for a month, and people still miss it."),
            (CAROL, "Aye."),
        ],
    ],
)
def test_refusals_retractions_presentations_and_statements_are_no_actions(
    lines: list[tuple[str, str]],
) -> None:
    assert not [c for c in _find(*lines, names=NAMES) if c.kind == "action"]


def test_the_chair_saying_who_is_doing_it_and_a_yep_is_their_action() -> None:
    found = _find(
        (CAROL, "The van needs booking for the fair."),
        (ALICE, "Okay, so Bob's doing the van."),
        (BOB, "Yep."),
        names=NAMES,
    )

    (c,) = [c for c in found if c.kind == "action"]
    assert (c.owner, c.evidence) == (BOB, (1, 2))


def test_who_is_doing_it_with_the_deadline_after_and_a_volunteer() -> None:
    found = _find(
        (ALICE, "Who's writing the safety briefing? It has to reach the site by the 27th."),
        (BOB, "I can take that."),
    )

    (c,) = [c for c in found if c.kind == "action"]
    assert (c.owner, c.due) == (BOB, date(2026, 11, 27))


def test_a_due_date_said_back_after_taking_a_task_is_no_decision() -> None:
    found = _find(
        (ALICE, "Bob, could you draft the tenancy letter?"),
        (BOB, "Yeah, okay. When's it due"),
        (ALICE, "The thirtieth, for the board pack."),
        (BOB, "Fine, the thirtieth."),
    )

    assert not [c for c in found if c.kind == "decision"]
    (c,) = [c for c in found if c.kind == "action"]
    assert c.due == date(2026, 11, 30)


def test_calling_a_vote_is_no_decision() -> None:
    found = _find(
        (BOB, "I'd like to move that we keep the hall open till ten."),
        (CAROL, "I'll second that."),
        (ALICE, "Okay. Um, let's take a vote then on the later closing."),
    )

    assert not [c for c in found if c.kind == "decision" and c.utterance == 2]


def test_the_agendas_order_is_no_decision() -> None:
    found = _find(
        (ALICE, "Okay, let's take the Morley lease first. Bob, where are we?"), (BOB, "Still waiting.")
    )

    assert not [c for c in found if c.kind == "decision"]


def test_a_yes_taken_back_accepts_nothing_and_the_next_volunteer_owns_it() -> None:
    found = _find(
        (ALICE, "Can you do the seating plan?"),
        (BOB, "I can do the seating plan. Oh, actually no, wait, I'm away that weekend."),
        (CAROL, "Put me down for it then, I'll have it by Friday."),
    )

    (c,) = [c for c in found if c.kind == "action"]
    assert (c.owner, c.due) == (CAROL, date(2026, 11, 20))


def test_a_statement_with_a_negation_to_a_named_person_is_no_task() -> None:
    found = _find(
        (ALICE, "Carol, the printer still hasn't come back from repair"), (CAROL, "Yeah."), names=NAMES
    )

    assert not [c for c in found if c.kind == "action"]


@pytest.mark.parametrize("asked", ["Can I jump in on the kit?", "Could I add something?", "Why not?"])
def test_asking_for_the_floor_or_a_word_or_two_is_no_open_question(asked: str) -> None:
    found = _find((ALICE, asked), (BOB, "Not sure, go on."), names=NAMES)
    assert not [c for c in found if c.kind == "question"]
