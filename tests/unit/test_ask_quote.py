"""The quoted answer (``minutes.ask.quote``): which cited lines are quoted, and how a long line is cut."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from minutes.ask.quote import promised, quoted, snippet, with_later
from minutes.ask.types import PROMISE_NOTE, Answer, Citation, Line, Removed, Sentence, not_found
from minutes.lexical import terms


def line(n: int, speaker: str, text: str, *, meeting: int = 7, day: int = 2) -> Line:
    """Line ``n`` of the weekly sync held on ``day`` March 2026 (meeting id ``meeting``)."""
    at = datetime(2026, 3, day, tzinfo=UTC)
    return Line(meeting, "Weekly sync", at, n, n, 10.0 * n, 10.0 * n + 5, speaker, text)


LINES = [
    line(0, "Ana", "Morning all."),
    line(1, "Ben", "The vendor contract renews in May and legal wants a week with it."),
    line(2, "Cleo", "Lunch is on the third floor today."),
    line(3, "Ana", "On the contract, finance signed off the renewal yesterday."),
]
ASKED = terms("What happened with the vendor contract renewal?")


def test_the_lines_holding_most_of_the_question_are_quoted_in_transcript_order() -> None:
    removed = [
        Removed("Ana cancelled it.", "no support", (3, 2)),
        Removed("Ben approved.", "no support", (1,)),
    ]
    result = quoted(ASKED, LINES, removed)
    assert result is not None and result.found and result.quoted and result.note
    assert [s.citations[0].utterance for s in result.sentences] == [1, 3]
    assert (
        result.sentences[0].text == "Ben: “The vendor contract renews in May and legal wants a week with it.”"
    )
    assert result.removed == tuple(removed)  # kept for benchmarks and logs


def test_nothing_quoted_when_no_cited_line_holds_a_word_of_the_question() -> None:
    assert quoted(ASKED, LINES, [Removed("Lunch moved.", "no support", (0, 2))]) is None
    assert quoted(ASKED, LINES, [Removed("Invented.", "cites no line it was shown")]) is None
    assert quoted([], LINES, [Removed("x", "y", (1,))]) is None


def test_at_most_two_lines_quoted_and_cited_more_often_first_on_a_tie() -> None:
    lines = [line(n, "Dee", f"The contract point number {n}.") for n in range(4)]
    removed = [Removed("a", "r", (0, 3)), Removed("b", "r", (3, 2)), Removed("c", "r", (2,))]
    result = quoted(terms("contract"), lines, removed)
    assert result is not None and [s.citations[0].utterance for s in result.sentences] == [2, 3]


def test_a_long_line_is_cut_to_its_sentences_holding_the_question() -> None:
    filler = "We went round the houses on that for a while and nobody was sure. " * 3
    text = "Hello everyone. " + filler + "The budget for the remote is twelve euros. " + filler + "Done."
    cut = snippet(text, set(terms("the budget for the remote")), limit=20)
    assert cut == "… The budget for the remote is twelve euros. …"
    # Sentences next to each other are joined as said; a gap between them is marked.
    two = "The budget is fixed. It is twelve euros. " + filler + "The remote budget stands."
    assert snippet(two, {"budget"}, limit=30) == "The budget is fixed. … The remote budget stands."
    # A sentence longer than what is left is cut inside.
    assert snippet("budget " * 50, {"budget"}, limit=5) == "budget budget budget budget budget …"
    assert snippet("Short line.", {"budget"}) == "Short line."


PROMISED = [
    line(0, "Ana", "Tom, can you fix the memory leak?"),
    line(1, "Tom", "I'll fix the memory leak by Friday."),
    line(3, "Ana", "Tom, the leak?", meeting=9, day=9),
    line(4, "Tom", "Sorted. Merged on Tuesday.", meeting=9, day=9),
    line(
        7,
        "Tom",
        "The importer is still slow, I'm on it; it should land by the end of the month.",
        meeting=9,
        day=9,
    ),
]


def said(*at: int) -> Answer:
    s = Sentence(
        "Tom said he would fix the memory leak by Friday.", tuple(Citation.of(PROMISED[n]) for n in at)
    )
    return Answer(s.text, True, (s,), (), len(PROMISED))


def test_an_answer_citing_a_promise_is_followed_by_the_last_line_the_ledger_linked_to_it() -> None:
    result = with_later(said(1), PROMISED, {1: (3,)})
    assert len(result.sentences) == 2
    later = result.sentences[1]
    # a terse reply is quoted with the prompt it answers, both cited
    assert (
        later.text
        == "Later, in Weekly sync on 9 March 2026: Ana: “Tom, the leak?” Tom: “Sorted. Merged on Tuesday.”"
    )
    assert [(c.meeting_id, c.utterance) for c in later.citations] == [(9, 3), (9, 4)]
    assert result.answer.endswith(later.text) and result.found and not result.quoted
    # the last of several events; a long line alone
    last = with_later(said(1), PROMISED, {1: (3, 4)}).sentences[1]
    assert last.text.startswith("Later, in Weekly sync on 9 March 2026: Tom: “The importer is still slow")
    assert [c.utterance for c in last.citations] == [7]


def test_nothing_is_added_unless_the_answer_cites_a_promise_whose_close_it_does_not_cite() -> None:
    assert with_later(said(0), PROMISED, {1: (3,)}) == said(0)  # the promise is not cited
    assert with_later(said(1, 3), PROMISED, {1: (3,)}) == said(1, 3)  # the close is cited already
    assert with_later(said(1), PROMISED, {}) == said(1)
    assert with_later(not_found(), PROMISED, {1: (3,)}) == not_found()


def test_when_the_model_finds_nothing_the_promise_asked_after_and_its_close_are_quoted() -> None:
    result = promised(terms("Did Tom fix the memory leak?"), PROMISED, {1: (3,)})
    assert result is not None and result.found and result.quoted and result.note == PROMISE_NOTE
    assert [[c.utterance for c in s.citations] for s in result.sentences] == [[1], [3, 4]]
    assert result.sentences[0].text == "Tom: “I'll fix the memory leak by Friday.”"
    assert result.sentences[1].text.startswith("Later, in Weekly sync on 9 March 2026: Ana: “Tom, the leak?”")


def test_no_promise_is_quoted_for_a_question_about_something_else_or_without_a_later_line() -> None:
    assert promised(terms("Did Tom book the venue for the offsite?"), PROMISED, {1: (3,)}) is None
    assert promised(terms("Did Tom fix the memory leak?"), PROMISED, {}) is None
    assert promised(terms("Did Tom fix the memory leak?"), PROMISED, {1: ()}) is None
    assert promised([], PROMISED, {1: (3,)}) is None
    assert promised(terms("Did Tom finish?"), PROMISED, {1: (3,)}) is None  # his name alone


def test_a_later_meeting_is_named_by_its_title_and_its_day_unless_the_title_has_it() -> None:
    def later_in(title: str) -> str:
        close = replace(PROMISED[3], meeting_title=title)
        return with_later(said(1), [*PROMISED[:3], close], {1: (3,)}).sentences[1].text

    assert later_in("Weekly sync").startswith("Later, in Weekly sync on 9 March 2026: ")
    assert later_in("Product sync 9 March").startswith("Later, in Product sync 9 March: ")
    assert later_in("Sync, March 9th").startswith("Later, in Sync, March 9th: ")
    assert later_in("Sync 19 March").startswith("Later, in Sync 19 March on 9 March 2026: ")
