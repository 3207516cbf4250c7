"""Snippets: marks turned into fragments, marks that do not fit refused, long lines cut around a match."""

from __future__ import annotations

from minutes.search.snippet import (
    CLOSE,
    ELLIPSIS,
    OPEN,
    WINDOW_CHARS,
    Fragment,
    marked_fragments,
    token_fragments,
    window,
)


def text_of(fragments: tuple[Fragment, ...]) -> str:
    return "".join(f.text for f in fragments)


def test_marks_become_fragments() -> None:
    original = "The budget & <b>plan</b>"
    marked = f"The {OPEN}budget{CLOSE} & <b>{OPEN}plan{CLOSE}</b>"
    assert marked_fragments(marked, original) == (
        Fragment("The ", False),
        Fragment("budget", True),
        Fragment(" & <b>", False),
        Fragment("plan", True),
        Fragment("</b>", False),
    )


def test_markup_in_the_text_is_left_for_the_renderer_to_escape() -> None:
    original = "<script>alert(1)</script> budget"
    fragments = marked_fragments(f"<script>alert(1)</script> {OPEN}budget{CLOSE}", original)
    assert fragments[0] == Fragment("<script>alert(1)</script> ", False)
    assert text_of(fragments) == original


def test_adjacent_matches_stay_separate() -> None:
    fragments = marked_fragments(f"{OPEN}a{CLOSE}{OPEN}b{CLOSE}", "ab")
    assert fragments == (Fragment("a", True), Fragment("b", True))


def test_marks_that_do_not_fit_the_text_are_dropped() -> None:
    original = f"weird {OPEN}text{CLOSE} budget"
    # The database marked the stored marker characters too: nothing can be trusted.
    marked = f"weird {OPEN}text{CLOSE} {OPEN}budget{CLOSE}"
    assert marked_fragments(marked, original) == (Fragment(original, False),)
    assert marked_fragments(f"{OPEN}budget", "budget") == (Fragment("budget", False),)
    assert marked_fragments("budget", "other") == (Fragment("other", False),)
    assert marked_fragments("", "") == ()


def test_matching_words_are_marked_where_they_stand() -> None:
    text = "Café, déjà-vu: the café_bar <b>café</b>"
    assert token_fragments(text, {"Café", "café"}) == (
        Fragment("Café", True),
        Fragment(", déjà-vu: the ", False),
        Fragment("café", True),
        Fragment("_bar <b>", False),
        Fragment("café", True),
        Fragment("</b>", False),
    )
    assert token_fragments(text, set()) == (Fragment(text, False),)
    assert token_fragments("", {"x"}) == ()


def test_short_lines_are_whole() -> None:
    fragments = (Fragment("short ", False), Fragment("line", True))
    assert window(fragments) == fragments


def test_long_lines_are_cut_around_the_first_match_between_words() -> None:
    before = " ".join(f"before{i}" for i in range(60))
    after = " ".join(f"after{i}" for i in range(60))
    fragments = (Fragment(before + " ", False), Fragment("budget", True), Fragment(" " + after, False))
    cut = window(fragments)
    assert [f.is_match for f in cut] == [False, True, False]
    assert cut[1] == Fragment("budget", True)
    text = text_of(cut)
    assert text.startswith(ELLIPSIS) and text.endswith(ELLIPSIS)
    inner = text[1:-1]
    assert len(inner) <= WINDOW_CHARS + 30
    assert inner.split()[0].startswith("before") and inner.split()[-1].startswith("after")
    assert inner in text_of(fragments) and inner == inner.strip()


def test_a_match_near_the_end_keeps_a_full_window() -> None:
    words = " ".join(f"w{i}" for i in range(200))
    cut = window((Fragment(words + " ", False), Fragment("end", True)))
    assert text_of(cut).startswith(ELLIPSIS) and cut[-1] == Fragment("end", True)
    assert len(text_of(cut)) >= WINDOW_CHARS - 10


def test_text_without_spaces_is_cut_anyway() -> None:
    fragments = (Fragment("語" * 300, False), Fragment("予算", True), Fragment("語" * 300, False))
    cut = window(fragments)
    assert Fragment("予算", True) in cut
    assert len(text_of(cut)) <= WINDOW_CHARS + 2


def test_no_match_shows_the_start() -> None:
    text = " ".join(f"w{i}" for i in range(200))
    cut = window((Fragment(text, False),))
    assert text_of(cut).startswith("w0 w1") and text_of(cut).endswith(ELLIPSIS)
