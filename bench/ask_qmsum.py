"""Benchmark: ``minutes ask`` on QMSum's topic questions, against the plain top-k-chunks way.

    .venv/bin/python bench/ask_qmsum.py [--limit 20] [--model qwen2.5-1.5b] [--db /tmp/ask-qmsum.db]

Data: the 35 ``qmsum-val`` meetings (../shared/data/qmsum-val), imported into one archive with
``minutes import`` (each turn one line, in file order; blank turns are skipped, so the human
spans are mapped from turn indexes to line positions), indexed with all-MiniLM-L6-v2, no minutes.
Every topic question (``specific_query_list``, 237; ``--limit`` for quick runs) is asked across
the whole archive.

* ours:  ``minutes.ask.answer`` (hybrid retrieval, cited sentences, the check);
* plain: the top full-text passages (the words leg only) in the same prompt, same model, same JSON,
         the sentences taken as the model wrote them (no check).

Reported per way: right meeting cited (a citation in the question's meeting), citation precision
(cited lines inside the human ``relevant_text_span``), ROUGE-L (F) against the human answer, and
for ours the sentences the check removed; then the share of "not found" on questions about things
the meetings never discuss (``NEVER``, written before any run). No tuning reads this data: the
retrieval and check settings were fixed on the project's own tests. Figures go to
bench/out/ask_qmsum.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "qmsum-val"
OUT = ROOT / "bench" / "out" / "ask_qmsum.json"
THREADS = int(os.environ.get("MINUTES_THREADS", "2"))

NEVER = [  # things none of the 35 meetings discuss (product, academic and committee meetings)
    "What did we decide about the office Christmas party?",
    "Who is responsible for renewing the parking permits?",
    "What was the budget for the new cafeteria menu?",
    "When will the swimming pool reopen?",
    "What did the team say about the stock price of the company?",
    "Who was hired as the new head chef?",
    "What was decided about the football tournament?",
    "Which hotel was booked for the sales conference in Madrid?",
    "What is the plan for the company's electric car fleet?",
    "What did they agree about the dress code on Fridays?",
    "Who will repaint the building's front door?",
    "What was said about the vaccine trial results?",
    "When is the wedding of the project manager?",
    "What did the group decide about buying a boat?",
    "How much does the new espresso machine cost?",
    "Who won the chess competition?",
    "What was decided about the garden irrigation system?",
    "Which band will play at the summer festival?",
    "What did they say about the cryptocurrency investment?",
    "What was agreed about the airport shuttle schedule?",
]


def rouge_l(reference: str, candidate: str) -> float:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return float(scorer.score(reference, candidate)["rougeL"].fmeasure)


def spans(query: dict[str, Any], lines: list[int]) -> list[tuple[int, int]]:
    """The human spans (turn indexes of the file) as line positions of the imported meeting."""
    out = []
    for a, b in query.get("relevant_text_span", []):
        inside = [n for n, turn in enumerate(lines) if int(a) <= turn <= int(b)]
        if inside:
            out.append((inside[0], inside[-1]))
    return out


def line_turns(stem: str) -> list[int]:
    """For each imported line, the index of the file's turn it came from (blank turns are skipped)."""
    turns = json.loads((DATA / f"{stem}.json").read_text())["meeting_transcripts"]
    return [i for i, t in enumerate(turns) if t["content"].strip()]


def build_archive(db: Path, embedder: Any) -> tuple[Any, dict[str, int]]:
    from minutes import db as store
    from minutes.db.meeting_store import SqlMeetingStore
    from minutes.pipeline.importer import TranscriptImporter

    engine = store.make_engine(f"sqlite:///{db}")
    store.upgrade(engine)
    sessions = store.session_factory(engine)
    importer = TranscriptImporter(store=SqlMeetingStore(sessions), embedder=embedder)
    ids: dict[str, int] = {}
    for path in sorted(DATA.glob("*.json")):
        result = importer.import_file(path)
        assert result.meeting_id is not None, result
        ids[path.stem] = result.meeting_id
        print(f"  {path.stem}: meeting {result.meeting_id}, {result.stages}", file=sys.stderr)
    return sessions, ids


