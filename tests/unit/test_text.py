from __future__ import annotations

from datetime import date

import pytest

from minutes.summarize.candidates import find_candidates
from minutes.summarize.dates import resolve_due
from minutes.summarize.text import (
    blank_spans,
    content_tokens,
    content_words,
    count_shared,
    number_word,
    numbers_in,
    split_sentences,
    words,
)
from minutes.types import Utterance

WED = date(2026, 11, 18)  # a Wednesday


# Sentences ------------------------------------------------------------------------------------


@pytest.mark.parametrize("prose", [False, True])
def test_a_title_never_ends_a_sentence(prose: bool) -> None:
    text = "Thank you, Mr. Chair. Dr. Patel will send it. Ms. O'Connell agrees."
    assert split_sentences(text, prose=prose) == [
        "Thank you, Mr. Chair.",
        "Dr. Patel will send it.",
        "Ms. O'Connell agrees.",
    ]


@pytest.mark.parametrize("prose", [False, True])
def test_an_abbreviation_before_a_lowercase_word_does_not_end_a_sentence(prose: bool) -> None:
    text = "We meet at 9 a.m. sharp, e.g. in room 4, vs. last week. Then lunch."
    assert split_sentences(text, prose=prose) == [
        "We meet at 9 a.m. sharp, e.g. in room 4, vs. last week.",
        "Then lunch.",
    ]


def test_in_a_transcript_an_abbreviation_before_a_capital_ends_the_sentence() -> None:
    # A speaker's "by 5 p.m." and "plan B." end what they said; the request after it stands alone.
    assert split_sentences("I'll send it by 5 p.m. Bob, can you review it?") == [
        "I'll send it by 5 p.m.",
        "Bob, can you review it?",
    ]
    assert split_sentences("We go with plan B. Alice, can you price it?") == [
        "We go with plan B.",
        "Alice, can you price it?",
    ]


def test_in_prose_initials_and_abbreviations_always_join() -> None:
    text = "The guide by J. K. Rowling was cited, i.e. Chapter 3. Bob agreed."
    assert split_sentences(text, prose=True) == [
        "The guide by J. K. Rowling was cited, i.e. Chapter 3.",
        "Bob agreed.",
    ]


def test_decimals_and_versions_are_not_sentence_ends() -> None:
    assert split_sentences("We grew 2.5 percent on v1.2 of the app. Revenue is 1,200.50 euros.") == [
        "We grew 2.5 percent on v1.2 of the app.",
        "Revenue is 1,200.50 euros.",
    ]


def test_an_ellipsis_ends_a_sentence_unless_prose_goes_on_in_lowercase() -> None:
    text = "Well... I think so. I was thinking... maybe not."
    assert split_sentences(text) == ["Well...", "I think so.", "I was thinking...", "maybe not."]
    assert split_sentences(text, prose=True) == ["Well...", "I think so.", "I was thinking... maybe not."]


def test_sentences_straighten_apostrophes_and_prose_squashes_white_space() -> None:
    assert split_sentences("I’ll do it.  Thanks!") == ["I'll do it.", "Thanks!"]
    assert split_sentences("Alice  will\n send it.\n\nBob agrees.", prose=True) == [
        "Alice will send it.",
        "Bob agrees.",
    ]


def test_a_transcript_split_at_a_title_keeps_the_commitment_whole() -> None:
    (c,) = find_candidates(
        [Utterance(0, "SPEAKER_00", 0.0, 5.0, "I'll ask Dr. Patel to check the numbers by Friday.")],
        meeting_date=WED,
    )
    assert c.text == "I'll ask Dr. Patel to check the numbers by Friday."
    assert c.due == date(2026, 11, 20)


# Words ----------------------------------------------------------------------------------------


def test_words_keep_accents_and_one_inner_apostrophe() -> None:
    assert words("José’s café isn’t naïve, ‘really’") == ["josé's", "café", "isn't", "naïve", "really"]
    assert words("At 10am on the 2nd, 1,000 users") == ["at", "10am", "on", "the", "2nd", "1,000", "users"]


def test_content_tokens_drop_possessives_stop_words_and_stem() -> None:
    assert content_tokens("José’s café and the team's plans") == ["josé", "café", "team", "plan"]
    assert content_tokens("the 2nd release, on the third") == ["2", "releas", "3"]


def test_count_shared_counts_a_shared_five_letter_prefix() -> None:
    assert count_shared(["deployment", "billing", "cat"], {"deploy", "bill"}) == 1
    assert count_shared(["deploy", "bill"], {"deploy", "bill"}) == 2


def test_blank_spans_keeps_the_other_offsets() -> None:
    text = "Pay 40 euros by Friday, 3 times."
    blanked = blank_spans(text, [(13, 22)])
    assert len(blanked) == len(text) and blanked.index("3 times") == text.index("3 times")
    assert "Friday" not in blanked


# Number words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("twenty-five", {"25"}),
        ("twenty five", {"25"}),
        ("three hundred", {"300"}),
        ("two thousand and twelve", {"2012"}),
        ("two dozen", {"24"}),
        ("nineteen", {"19"}),
        ("seventy", {"70"}),
        ("twelve point five", {"12.5"}),
        ("1,000 and 2.50", {"1000", "2.5"}),
    ],
)
def test_numbers_in_reads_spelled_and_written_numbers(text: str, numbers: set[str]) -> None:
    assert numbers_in(text) == numbers


def test_a_lone_scale_word_counts_only_leniently() -> None:
    assert numbers_in("a dozen laptops") == set()
    assert numbers_in("a dozen laptops", lenient=True) == {"12"}
    assert numbers_in("a hundred people", lenient=True) == {"100"}
    assert "1.5" in numbers_in("one and a half days", lenient=True)


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("fifteen", "15"),
        ("sixteen", "16"),
        ("ninety", "90"),
        ("dozen", "12"),
        ("third", "3"),
        ("twentieth", "20"),
        ("half", "0.5"),
        ("point", None),
    ],
)
def test_number_word_reads_one_word(word: str, value: str | None) -> None:
    assert number_word(word) == value


def test_one_vocabulary_for_grounding_and_dates() -> None:
    # Grounding knew numbers up to fifteen and dates up to twelve; both now know the same words.
    assert content_words("order sixteen laptops") == content_words("order 16 laptops")
    assert content_words("order a dozen laptops") == content_words("order 12 laptops")
    assert resolve_due("I'll have it ready in fifteen days.", WED) == (date(2026, 12, 3), "in fifteen days")


def test_a_capitalised_word_that_is_no_name_gives_no_request() -> None:
    # "Excellent, to …" reads like "Bob, to …": a word on the shared not-a-name list is nobody.
    found = find_candidates(
        [
            Utterance(0, "SPEAKER_00", 0.0, 5.0, "Excellent, to match the rabbit."),
            Utterance(1, "SPEAKER_01", 5.0, 9.0, "Sure, I can make it smaller."),
        ],
        meeting_date=WED,
    )
    assert [(c.kind, c.text, c.cue) for c in found] == [
        ("action", "Sure, I can make it smaller.", "commitment:i can")
    ]
