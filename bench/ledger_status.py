"""Benchmark: does the ledger show each promise's right status? What a manager reads, per promise.

    .venv/bin/python bench/ledger_status.py --split test [--items minutes] [--model qwen2.5-1.5b --replies F]

``bench/ledger.py`` scores the links one by one; a manager reads what they add up to. For every
action item first promised in a series of the split (a written item that restates none before it),
the true status from the written links: **done** (a close), **dropped**, **slipped** (re-dated
later than first promised, not closed), else **open**. The predicted one is the status of the
ledger's commitment whose first item is that promise (``overdue`` is not scored: it depends on the
day read, so the ledger is read as of its first meeting's day, where it is ``open`` or
``slipped``); a promise the items miss, or whose commitment starts at a later restatement, is
**missed**.

Beside it, in the same run: **the minutes alone** (no ledger: every promise stands as it was
made, open) and the simplest linker (same owner + word overlap, ``bench/ledger.py``). The items are
the written ones or, with ``--items minutes``, what the summarizer finds (end to end).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import ledger as bench

from minutes.ledger.link import link_series
from minutes.ledger.model import Link, SeriesMeeting, build_ledger

STATUSES = ("open", "done", "dropped", "slipped")


def true_statuses(s: dict[str, Any]) -> dict[str, str]:
    """Each promise of the series (a written action restating nothing) → its true status."""
    later = set(bench.roots(s))
    promises = [
        a["id"] for m in s["meetings"] for a in m["reference"].get("actions", []) if a["id"] not in later
    ]
    out = dict.fromkeys(promises, "open")
    for t in bench.truths(s):
        if t.root not in out or out[t.root] in ("done", "dropped"):
            continue
        if t.kind in ("done", "dropped"):
            out[t.root] = t.kind
        elif t.kind == "redated" and t.slip:
            out[t.root] = "slipped"
    return out


def predicted_statuses(
    meetings: list[SeriesMeeting], ids: dict[tuple[int, int, int], str], links: list[Link]
) -> dict[str, str]:
    """Each written item a commitment of the ledger starts from → the ledger's status for it."""
    first_day = min((m.meeting_date for m in meetings if m.meeting_date), default=date.min)
    ledger = build_ledger(meetings, links, today=first_day)
    keys = {(e.meeting_id, e.position): e.key for m in meetings for e in m.entries}
    out: dict[str, str] = {}
    for c in ledger.commitments:
        ref = ids.get(keys[c.items[0]]) if c.items else None
        if ref is not None:
            out[ref] = "slipped" if c.slips and c.status not in ("done", "dropped") else c.status
    return out


def score(series: list[dict[str, Any]], items: str) -> dict[str, Any]:
    ways = {"ledger": link_series, "same owner + word overlap": bench.baseline, "minutes alone": None}
    tallies: dict[str, Counter[tuple[str, str]]] = {w: Counter() for w in ways}
    for s in series:
        meetings, ids = bench.series_meetings(s, items=items)
        truth = true_statuses(s)
        for way, linker in ways.items():
            links = [ln for ln in linker(meetings) if ln.state in ("auto", "confirmed")] if linker else []
            said = predicted_statuses(meetings, ids, links)
            for ref, status in truth.items():
                tallies[way][(status, said.get(ref, "missed"))] += 1
    out: dict[str, Any] = {}
    for way, tally in tallies.items():
        total = sum(tally.values())
        right = sum(n for (t, p), n in tally.items() if t == p)
        out[way] = {
            "promises": total,
            "right": right,
            "accuracy": right / total if total else float("nan"),
            "missed": sum(n for (_, p), n in tally.items() if p == "missed"),
            "by_status": {
                t: {
                    "true": sum(n for (tt, _), n in tally.items() if tt == t),
                    "right": tally[(t, t)],
                }
                for t in STATUSES
            },
        }
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=bench.SPLITS, default="tune")
    ap.add_argument("--items", choices=("reference", "minutes"), default="reference")
    ap.add_argument("--model", help="with --items minutes: this local model judges the items")
    ap.add_argument("--replies", type=Path, help="with --model: its replies, kept and replayed")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.model:
        from minutes.llm import LLMOptions, build_llm

        model: Any = build_llm(LLMOptions(model=args.model, threads=2))
        if args.replies:
            from minutes_corpus import Replayed

            model = Replayed(model, args.replies)
        bench.MODEL = model
    series = bench.load(args.split)
    result = score(series, args.items)
    if args.json:
        print(json.dumps({"split": args.split, "items": args.items, **result}, indent=1))
        return 0
    print(f"{args.split}: {len(series)} series, items: {args.items}")
    print(f"  {'way':<26} {'right':>7} {'missed':>7}  " + "  ".join(f"{t:>9}" for t in STATUSES))
    for way, r in result.items():
        cells = "  ".join(f"{r['by_status'][t]['right']:>4}/{r['by_status'][t]['true']:<4}" for t in STATUSES)
        print(f"  {way:<26} {r['accuracy']:6.1%} {r['missed']:7d}  {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
