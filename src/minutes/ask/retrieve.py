"""Hybrid retrieval: the transcript lines a question's answer is most likely in.

Two rankings of the stored passages (``minutes index``), fused by reciprocal rank (each passage
scores ``Σ 1/(60 + rank)``):

* **words**: BM25 of the question's content words over the passages' words
  (:mod:`minutes.lexical`): a rare word counts for more than a common one;
* **meaning**: the question's embedding against every passage's, cosine by one matrix product.

A question finds nothing when no passage is close in meaning (cosine under the embedder's
``min_similarity``) and none holds most of the question's weight in words (:data:`MIN_COVERAGE`):
the model is then not asked at all, and the answer is "not found". Both thresholds were set on the
tune half of QMSum's questions and ten never-discussed ones (docs/ask.md).

Meetings without passages (stored before ``minutes index``) and an asker without an embedder fall
back to full-text search of lines (:func:`minutes.search.search`), once per content word of the
question; a matching line stands for the lines around it.

Both read only the meetings in scope: the meetings the actor may see (the same SQL select as
search, :func:`minutes.accounts.access.visible_meeting_ids`) narrowed by the filters, computed
first; search gets them as ``meeting_ids`` and the passages are masked by them before scoring.
Nothing from another meeting is scored, returned or shown to the model.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

import numpy as np
import numpy.typing as npt
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from minutes.accounts import access
from minutes.ask.compose import SHOWN_WORDS  # a longer line is shown cut to this many words
from minutes.ask.types import AskFilters, Line
from minutes.db.accounts import Team
from minutes.db.tables import Meeting, SpeakerRow, UtteranceRow
from minutes.db.vectors import ChunkCache
from minutes.embeddings import Embedder
from minutes.errors import QueryError
from minutes.lexical import Match, stem, terms
from minutes.search import search
from minutes.search._scope import meeting_date
from minutes.summarize.text import STOPWORDS

RRF_K = 60

MIN_COVERAGE = 0.6
"""A passage holding this share of the question's word weight (IDF) is evidence, whatever its meaning."""

WINDOW = 2  # a full-text hit brings this many lines either side

_QUESTION_WORDS = frozenset(
    {
        *("what", "when", "where", "which", "who", "whom", "whose", "why", "how", "did", "does"),
        *("was", "were", "are", "about", "tell", "said", "say", "decide", "decided", "discuss"),
        *("discussed", "meeting", "meetings", "anyone", "someone"),
        # how people ask about a meeting's talk, not what it was about ("Summarize the discussion
        # about X", "What did the group think of Y?"): a word no passage says would otherwise weigh
        # the most and hold the question under the evidence gate
        *("summarize", "summarise", "summary", "discussion", "discussions", "debate", "debated"),
        *("talk", "talked", "mention", "mentioned", "think", "thought", "thinks", "opinion"),
        *("opinions", "view", "views", "explain", "explained", "happened", "group"),
    }
)
_QUESTION_TERMS = frozenset(stem(w) for w in _QUESTION_WORDS)
_WORD = re.compile(r"[^\W_]{3,}")

CACHE = ChunkCache()


@dataclass(frozen=True, slots=True)
class Retrieved:
    """The lines for the model (in meeting, then line order) and whether anything matched at all."""

    lines: tuple[Line, ...]
    matched: bool
    later: Mapping[int, tuple[int, ...]] = field(default_factory=dict)
    """Position in ``lines`` of a line where a commitment of a series was promised → the positions of
    the lines where later meetings said what became of it, in order (the ledger's own events among
    those shown; the suggestions it is unsure of are shown, never listed here)."""


def scope(session: Session, actor: access.Actor, filters: AskFilters) -> list[int]:
    """The ids of the meetings the question may read: visible to ``actor`` and within ``filters``."""
    query = select(Meeting.id).where(Meeting.status == "done")
    if not actor.is_operator:
        query = query.where(access.visible_clause(access.require_principal(actor)))
    if filters.meeting_ids:
        query = query.where(Meeting.id.in_(sorted(set(filters.meeting_ids))))
    if filters.since is not None:
        query = query.where(meeting_date() >= datetime.combine(filters.since, time.min, tzinfo=UTC))
    if filters.team is not None:
        team = session.scalar(select(Team.id).where(func.lower(Team.name) == filters.team.strip().lower()))
        if team is None:
            raise QueryError(f"no team named {filters.team!r}; `minutes teams list` shows them")
        query = query.where(Meeting.team_id == team)
    ids = sorted(session.scalars(query))
    if filters.person is not None and ids:
        ids = _spoke(session, ids, filters.person)
    return ids


