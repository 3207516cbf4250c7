"""Transcript passages and their embeddings (``chunks``): stored per meeting, read back as one matrix.

A query compares its vector with every visible passage's (brute force, numpy): 100,000 passages
of 384 floats are 150 MB and one matrix product. Reading them from the database for every
question would cost more than the product, so :class:`ChunkCache` keeps them in memory, adds the
rows stored since (ids only grow) and reads everything again when rows went away (a meeting
deleted or re-indexed). Which passages a caller may use is decided by the caller's meeting ids,
from the same SQL as search.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from minutes.db.tables import ChunkRow
from minutes.lexical import Postings
from minutes.storage import ChunkVector


def replace_chunks(session: Session, *, meeting_id: int, model: str, chunks: Sequence[ChunkVector]) -> None:
    """The meeting's passages are now ``chunks`` (embedded by ``model``), replacing any before."""
    session.execute(delete(ChunkRow).where(ChunkRow.meeting_id == meeting_id))
    session.add_all(
        ChunkRow(meeting_id=meeting_id, first_idx=first, last_idx=last, model=model, text=text, vector=vector)
        for first, last, text, vector in chunks
    )
    session.flush()


def indexed_meetings(session: Session, model: str) -> set[int]:
    """Meetings with passages embedded by ``model``."""
    return set(session.scalars(select(ChunkRow.meeting_id).where(ChunkRow.model == model).distinct()))


@dataclass(frozen=True, slots=True)
class ChunkMatrix:
    """Every stored passage of one model: row ``i`` is passage ``ids[i]`` of ``meeting_ids[i]``;
    ``postings`` index the passages' words by row. They only grow, shared by the matrices read
    before: a reader uses its first ``len(ids)`` rows, which never change."""

    ids: npt.NDArray[np.int64]
    meeting_ids: npt.NDArray[np.int64]
    first: npt.NDArray[np.int64]
    last: npt.NDArray[np.int64]
    vectors: npt.NDArray[np.float32]
    postings: Postings

    @classmethod
    def empty(cls, dim: int) -> ChunkMatrix:
        none = np.zeros(0, np.int64)
        return cls(none, none, none, none, np.zeros((0, dim), np.float32), Postings())

    def extended(self, other: ChunkMatrix, texts: Sequence[str]) -> ChunkMatrix:
        """These rows, then ``other``'s (whose passages' text is ``texts``)."""
        self.postings.add(texts)
        return ChunkMatrix(
            np.concatenate([self.ids, other.ids]),
            np.concatenate([self.meeting_ids, other.meeting_ids]),
            np.concatenate([self.first, other.first]),
            np.concatenate([self.last, other.last]),
            np.concatenate([self.vectors, other.vectors]),
            self.postings,
        )


def _read(session: Session, model: str, dim: int, *, after: int) -> tuple[ChunkMatrix, list[str]]:
    """The passages stored after id ``after`` (their words not yet indexed), and their texts."""
    rows = session.execute(
        select(
            ChunkRow.id,
            ChunkRow.meeting_id,
            ChunkRow.first_idx,
            ChunkRow.last_idx,
            ChunkRow.vector,
            ChunkRow.text,
        )
        .where(ChunkRow.model == model, ChunkRow.id > after)
        .order_by(ChunkRow.id)
    ).all()
    if not rows:
        return ChunkMatrix.empty(dim), []
    ids, meetings, first, last, blobs, texts = zip(*rows, strict=True)
    vectors = np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(rows), -1).astype(np.float32)
    matrix = ChunkMatrix(
        np.array(ids, np.int64),
        np.array(meetings, np.int64),
        np.array(first, np.int64),
        np.array(last, np.int64),
        vectors,
        Postings(),
    )
    return matrix, list(texts)


def _whole(session: Session, model: str, dim: int) -> ChunkMatrix:
    matrix, texts = _read(session, model, dim, after=0)
    matrix.postings.add(texts)
    return matrix


class ChunkCache:
    """The passages of one model in memory, brought up to date on each :meth:`get` (two cheap queries)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[tuple[str, str], ChunkMatrix] = {}

    def get(self, session: Session, *, model: str, dim: int) -> ChunkMatrix:
        key = (str(session.get_bind().engine.url), model)
        count, top = session.execute(
            select(func.count(), func.coalesce(func.max(ChunkRow.id), 0)).where(ChunkRow.model == model)
        ).one()
        with self._lock:
            held = self._held.get(key)
            if held is not None and len(held.ids) and int(held.ids[-1]) == top and len(held.ids) == count:
                return held
            if held is None or not len(held.ids):
                merged = _whole(session, model, dim)
            else:
                fresh, texts = _read(session, model, dim, after=int(held.ids[-1]))
                if len(held.ids) + len(fresh.ids) == count:
                    merged = held.extended(fresh, texts)
                else:  # rows went away: read them all again
                    merged = _whole(session, model, dim)
            self._held[key] = merged
            return merged
