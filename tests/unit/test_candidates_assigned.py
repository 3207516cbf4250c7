"""Work handed out by name in the third person (candidates/assigned.py): one action per person named who
says yes; nothing for a name not present, a task not taken up, or words that are no task."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.candidates import find_candidates
from minutes.types import Utterance

MON = date(2026, 6, 1)
NAMES = {"SPEAKER_00": "Chair", "SPEAKER_01": "Site Engineer", "SPEAKER_02": "Priya", "SPEAKER_03": "Tomasz"}


def _actions(*lines: tuple[str, str]) -> list[tuple[str | None, str]]:
    utts = [Utterance(i, who, 10.0 * i, 10.0 * i + 8.0, text) for i, (who, text) in enumerate(lines)]
    found = find_candidates(utts, meeting_date=MON, names=NAMES)
    return [(NAMES.get(c.owner or ""), c.text) for c in found if c.kind == "action"]


def test_each_person_named_with_a_task_who_says_yes_owns_it() -> None:
    found = _actions(
        (
            "SPEAKER_00",
            "Right, before next week the Site Engineer over here is going to look into the crane permits, "
            "and Priya will prepare the cost sheet.",
        ),
        ("SPEAKER_01", "Mm-hmm."),
        ("SPEAKER_02", "Sure."),
    )
    assert sorted(owner or "" for owner, _ in found) == ["Priya", "Site Engineer"]
    assert any("crane permits" in text for _, text in found)


@pytest.mark.parametrize(
    ("lines", "owners"),
    [
        # the person named says nothing, or something else: only the speaker's own offer stands
        (
            (
                ("SPEAKER_02", "I'll book the hall, and Tomasz will do the posters."),
                ("SPEAKER_00", "Lovely."),
            ),
            ["Priya"],
        ),
        ((("SPEAKER_00", "Tomasz will prepare the rota."), ("SPEAKER_03", "No, I can't this month.")), []),
        # no task, a hedge, a name not present
        ((("SPEAKER_00", "Honestly, Priya will love the new layout."), ("SPEAKER_02", "Yeah.")), []),
        ((("SPEAKER_00", "Maybe Priya will look into it at some point."), ("SPEAKER_02", "Yeah.")), []),
        ((("SPEAKER_00", "And Gustav will send the drawings."), ("SPEAKER_02", "Okay.")), []),
    ],
)
def test_no_action_for_a_task_only_talked_about(
    lines: tuple[tuple[str, str], ...], owners: list[str]
) -> None:
    assert [owner for owner, _ in _actions(*lines)] == owners
