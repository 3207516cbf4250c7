"""Passages ranked by their words: Okapi BM25 over the same passages the embeddings cover.

Full-text search (``minutes.search``) ranks *lines* for one query that every word must match: the
right tool for a search box, the wrong one for a question, whose words are rarely all in one
line. Here each passage (about 90 words, :mod:`minutes.chunks`) is a bag of stemmed words; a
question scores every passage by BM25, so a rare word (``cafeteria``) counts for more than a
common one (``design``), and a passage holding several of the question's words beats one that
repeats one of them. Measured on the tune half of QMSum's topic questions (docs/ask.md), BM25
over passages fused with the embeddings put the question's meeting first for 46% of questions,
against 33% for line search fused with the embeddings.

:class:`Postings` is an inverted index that only grows (rows are appended in passage-id order, as
:class:`minutes.db.vectors.ChunkCache` reads them); scoring reads only the postings of the
question's words. Pure: text in, numbers out.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from minutes.summarize.text import STOPWORDS

K1 = 1.2
B = 0.75
"""The usual Okapi constants: term frequency saturates after a few repeats, length counts 3/4."""

_WORD = re.compile(r"[^\W_]{2,}")
_SUFFIXES = ("ing", "ed", "es", "s")


def stem(word: str) -> str:
    """A crude, predictable stemmer: ``budgets``/``budgeted``/``budgeting`` → ``budget``."""
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    """The stemmed content words of ``text``, in order (stopwords dropped)."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


@dataclass(slots=True)
class Postings:
    """For each term, the rows (passages) holding it and how often; plus each row's length."""

    rows: dict[str, list[int]] = field(default_factory=dict)
    counts: dict[str, list[int]] = field(default_factory=dict)
    lengths: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lengths)

    def add(self, texts: Iterable[str]) -> None:
        """Append one row per text, numbered on from the rows already held."""
        for text in texts:
            row = len(self.lengths)
            bag = Counter(terms(text))
            for term, n in bag.items():
                self.rows.setdefault(term, []).append(row)
                self.counts.setdefault(term, []).append(n)
            self.lengths.append(sum(bag.values()))

    def match(self, query: Sequence[str], visible: npt.NDArray[np.bool_]) -> Match:
        """The (already stemmed, deduplicated) ``query`` terms against the ``visible`` rows (one flag
        per row, as many as rows were held when it was made): rarity and length are theirs, so what
        another reader's meetings hold changes nothing here."""
        n = int(visible.sum())
        found = []
        for term in query:
            at, tf = self._visible(term, visible)
            found.append(_Term(at, tf, math.log(1.0 + (n - len(at) + 0.5) / (len(at) + 0.5))))
        lengths = np.asarray(self.lengths[: len(visible)], np.float64)
        return Match(tuple(found), lengths, visible)

    def _visible(
        self, term: str, visible: npt.NDArray[np.bool_]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """The visible rows holding ``term`` (ascending) and its count in each."""
        rows = self.rows.get(term)
        if not rows:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        counts = self.counts[term]
        n = min(len(rows), len(counts))  # another thread may be appending a row right now
        at = np.asarray(rows[:n], np.int64)
        tf = np.asarray(counts[:n], np.float64)
        inside = at < len(visible)
        at, tf = at[inside], tf[inside]
        keep = visible[at]
        return at[keep], tf[keep]


@dataclass(frozen=True, slots=True)
class _Term:
    """One query term among the visible rows: the rows holding it (ascending), its count in each,
    and its rarity (IDF)."""

    at: npt.NDArray[np.int64]
    tf: npt.NDArray[np.float64]
    idf: float


@dataclass(frozen=True, slots=True)
class Match:
    """A query's terms looked up once among the visible rows; scored and weighed from that."""

    terms: tuple[_Term, ...]
    lengths: npt.NDArray[np.float64]
    visible: npt.NDArray[np.bool_]

    def scores(self) -> npt.NDArray[np.float64]:
        """BM25 of every row (rows not visible score 0)."""
        scores = np.zeros(len(self.visible), np.float64)
        if not self.visible.any():
            return scores
        mean = max(1e-9, float(self.lengths[self.visible].mean()))
        norm = K1 * (1.0 - B + B * self.lengths / mean)
        for term in self.terms:
            if len(term.at):
                scores[term.at] += term.idf * term.tf * (K1 + 1.0) / (term.tf + norm[term.at])
        return scores

    def coverage(self, row: int) -> float:
        """The share of the query's weight (IDF) whose terms ``row`` holds: 1.0 holds them all. A
        term no visible row holds weighs the most: a question about a word no meeting holds is
        mostly about what is not there."""
        total = sum(term.idf for term in self.terms)
        held = sum(term.idf for term in self.terms if _holds(term.at, row))
        return held / total if total > 0 else 0.0


def _holds(rows: npt.NDArray[np.int64], row: int) -> bool:
    """Whether the ascending ``rows`` contain ``row``."""
    i = int(np.searchsorted(rows, row))
    return i < len(rows) and int(rows[i]) == row