def _spoke(session: Session, ids: list[int], person: str) -> list[int]:
    """The meetings of ``ids`` where a speaker named like ``person`` (or with that label) spoke."""
    wanted = person.strip().casefold()
    if not wanted:
        raise QueryError("--person is blank; give a name or a label like SPEAKER_01")
    rows = session.execute(
        select(SpeakerRow.meeting_id, SpeakerRow.label, SpeakerRow.name).where(SpeakerRow.meeting_id.in_(ids))
    )
    found = {
        m for m, label, name in rows if label.casefold() == wanted or (name and wanted in name.casefold())
    }
    return sorted(found)


def query_terms(question: str) -> list[str]:
    """The stemmed content words of a question that BM25 ranks by, each once."""
    return [t for t in dict.fromkeys(terms(question)) if t not in _QUESTION_TERMS]


def query_words(question: str) -> list[str]:
    """The words of a question worth searching for, in order, at most eight."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(question.lower()):
        if word not in STOPWORDS and word not in _QUESTION_WORDS:
            seen.setdefault(word, None)
    return list(seen)[:8]


def retrieve(
    session: Session,
    actor: access.Actor,
    question: str,
    *,
    embedder: Embedder | None,
    filters: AskFilters | None = None,
    passages: int = 6,
    max_lines: int = 48,
    max_words: int = 900,
) -> Retrieved:
    """The lines most likely to answer ``question`` in the meetings ``actor`` may see."""
    ids = scope(session, actor, filters or AskFilters())
    if not ids:
        return Retrieved((), False)
    ranked = _passages(session, question, ids, embedder, passages) if embedder is not None else None
    if ranked is None:  # nothing indexed in scope: lines by full-text search
        ranked = [key for key, _ in _word_ranks(session, question, ids)][:passages]
    if not ranked:
        return Retrieved((), False)
    windows, said = _followed(session, actor, _merge(ranked))
    lines = _within(_lines(session, windows, max_lines=max_lines), max_words)
    at = {(line.meeting_id, line.idx): n for n, line in enumerate(lines)}
    later = {
        at[promise]: shown
        for promise, events in said.items()
        if promise in at and (shown := tuple(at[e] for e in events if e in at))
    }
    return Retrieved(tuple(lines), True, later)


Said = dict[tuple[int, int], list[tuple[int, int]]]
"""(meeting, line) of a promise → (meeting, line) of each ledger event that says what became of it."""


def _followed(
    session: Session, actor: access.Actor, windows: list[tuple[int, int, int]]
) -> tuple[list[tuple[int, int, int]], Said]:
    """The windows, each followed by the lines where a later meeting of its series said what became
    of a commitment promised inside it (and the line before each: "Tom, the leak?" — "Fixed.").
    Those lines may share no word with the question ("did the DBS checks come through?" — "All of
    our coaches are now cleared"), so no ranking would bring them; the ledger links them. Also, of
    each promise shown, its ledger events (not the suggestions) by (meeting, line)."""
    from minutes.accounts.series import followed_lines

    principal = None if actor.is_operator else access.require_principal(actor)
    later = followed_lines(session, principal, sorted({m for m, _, _ in windows}))
    if not later:
        return windows, {}
    out = list(windows)
    said: Said = {}
    at = 0
    for meeting, first, last in windows:
        at = out.index((meeting, first, last), at) + 1
        for (m, line), events in sorted(later.items()):
            if m != meeting or not first <= line <= last:
                continue
            said[(m, line)] = [(em, eline) for em, eline, sure in events if sure]
            for em, eline, _ in events:
                window = (em, max(0, eline - 1), eline)
                if not any(w[0] == em and w[1] <= window[1] and window[2] <= w[2] for w in out):
                    out.insert(at, window)
                    at += 1
    return out, said


def _passages(
    session: Session, question: str, ids: list[int], embedder: Embedder, top: int
) -> list[tuple[int, int, int]] | None:
    """The ``top`` passages of the meetings ``ids`` by words and meaning fused, as (meeting, first,
    last); empty when none is evidence for the question; None when those meetings have none stored."""
    chunks = CACHE.get(session, model=embedder.ref().identity, dim=embedder.dim)
    visible = np.isin(chunks.meeting_ids, np.asarray(ids, np.int64))
    rows = np.flatnonzero(visible)
    if not len(rows):
        return None
    cosine = chunks.vectors[rows] @ embedder.embed([question])[0]
    words = chunks.postings.match(query_terms(question), visible)
    bm25 = words.scores()[rows]
    close = cosine >= embedder.min_similarity
    by_words = np.argsort(-bm25, kind="stable")
    fused = _reciprocal(cosine, keep=np.ones(len(rows), bool)) + _reciprocal(
        bm25, keep=bm25 > 0, order=by_words
    )
    best = np.argsort(-fused, kind="stable")[:top]
    best = best[close[best] | (bm25[best] > 0)]  # a passage neither close nor sharing a word is no evidence
    if not close.any() and not _covered(words, rows, bm25, by_words[:top]):
        return []
    return [
        (int(chunks.meeting_ids[rows[i]]), int(chunks.first[rows[i]]), int(chunks.last[rows[i]]))
        for i in best
    ]


def _covered(
    words: Match, rows: npt.NDArray[np.int64], bm25: npt.NDArray[np.float64], best: npt.NDArray[np.int64]
) -> bool:
    """Whether one of the ``best`` passages by words holds :data:`MIN_COVERAGE` of the question's
    word weight: evidence by words alone, even where passages close in meaning rank it lower."""
    return any(words.coverage(int(rows[i])) >= MIN_COVERAGE for i in best if bm25[i] > 0)


def _reciprocal(
    scores: npt.NDArray[np.floating],
    *,
    keep: npt.NDArray[np.bool_],
    order: npt.NDArray[np.int64] | None = None,
) -> npt.NDArray[np.float64]:
    """``1 / (RRF_K + rank)`` by descending score for the rows in ``keep``, 0 for the others
    (``order``: the rows by descending score, where the caller has sorted them already)."""
    out = np.zeros(len(scores), np.float64)
    if order is None:
        order = np.argsort(-scores, kind="stable")
    order = order[keep[order]]
    out[order] = 1.0 / (RRF_K + np.arange(1, len(order) + 1))
    return out


def _word_ranks(session: Session, question: str, ids: list[int]) -> list[tuple[tuple[int, int, int], int]]:
    """(meeting, first, last) windows around full-text hits, with their rank in the fused list."""
    best: dict[tuple[int, int, int], float] = defaultdict(float)
    for word in query_words(question):
        hits = search(session, word, meeting_ids=ids, limit=20).hits
        for rank, hit in enumerate(hits, 1):
            i = hit.utterance_index
            best[(hit.meeting_id, max(0, i - WINDOW), i + WINDOW)] += 1.0 / (RRF_K + rank)
    ordered = sorted(best, key=lambda k: -best[k])
    return [(key, rank) for rank, key in enumerate(ordered, 1)]


def _merge(windows: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Overlapping or touching windows of one meeting joined, best window's meeting first."""
    order: dict[int, None] = {}
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for meeting, first, last in windows:
        order.setdefault(meeting, None)
        spans[meeting].append((first, last))
    merged: list[tuple[int, int, int]] = []
    for meeting in order:
        current: list[int] | None = None
        for first, last in sorted(spans[meeting]):
            if current is not None and first <= current[1] + 1:
                current[1] = max(current[1], last)
                continue
            if current is not None:
                merged.append((meeting, current[0], current[1]))
            current = [first, last]
        if current is not None:
            merged.append((meeting, current[0], current[1]))
    return merged


def _within(lines: list[Line], max_words: int) -> list[Line]:
    """The first lines (best windows first) whose words, as the prompt shows them, fit ``max_words``:
    what the model reads on two cores in a few seconds. At least one line."""
    out: list[Line] = []
    words = 0
    for line in lines:
        words += min(len(line.text.split()), SHOWN_WORDS)
        if out and words > max_words:
            break
        out.append(line)
    return out


def _lines(session: Session, windows: Sequence[tuple[int, int, int]], *, max_lines: int) -> list[Line]:
    """The lines of the windows (in order, best windows first until ``max_lines``)."""
    out: list[Line] = []
    for meeting, first, last in windows:
        if len(out) >= max_lines:
            break
        rows = session.execute(
            select(
                Meeting.title,
                meeting_date(),
                UtteranceRow.idx,
                UtteranceRow.start,
                UtteranceRow.end,
                func.coalesce(SpeakerRow.name, UtteranceRow.speaker_label),
                UtteranceRow.text,
            )
            .join(Meeting, Meeting.id == UtteranceRow.meeting_id)
            .outerjoin(
                SpeakerRow,
                and_(
                    SpeakerRow.meeting_id == UtteranceRow.meeting_id,
                    SpeakerRow.label == UtteranceRow.speaker_label,
                ),
            )
            .where(UtteranceRow.meeting_id == meeting, UtteranceRow.idx.between(first, last))
            .order_by(UtteranceRow.idx)
            .limit(max_lines - len(out))
        ).all()
        if not rows:
            continue
        below = session.scalar(
            select(func.count()).where(UtteranceRow.meeting_id == meeting, UtteranceRow.idx < rows[0].idx)
        )
        for offset, (title, at, idx, start, end, speaker, text) in enumerate(rows):
            out.append(Line(meeting, title, at, int(below or 0) + offset, idx, start, end, speaker, text))
    return out
