"""Benchmark: decisions and action items on the generated meetings of ``tests/data/meetings/``.

    .venv/bin/python bench/minutes_corpus.py --split test [--stage both] [--json] [--details]
        [--model qwen2.5-1.5b [--replies FILE]]

``--split dev`` scores the third split of ``tests/data/meetings-dev/`` (other kinds of meeting, other
writers), where misses are read and fixes tried; ``--replies FILE`` records the model's replies and
answers a prompt asked before from them, so a change after the model is scored again in seconds.

Text goes straight in (no audio): one ``Utterance`` per line, speakers labelled ``SPEAKER_00`` …
with their names given as renames would give them. Two stages are scored:

* ``candidates``: :func:`minutes.summarize.candidates.find_candidates`, the deterministic rules;
* ``summarizer``: the whole :class:`~minutes.summarize.summarizer.Summarizer` with a stand-in model
  that keeps every candidate and echoes its sentence (no model download, no model judgement: it
  measures what the rules hand the model, through the same grounding and ordering code);
  ``--model NAME`` uses a real local model instead (``minutes.llm.build_llm``), scored twice: with
  the model also proposing decisions (row "proposals", a preset's choice) and as by default (row
  "default", no proposals; its judging prompts are answered from the first run's replies);
* ``naive`` (with ``--model``): the plain way beside them, the same model asked once per meeting
  for the decisions and action items (owner, task, due date, the line that says each) over the
  whole numbered transcript, taken as written: no rules, no check.

Matching (per meeting, per kind; questions are not scored):

1. A predicted item and a reference item of the same kind are a *pair* when the prediction's
   evidence utterances include the reference's ``evidence_utterance_index`` or one of its
   ``also_evidence``; or, failing that, when the prediction cites an utterance within two of the
   reference's and shares at least half of the reference text's content words
   (``minutes.summarize.grounding.content_words``).
2. Pairs are matched one to one, best first: evidence on the main utterance before evidence on an
   ``also`` utterance before text overlap; then a pair with the right owner (two people sharing
   one task); then by shared content words.
3. ``found`` = matched pairs. Precision = found / predicted, recall = found / reference.
   For actions, ``strict`` counts only pairs whose owner is the reference owner (the label's name)
   **and** whose due date equals the reference's (both ``null`` counts as equal); owner and due
   accuracy are over the matched pairs. An unmatched prediction is a false positive; when it cites
   an utterance documented in ``negatives`` it is also counted as a hard negative taken.

The split (tune/test) was fixed before any rule was changed: tune rules on ``--split tune`` only.
``--details`` lists misses and false positives; read it for the tune and dev splits, never for the
test split.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from _meetings import ROOT, SPLITS, Meeting, load

KINDS = ("decision", "action")


@dataclass(frozen=True, slots=True)
class Item:
    kind: str
    text: str
    evidence: frozenset[int]
    owner: str | None = None  # a person's name
    due: str | None = None  # ISO date
    optional: bool = False  # a reference item careful readers could disagree on: scored neither way


def utterances(meeting: Meeting) -> list[Any]:
    """The meeting's lines as Utterances with synthetic times (150 words a minute)."""
    from minutes.types import Utterance

    out, t = [], 0.0
    for i, (who, text) in enumerate(meeting.turns):
        dur = max(0.5, len(text.split()) / 2.5)
        out.append(Utterance(index=i, speaker=meeting.label(who), start=t, end=t + dur, text=text))
        t += dur + 0.3
    return out


def references(meeting: Meeting) -> list[Item]:
    ref = meeting.reference
    out = [
        Item(
            "decision",
            d["text"],
            frozenset([d["evidence_utterance_index"], *d.get("also_evidence", ())]),
            optional=bool(d.get("optional")),
        )
        for d in ref["decisions"]
    ]
    out += [
        Item(
            "action",
            a["task"],
            frozenset([a["evidence_utterance_index"], *a.get("also_evidence", ())]),
            a["owner"],
            a["due"],
            bool(a.get("optional")),
        )
        for a in ref["actions"]
    ]
    return out


