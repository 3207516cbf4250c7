"""Benchmark: search latency on a generated archive, SQLite and PostgreSQL.

    .venv/bin/python bench/search.py [--meetings 1000] [--lines 1500] [--backends sqlite,postgres]

For each backend: an archive of MEETINGS meetings × LINES transcript lines (5–30 words a line from
a Zipf-distributed vocabulary, with a few query words planted at known rates), 4–8 speakers per
meeting (most named), a summary and six minute items per meeting. It is bulk-loaded at schema
revision 0004 (before search existed), then ``upgrade`` runs migration 0005, whose back-fill is
timed; then 10 more meetings go in through ``replace_transcript`` with the indexes live (the
write cost of keeping them). Each query runs ``--repeat`` times after one warm-up, through the
public ``search()``/``search_minutes()`` (SQL, snippets and all); p50/p95 wall times, the number
of matching lines and the database size go to bench/out/search.json.
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
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from minutes import db as store
from minutes.db import Meeting
from minutes.search import search, search_minutes
from minutes.types import Speaker, Utterance

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out" / "search.json"
POSTGRES_URL = os.environ.get(
    "MINUTES_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

FIRST_NAMES = "Priya Bob Zoë Émile Ngozi Kenji Ana Lars Mei Omar Sofia Tomás Ines Raj Hana Li"
LAST_NAMES = "Shah Ivers Zola Okafor Tanaka Silva Berg Chen Haddad Rossi Novák Dubois Kim"
COMMON = (
    "the we to and a of is that it for on this in be will so have i you can with "
    "what our about not are just think do at if yes okay right next week team need should let me get from"
)
PLANTED = {  # word or phrase -> share of lines it is planted in
    "budget": 0.01,
    "review": 0.01,
    "kubernetes": 0.0001,
    "action item": 0.002,
    "launch": 0.005,
}
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def vocabulary(rng: random.Random, size: int = 6000) -> tuple[list[str], list[float]]:
    """Common words first, then pronounceable made-up words; Zipf weights (1/rank)."""
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
    words = COMMON.split()
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    total = 0.0
    cumulative = []
    for w in weights:
        total += w
        cumulative.append(total)
    return words, cumulative


def lines_of(rng: random.Random, vocab: tuple[list[str], list[float]], n: int) -> list[str]:
    words, cumulative = vocab
    lengths = [rng.randint(5, 30) for _ in range(n)]
    drawn = rng.choices(words, cum_weights=cumulative, k=sum(lengths))
    out = []
    at = 0
    for length in lengths:
        line = drawn[at : at + length]
        at += length
        for planted, share in PLANTED.items():
            if rng.random() < share:
                line.insert(rng.randrange(len(line) + 1), planted)
        out.append(" ".join(line).capitalize() + ".")
    return out


def generate(rng: random.Random, meetings: int, lines: int) -> Iterator[dict[str, Any]]:
    """One dict per meeting: title, date, speakers (label, name), lines (label, text), minutes."""
    vocab = vocabulary(rng)
    for m in range(meetings):
        labels = [f"SPEAKER_{i:02d}" for i in range(rng.randint(4, 8))]
        names = {
            label: f"{rng.choice(FIRST_NAMES.split())} {rng.choice(LAST_NAMES.split())}"
            for label in labels
            if rng.random() < 0.7
        }
        texts = lines_of(rng, vocab, lines)
        yield {
            "title": f"Meeting {m:04d}",
            "date": EPOCH + timedelta(days=m * 1095 // meetings, hours=rng.randint(8, 17)),
            "speakers": [(label, names.get(label)) for label in labels],
            "lines": [(rng.choice(labels), t) for t in texts],
            "summary": " ".join(lines_of(rng, vocab, 5)),
            "items": lines_of(rng, vocab, 6),
        }


# Loading ------------------------------------------------------------------------------------------


def bulk_load(engine: Engine, archive: Iterator[dict[str, Any]]) -> dict[str, int]:
    """Insert the archive with plain bulk statements (COPY on PostgreSQL), no ORM."""
    counts = {"meetings": 0, "lines": 0, "words": 0}
    now = datetime.now(UTC)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        postgres = engine.dialect.name == "postgresql"
        mark = "%s" if postgres else "?"
        if not postgres:  # the engine's connections are in autocommit mode; batch the inserts
            cur.execute("BEGIN")

        def stamp(at: datetime) -> datetime | str:
            # SQLite keeps SQLAlchemy's text format for DateTime (UTC, no offset).
            return at if postgres else at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

        def insert(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
            marks = ", ".join([mark] * len(rows[0]))
            cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)

        for m, meeting in enumerate(archive, start=1):
            now_ = stamp(now)
            insert(
                "recordings",
                "id, sha256, original_name, duration, sample_rate, channels, codec, format, created_at",
                [(m, uuid.uuid4().hex * 2, f"{m}.wav", 5.0 * len(meeting["lines"]), 16000, 1, "", "", now_)],
            )
            insert(
                "meetings",
                "id, recording_id, title, meeting_date, status, code_version, created_at, updated_at",
                [(m, m, meeting["title"], stamp(meeting["date"]), "done", "bench", now_, now_)],
            )
            insert(
                "speakers",
                "meeting_id, label, name, talk_time",
                [(m, label, name, 0.0) for label, name in meeting["speakers"]],
            )
            rows = [
                (m, i, label, 5.0 * i, 5.0 * i + 4.5, line, "[]", False)
                for i, (label, line) in enumerate(meeting["lines"])
            ]
            columns = 'meeting_id, idx, speaker_label, start, "end", text, words, overlap'
            if postgres:
                with cur.copy(f"COPY utterances ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                insert("utterances", columns, rows)
            insert(
                "minutes",
                "meeting_id, summary, language, prompt_version, options, created_at, updated_at",
                [(m, meeting["summary"], "en", "bench", "{}", now_, now_)],
            )
            kinds = ("decision", "action", "question")
            insert(
                "minute_items",
                "meeting_id, position, kind, text, evidence, supported, done, created_at, updated_at",
                [
                    (m, p, kinds[p % 3], t, "[]", True, False, now_, now_)
                    for p, t in enumerate(meeting["items"])
                ],
            )
            counts["meetings"] += 1
            counts["lines"] += len(rows)
            counts["words"] += sum(len(line.split()) for _, line in meeting["lines"])
            if m % 100 == 0:
                raw.commit()
                if not postgres:
                    cur.execute("BEGIN")
                print(f"  loaded {m} meetings", file=sys.stderr)
        if postgres:  # the ids were given explicitly; later inserts take the sequences
            for table in ("recordings", "meetings"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
        raw.commit()
    finally:
        raw.close()
    return counts


def add_live(engine: Engine, archive: Iterator[dict[str, Any]]) -> tuple[int, float]:
    """Meetings stored the way the pipeline stores them, with the search indexes live."""
    factory = store.session_factory(engine)
    n = 0
    started = time.perf_counter()
    for meeting in archive:
        with store.session_scope(factory) as session:
            from minutes.types import AudioInfo

            audio = AudioInfo(
                path="x.wav", sha256=uuid.uuid4().hex * 2, duration=1.0, sample_rate=16000, channels=1
            )
            recording = store.add_recording(session, audio=audio, media_path=None)
            row = store.create_meeting(
                session,
                recording=recording,
                title=meeting["title"],
                meeting_date=meeting["date"],
                code_version="b",
            )
            store.replace_transcript(
                session,
                meeting_id=row.id,
                utterances=[
                    Utterance(index=i, speaker=label, start=5.0 * i, end=5.0 * i + 4.5, text=line)
                    for i, (label, line) in enumerate(meeting["lines"])
                ],
                speakers=[Speaker(label=label, name=name) for label, name in meeting["speakers"]],
                embeddings={},
            )
        n += len(meeting["lines"])
    return n, time.perf_counter() - started


# Measuring ----------------------------------------------------------------------------------------


def queries(engine: Engine) -> list[tuple[str, Callable[[Session], int]]]:
    """(label, run) pairs; each run returns the number of matches."""
    some = select(Meeting.id).where(Meeting.id % 10 == 0)  # a user who may see 10% of meetings
    recent = date(2026, 12, 31) - timedelta(days=90)

    def lines(q: str, **kw: Any) -> Callable[[Session], int]:
        return lambda s: search(s, q, **kw).total

    return [
        ("rare word: kubernetes", lines("kubernetes")),
        ("word: budget", lines("budget")),
        ("two words: budget review", lines("budget review")),
        ('phrase: "action item"', lines('"action item"')),
        ("prefix: budg*", lines("budg*")),
        ("common word: team", lines("team")),
        ("very common word: the", lines("the")),
        ("speaker name + word: priya budget", lines("priya budget")),
        ("word, --speaker priya", lines("budget", speaker="priya")),
        ("word, 10% of meetings visible", lines("budget", meeting_ids=some)),
        ("word, last 90 days", lines("budget", date_from=recent)),
        ("word, page 11 (offset 200)", lines("budget", offset=200)),
        ("minutes: budget", lambda s: search_minutes(s, "budget").total),
        ("minutes: common word: team", lambda s: search_minutes(s, "team").total),
        ("minutes: very common word: the", lambda s: search_minutes(s, "the").total),
    ]


def measure(engine: Engine, repeat: int) -> list[dict[str, Any]]:
    results = []
    with Session(engine) as session:
        for label, run in queries(engine):
            run(session)  # warm-up: caches, prepared plans
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                total = run(session)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            results.append(
                {
                    "query": label,
                    "matches": total,
                    "p50_ms": round(statistics.median(times), 1),
                    "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
                    "max_ms": round(times[-1], 1),
                }
            )
            print(f"  {label:<40} {total:>8} matches  p50 {results[-1]['p50_ms']:>8} ms", file=sys.stderr)
    return results


def size_of(engine: Engine, sqlite_path: Path | None) -> dict[str, float]:
    mb = 1024 * 1024
    if sqlite_path is not None:
        with engine.connect() as conn:
            fts = conn.execute(
                text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_utterances%'")
            ).scalar_one()
        return {
            "database_mb": round(sqlite_path.stat().st_size / mb, 1),
            "search_index_mb": round(fts / mb, 1),
        }
    with engine.connect() as conn:
        total = conn.execute(text("SELECT pg_total_relation_size('utterances')")).scalar_one()
        index = conn.execute(text("SELECT pg_relation_size('ix_search_utterances')")).scalar_one()
        vector = conn.execute(text("SELECT sum(pg_column_size(search_vector)) FROM utterances")).scalar_one()
    return {
        "utterances_total_mb": round(total / mb, 1),
        "gin_index_mb": round(index / mb, 1),
        "search_vector_mb": round(vector / mb, 1),
    }


def fresh_engine(name: str, sqlite_path: Path, schema: str) -> Engine:
    """An empty archive: a new SQLite file at ``sqlite_path``, or a new PostgreSQL ``schema``."""
    if name == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        return store.make_engine(f"sqlite:///{sqlite_path}")
    admin = store.make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return store.make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})


def drop_schema(schema: str) -> None:
    """Remove the PostgreSQL schema :func:`fresh_engine` made."""
    admin = store.make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def run_backend(name: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"{name}:", file=sys.stderr)
    sqlite_path: Path | None = Path(args.sqlite_path) if name == "sqlite" else None
    schema = f"minutes_bench_search_{uuid.uuid4().hex[:8]}"
    engine = fresh_engine(name, Path(args.sqlite_path), schema)
    try:
        store.upgrade(engine, "0004")
        started = time.perf_counter()
        counts = bulk_load(engine, generate(random.Random(args.seed), args.meetings, args.lines))
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        store.upgrade(engine)
        backfill_s = time.perf_counter() - started
        if name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        live_lines, live_s = add_live(engine, generate(random.Random(args.seed + 1), 10, args.lines))
        result = {
            "archive": counts,
            "bulk_load_s": round(load_s, 1),
            "migration_backfill_s": round(backfill_s, 1),
            "live_insert_lines_per_s": round(live_lines / live_s),
            "size": size_of(engine, sqlite_path),
            "queries": measure(engine, args.repeat),
        }
    finally:
        engine.dispose()
        if name != "sqlite" and not args.keep:
            drop_schema(schema)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=1500, help="transcript lines per meeting")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per query")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sqlite-path", default="/tmp/minutes-bench-search.db")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema afterwards")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args()

    started_load = os.getloadavg()
    report: dict[str, Any] = {
        "meetings": args.meetings,
        "lines_per_meeting": args.lines,
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in started_load],
        "backends": {},
    }
    for name in args.backends.split(","):
        report["backends"][name] = run_backend(name, args)
    report["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
