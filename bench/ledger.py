"""Benchmark: the commitment ledger's links on the generated series of ``tests/data/series/``.

    .venv/bin/python bench/ledger.py --split test [--json] [--details]
    .venv/bin/python bench/ledger.py --split test --items minutes --model qwen2.5-1.5b [--replies F]
    .venv/bin/python bench/ledger.py --speed [--meetings 50]

Each file is one series of four meetings with the true links written down (format in
``tests/data/series/README.md``). The items the linker reads are the reference items of each
meeting (decisions, action items with owner and due date, open questions, each citing its line):
what is measured is the linking, not the minutes (``bench/minutes_corpus.py`` measures those).

A predicted link is right when its kind, its later meeting and its earlier item (the first item
of the same commitment, decision or question) are the true link's, and it cites the true line
(or the one next to it). Scored per group: **item links** (restated and redated), **closes**
(done), **slips** (redated to a later date; the date must be right too), dropped, decisions
changed, questions carried; and all links together. ``auto`` counts the links the ledger acts on
by itself, ``shown`` adds the suggestions a person is asked to confirm.

Beside it, in the same run, the simplest alternative: **same owner + word overlap** (a later
action item or line of the same owner sharing at least a third of the item's content words is a
restatement, or a close when the line says done/finished/fixed/completed/sent; due dates compared
for slips).

``--speed`` links a generated series of ``--meetings`` meetings (the corpus' meetings repeated
with shifted dates) and reports the seconds for linking the last meeting in, as the store does.

The split (tune/test) was fixed before any rule was written: tune on ``--split tune`` only.
``--split dev`` (``tests/data/series-dev/``, written later by two other writers) is the split whose
misses are read for fixes once the tune half's have been; the test half only gives figures.
``--split dev2`` (``tests/data/series-dev2/``, two more writers, 6 December 2026) was scored once on the
linker as it stood, then read the same way.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from minutes.ledger.link import link_series
from minutes.ledger.model import Entry, Line, Link, SeriesMeeting, ranked
from minutes.summarize.text import content_words

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "series"
# The read splits, each written later by other hands than the tune half and read for fixes once
# scored as found: dev (two writers), dev2 (two more), dev3 (two more, spoken registers), dev4 (two
# more, kinds like the real recordings'), dev5 (one writer, the tune half's register), dev6 and dev7
# (one writer each, 7 December 2026), dev8 (two writers, 7 December 2026, night), dev9 (two writers,
# 7 December 2026, late).
DEVS = (DATA.parent / "series-dev", *(DATA.parent / f"series-dev{n}" for n in range(2, 10)))
GROUPS = ("item links", "closes", "slips", "dropped", "changed", "carried", "all")
SPLITS = ("tune", *(d.name.removeprefix("series-") for d in DEVS), "test", "all")
_DONE_WORDS = re.compile(r"\b(done|finished|fixed|completed|sent)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Truth:
    kind: str
    root: str
    meeting: int
    line: int
    due: str | None
    slip: bool


def load(split: str) -> list[dict[str, Any]]:
    files = [p for folder in (DATA, *DEVS) for p in sorted(folder.glob("*.json"))]
    series = [json.loads(p.read_text()) for p in files]
    return [s for s in series if split == "all" or s["split"] == split]


def series_meetings(
    s: dict[str, Any], *, offset: int = 0, items: str = "reference"
) -> tuple[list[SeriesMeeting], dict[tuple[int, int, int], str]]:
    """The series as the linker reads it, and each entry's key → the reference item's id.

    ``items``: ``reference`` (the written items) or ``minutes`` (what the summarizer's rules find,
    each taken for the reference item of the same kind whose line it cites)."""
    out = []
    ids: dict[tuple[int, int, int], str] = {}
    for n, m in enumerate(s["meetings"]):
        mid = offset + n + 1
        if items == "minutes":
            out.append(_from_minutes(m, mid, ids, found_key=(s["id"], n)))
            continue
        ref = m["reference"]
        entries = []
        items = []
        for kind, key in (("decision", "decisions"), ("action", "actions"), ("question", "questions")):
            for item in ref.get(key, []):
                e = Entry(
                    meeting_id=mid,
                    position=len(entries),
                    kind=kind,
                    text=item.get("task") or item["text"],
                    lines=(int(item["evidence_utterance_index"]),),
                    owner=item.get("owner"),
                    due=date.fromisoformat(item["due"]) if item.get("due") else None,
                )
                entries.append(e)
                items.append(item["id"])
        entries = list(ranked(entries))
        ids.update({e.key: i for e, i in zip(entries, items, strict=True)})
        lines = tuple(Line(i, u["speaker"], u["text"]) for i, u in enumerate(m["utterances"]))
        out.append(
            SeriesMeeting(mid, m["title"], date.fromisoformat(m["meeting_date"]), tuple(entries), lines)
        )
    return out, ids


MODEL: Any = None
"""``--model``: the local model that judges the rules' items and proposes decisions (None: the
stand-in that keeps every rule candidate)."""
_FOUND: dict[
    tuple[str, int], Any
] = {}  # (series, meeting) → its items, found once per run (scored three ways)


def _from_minutes(
    m: dict[str, Any], mid: int, ids: dict[tuple[int, int, int], str], *, found_key: tuple[str, int]
) -> SeriesMeeting:
    """One meeting with the items the summarizer finds (rules, judged by ``MODEL`` or kept all)."""
    from minutes_corpus import KeepAll

    from minutes.summarize.summarizer import Summarizer
    from minutes.types import Utterance

    speakers = m["speakers"]
    names = {f"SPEAKER_{i:02d}": who for i, who in enumerate(speakers)}
    said, t = [], 0.0
    for i, u in enumerate(m["utterances"]):
        dur = max(0.5, len(u["text"].split()) / 2.5)
        said.append(Utterance(i, f"SPEAKER_{speakers.index(u['speaker']):02d}", t, t + dur, u["text"]))
        t += dur + 0.3
    when = date.fromisoformat(m["meeting_date"])
    if found_key not in _FOUND:
        summarizer = Summarizer(MODEL if MODEL is not None else KeepAll())
        _FOUND[found_key] = summarizer.items(said, names=names, meeting_date=when, language="en")
    found = _FOUND[found_key]
    entries = ranked(
        Entry(
            mid,
            n,
            i.kind,
            i.text,
            tuple(i.evidence),
            names.get(i.owner or "", i.owner),
            date.fromisoformat(i.due) if i.due else None,
        )
        for n, i in enumerate(found)
    )
    ref = m["reference"]
    refs = [
        (k, r)
        for k, key in (("decision", "decisions"), ("action", "actions"), ("question", "questions"))
        for r in ref.get(key, [])
    ]
    taken: set[str] = set()
    for e in entries:
        for kind, r in refs:
            if kind == e.kind and r["id"] not in taken and r["evidence_utterance_index"] in e.lines:
                ids[e.key] = r["id"]
                taken.add(r["id"])
                break
    lines = tuple(Line(i, u["speaker"], u["text"]) for i, u in enumerate(m["utterances"]))
    return SeriesMeeting(mid, m["title"], when, entries, lines)


def truths(s: dict[str, Any]) -> list[Truth]:
    """The true links, each to its root item, with whether a redate is a slip."""
    due: dict[str, str | None] = {}
    for m in s["meetings"]:
        for a in m["reference"].get("actions", []):
            due[a["id"]] = a.get("due")
    current = dict(due)
    out = []
    for t in sorted(s["links"], key=lambda t: (t["meeting"], t["evidence_utterance_index"])):
        slip = False
        if t["kind"] == "redated":
            before = current.get(t["item"])
            slip = before is None or (t.get("due") or "") > before
            current[t["item"]] = t.get("due")
        out.append(
            Truth(t["kind"], t["item"], t["meeting"], t["evidence_utterance_index"], t.get("due"), slip)
        )
    return out


def roots(s: dict[str, Any]) -> dict[str, str]:
    """Item id → the id of the first item of its commitment (restatements point back)."""
    root = {}
    for t in s["links"]:
        if t.get("later_item"):
            root[t["later_item"]] = t["item"]
    return root


def baseline(meetings: list[SeriesMeeting]) -> list[Link]:
    """Same owner + word overlap (the module docstring)."""
    found: list[Link] = []
    open_items: list[Entry] = []
    for m in meetings:
        used: set[tuple[int, int, int]] = set()
        for e in m.entries:
            if e.kind != "action":
                continue
            for a in open_items:
                if a.key in used or a.owner != e.owner:
                    continue
                words = content_words(a.text)
                if words and len(words & content_words(e.text)) / len(words) >= 1 / 3:
                    kind = "redated" if e.due and e.due != a.due else "restated"
                    found.append(Link(kind, a.key, m.meeting_id, e.lines, e.position, e.due))
                    used.add(a.key)
                    break
        for ln in m.lines:
            if not _DONE_WORDS.search(ln.text):
                continue
            for a in open_items:
                words = content_words(a.text)
                if a.key in used or a.owner != ln.speaker or not words:
                    continue
                if len(words & content_words(ln.text)) / len(words) >= 1 / 3:
                    found.append(Link("done", a.key, m.meeting_id, (ln.index,)))
                    used.add(a.key)
                    break
        open_items.extend(e for e in m.entries if e.kind == "action")
    return found


def score(
    series: list[dict[str, Any]],
    predict: Any,
    *,
    shown: bool,
    details: bool = False,
    items: str = "reference",
) -> dict[str, dict[str, float]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # found, predicted, true
    for s in series:
        meetings, ids = series_meetings(s, items=items)
        root_of = roots(s)
        links = [ln for ln in predict(meetings) if shown or ln.state in ("auto", "confirmed")]
        truth = truths(s)
        matched: set[int] = set()
        dues = {a["id"]: a.get("due") for m in s["meetings"] for a in m["reference"].get("actions", [])}
        for ln in links:
            pid = ids.get(ln.earlier)
            proot = root_of.get(pid, pid) if pid else None
            meeting = ln.meeting_id - 1
            hit = None
            for n, t in enumerate(truth):
                if n in matched or t.kind != ln.kind or t.meeting != meeting or t.root != proot:
                    continue
                if any(abs(i - t.line) <= 1 for i in ln.lines):
                    hit = n
                    break
            group = _group(ln.kind, slip=ln.kind == "redated" and _later(ln, dues.get(pid or "")))
            ok = hit is not None and (
                ln.kind != "redated" or truth[hit].due == (ln.due.isoformat() if ln.due else None)
            )
            for g in {group, "all", *(["item links"] if ln.kind in ("restated", "redated") else [])}:
                counts[g][1] += 1
                if hit is not None and (g != "slips" or ok):
                    counts[g][0] += 1
            if hit is not None:
                matched.add(hit)
            elif details:
                text = s["meetings"][meeting]["utterances"][ln.lines[0]]["text"] if ln.lines else ""
                print(
                    f"  FP {s['id']} m{meeting} {ln.kind} {pid}->{ln.lines} {ln.score}: {text[:90]}",
                    file=sys.stderr,
                )
        for n, t in enumerate(truth):
            group = _group(t.kind, slip=t.slip)
            for g in {group, "all", *(["item links"] if t.kind in ("restated", "redated") else [])}:
                counts[g][2] += 1
            if details and n not in matched:
                text = s["meetings"][t.meeting]["utterances"][t.line]["text"]
                print(
                    f"  FN {s['id']} m{t.meeting} {t.kind} {t.root}->{t.line}: {text[:90]}", file=sys.stderr
                )
    return {
        g: {
            "precision": counts[g][0] / counts[g][1] if counts[g][1] else float("nan"),
            "recall": counts[g][0] / counts[g][2] if counts[g][2] else float("nan"),
            "predicted": counts[g][1],
            "true": counts[g][2],
        }
        for g in GROUPS
    }


def _later(ln: Link, before: str | None) -> bool:
    return ln.due is not None and (before is None or ln.due.isoformat() > before)


def _group(kind: str, *, slip: bool) -> str:
    return {
        "restated": "item links",
        "done": "closes",
        "dropped": "dropped",
        "changed": "changed",
        "carried": "carried",
    }.get(kind, "slips" if slip else "item links")


def speed(n_meetings: int) -> dict[str, Any]:
    """Link a series of ``n_meetings`` (the corpus' meetings in turn, each copy's lines marked so
    no cache helps): the linker alone, and the store's re-link when the last meeting's minutes are
    saved (SQLite in a temporary folder: load the series, link it, replace the links)."""
    series = load("all")
    meetings: list[SeriesMeeting] = []
    start = date(2026, 1, 5)
    k = 0
    while len(meetings) < n_meetings:
        s = series[k % len(series)]
        ms, _ = series_meetings(s, offset=len(meetings))
        for m in ms[: n_meetings - len(meetings)]:
            copy = tuple(Line(ln.index, ln.speaker, f"{ln.text} ({k})") for ln in m.lines)
            meetings.append(
                SeriesMeeting(
                    m.meeting_id, m.title, start + timedelta(days=7 * len(meetings)), m.entries, copy
                )
            )
        k += 1
    t0 = time.perf_counter()
    links = link_series(meetings)
    alone = time.perf_counter() - t0
    return {
        "meetings": n_meetings,
        "linker_seconds": round(alone, 3),
        "links": len(links),
        "store_relink_seconds": round(_store_relink(meetings), 3),
    }


def _store_relink(meetings: list[SeriesMeeting]) -> float:
    import tempfile
    from datetime import UTC, datetime

    from minutes import db as store
    from minutes.db.series import create_series, find_series
    from minutes.db.series_tables import SeriesMeetingRow
    from minutes.ledger import topic, when
    from minutes.types import AudioInfo, MinuteItem, Minutes, Speaker, Utterance

    topic._topic.cache_clear()  # cold, as in a new process
    when.dates.cache_clear()
    with tempfile.TemporaryDirectory(prefix="minutes-bench-ledger-") as tmp:
        engine = store.make_engine(f"sqlite:///{tmp}/m.db")
        store.upgrade(engine)
        sessions = store.session_factory(engine)
        took = 0.0
        for n, m in enumerate(meetings):
            with store.session_scope(sessions) as db:
                info = AudioInfo(
                    path=f"{n}.wav",
                    sha256=f"{n:064d}",
                    duration=60.0,
                    sample_rate=16000,
                    channels=1,
                    codec="pcm_s16le",
                    format="wav",
                )
                rec = store.add_recording(db, audio=info, media_path=None)
                row = store.create_meeting(
                    db,
                    recording=rec,
                    title=m.title,
                    code_version="bench",
                    meeting_date=datetime(*m.meeting_date.timetuple()[:3], tzinfo=UTC),
                )
                who = sorted({ln.speaker for ln in m.lines})
                label = {name: f"SPEAKER_{i:02d}" for i, name in enumerate(who)}
                said = [
                    Utterance(ln.index, label[ln.speaker], 5.0 * ln.index, 5.0 * ln.index + 4, ln.text)
                    for ln in m.lines
                ]
                store.replace_transcript(
                    db,
                    meeting_id=row.id,
                    utterances=said,
                    speakers=[Speaker(x) for x in label.values()],
                    embeddings={},
                )
                for name, lab in label.items():
                    db.execute(
                        text("UPDATE speakers SET name = :n WHERE meeting_id = :m AND label = :l"),
                        {"n": name, "m": row.id, "l": lab},
                    )
                items = tuple(
                    MinuteItem(
                        e.kind,
                        e.text,
                        e.lines,
                        owner=label.get(e.owner or ""),
                        due=e.due.isoformat() if e.due else None,
                    )
                    for e in m.entries
                )
                minutes = Minutes(summary="", items=items, language="en")
                last = n == len(meetings) - 1
                if not last:
                    store.save_minutes(db, meeting_id=row.id, minutes=minutes)  # in no series yet: no link
                series = find_series(db, "Bench series") or create_series(
                    db, "Bench series", team_id=None, by="b"
                )
                db.add(SeriesMeetingRow(meeting_id=row.id, series_id=series.id, added_by="bench"))
                db.flush()
                if last:
                    t0 = time.perf_counter()
                    store.save_minutes(db, meeting_id=row.id, minutes=minutes)  # links the whole series
                    took = time.perf_counter() - t0
        engine.dispose()
        return took


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=SPLITS, default="tune")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--details", action="store_true")
    ap.add_argument(
        "--items",
        choices=("reference", "minutes"),
        default="reference",
        help="the items linked: the written ones, or what the summarizer's rules find (end to end)",
    )
    ap.add_argument(
        "--model", help="with --items minutes: this local model judges the items (default: keep all)"
    )
    ap.add_argument(
        "--replies",
        type=Path,
        help="with --model: keep its replies in this JSON file, and answer a prompt asked before from it "
        "(the linker re-scored without the model)",
    )
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--meetings", type=int, default=50)
    args = ap.parse_args()
    if args.speed:
        print(json.dumps(speed(args.meetings)))
        return 0
    if args.model:
        global MODEL
        from minutes.llm import LLMOptions, build_llm

        MODEL = build_llm(LLMOptions(model=args.model, threads=2))
        if args.replies:
            from minutes_corpus import Replayed

            MODEL = Replayed(MODEL, args.replies)
    series = load(args.split)
    result = {
        "split": args.split,
        "series": len(series),
        "items": args.items,
        "linker (auto)": score(series, link_series, shown=False, details=args.details, items=args.items),
        "linker (auto + suggested)": score(series, link_series, shown=True, items=args.items),
        "same owner + word overlap": score(series, baseline, shown=True, items=args.items),
    }
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"{args.split}: {len(series)} series, items: {args.items}")
    for name in ("linker (auto)", "linker (auto + suggested)", "same owner + word overlap"):
        print(f"\n{name}")
        print(f"  {'group':<12} {'P':>6} {'R':>6} {'pred':>5} {'true':>5}")
        for g, r in result[name].items():  # type: ignore[union-attr]
            print(f"  {g:<12} {r['precision']:6.1%} {r['recall']:6.1%} {r['predicted']:5d} {r['true']:5d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
