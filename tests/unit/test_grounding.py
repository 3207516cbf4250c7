from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.grounding import support
from minutes.summarize.text import content_words, stem

WED = date(2026, 11, 18)


def test_content_words_drop_stopwords_and_fillers_and_stem() -> None:
    words = content_words("Um, so I think we'll be fixing the payment bugs in the checkout, okay?")
    assert words == {"think", "fix", "payment", "bug", "checkout"}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("fix", "fixes"),
        ("fixed", "fixing"),
        ("move", "moving"),
        ("moved", "moves"),
        ("stop", "stopped"),
        ("plan", "planning"),
        ("party", "parties"),
        ("release", "released"),
    ],
)
def test_inflections_share_a_stem(a: str, b: str) -> None:
    assert stem(a) == stem(b)


def test_number_words_become_digits() -> None:
    assert content_words("hire two designers") == content_words("hire 2 designers")
    assert "5000" in content_words("a budget of $5,000")


@pytest.mark.parametrize(
    ("item", "evidence"),
    [
        ("Fix the payment bug", ["I will fix the payment bug by Friday."]),
        ("Bob fixes the payment bug by Friday", ["Yeah, I'll be fixing the payment bug by Friday."]),
        (
            "Update the release notes",
            ["Bob, can you update the release notes?", "Sure, I'll do that tomorrow."],
        ),
        ("Launch moved to March 1", ["OK, we decided to move the launch to the first of March."]),
        ("Deploy the new billing service", ["The billing service deployment goes out Monday, the new one."]),
        ("Hire two designers", ["We agreed we need to hire 2 more designers."]),
    ],
)
def test_faithful_paraphrases_are_supported(item: str, evidence: list[str]) -> None:
    ok, score = support(item, evidence, meeting_date=WED)
    assert ok, score
    assert score >= 0.5


@pytest.mark.parametrize(
    ("item", "evidence"),
    [
        ("Hire two new designers", ["The office move is planned for January.", "We need new chairs."]),
        ("Cancel the marketing campaign", ["I'll fix the payment bug by Friday."]),
        ("Renegotiate the vendor contract with Acme", ["Good morning everyone, how was the weekend?"]),
    ],
)
def test_inventions_are_not_supported(item: str, evidence: list[str]) -> None:
    ok, score = support(item, evidence)
    assert not ok
    assert score < 0.5


def test_a_changed_number_is_not_supported_even_when_the_words_match() -> None:
    evidence = ["We agreed to hire 2 designers this quarter."]
    assert support("Hire 2 designers this quarter", evidence)[0]
    ok, score = support("Hire 3 designers this quarter", evidence)
    assert not ok and score >= 0.5


def test_a_changed_or_invented_date_is_not_supported() -> None:
    evidence = ["I will fix the payment bug on Friday."]
    assert support("Fix the payment bug by Friday", evidence, meeting_date=WED)[0]
    assert not support("Fix the payment bug by Monday", evidence, meeting_date=WED)[0]
    assert not support("Fix the payment bug by March 3rd", ["I will fix the payment bug."])[0]


def test_dates_compare_by_the_day_they_name() -> None:
    # Said on Wednesday 18 November 2026, "by Friday" is 20 November.
    assert support("Send the report by November 20th", ["I'll send the report by Friday."], meeting_date=WED)[
        0
    ]


def test_an_item_without_content_words_is_never_supported() -> None:
    assert support("Okay, yes, that.", ["Okay, yes, that."]) == (False, 0.0)
    assert support("", ["anything"]) == (False, 0.0)


def test_threshold_is_respected() -> None:
    item, evidence = "Fix payment bug and update docs", ["I will fix the payment bug."]
    ok, score = support(item, evidence)  # fix, payment, bug of fix, payment, bug, update, docs
    assert score == pytest.approx(0.6) and ok
    assert not support(item, evidence, threshold=0.75)[0]
