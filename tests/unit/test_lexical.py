"""BM25 over passages (minutes.lexical): rare words weigh more, only the visible passages count,
and the index grows without changing what was scored before."""

from __future__ import annotations

import numpy as np

from minutes.lexical import Postings, stem, terms

TEXTS = [
    "Ana: the design review of the remote went fine, design is done",
    "Ben: the design of the cafeteria menu is the budget question",
    "Cy: we approved the budget for the remote control prototype",
    "Di: design, design, design: everyone talks design",
]


def built(texts: list[str]) -> Postings:
    postings = Postings()
    postings.add(texts)
    return postings


def everything(postings: Postings) -> np.ndarray:
    return np.ones(len(postings), bool)


def test_terms_are_stemmed_content_words() -> None:
    assert terms("The budgets, budgeted and budgeting!") == ["budget", "budget", "budget"]
    assert stem("is") == "is" and stem("designs") == "design"


def test_a_rare_word_counts_more_than_a_common_one() -> None:
    postings = built(TEXTS)
    scores = postings.match(["cafeteria", "design"], everything(postings)).scores()
    assert int(np.argmax(scores)) == 1  # the only passage with the rare word, not the one repeating "design"
    assert scores[2] == 0.0  # neither word


def test_several_words_beat_one_repeated() -> None:
    postings = built(TEXTS)
    scores = postings.match(["budget", "remote"], everything(postings)).scores()
    assert int(np.argmax(scores)) == 2


def test_only_visible_passages_count() -> None:
    # Whatever a passage the reader may not see holds, the visible passages score the same.
    postings = built(TEXTS)
    visible = np.array([True, True, False, False])
    alone = built(TEXTS[:2]).match(["design", "budget"], np.ones(2, bool)).scores()
    scores = postings.match(["design", "budget"], visible).scores()
    assert np.allclose(scores[:2], alone) and not scores[2:].any()
    query = ["remote", "prototype"]
    alone_coverage = built(TEXTS[:2]).match(query, np.ones(2, bool)).coverage(0)
    assert postings.match(query, visible).coverage(0) == alone_coverage


def test_coverage_weighs_a_word_nobody_said_the_most() -> None:
    postings = built(TEXTS)
    everyone = everything(postings)
    assert postings.match(["budget", "remote"], everyone).coverage(2) == 1.0
    # "madrid" is in no passage: a question about it is mostly about what is not there.
    assert postings.match(["budget", "madrid"], everyone).coverage(2) < 0.5
    assert postings.match([], everyone).coverage(2) == 0.0


def test_growing_the_index_scores_as_building_it_at_once() -> None:
    grown = built(TEXTS[:2])
    before = grown.match(["design"], np.ones(2, bool)).scores()
    grown.add(TEXTS[2:])
    assert np.allclose(
        grown.match(["design"], np.ones(2, bool)).scores(), before
    )  # a reader of the first rows
    everyone = np.ones(4, bool)
    assert np.allclose(
        grown.match(["design"], everyone).scores(), built(TEXTS).match(["design"], everyone).scores()
    )
