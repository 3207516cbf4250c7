"""Benchmark: asking whether a commitment happened, with the ledger's lines beside the promise.

    .venv/bin/python bench/ask_ledger.py [--split dev7[,dev6...]] [--limit N] [--model qwen2.5-1.5b]

Each series of the splits (several, comma-separated, make one archive) is imported as text
(``Speaker: text`` lines, no model: its minutes are the reference's items, so the ledger is the
linker's on those items, as ``bench/ledger.py`` scores it) and indexed with MiniLM. Then, for each
commitment that a later meeting closed or dropped (the reference's ``done`` and ``dropped``
links), ask "Did <owner> <task>?" across the archive. Scored with and without the ledger's
follow-up lines in retrieval (``minutes.ask.retrieve._followed``): the share of questions whose
closing line is among the lines shown, and whose promise is; with ``--model``, the share of
answers found and citing the closing line, by the model's own sentences and after ask quotes what
became of a promise the answer cites (``minutes.ask.quote.with_later``; ``--limit`` questions
spread evenly over the list).
The closing line is often said in other words than the task ("Asbestos lads got in yesterday" for
"book the asbestos crew"), which no ranking by words or meaning finds; the ledger links it.
Read splits only (never ``test``): the figures are for the way retrieval uses the ledger, not
for the linker, which ``bench/ledger.py`` scores.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
THREADS = int(os.environ.get("MINUTES_THREADS", "2"))


def build(split: str, home: Path, embedder: Any) -> tuple[Any, list[dict[str, Any]]]:
    """The archive of the split's series, and its questions (with the closing line's meeting id)."""
    from ledger import load  # bench/ledger.py: the series files of a split

    from minutes.accounts import series as series_reads
    from minutes.accounts.access import Actor
    from minutes.db import save_minutes, session_scope
    from minutes.db.meeting_store import SqlMeetingStore
    from minutes.db.tables import SpeakerRow
    from minutes.factory import open_store
    from minutes.pipeline.importer import TranscriptImporter
    from minutes.types import MinuteItem, Minutes

    sessions = open_store(f"sqlite:///{home / 'archive.db'}")
    importer = TranscriptImporter(store=SqlMeetingStore(sessions), embedder=embedder)
    operator = Actor(principal=None, ip=None, via="cli")
    questions: list[dict[str, Any]] = []
    for s in [s for name in split.split(",") for s in load(name)]:
        ids: list[int] = []
        for n, m in enumerate(s["meetings"]):
            path = home / f"{s['id']}-{n}.txt"
            path.write_text("".join(f"{u['speaker']}: {u['text']}\n" for u in m["utterances"]))
            day = date.fromisoformat(m["meeting_date"])
            done = importer.import_file(
                path, title=m["title"], meeting_date=datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
            )
            mid = int(done.meeting_id)
            ids.append(mid)
            with session_scope(sessions) as session:
                labels = {
                    name: label
                    for label, name in session.execute(
                        SpeakerRow.__table__.select()
                        .with_only_columns(SpeakerRow.label, SpeakerRow.name)
                        .where(SpeakerRow.meeting_id == mid)
                    )
                }
                ref = m["reference"]
                items = [
                    MinuteItem("decision", d["text"], (d["evidence_utterance_index"],))
                    for d in ref["decisions"]
                ] + [
                    MinuteItem(
                        "action",
                        a["task"],
                        (a["evidence_utterance_index"],),
                        owner=labels.get(a["owner"], a["owner"]),
                        due=a.get("due"),
                    )
                    for a in ref["actions"]
                ]
                save_minutes(
                    session, meeting_id=mid, minutes=Minutes(summary="", items=tuple(items), language="en")
                )
                series_reads.set_series(session, operator, mid, s["series"])
        tasks = {a["id"]: a for m in s["meetings"] for a in m["reference"]["actions"]}
        for link in s["links"]:
            task = tasks.get(link["item"])
            if link["kind"] not in ("done", "dropped") or task is None:
                continue
            what = task["task"][:1].lower() + task["task"][1:]
            questions.append(
                {
                    "query": f"Did {task['owner']} {what}?",
                    "closing": (ids[link["meeting"]], link["evidence_utterance_index"]),
                    "promised_in": next(
                        ids[k] for k, m in enumerate(s["meetings"]) if task in m["reference"]["actions"]
                    ),
                }
            )
    return sessions, questions


WAYS = ("without the ledger", "with the ledger")


def _ranking_alone(_session: Any, _actor: Any, windows: Any) -> tuple[Any, dict[Any, Any]]:
    """``retrieve._followed`` without the ledger: the windows as ranked, no promise followed."""
    return windows, {}


def _shown_alone(retrieval: Any, sessions: Any, operator: Any, q: dict[str, Any], embedder: Any) -> bool:
    """Whether ranking alone (no ledger lines) shows the question's closing line."""
    from minutes.db import session_scope

    followed = retrieval._followed
    retrieval._followed = _ranking_alone
    try:
        with session_scope(sessions) as session:
            lines = retrieval.retrieve(session, operator, q["query"], embedder=embedder).lines
    finally:
        retrieval._followed = followed
    return tuple(q["closing"]) in {(line.meeting_id, line.idx) for line in lines}


