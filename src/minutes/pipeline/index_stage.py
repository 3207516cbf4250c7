"""The index stage: a stored transcript's passages embedded for retrieval by meaning (``minutes ask``).

Cached like every stage: its key hashes the passages' text (lines, speaker names as shown, so a
corrected line or a renamed speaker counts) with the embedder's identity, so a meeting is
embedded again only when what it says or the model changed. ``minutes index --rebuild`` runs it
for meetings stored before it existed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence

import numpy as np

from minutes import __version__
from minutes.cache import cache_key
from minutes.chunks import Chunk, chunk_lines
from minutes.embeddings import Embedder
from minutes.storage import MeetingStore
from minutes.types import StageRecord

log = logging.getLogger(__name__)

STORED = "passage-text/1"
"""What the stage stores besides vectors: bumped when that changes, so `minutes index` redoes old
meetings (from this version on, each passage's text, ranked by words)."""


def index_key(chunks: Sequence[Chunk], embedder: Embedder) -> str:
    text = json.dumps([[c.first, c.last, c.text] for c in chunks], ensure_ascii=False)
    return cache_key(
        audio_sha256=hashlib.sha256(text.encode()).hexdigest(),
        stage="index",
        options={**embedder.options(), "stored": STORED},
        models=(embedder.ref(),),
    )


def index_meeting(store: MeetingStore, *, meeting_id: int, embedder: Embedder, force: bool = False) -> str:
    """Embed (or keep) a stored meeting's passages: ``"ran"`` or ``"cached"``."""
    doc = store.load_meeting(meeting_id)
    chunks = chunk_lines(doc.utterances, names={s.label: s.name for s in doc.speakers if s.name})
    key = index_key(chunks, embedder)
    previous = store.stage(meeting_id, "index")
    if not force and previous is not None and previous[0].cache_key == key:
        return "cached"
    t0 = time.perf_counter()
    vectors = embedder.embed([c.text for c in chunks]) if chunks else np.zeros((0, embedder.dim), np.float32)
    rows = [
        (c.first, c.last, c.text, np.asarray(v, dtype="<f4").tobytes())
        for c, v in zip(chunks, vectors, strict=True)
    ]
    seconds = time.perf_counter() - t0
    ref = embedder.ref()
    store.save_chunks(
        meeting_id,
        model=ref.identity,
        chunks=rows,
        record=StageRecord("index", key, (ref,), embedder.options(), __version__, seconds),
        payload={"chunks": len(rows), "dim": int(embedder.dim)},
    )
    return "ran"