def from_candidates(meeting: Meeting) -> list[Item]:
    from minutes.summarize.candidates import find_candidates

    names = meeting.names()
    found = find_candidates(utterances(meeting), meeting_date=meeting.meeting_date, names=names)
    return [
        Item(
            c.kind,
            c.text,
            frozenset(c.evidence or (c.utterance,)),
            names.get(c.owner, c.owner) if c.owner else None,
            c.due.isoformat() if c.due and c.kind == "action" else None,
        )
        for c in found
        if c.kind in KINDS
    ]


class KeepAll:
    """A stand-in model: keeps every candidate and phrases it with the candidate's own sentence."""

    def chat(self, messages: list[dict[str, str]], *, schema: dict[str, Any] | None = None,
             max_tokens: int = 256) -> Any:  # fmt: skip
        from minutes.llm.base import Reply

        return Reply(self._text(messages, schema))

    def _text(self, messages: list[dict[str, str]], schema: dict[str, Any] | None) -> str:
        props = (schema or {}).get("properties", {})
        prompt = messages[-1]["content"]
        if "keep" in props:
            field = next(k for k in props if k != "keep")
            said = prompt.rsplit(' said: "', 1)[-1].split('"\n', 1)[0]
            return json.dumps({"keep": True, field: said})
        if "decisions" in props:
            return json.dumps({"decisions": []})  # proposes nothing: the rules alone
        if "title" in props:
            return json.dumps({"title": "Part", "summary": "Discussed."})
        return json.dumps({"summary": "Meeting."})

    def ref(self) -> Any:
        from minutes.types import ModelRef

        return ModelRef(name="keep-all", source="bench", sha256="0" * 64)

    def options(self) -> dict[str, Any]:
        return {}

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def close(self) -> None:
        pass


def from_summarizer(meeting: Meeting, llm: Any) -> tuple[list[Item], list[Item]]:
    """The summarizer's items with the model also proposing decisions per chunk (a preset's choice),
    and by default (no proposals): two runs, the second answered from the first's replies where it
    asks the same (``llm`` is a :class:`Replayed`, so every judging prompt is asked once)."""
    from minutes.summarize.summarizer import SummarizeOptions, Summarizer

    names = meeting.names()

    def run(propose: bool) -> list[Item]:
        found = Summarizer(llm, SummarizeOptions(propose_decisions=propose)).items(
            utterances(meeting), names=names, meeting_date=meeting.meeting_date, language="en"
        )
        return [
            Item(
                i.kind, i.text, frozenset(i.evidence), names.get(i.owner, i.owner) if i.owner else None, i.due
            )
            for i in found
            if i.kind in KINDS
        ]

    return run(True), run(False)


NAIVE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "decisions": {
            "type": "array",
            "maxItems": 8,
            "items": {
                "type": "object",
                "properties": {"text": {"type": "string", "maxLength": 200}, "line": {"type": "integer"}},
                "required": ["text", "line"],
            },
        },
        "action_items": {
            "type": "array",
            "maxItems": 10,
            "items": {
                "type": "object",
                "properties": {
                    "owner": {"type": "string", "maxLength": 40},
                    "task": {"type": "string", "maxLength": 200},
                    "due": {"type": "string", "maxLength": 10},
                    "line": {"type": "integer"},
                },
                "required": ["owner", "task", "due", "line"],
            },
        },
    },
    "required": ["decisions", "action_items"],
}


NAIVE_WORDS = 5000  # a read of the plain way: ~7k tokens of transcript and its reply fit the 12k context


def naive_reads(meeting: Meeting) -> list[list[int]]:
    """The meeting's lines in consecutive reads of at most :data:`NAIVE_WORDS` words (one read for the
    generated meetings; several for a real hour)."""
    reads: list[list[int]] = [[]]
    words = 0
    for i, (_, text) in enumerate(meeting.turns):
        n = len(text.split())
        if reads[-1] and words + n > NAIVE_WORDS:
            reads.append([])
            words = 0
        reads[-1].append(i)
        words += n
    return reads