def _cites(said: Any, closing: Any) -> bool:
    return any((c.meeting_id, c.utterance) == tuple(closing) for s in said.sentences for c in s.citations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="dev7")
    parser.add_argument("--limit", type=int, default=0, help="ask only N questions, spread evenly")
    parser.add_argument("--model", help="also answer with this local model (~20 s a question)")
    parser.add_argument("--missed", action="store_true", help="only questions ranking alone misses")
    parser.add_argument(
        "--ways", default=",".join(WAYS), help=f"which to run, comma-separated, of: {', '.join(WAYS)}"
    )
    args = parser.parse_args()
    if unknown := set(args.ways.split(",")) - set(WAYS):
        parser.error(f"unknown --ways {', '.join(sorted(unknown))}; choose from: {', '.join(WAYS)}")
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "bench"))
    import importlib

    from minutes.accounts.access import Actor
    from minutes.db import session_scope
    from minutes.factory import build_text_embedder

    retrieval = importlib.import_module("minutes.ask.retrieve")  # the package's `retrieve` is the function
    embedder = build_text_embedder(threads=THREADS)
    with tempfile.TemporaryDirectory() as tmp:
        sessions, questions = build(args.split, Path(tmp), embedder)
        operator = Actor(principal=None, ip=None, via="cli")
        if args.missed:  # only the questions whose closing line ranking alone does not show
            questions = [q for q in questions if not _shown_alone(retrieval, sessions, operator, q, embedder)]
        if args.limit and args.limit < len(questions):
            step = len(questions) / args.limit
            questions = [questions[int(k * step)] for k in range(args.limit)]
        llm = None
        if args.model:
            from minutes.llm import LLMOptions, build_llm

            llm = build_llm(LLMOptions(model=args.model, threads=THREADS))
        followed = retrieval._followed
        service = importlib.import_module("minutes.ask.service")
        with_later = service.with_later
        bare: list[Any] = []  # each answer as it was before what became of the promise was added

        def keeping(result: Any, lines: Any, later: Any) -> Any:
            bare.append(result)
            return with_later(result, lines, later)

        service.with_later = keeping
        report: dict[str, Any] = {"split": args.split, "questions": len(questions)}
        for way in args.ways.split(","):
            retrieval._followed = followed if way == "with the ledger" else _ranking_alone
            closing = promise = shown = found = cited = cited_bare = found_bare = 0
            for q in questions:
                with session_scope(sessions) as session:
                    lines = retrieval.retrieve(session, operator, q["query"], embedder=embedder).lines
                at = {(line.meeting_id, line.idx) for line in lines}
                closing += tuple(q["closing"]) in at
                promise += any(line.meeting_id == q["promised_in"] for line in lines)
                shown += len(lines)
                if llm is not None:
                    from minutes.ask import answer

                    said = answer(sessions, operator, q["query"], llm=llm, embedder=embedder)
                    found += said.found
                    cited += _cites(said, q["closing"])
                    cited_bare += bool(bare) and _cites(bare[-1], q["closing"])
                    found_bare += bool(bare) and bare[-1].found
                    bare.clear()
            n = max(1, len(questions))
            report[way] = {
                "closing_line_shown": round(closing / n, 3),
                "promise_meeting_shown": round(promise / n, 3),
                "lines_shown_mean": round(shown / n, 1),
                **(
                    {
                        "answered": round(found / n, 3),
                        "closing_line_cited": round(cited / n, 3),
                        "answered_by_the_model": round(found_bare / n, 3),
                        "closing_line_cited_by_the_model": round(cited_bare / n, 3),
                    }
                    if llm
                    else {}
                ),
            }
        retrieval._followed = followed
        service.with_later = with_later
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
