"""Two idioms that promise a task though their words say otherwise: "I'll see what I can do about
…" takes it on, and "unless anyone shouts" is a condition nobody means. A real condition, a
farewell and a bare "see what I can do" promise nothing."""

from __future__ import annotations

import pytest

from minutes.summarize.candidates import commitment_cue


@pytest.mark.parametrize(
    "said",
    [
        "I'll see what I can do about a laminated list of the key safe codes for each car, by Friday.",
        "I'll see what I can do about the referral by Friday.",
        "The AV company want six weeks' notice, so I'll book them this week unless anyone shouts.",
        "I'll send the revised plan round on Monday unless somebody objects.",
    ],
)
def test_a_promise_in_an_idiom_is_a_commitment(said: str) -> None:
    assert commitment_cue(said) == "i'll"


@pytest.mark.parametrize(
    "said",
    [
        "I'll see you all on Friday.",
        "I'll see what I can do.",  # nothing named to do
        "I'll book them unless the price goes up again.",  # a real condition
        "I'll send the plan round, but only if finance agree.",
    ],
)
def test_a_farewell_or_a_real_condition_is_not(said: str) -> None:
    assert commitment_cue(said) is None