def naive_prompt(meeting: Meeting, lines: Sequence[int] | None = None) -> list[dict[str, str]]:
    """The plain way: the numbered transcript (or one read of it) and one request for what the
    reference holds."""
    shown = range(len(meeting.turns)) if lines is None else lines
    text = "\n".join(f"[{i}] {meeting.turns[i][0]}: {meeting.turns[i][1]}" for i in shown)
    day = meeting.meeting_date
    return [
        {"role": "system", "content": "You write meeting minutes. Answer in JSON."},
        {
            "role": "user",
            "content": f"Meeting on {day.isoformat()} ({day:%A}). Transcript:\n{text}\n\n"
            "List the decisions taken in this meeting and the action items, each with the number of"
            " the line that says it. For an action item give its owner (the person who will do it),"
            " the task, and its due date as YYYY-MM-DD, or an empty string when no date is said.",
        },
    ]


def from_naive(meeting: Meeting, llm: Any) -> list[Item]:
    """The same model asked once per meeting, or once per read of a long one (no rules, no check):
    the plain composition."""
    from minutes.errors import StageError
    from minutes.llm import chat_json

    out: list[Item] = []
    reads = naive_reads(meeting)
    while reads:
        lines = reads.pop(0)
        try:
            reply = chat_json(llm, naive_prompt(meeting, lines), NAIVE_SCHEMA, max_tokens=900)
        except StageError as exc:
            if "context" not in str(exc) or len(lines) < 2:
                raise
            half = len(lines) // 2  # many short lines: the numbers and names outweigh the words
            reads[:0] = [lines[:half], lines[half:]]
            continue
        out += _naive_items(meeting, reply)
    return out


def _naive_items(meeting: Meeting, reply: dict[str, Any]) -> list[Item]:
    people = {s.casefold(): s for s in meeting.speakers}

    def due(raw: object) -> str | None:
        try:
            return date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            return None

    out = [
        Item("decision", str(d.get("text", "")), frozenset([int(d.get("line", -1))]))
        for d in reply.get("decisions", [])
        if isinstance(d, dict)
    ]
    for a in reply.get("action_items", []):
        if isinstance(a, dict):
            owner = str(a.get("owner", "")).strip()
            owner = people.get(owner.casefold(), people.get(owner.split(" ")[0].casefold(), owner))
            out.append(
                Item(
                    "action",
                    str(a.get("task", "")),
                    frozenset([int(a.get("line", -1))]),
                    owner,
                    due(a.get("due")),
                )
            )
    return out


def _pair_score(ref: Item, ref_main: int, pred: Item) -> tuple[int, bool, float] | None:
    from minutes.summarize.grounding import content_words

    words = content_words(ref.text)
    shared = len(words & content_words(pred.text)) / max(1, len(words))
    same_owner = pred.owner == ref.owner
    if ref_main in pred.evidence:
        return 3, same_owner, shared
    if ref.evidence & pred.evidence:
        return 2, same_owner, shared
    if shared >= 0.5 and any(abs(e - ref_main) <= 2 for e in pred.evidence):
        return 1, same_owner, shared
    return None


def match(refs: Sequence[tuple[Item, int]], preds: Sequence[Item]) -> list[tuple[int, int]]:
    """One-to-one (reference index, prediction index) pairs, best first (rules in the docstring)."""
    pairs = []
    for r, (ref, main) in enumerate(refs):
        for p, pred in enumerate(preds):
            score = _pair_score(ref, main, pred) if pred.kind == ref.kind else None
            if score is not None:
                pairs.append((score, r, p))
    pairs.sort(key=lambda x: (-x[0][0], -x[0][1], -x[0][2], x[1], x[2]))
    used_r: set[int] = set()
    used_p: set[int] = set()
    out = []
    for _score, r, p in pairs:
        if r not in used_r and p not in used_p:
            used_r.add(r)
            used_p.add(p)
            out.append((r, p))
    return out


