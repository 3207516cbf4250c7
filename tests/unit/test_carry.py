"""Where a person's edits go on a re-run's new output (pure functions, no database)."""

from __future__ import annotations

from minutes.carry import LineEdit, carry_done, carry_lines, carry_names, respell
from minutes.types import MinuteItem, Utterance, Word


def line(index: int, speaker: str, text: str, start: float, *, space: str = " ") -> Utterance:
    """A line whose words are ``text``'s, one a second from ``start``."""
    pieces = text.split() if space else list(text)
    words = tuple(Word(start + k, start + k + 0.5, p, 0.9) for k, p in enumerate(pieces))
    return Utterance(index, speaker, words[0].start, words[-1].end, space.join(pieces), words)


OLD = (
    line(0, "A", "hello there everyone", 0),
    line(1, "B", "we ship pricing vee two in december", 3),
    line(2, "A", "sounds good", 10),
)
FIX = LineEdit(OLD[1].start, OLD[1].end, OLD[1].text, "We ship Pricing V2 in December.")


def test_the_same_transcript_takes_the_correction_whole() -> None:
    carried = carry_lines([FIX], OLD)
    assert carried.lines == {1: ("We ship Pricing V2 in December.", (0,))} and carried.left == ()


def test_nearly_the_same_words_a_little_later_take_it_whoever_says_them() -> None:
    new = (line(0, "A", "hello there everyone", 0), line(1, "C", "we ship pricing v two in december", 3.4))
    assert carry_lines([FIX], new).lines == {1: ("We ship Pricing V2 in December.", (0,))}


def test_words_that_changed_too_much_or_moved_elsewhere_are_left() -> None:
    other_words = (line(0, "B", "completely different words were said here", 3),)
    elsewhere = (line(0, "B", "we ship pricing vee two in december", 30),)
    three_of_seven = (line(0, "B", "we ship pricing", 3),)
    for new in (other_words, elsewhere, three_of_seven, ()):
        assert carry_lines([FIX], new).left == (0,)


def test_a_correction_split_by_a_new_line_break_is_split_where_the_words_agree() -> None:
    new = (line(0, "B", "we ship pricing", 3), line(1, "C", "vee two in december", 6))
    assert carry_lines([FIX], new).lines == {0: ("We ship Pricing", (0,)), 1: ("V2 in December.", (0,))}
    # "vee two" became "V2": a break between them cannot be placed in the person's words.
    inside = (line(0, "B", "we ship pricing vee", 3), line(1, "C", "two in december", 7))
    assert carry_lines([FIX], inside).left == (0,)


def test_lines_merged_into_one_take_each_correction_in_its_place() -> None:
    thanks = LineEdit(OLD[2].start, OLD[2].end, OLD[2].text, "Sounds great!")
    merged = (line(0, "A", "hello there everyone we ship pricing vee two in december sounds good", 0),)
    carried = carry_lines([FIX, thanks], merged)
    assert carried.lines == {
        0: ("hello there everyone We ship Pricing V2 in December. Sounds great!", (0, 1)),
    }


def test_two_corrections_of_the_same_words_the_first_wins_the_second_is_left() -> None:
    again = LineEdit(FIX.start, FIX.end, FIX.machine, "We ship pricing 2.0 in December")
    carried = carry_lines([FIX, again], OLD)
    assert carried.lines[1] == ("We ship Pricing V2 in December.", (0,)) and carried.left == (1,)


def test_a_changed_first_word_is_taken_into_the_corrected_stretch() -> None:
    fix = LineEdit(3.0, 9.5, "um we ship pricing vee two in december", "We ship Pricing V2 in December.")
    new = (line(0, "A", "okay", 1), line(1, "B", "uhm we ship pricing vee two in december", 3))
    assert carry_lines([fix], new).lines == {1: ("We ship Pricing V2 in December.", (0,))}


def test_unspaced_scripts_are_compared_by_character() -> None:
    old = line(0, "A", "我们十二月发布", 0, space="")
    fix = LineEdit(old.start, old.end, old.text, "我们12月发布V2")
    new = (line(0, "B", "我们十二月发表", 0.2, space=""),)
    assert carry_lines([fix], new).lines == {0: ("我们12月发布V2", (0,))}


def test_respelled_words_keep_their_timings_only_when_the_count_matches() -> None:
    words = (Word(0.0, 0.4, " we"), Word(0.4, 0.9, " ship"))
    assert respell(words, "We shipped") == (Word(0.0, 0.4, " We"), Word(0.4, 0.9, " shipped"))
    assert respell(words, "We have shipped") == ()


def test_names_stay_with_their_label_when_it_is_the_same_speaker() -> None:
    assert carry_names(OLD, {"B": "Priya"}, OLD, {"A", "B"}) == ({"B": "Priya"}, {})


def test_names_follow_their_speaker_when_the_labels_are_swapped() -> None:
    swapped = tuple(Utterance(u.index, {"A": "B", "B": "A"}[u.speaker], u.start, u.end, u.text) for u in OLD)
    assert carry_names(OLD, {"B": "Priya", "A": "Sam"}, swapped, {"A", "B"}) == (
        {"A": "Priya", "B": "Sam"},
        {},
    )


def test_a_name_never_goes_to_a_speaker_who_is_mostly_someone_else() -> None:
    # One speaker now says everything: it is mostly the old A (4.5 s of 7), so B's name is left.
    one = (Utterance(0, "A", 0.0, 11.5, "all of it"),)
    assert carry_names(OLD, {"B": "Priya"}, one, {"A"}) == ({}, {"B": "Priya"})


def test_a_name_without_lines_to_compare_stays_with_its_label() -> None:
    assert carry_names((), {"B": "Priya"}, OLD, {"A", "B"}) == ({"B": "Priya"}, {})
    assert carry_names((), {"C": "Priya"}, OLD, {"A", "B"}) == ({}, {"C": "Priya"})


def test_done_ticks_follow_the_same_owner_and_text() -> None:
    items = (
        MinuteItem(kind="decision", text="Book the room", owner="A"),
        MinuteItem(kind="action", text="book the  ROOM", owner="B"),
        MinuteItem(kind="action", text="Book the room", owner="A"),
    )
    assert carry_done([("A", "Book the room"), ("C", "Send the deck")], items) == ({2: 0}, (1,))
