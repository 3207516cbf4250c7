"""Benchmark: ``minutes ask`` retrieval latency on a generated archive, SQLite and PostgreSQL.

    .venv/bin/python bench/ask_retrieval.py [--meetings 1000] [--lines 300] [--backends sqlite,postgresql]

The archive is bench/search.py's (Zipf vocabulary, planted words, bulk-loaded, then migrated to
head). Each meeting's passages are cut as the index stage cuts them (``minutes.chunks``) and
stored with random unit vectors of 384 dimensions: brute-force cosine costs the same whatever the
values, and the model's own cost (embedding the question, ~6 ms on 2 threads) is measured
apart by ``--real`` (all-MiniLM-L6-v2 on the questions only). Then ``retrieve()`` (both legs,
fusion, the lines read back) runs for each question ``--repeat`` times as an admin and as a
manager who sees 10% of the meetings; the first call (the passages read into memory) is reported
apart. Wall times, passage counts and the vectors' size go to bench/out/ask_retrieval.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.search import bulk_load, drop_schema, fresh_engine, generate  # noqa: E402

from minutes import db as store  # noqa: E402
from minutes.accounts.access import Actor, Principal  # noqa: E402
from minutes.ask.retrieve import CACHE, retrieve  # noqa: E402
from minutes.chunks import chunk_lines  # noqa: E402
from minutes.types import ModelRef, Utterance  # noqa: E402

OUT = ROOT / "bench" / "out" / "ask_retrieval.json"
QUESTIONS = [
    "What did we decide about the budget?",
    "When is the launch?",
    "Who will do the review?",
    "Was kubernetes discussed?",
    "What is the next action item for the team?",
    "What did Priya say about the budget review?",
    "Is anything blocking the launch next week?",
    "What happened to the kubernetes migration budget?",
]


class RandomEmbedder:
    """Random unit vectors: the search costs what MiniLM's would. Or MiniLM itself (``real``)."""

    dim = 384
    min_similarity = -1.0  # rank every passage: the slowest case

    def __init__(self, *, real: bool) -> None:
        self.rng = np.random.default_rng(7)
        self.real: Any = None
        if real:
            from minutes.embeddings import MiniLMEmbedder

            self.real = MiniLMEmbedder()

    def embed(self, texts: list[str]) -> Any:
        if self.real is not None:
            return self.real.embed(texts)
        v = self.rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    def ref(self) -> ModelRef:
        return ModelRef("bench-random", "bench", "b" * 64)

    def options(self) -> dict[str, Any]:
        return {}


def add_chunks(engine: Engine, archive: Any, dim: int) -> dict[str, Any]:
    rng = np.random.default_rng(1)
    raw = engine.raw_connection()
    count, seconds = 0, 0.0
    try:
        cur = raw.cursor()
        mark = "%s" if engine.dialect.name == "postgresql" else "?"
        for m, meeting in enumerate(archive, start=1):
            t0 = time.perf_counter()
            lines = [
                Utterance(i, label, 5.0 * i, 5.0 * i + 4.5, t)
                for i, (label, t) in enumerate(meeting["lines"])
            ]
            chunks = chunk_lines(lines, names={k: v for k, v in meeting["speakers"] if v})
            seconds += time.perf_counter() - t0
            vectors = rng.standard_normal((len(chunks), dim)).astype("<f4")
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            marks = ", ".join([mark] * 6)
            cur.executemany(
                f"INSERT INTO chunks (meeting_id, first_idx, last_idx, model, text, vector) VALUES ({marks})",
                [
                    (m, c.first, c.last, "b" * 64, c.text, v.tobytes())
                    for c, v in zip(chunks, vectors, strict=True)
                ],
            )
            count += len(chunks)
            if m % 100 == 0:
                raw.commit()
        raw.commit()
    finally:
        raw.close()
    return {
        "passages": count,
        "vectors_mb": round(count * dim * 4 / 2**20, 1),
        "chunking_s": round(seconds, 2),
    }


def timed(run: Any, repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
    }


def run_backend(name: str, args: argparse.Namespace) -> dict[str, Any]:
    schema = f"minutes_bench_ask_{uuid.uuid4().hex[:8]}"
    engine = fresh_engine(name, Path(args.sqlite_path), schema)
    try:
        store.upgrade(engine, "0004")
        counts = bulk_load(engine, generate(random.Random(args.seed), args.meetings, args.lines))
        store.upgrade(engine)
        if name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        chunks = add_chunks(engine, generate(random.Random(args.seed), args.meetings, args.lines), 384)
        embedder = RandomEmbedder(real=args.real)
        admin_actor = Actor(Principal(1, "ada", None, True, frozenset(), frozenset()), None, "api")
        with engine.begin() as conn:  # a manager of a team that holds every tenth meeting
            conn.execute(
                text("INSERT INTO teams (id, name, created_at) VALUES (1, 'tenth', CURRENT_TIMESTAMP)")
            )
            conn.execute(text("UPDATE meetings SET team_id = 1 WHERE id % 10 = 0"))
        manager = Actor(Principal(2, "mona", None, False, frozenset({1}), frozenset()), None, "api")
        CACHE._held.clear()
        with Session(engine) as session:
            t0 = time.perf_counter()
            retrieve(session, admin_actor, QUESTIONS[0], embedder=embedder)
            first = round((time.perf_counter() - t0) * 1000, 1)
            results = {}
            for who, actor in (("admin", admin_actor), ("manager_10pct", manager)):
                per = [
                    timed(lambda q=q, a=actor: retrieve(session, a, q, embedder=embedder), args.repeat)
                    for q in QUESTIONS
                ]
                results[who] = {
                    "p50_ms": round(statistics.median(p["p50_ms"] for p in per), 1),
                    "p95_ms": round(max(p["p95_ms"] for p in per), 1),
                }
                print(f"  {name} {who}: p50 {results[who]['p50_ms']} ms", file=sys.stderr)
        return {"archive": counts, "index": chunks, "first_call_ms": first, "retrieve": results}
    finally:
        engine.dispose()
        if name != "sqlite":
            drop_schema(schema)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=300, help="transcript lines per meeting (~25 minutes)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--real", action="store_true", help="embed the questions with all-MiniLM-L6-v2")
    parser.add_argument("--sqlite-path", default="/tmp/minutes-bench-ask.db")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()
    report: dict[str, Any] = {
        "meetings": args.meetings,
        "lines_per_meeting": args.lines,
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "backends": {name: run_backend(name, args) for name in args.backends.split(",")},
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report["backends"], indent=1))


if __name__ == "__main__":
    main()