def open_archive(db: Path) -> tuple[Any, dict[str, int]]:
    """An archive built by an earlier run: the meetings' ids by title (the file's stem)."""
    from sqlalchemy import select

    from minutes import db as store
    from minutes.db.tables import Meeting

    sessions = store.session_factory(store.make_engine(f"sqlite:///{db}"))
    with store.session_scope(sessions) as session:
        ids = {title: int(i) for i, title in session.execute(select(Meeting.id, Meeting.title))}
    return sessions, ids


def questions_of(stems: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """Every topic question of the meetings, round robin (each one's first, then each one's second …),
    so that a --limit run samples many meetings and kinds."""
    per_meeting = {
        stem: json.loads((DATA / f"{stem}.json").read_text())["specific_query_list"] for stem in stems
    }
    deepest = max(len(qs) for qs in per_meeting.values())
    return [(stem, qs[k]) for k in range(deepest) for stem, qs in per_meeting.items() if k < len(qs)]


def half_of(stems: list[str], half: str) -> list[str]:
    """The meetings whose questions a half asks: tune = the 1st, 3rd, 5th … by name, test = the others."""
    return stems if half == "all" else stems[0 if half == "tune" else 1 :: 2]


def never_of(half: str) -> list[str]:
    """The never-discussed questions of a half: tune the first ten, test the last ten."""
    return NEVER if half == "all" else NEVER[:10] if half == "tune" else NEVER[10:]


def retrieval_report(sessions: Any, ids: dict[str, int], embedder: Any, half: str) -> dict[str, Any]:
    """Retrieval alone, ours and the words-only leg: is the question's meeting first, among the
    lines at all, and how many of the lines lie in the human spans."""
    from minutes.accounts.access import Actor
    from minutes.ask.retrieve import retrieve
    from minutes.db import session_scope

    stems = half_of(sorted(ids), half)
    operator = Actor(principal=None, ip=None, via="cli")
    rows: dict[str, list[dict[str, Any]]] = {"ours": [], "words": []}
    times: list[float] = []
    for stem, q in questions_of(stems):
        relevant = spans(q, line_turns(stem))
        for way, emb in (("ours", embedder), ("words", None)):
            t = time.perf_counter()
            with session_scope(sessions) as session:
                lines = retrieve(session, operator, q["query"], embedder=emb).lines
            if way == "ours":
                times.append(time.perf_counter() - t)
            right = ids[stem]
            inside = [
                x for x in lines if x.meeting_id == right and any(a <= x.utterance <= b for a, b in relevant)
            ]
            rows[way].append(
                {
                    "first": bool(lines) and lines[0].meeting_id == right,
                    "any": any(x.meeting_id == right for x in lines),
                    "span": bool(inside),
                    "precision": len(inside) / len(lines) if lines else 0.0,
                }
            )
    out: dict[str, Any] = {"half": half, "questions": len(rows["ours"])}
    for way, got in rows.items():
        out[way] = {
            k: round(statistics.mean(r[k] for r in got), 3) for k in ("first", "any", "span", "precision")
        }
    out["retrieval_s_p50"] = round(statistics.median(times), 3)
    never = never_of(half)
    with session_scope(sessions) as session:
        empty = [not retrieve(session, operator, q, embedder=embedder).lines for q in never]
    out["never_discussed_nothing_retrieved"] = f"{sum(empty)} of {len(never)}"
    return out


class Recording:
    """The model, keeping its last raw reply (for ``--dump``: checks replayed without the model)."""

    def __init__(self, llm: Any) -> None:
        self.llm = llm
        self.last: str | None = None
        self.usage: list[Any] = []  # each call's Usage, in order (where the answer time goes)

    def chat(self, messages: Any, **kwargs: Any) -> Any:
        reply = self.llm.chat(messages, **kwargs)
        self.last = reply.text
        self.usage.append(reply.usage)
        return reply

    def ref(self) -> Any:
        return self.llm.ref()


def usage_summary(calls: list[Any]) -> dict[str, Any] | None:
    """Where ours spends its answer time: the model calls' medians (prompt read, reply written)."""
    if not calls:
        return None

    def p50(values: list[float]) -> float:
        return round(statistics.median(values), 2)

    return {
        "calls": len(calls),
        "prompt_tokens_p50": p50([u.prompt_tokens for u in calls]),
        "prefill_s_p50": p50([u.prompt_ms / 1000 for u in calls]),
        "reply_tokens_p50": p50([u.completion_tokens for u in calls]),
        "decode_s_p50": p50([u.decode_ms / 1000 for u in calls]),
        "prefill_tok_s": round(
            sum(u.prompt_tokens - u.cached_tokens for u in calls)
            / max(1e-9, sum(u.prompt_ms for u in calls) / 1000),
            1,
        ),
        "decode_tok_s": round(
            sum(u.completion_tokens for u in calls) / max(1e-9, sum(u.decode_ms for u in calls) / 1000), 1
        ),
    }


def replay(sessions: Any, actor: Any, q: dict[str, Any], llm: Recording, embedder: Any) -> dict[str, Any]:
    """What ``answer`` read and what the model replied, for scoring other checks offline."""
    from dataclasses import asdict

    from minutes.ask.retrieve import retrieve
    from minutes.db import session_scope

    with session_scope(sessions) as session:
        lines = retrieve(session, actor, q["query"], embedder=embedder).lines
    rows = [{**asdict(line), "meeting_date": line.meeting_date.isoformat()} for line in lines]
    return {"reply": llm.last, "lines": rows}


def plain(sessions: Any, actor: Any, question: str, llm: Any) -> Any:
    """The plain way: full-text passages only, the model's sentences as written (no check)."""
    from minutes.ask.compose import SCHEMA, prompt
    from minutes.ask.retrieve import retrieve
    from minutes.ask.service import MAX_TOKENS
    from minutes.ask.types import Answer, Citation, Sentence, not_found
    from minutes.db import session_scope
    from minutes.llm import chat_json

    with session_scope(sessions) as session:
        found = retrieve(session, actor, question, embedder=None)
    if not found.lines:
        return not_found()
    reply = chat_json(llm, prompt(question, found.lines), SCHEMA, max_tokens=MAX_TOKENS)
    sentences = []
    for item in reply.get("sentences", []):
        cited = [
            found.lines[n - 1]
            for n in item.get("lines", [])
            if isinstance(n, int) and 1 <= n <= len(found.lines)
        ]
        sentences.append(Sentence(str(item.get("text", "")), tuple(Citation.of(c) for c in cited)))
    if reply.get("found") is False or not sentences:
        return not_found()
    return Answer(" ".join(s.text for s in sentences), True, tuple(sentences))


def score(result: Any, meeting_id: int, relevant: list[tuple[int, int]], reference: str) -> dict[str, Any]:
    cited = [c for s in result.sentences for c in s.citations]
    inside = [
        c for c in cited if c.meeting_id == meeting_id and any(a <= c.utterance <= b for a, b in relevant)
    ]
    return {
        "found": result.found,
        "right_meeting": any(c.meeting_id == meeting_id for c in cited),
        "citation_precision": len(inside) / len(cited) if cited else None,
        "rouge_l": rouge_l(reference, result.answer) if result.found else 0.0,
        "removed": len(getattr(result, "removed", ())),
    }


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    precisions = [r["citation_precision"] for r in rows if r["citation_precision"] is not None]
    return {
        "questions": len(rows),
        "right_meeting": round(sum(r["right_meeting"] for r in rows) / max(1, len(rows)), 3),
        "citation_precision": round(statistics.mean(precisions), 3) if precisions else None,
        "rouge_l": round(statistics.mean(r["rouge_l"] for r in rows), 3) if rows else None,
        "sentences_removed": sum(r["removed"] for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=0, help="ask only N topic questions (round robin)")
    parser.add_argument("--never", type=int, default=len(NEVER), help="never-discussed questions to ask")
    parser.add_argument("--model", default="qwen2.5-1.5b")
    parser.add_argument("--db", type=Path, default=Path("/tmp/minutes-ask-qmsum.db"))
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    parser.add_argument("--reuse", action="store_true", help="use the archive already at --db")
    parser.add_argument(
        "--half",
        choices=["tune", "test", "all"],
        default="all",
        help="the questions of one half (tune = meetings 1, 3, 5 … by name and the first 10"
        " never-discussed questions; test = the others)",
    )
    parser.add_argument("--retrieval", action="store_true", help="score retrieval alone (no model)")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain way (ours only)")
    parser.add_argument(
        "--dump", type=Path, help="write each question's lines and raw reply here (JSON lines)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from minutes.accounts.access import Actor
    from minutes.ask import answer
    from minutes.factory import build_text_embedder
    from minutes.llm import LLMOptions, build_llm

    embedder = build_text_embedder(threads=THREADS)
    t0 = time.perf_counter()
    if args.reuse and args.db.exists():
        sessions, ids = open_archive(args.db)
    else:
        args.db.unlink(missing_ok=True)
        sessions, ids = build_archive(args.db, embedder)
    build_s = time.perf_counter() - t0
    if args.retrieval:
        report = retrieval_report(sessions, ids, embedder, args.half)
        print(json.dumps(report, indent=2))
        return
    llm = Recording(build_llm(LLMOptions(model=args.model, threads=THREADS)))
    operator = Actor(principal=None, ip=None, via="cli")
    dump = args.dump.open("w") if args.dump else None
    questions = questions_of(half_of(sorted(ids), args.half))
    if args.limit:
        questions = questions[: args.limit]
    ours: list[dict[str, Any]] = []
    base: list[dict[str, Any]] = []
    times: list[float] = []
    plain_times: list[float] = []
    calls: list[Any] = []  # ours only
    turns = {stem: line_turns(stem) for stem in ids}
    for n, (stem, q) in enumerate(questions, 1):
        relevant = spans(q, turns[stem])
        t = time.perf_counter()
        llm.last = None
        called = len(llm.usage)
        mine = answer(sessions, operator, q["query"], llm=llm, embedder=embedder)
        times.append(time.perf_counter() - t)
        calls.extend(llm.usage[called:])
        ours.append(score(mine, ids[stem], relevant, q["answer"]))
        if dump is not None:
            record = {"stem": stem, "meeting_id": ids[stem], "query": q["query"], "answer": q["answer"]}
            dump.write(
                json.dumps({**record, "relevant": relevant, **replay(sessions, operator, q, llm, embedder)})
                + "\n"
            )
        if not args.no_plain:
            t = time.perf_counter()
            base.append(score(plain(sessions, operator, q["query"], llm), ids[stem], relevant, q["answer"]))
            plain_times.append(time.perf_counter() - t)
        print(f"  {n}/{len(questions)} {stem}: ours {ours[-1]} plain {base[-1:]}", file=sys.stderr)
    if dump is not None:
        dump.close()
    asked = never_of(args.half)[: args.never]
    never = [answer(sessions, operator, q, llm=llm, embedder=embedder) for q in asked]
    report = {
        "data": f"qmsum-val (35 meetings), specific_query_list, half {args.half}",
        "model": args.model,
        "index_build_s": round(build_s, 1),
        "ours": summary(ours),
        "plain": summary(base),
        "answer_s_p50": round(statistics.median(times), 2) if times else None,
        "plain_answer_s_p50": round(statistics.median(plain_times), 2) if plain_times else None,
        "ours_calls": usage_summary(calls),
        "not_found_on_never_discussed": round(sum(not a.found for a in never) / max(1, len(never)), 3),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
