"""Decisions the model proposes per chunk: kept where the cited words hold them and the rules lack them."""

from __future__ import annotations

from datetime import date
from typing import Any

from minutes.errors import StageError
from minutes.summarize.candidates import Candidate
from minutes.summarize.proposals import numbered, read_proposals
from minutes.summarize.summarizer import SummarizeOptions, Summarizer
from minutes.types import Utterance
from tests.fakes import FakeLLM

MON = date(2026, 6, 1)
PROPOSING = SummarizeOptions(propose_decisions=True)  # off by default; these tests turn it on


def _u(i: int, speaker: str, text: str) -> Utterance:
    return Utterance(index=i, speaker=speaker, start=i * 5.0, end=i * 5.0 + 4.0, text=text)


# Offsets like a second chunk's: utterance indexes start at 40, not 0.
# Line 42 is a decision no rule reads (no cue, no acknowledgement: "Fine. Saturday shifts …" is now
# read as the outcome said back); the model proposes it.
PART = [
    _u(40, "SPEAKER_00", "The steel is two weeks late, so the September handover is at risk."),
    _u(41, "SPEAKER_01", "A Saturday shift for six weeks would recover it, and we'd absorb the cost."),
    _u(42, "SPEAKER_00", "Saturday shifts from next week, and the handover stays in September."),
    _u(43, "SPEAKER_02", "Should the site office move to the north gate?"),
    _u(44, "SPEAKER_00", "Yes, the north gate, it's closer to the road."),
    _u(45, "SPEAKER_01", "I'll send the revised programme by Friday."),
]
NAMES = {"SPEAKER_00": "Ms Akhtar", "SPEAKER_01": "Mr Brennan", "SPEAKER_02": "Ms Fielding"}


def read(
    *entries: dict[str, Any], taken: list[Candidate] | None = None, people: tuple[str, ...] = ()
) -> list[Candidate]:
    return read_proposals(
        {"decisions": list(entries)}, PART, taken=taken or [], meeting_date=MON, people=people
    )


def test_a_decision_said_in_words_no_rule_lists_is_kept_on_its_line() -> None:
    (c,) = read({"line": 42, "decision": "Saturday shifts will run and the handover stays in September."})
    assert (c.kind, c.utterance, c.speaker, c.evidence, c.cue) == (
        "decision",
        42,
        "SPEAKER_00",
        (42,),
        "model",
    )
    assert c.owner is None


def test_a_line_number_one_off_is_mended_by_its_neighbours() -> None:
    (c,) = read({"line": 43, "decision": "Saturday shifts from next week; handover stays in September."})
    assert c.evidence == (42,) and c.utterance == 42


def test_a_choice_asked_and_answered_rests_on_both_lines() -> None:
    (c,) = read({"line": 44, "decision": "The site office moves to the north gate."})
    assert c.evidence == (43, 44) and c.utterance == 44


def test_a_question_alone_settles_nothing() -> None:
    part = [_u(7, "SPEAKER_00", "Did we decide to move the site office to the north gate?")]
    got = read_proposals(
        {"decisions": [{"line": 7, "decision": "Move the site office to the north gate."}]},
        part,
        taken=[],
        meeting_date=MON,
    )
    assert got == []


def test_a_decision_the_words_do_not_hold_is_dropped() -> None:
    assert read({"line": 42, "decision": "The budget was raised by 40,000 pounds for extra cranes."}) == []
    # the words match but a number is invented
    assert read({"line": 42, "decision": "Saturday shifts for 12 weeks; handover in September."}) == []


def test_a_line_outside_the_chunk_or_not_a_number_is_ignored() -> None:
    assert read({"line": 3, "decision": "Saturday shifts; handover in September."}) == []
    assert read({"line": "42", "decision": "Saturday shifts; handover in September."}) == []
    assert read({"line": True, "decision": "Saturday shifts; handover in September."}) == []
    assert read({"line": 42, "decision": "  "}) == []
    assert read_proposals({"decisions": "none"}, PART, taken=[], meeting_date=MON) == []
    assert read_proposals({}, PART, taken=[], meeting_date=MON) == []


