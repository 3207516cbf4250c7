"""Benchmark: minutes' summarizer vs the naive one-prompt approach on QMSum (real meetings).

    .venv/bin/python bench/minutes_qmsum.py [--meetings TS3010a,IS1006a,ES2006a] [--model qwen2.5-1.5b]

Transcripts go straight in (no audio), with the human speaker names. For each meeting:

* ours:  ``Summarizer`` — deterministic candidates, one short constrained call per candidate,
         the summary asked on the whole transcript when it fits the context, else on the fewest
         reads of topic-aware chunks that fit, then reduced;
* naive: the whole transcript (cut to the context window) in one prompt asking for the
         summary, decisions and action items as one JSON object (constrained, same model,
         same repetition penalty, so the difference is the method).

Reports ROUGE-1/2/L (F) of the summary against the human "Summarize the whole meeting"
answer, the share of items flagged unsupported by their cited words (for the naive items,
checked against the whole transcript: the most lenient test), wall time, tokens per second
and peak RSS. ``--speed-meeting`` times a ~10k-token (one hour) transcript on its own.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import _child
from _meetings import clean_turns

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "qmsum-val"
THREADS = int(os.environ.get("MINUTES_THREADS", "2"))
NAIVE_CTX_TOKENS = 7000


def utterances_of(meeting: dict[str, Any]) -> tuple[list[Any], dict[str, str]]:
    """QMSum turns → Utterances with synthetic times (150 words a minute) and speaker labels."""
    from minutes.types import Utterance

    labels: dict[str, str] = {}
    out = []
    t = 0.0
    for _, speaker, text in clean_turns(meeting["meeting_transcripts"]):
        label = labels.setdefault(speaker, f"SPEAKER_{len(labels):02d}")
        dur = max(0.5, len(text.split()) / 2.5)
        out.append(Utterance(index=len(out), speaker=label, start=t, end=t + dur, text=text))
        t += dur + 0.3
    return out, {label: name for name, label in labels.items()}


def rouge(reference: str, candidate: str) -> dict[str, float]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    scores = scorer.score(reference, candidate)
    return {k: round(v.fmeasure, 4) for k, v in scores.items()}


def run_ours(
    name: str, model: str, n_ctx: int | None = None, read_tokens: int | None = None
) -> dict[str, Any]:
    from minutes.llm import LLMOptions, build_llm
    from minutes.payloads import summary_check_from_options
    from minutes.summarize.summarizer import SummarizeOptions, Summarizer

    meeting = json.loads((DATA / f"{name}.json").read_text())
    utts, names = utterances_of(meeting)
    llm_opts = LLMOptions(model=model, threads=THREADS)
    llm = build_llm(dataclasses.replace(llm_opts, n_ctx=n_ctx) if n_ctx else llm_opts)
    opts = SummarizeOptions()
    opts = dataclasses.replace(opts, read_tokens=read_tokens) if read_tokens else opts
    llm.chat([{"role": "user", "content": "Hi"}], max_tokens=1)  # load outside the timing
    t0 = time.perf_counter()
    run = Summarizer(llm, opts).run(utts, names=names, meeting_date=date(2026, 11, 18), language="en")
    wall = time.perf_counter() - t0
    minutes, usage = run.minutes, run.usage
    check = summary_check_from_options(minutes.options)
    return {
        "summary": minutes.summary,
        "summary_removed": [[n.sentence, n.reason] for n in check.removed] if check else [],
        "items": [
            {"kind": i.kind, "text": i.text, "supported": i.supported, "owner": i.owner}
            for i in minutes.items
        ],
        "chapters": [c.title for c in minutes.chapters],
        "wall": wall,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "calls": usage.calls,
        "cached_tokens": usage.cached_tokens,
        **usage.rates(),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "words": sum(len(u.text.split()) for u in utts),
    }


NAIVE_SCHEMA = {
    "type": "object",
    "properties": {
        "summary": {"type": "string", "maxLength": 900},
        "decisions": {"type": "array", "maxItems": 8, "items": {"type": "string", "maxLength": 160}},
        "action_items": {
            "type": "array",
            "maxItems": 8,
            "items": {
                "type": "object",
                "properties": {
                    "owner": {"type": "string", "maxLength": 40},
                    "task": {"type": "string", "maxLength": 160},
                },
                "required": ["owner", "task"],
            },
        },
    },
    "required": ["summary", "decisions", "action_items"],
}


def run_naive(name: str, model: str) -> dict[str, Any]:
    from minutes.llm import LLMOptions, Metered, build_llm, chat_json
    from minutes.summarize.grounding import support

    meeting = json.loads((DATA / f"{name}.json").read_text())
    utts, names = utterances_of(meeting)
    llm = build_llm(LLMOptions(model=model, threads=THREADS))
    llm.chat([{"role": "user", "content": "Hi"}], max_tokens=1)
    metered = Metered(llm)  # counts the calls from here on
    lines, budget = [], NAIVE_CTX_TOKENS * 4
    for u in utts:
        line = f"{names[u.speaker]}: {u.text}"
        budget -= len(line) + 1
        if budget < 0:
            break
        lines.append(line)
    t0 = time.perf_counter()
    reply = chat_json(
        metered,
        [
            {"role": "system", "content": "You write meeting minutes. Answer in JSON."},
            {
                "role": "user",
                "content": "Meeting transcript:\n"
                + "\n".join(lines)
                + "\n\nWrite the minutes: a summary of the "
                "whole meeting, the decisions taken, and the action items with their owners.",
            },
        ],
        NAIVE_SCHEMA,
        max_tokens=900,
    )
    wall = time.perf_counter() - t0
    usage = metered.usage
    transcript = [u.text for u in utts]
    items = [{"kind": "decision", "text": d} for d in reply.get("decisions", [])]
    items += [
        {"kind": "action", "text": a.get("task", ""), "owner": a.get("owner")}
        for a in reply.get("action_items", [])
    ]
    for item in items:
        item["supported"] = support(item["text"], transcript)[0]
    return {
        "summary": reply.get("summary", ""),
        "items": items,
        "wall": wall,
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "calls": usage.calls,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "cut_to_lines": len(lines),
        "lines": len(utts),
    }


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from minutes.runtime import enforce_offline

    enforce_offline()
    if args.child == "ours":
        result = run_ours(args.file, args.model, args.n_ctx, args.read_tokens)
    else:
        result = run_naive(args.file, args.model)
    _child.emit(result)


def measure(kind: str, name: str, model: str, extra: list[str] | None = None) -> dict[str, Any]:
    argv = ["--child", kind, "--file", name, "--model", model, *(extra or [])]
    return _child.run(__file__, argv, what=f"{kind} on {name}", threads=THREADS)


def _share_unsupported(items: list[dict[str, Any]]) -> float:
    return sum(1 for i in items if not i["supported"]) / len(items) if items else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--meetings", default="TS3010a,IS1006a,ES2006a")
    ap.add_argument("--model", default="qwen2.5-1.5b")
    ap.add_argument(
        "--speed-meeting", default="ES2006b", help="a ~10k-token meeting timed for speed ('' skips)"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "minutes_qmsum.json")
    ap.add_argument("--n-ctx", type=int, help="the model's context for ours (default: LLMOptions')")
    ap.add_argument("--read-tokens", type=int, help="SummarizeOptions.read_tokens for ours")
    ap.add_argument("--no-naive", action="store_true", help="only ours (the naive way does not change)")
    ap.add_argument("--child", choices=["ours", "naive"], help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    sys.path.insert(0, str(ROOT / "src"))
    extra = ["--n-ctx", str(args.n_ctx)] if args.n_ctx else []
    extra += ["--read-tokens", str(args.read_tokens)] if args.read_tokens else []
    rows = []
    for name in [m for m in args.meetings.split(",") if m]:
        meeting = json.loads((DATA / f"{name}.json").read_text())
        reference = meeting["general_query_list"][0]["answer"]
        ours = measure("ours", name, args.model, extra)
        naive = None if args.no_naive else measure("naive", name, args.model)
        row: dict[str, Any] = {"meeting": name, "words": ours["words"]}
        for label, r in (("ours", ours), ("naive", naive)):
            if r is None:
                continue
            row[label] = {
                "rouge": rouge(reference, r["summary"]),
                "items": len(r["items"]),
                "unsupported_share": round(_share_unsupported(r["items"]), 3),
                "wall_s": round(r["wall"], 1),
                "tok_per_s": round((r["prompt_tokens"] + r["completion_tokens"]) / max(r["wall"], 1e-9), 1),
                "decode_tokens": r["completion_tokens"],
                "calls": r["calls"],
                "peak_mb": round(r["peak_mb"]),
                "summary": r["summary"],
                "summary_removed": r.get("summary_removed", []),
            }
        rows.append(row)
        print(f"\n== {name} ({ours['words']} words) ==")
        head = f"{'':<8}{'R-1':>7}{'R-2':>7}{'R-L':>7}{'items':>7}{'unsup':>7}"
        print(head + f"{'wall s':>8}{'tok/s':>7}{'peak MB':>9}")
        for label in [k for k in ("ours", "naive") if k in row]:
            x = row[label]
            rg = x["rouge"]
            print(
                f"{label:<8}{rg['rouge1']:>7.3f}{rg['rouge2']:>7.3f}{rg['rougeL']:>7.3f}{x['items']:>7}"
                f"{x['unsupported_share']:>7.0%}{x['wall_s']:>8.0f}{x['tok_per_s']:>7.0f}{x['peak_mb']:>9}"
            )
    if rows and not args.no_naive:
        for label in ("ours", "naive"):
            for metric in ("rouge1", "rouge2", "rougeL"):
                mean = sum(r[label]["rouge"][metric] for r in rows) / len(rows)
                print(f"mean {label} {metric}: {mean:.3f}")
        r1_ours = sum(r["ours"]["rouge"]["rouge1"] for r in rows) / len(rows)
        r1_naive = sum(r["naive"]["rouge"]["rouge1"] for r in rows) / len(rows)
        print(f"ROUGE-1 ratio ours/naive: {r1_ours / max(r1_naive, 1e-9):.2f}")
    speed = None
    if args.speed_meeting:
        s = measure("ours", args.speed_meeting, args.model, extra)
        tokens = s["prompt_tokens"] + s["completion_tokens"]
        speed = {
            "meeting": args.speed_meeting,
            "words": s["words"],
            "wall_s": round(s["wall"], 1),
            "prompt_tokens": s["prompt_tokens"],
            "completion_tokens": s["completion_tokens"],
            "calls": s["calls"],
            "cached_tokens": s["cached_tokens"],
            "prefill_tok_s": s["prefill_tok_s"],
            "decode_tok_s": s["decode_tok_s"],
            "tok_per_s": round(tokens / s["wall"], 1),
            "peak_mb": round(s["peak_mb"]),
        }
        print(f"\nspeed: {speed}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"model": args.model, "threads": THREADS, "rows": rows, "speed": speed}, indent=2)
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