def score_meeting(meeting: Meeting, preds: Sequence[Item]) -> dict[str, Any]:
    """Counts for one meeting, per kind, plus the misses and false positives for --details."""
    ref_raw = meeting.reference
    mains = [d["evidence_utterance_index"] for d in ref_raw["decisions"]] + [
        a["evidence_utterance_index"] for a in ref_raw["actions"]
    ]
    refs = list(zip(references(meeting), mains, strict=True))
    negative_utts = {n["utterance_index"] for n in meeting.negatives}
    out: dict[str, Any] = {"misses": [], "false_positives": [], "wrong": []}
    for kind in KINDS:
        rk = [x for x in refs if x[0].kind == kind]
        pk = [x for x in preds if x.kind == kind]
        pairs = match(rk, pk)
        # an optional item is not counted, nor is what was matched to it
        skipped = {p for r, p in pairs if rk[r][0].optional}
        pairs = [(r, p) for r, p in pairs if not rk[r][0].optional]
        c = {
            "ref": sum(not ref.optional for ref, _ in rk),
            "pred": len(pk) - len(skipped),
            "found": len(pairs),
            "owner": 0,
            "due": 0,
            "strict": 0,
        }
        for r, p in pairs:
            ref, pred = rk[r][0], pk[p]
            owner_ok, due_ok = pred.owner == ref.owner, pred.due == ref.due
            c["owner"] += owner_ok
            c["due"] += due_ok
            c["strict"] += owner_ok and due_ok
            if kind == "action" and not (owner_ok and due_ok):
                out["wrong"].append({"ref": _show(ref), "got": _show(pred)})
        matched_p = {p for _, p in pairs} | skipped
        fps = [pk[p] for p in range(len(pk)) if p not in matched_p]
        c["negatives_taken"] = sum(1 for x in fps if x.evidence & negative_utts)
        out[kind] = c
        found_r = {r for r, _ in pairs}
        out["misses"] += [
            _show(rk[r][0]) for r in range(len(rk)) if r not in found_r and not rk[r][0].optional
        ]
        out["false_positives"] += [_show(x) for x in fps]
    return out