def test_what_the_rules_already_hold_is_not_proposed_twice() -> None:
    rule_decision = Candidate("decision", 42, "SPEAKER_00", "Saturday shifts from next week", evidence=(42,))
    assert read({"line": 42, "decision": "Saturday shifts start next week."}, taken=[rule_decision]) == []
    action = Candidate("action", 45, "SPEAKER_01", "I'll send the revised programme by Friday.", "SPEAKER_01",
                       evidence=(45,))  # fmt: skip
    assert read({"line": 45, "decision": "Send the revised programme by Friday."}, taken=[action]) == []
    # two proposals on one line are one
    got = read(
        {"line": 42, "decision": "Saturday shifts from next week."},
        {"line": 42, "decision": "The handover stays in September; Saturday shifts start."},
    )
    assert len(got) == 1


def test_a_date_the_decision_names_is_resolved() -> None:
    part = [_u(3, "SPEAKER_00", "Right, we launch on the first of March then.")]
    (c,) = read_proposals(
        {"decisions": [{"line": 3, "decision": "Launch on March 1."}]}, part, taken=[], meeting_date=MON
    )
    assert c.due == date(2027, 3, 1)


def test_prompts_number_every_line_with_its_utterance_index() -> None:
    assert numbered(PART[2], NAMES) == (
        "[42] Ms Akhtar: Saturday shifts from next week, and the handover stays in September."
    )
    assert numbered(PART[2], {}).startswith("[42] SPEAKER_00: ")


def test_the_summarizer_adds_proposed_decisions_as_supported_items() -> None:
    llm = FakeLLM()
    llm.proposals = [
        {"line": 42, "decision": "Saturday shifts from next week; the handover stays in September."},
        {"line": 41, "decision": "The board approved a new crane."},  # not in the words: dropped
    ]
    minutes = Summarizer(llm, PROPOSING).summarize(PART, names=NAMES, meeting_date=MON, language="en")
    proposed = [d for d in minutes.of_kind("decision") if 42 in d.evidence]
    assert len(proposed) == 1 and proposed[0].supported
    assert not any("crane" in d.text for d in minutes.items)
    assert all(a.owner == "SPEAKER_01" for a in minutes.of_kind("action"))  # owners still from the rules
    assert "[42] Ms Akhtar:" in llm.calls[0][-1]["content"]


def test_proposing_is_off_by_default_and_a_failed_proposal_costs_nothing_else() -> None:
    llm = FakeLLM()
    Summarizer(llm).summarize(PART, names=NAMES, meeting_date=MON, language="en")
    assert not any("List the decisions" in c[-1]["content"] for c in llm.calls)
    assert Summarizer(llm).options()["proposals"] is None
    assert Summarizer(llm).options()["proposals"] != Summarizer(llm, PROPOSING).options()["proposals"]

    class NoProposals(FakeLLM):
        def answer(self, messages: list[dict[str, str]], *, schema: dict[str, Any] | None = None) -> str:
            if "decisions" in (schema or {}).get("properties", {}):
                raise StageError("the language model did not return JSON")
            return super().answer(messages, schema=schema)

    minutes = Summarizer(NoProposals(), PROPOSING).summarize(
        PART, names=NAMES, meeting_date=MON, language="en"
    )
    assert minutes.of_kind("action")  # the rest of the minutes stand


def test_items_alone_match_the_full_run() -> None:
    llm = FakeLLM()
    llm.proposals = [{"line": 42, "decision": "Saturday shifts from next week; handover stays in September."}]
    full = Summarizer(llm, PROPOSING).summarize(PART, names=NAMES, meeting_date=MON, language="en").items
    alone = Summarizer(llm, PROPOSING).items(PART, names=NAMES, meeting_date=MON, language="en")
    assert tuple(alone) == full


def test_a_task_one_person_takes_on_is_not_a_decision() -> None:
    assert read({"line": 45, "decision": "The revised programme will be sent by Friday."}) == []
    part = [_u(9, "SPEAKER_01", "Fine, we go with the north gate. I'll tell the crane driver tomorrow.")]
    (c,) = read_proposals(
        {"decisions": [{"line": 9, "decision": "The group goes with the north gate."}]},
        part,
        taken=[],
        meeting_date=MON,
    )
    assert c.evidence == (9,)