def _show(item: Item) -> str:
    who = f" [{item.owner}, due {item.due}]" if item.kind == "action" else ""
    return f"{item.kind} @{sorted(item.evidence)}{who}: {item.text}"


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def totals(per_meeting: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Summed counts and precision/recall per kind (action: plain and strict)."""
    out: dict[str, Any] = {}
    rows = list(per_meeting)
    for kind in KINDS:
        c = {k: sum(r[kind][k] for r in rows) for k in rows[0][kind]} if rows else {}
        c["precision"] = _ratio(c.get("found", 0), c.get("pred", 0))
        c["recall"] = _ratio(c.get("found", 0), c.get("ref", 0))
        if kind == "action":
            c["strict_precision"] = _ratio(c.get("strict", 0), c.get("pred", 0))
            c["strict_recall"] = _ratio(c.get("strict", 0), c.get("ref", 0))
            c["owner_accuracy"] = _ratio(c.get("owner", 0), c.get("found", 0))
            c["due_accuracy"] = _ratio(c.get("due", 0), c.get("found", 0))
        out[kind] = c
    return out


def _pct(x: float | None) -> str:
    return "   -" if x is None else f"{100 * x:5.1f}"


def table(results: dict[str, dict[str, Any]]) -> str:
    head = (
        f"{'split/stage':26} {'dec ref':>7} {'pred':>5} {'P%':>5} {'R%':>5} | {'act ref':>7} {'pred':>5}"
        f" {'P%':>5} {'R%':>5} {'owner%':>6} {'due%':>5} {'strictP%':>8} {'strictR%':>8} | {'neg hit':>7}"
    )
    lines = [head, "-" * len(head)]
    for name, t in results.items():
        d, a = t["decision"], t["action"]
        lines.append(
            f"{name:26} {d['ref']:7d} {d['pred']:5d} {_pct(d['precision'])} {_pct(d['recall'])} |"
            f" {a['ref']:7d} {a['pred']:5d} {_pct(a['precision'])} {_pct(a['recall'])}"
            f" {_pct(a['owner_accuracy']):>6} {_pct(a['due_accuracy'])} {_pct(a['strict_precision']):>8}"
            f" {_pct(a['strict_recall']):>8} | {d['negatives_taken'] + a['negatives_taken']:7d}"
        )
    return "\n".join(lines)


def _details(scored: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {k: {x: v[x] for x in ("misses", "false_positives", "wrong") if v[x]} for k, v in scored.items()}


class Replayed:
    """A model whose replies are kept, keyed by the whole prompt and schema: a prompt asked before is
    answered from them (the model is deterministic: temperature 0, fixed seed). With a ``path`` they
    are kept in that file across runs; without, for this run only (the default run asks again every
    judging prompt the proposing run asked)."""

    def __init__(self, llm: Any, path: Path | None = None) -> None:
        self.llm, self.path = llm, path
        self.replies: dict[str, str] = json.loads(path.read_text()) if path and path.exists() else {}

    def chat(self, messages: list[dict[str, str]], *, schema: dict[str, Any] | None = None,
             max_tokens: int = 256) -> Any:  # fmt: skip
        from minutes.llm import Reply, Usage

        key = json.dumps([messages, schema, max_tokens], sort_keys=True)
        if key not in self.replies:
            self.replies[key] = self.llm.chat(messages, schema=schema, max_tokens=max_tokens).text
            if self.path is not None:
                self.path.write_text(json.dumps(self.replies))
        return Reply(self.replies[key], Usage())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.llm, name)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="test", choices=[*SPLITS, "all"])
    parser.add_argument("--stage", default="both", choices=["candidates", "summarizer", "naive", "both"])
    parser.add_argument("--model", help="score the summarizer with this local model instead of keep-all")
    parser.add_argument("--only", help="score only these meetings of the split (ids, comma-separated)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--details", action="store_true", help="list misses and false positives")
    parser.add_argument(
        "--replies",
        type=Path,
        help="keep the model's replies in this JSON file and answer a prompt seen before from it: "
        "a change to the rules or filters after the model is scored again in seconds",
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))

    llm: Any = KeepAll()
    if args.model:
        from minutes.llm import LLMOptions, build_llm

        llm = Replayed(build_llm(LLMOptions(model=args.model, threads=2)), args.replies)
    if args.stage == "naive" and not args.model:
        parser.error("--stage naive needs --model (the plain way asks a real model)")
    stages = ["candidates", "summarizer"] if args.stage == "both" else [args.stage]
    splits = ["tune", "test"] if args.split == "all" else [args.split]
    results: dict[str, dict[str, Any]] = {}
    details: dict[str, dict[str, Any]] = {}
    for split in splits:
        meetings = load(split)
        if args.only:
            meetings = [m for m in meetings if m.id in args.only.split(",")]
        for stage in stages:
            with_model = stage in ("summarizer", "naive") and args.model
            name = f"{split}/{stage}" + (f"({args.model})" if with_model else "")
            if stage in ("candidates", "naive"):
                started = time.perf_counter()
                preds = {
                    m.id: from_naive(m, llm) if stage == "naive" else from_candidates(m) for m in meetings
                }
                seconds = round(time.perf_counter() - started, 1)
                scored = {m.id: score_meeting(m, preds[m.id]) for m in meetings}
                results[name] = {"meetings": len(meetings), "seconds": seconds, **totals(scored.values())}
                details[name] = _details(scored)
                continue
            started = time.perf_counter()
            runs = {m.id: from_summarizer(m, llm) for m in meetings}
            seconds = time.perf_counter() - started
            # with the model's proposals (a preset's choice), then the default (judged, no proposals)
            for variant, pick in ((" proposals", 0), (" default", 1)):
                scored = {m.id: score_meeting(m, runs[m.id][pick]) for m in meetings}
                results[name + variant] = {"meetings": len(meetings), "seconds": round(seconds, 1),
                                           **totals(scored.values())}  # fmt: skip
                details[name + variant] = _details(scored)
    if args.json:
        print(json.dumps({"results": results, **({"details": details} if args.details else {})}, indent=1))
        return 0
    print(table(results))
    if args.details:
        for name, per in details.items():
            print(f"\n## {name}")
            for mid, d in per.items():
                for key, xs in d.items():
                    for x in xs:
                        print(f"  {mid} {key}: {x}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