def test_the_model_judges_its_own_proposal_on_the_words_it_cites() -> None:
    llm = FakeLLM(keep=False)  # rejects every candidate, its own proposals too
    llm.proposals = [
        {"line": 42, "decision": "Saturday shifts from next week; the handover stays in September."}
    ]
    minutes = Summarizer(llm, PROPOSING).summarize(PART, names=NAMES, meeting_date=MON, language="en")
    assert minutes.of_kind("decision") == ()
    asked = [c[-1]["content"] for c in llm.calls if "Did the group settle this just now" in c[-1]["content"]]
    assert len(asked) == 1
    assert (
        'Ms Akhtar said: "Saturday shifts from next week, and the handover stays in September."' in asked[0]
    )


def test_a_proposal_that_hands_someone_a_task_or_puts_a_topic_off_is_not_a_decision() -> None:
    people = tuple(NAMES.values())
    # the same line, worded by the model as one person's task: an action item, not a decision
    task = {"line": 42, "decision": "Mr Brennan will run Saturday shifts until September."}
    assert read(task, people=people) == []
    she = {"line": 42, "decision": "She needs to staff Saturday shifts from next week."}
    assert read(she) == []
    parked = {"line": 42, "decision": "Saturday shifts are parked until the handover in September."}
    assert read(parked) == []
    # a verb at the start is not a person: "Agreed to ..." states what was settled
    agreed = {"line": 42, "decision": "Agreed to Saturday shifts from next week until September."}
    (c,) = read(agreed, people=people)
    assert c.evidence == (42,)


class PhrasingLLM(FakeLLM):
    """Keeps every candidate; phrases each decision as given."""

    def __init__(self, decision: str) -> None:
        super().__init__()
        self.decision = decision

    def answer(self, messages, *, schema=None):  # type: ignore[no-untyped-def]
        import json

        props = (schema or {}).get("properties", {})
        if "keep" in props and "decision" in props:
            return json.dumps({"keep": True, "decision": self.decision})
        return super().answer(messages, schema=schema)


def test_a_decision_the_model_words_as_a_task_a_deferral_or_nothing_is_dropped() -> None:
    def decisions(phrasing: str, part: list[Utterance]) -> list[str]:
        llm = PhrasingLLM(phrasing)
        minutes = Summarizer(llm).summarize(part, names=NAMES, meeting_date=MON, language="en")
        return [i.text for i in minutes.of_kind("decision")]

    agreed = [
        _u(0, "SPEAKER_01", "We could run Saturday shifts for six weeks to recover the steel delay."),
        _u(1, "SPEAKER_00", "Agreed."),
    ]
    kept = "Saturday shifts for six weeks to recover the steel delay."
    assert decisions(kept, agreed) == [kept]
    assert decisions("Mr Brennan will run the Saturday shifts.", agreed) == []
    assert decisions("Saturday shifts deferred until the steel arrives.", agreed) == []
    # "Shall we start?" — "Yes.": nothing settled that minutes could state
    opening = [_u(0, "SPEAKER_00", "Shall we crack on?"), _u(1, "SPEAKER_01", "Yes, go for it.")]
    assert decisions("Yes", opening) == []


def test_a_wording_in_the_passive_or_naming_a_car_park_is_no_task_and_no_deferral() -> None:
    from minutes.summarize.proposals import another_act

    people = ["Nadia Okafor", "Tom"]
    assert not another_act("They will be served the set menu.", people)
    assert not another_act("The van will use the car park behind the hall.", people)
    assert another_act("They will send the invoice on Friday.", people)
    assert another_act("Park the pricing question until June.", people)


def test_a_hedge_a_condition_or_something_set_before_the_meeting_settles_nothing() -> None:
    said = [
        "I reckon we'll probably end up closing on Fridays, who knows.",
        "I'd go with Harbour Design, personally, but it's your call.",
        "We cancel Paris if the strikes go on.",
        "When we moved the server room last time, it took a month.",
    ]
    for n, text in enumerate(said):
        part = [_u(n, "SPEAKER_00", text)]
        proposal = {"line": n, "decision": text.rstrip(".")}
        assert read_proposals({"decisions": [proposal]}, part, taken=[], meeting_date=MON) == [], text
    # the same words said as settled now stand
    part = [_u(9, "SPEAKER_00", "We cancel the Paris trip, the strikes are going on.")]
    (c,) = read_proposals(
        {"decisions": [{"line": 9, "decision": "The Paris trip is cancelled."}]},
        part,
        taken=[],
        meeting_date=MON,
    )
    assert c.evidence == (9,)
