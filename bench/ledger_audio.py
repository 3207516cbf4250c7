"""Benchmark: a series of generated meetings spoken by espeak-ng voices, end to end through the
command line, and its ledger against the true links.

    .venv/bin/python bench/ledger_audio.py --series test-01 [--out bench/out/ledger_audio] [--json]

For each meeting of ``tests/data/series/<series>.json``, in order: render it as speech (the voices
of ``bench/generate_corpus_audio.py``), ``minutes process WAV --series NAME --date --title`` into a
fresh ``MINUTES_HOME`` (the default preset and model), then name its speakers as a person would
(each label gets the name of the speaker it overlaps most, with ``minutes rename``). Then read the
ledger (``minutes series show NAME --json``) and score its links as ``bench/ledger.py`` does, a
line being the true line whose time span holds the predicted utterance's middle. Reports precision
and recall of the links the ledger acts on and of those it shows for confirmation, the seconds each
step took, and what the recognizer, the minutes and the linker each lost.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from _meetings import ROOT, Meeting
from generate_corpus_audio import render

DATA = ROOT / "tests" / "data" / "series"
MINUTES = str(ROOT / ".venv" / "bin" / "minutes")


def run(home: Path, *args: str) -> str:
    env = {**os.environ, "MINUTES_HOME": str(home), "MINUTES_DATABASE_URL": ""}
    done = subprocess.run([MINUTES, *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"minutes {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def name_speakers(
    home: Path, meeting_id: int, timeline: list[tuple[float, float, str, str]]
) -> dict[int, int]:
    """Rename each label to the speaker it overlaps most; returns utterance index → true line."""
    doc = json.loads(run(home, "export", str(meeting_id), "-f", "json"))
    overlap: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    to_line: dict[int, int] = {}
    for u in doc["utterances"]:
        mid = (u["start"] + u["end"]) / 2
        for n, (s, e, who, _) in enumerate(timeline):
            overlap[u["speaker"]][who] += max(0.0, min(e, u["end"]) - max(s, u["start"]))
            if s - 0.25 <= mid <= e + 0.25:
                to_line[u["index"]] = n
    for label, counts in overlap.items():
        if counts:
            run(home, "rename", str(meeting_id), label, max(counts, key=lambda k: counts[k]))
    return to_line


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--series", default="test-01")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ledger_audio")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", type=Path, help="keep the archive (MINUTES_HOME) in this folder to look at")
    args = ap.parse_args()
    s = json.loads((DATA / f"{args.series}.json").read_text())
    seconds: dict[str, float] = defaultdict(float)
    ids: list[int] = []
    lines: list[dict[int, int]] = []
    audio_s = 0.0
    with tempfile.TemporaryDirectory(prefix="minutes-ledger-audio-") as tmp:
        home = args.keep or Path(tmp)
        home.mkdir(parents=True, exist_ok=True)
        for n, m in enumerate(s["meetings"]):
            meeting = Meeting(
                id=f"{s['id']}-m{n}",
                split=s["split"],
                kind=s["domain"],
                title=m["title"],
                meeting_date=date.fromisoformat(m["meeting_date"]),
                audio=True,
                speakers=tuple(m["speakers"]),
                turns=tuple((u["speaker"], u["text"]) for u in m["utterances"]),
                reference=m["reference"],
                negatives=(),
            )
            t0 = time.perf_counter()
            timeline = render(meeting, args.out)
            seconds["render"] += time.perf_counter() - t0
            audio_s += timeline[-1][1]
            t0 = time.perf_counter()
            out = run(
                home,
                "process",
                str(args.out / f"{meeting.id}.wav"),
                "--series",
                s["series"],
                "--date",
                m["meeting_date"],
                "--title",
                m["title"],
                "--json",
                "-q",
            )
            seconds["process"] += time.perf_counter() - t0
            ids.append(json.loads(out.splitlines()[-1])["meeting_id"])
            t0 = time.perf_counter()
            lines.append(name_speakers(home, ids[-1], timeline))
            seconds["rename (relinks)"] += time.perf_counter() - t0
        shown = json.loads(run(home, "series", "show", s["series"], "--json"))
    result = score(s, shown, ids, lines)
    result |= {
        "series": args.series,
        "audio_seconds": round(audio_s, 1),
        "seconds": {k: round(v, 1) for k, v in seconds.items()},
    }
    print(json.dumps(result, indent=1) if args.json else _table(result))
    return 0


def score(
    s: dict[str, Any], shown: dict[str, Any], ids: list[int], lines: list[dict[int, int]]
) -> dict[str, Any]:
    """The ledger's links against the true ones (``bench/ledger.py``'s matching, lines by time)."""
    place = {mid: n for n, mid in enumerate(ids)}
    evidence = {}
    for n, m in enumerate(s["meetings"]):
        for key in ("decisions", "actions", "questions"):
            for item in m["reference"].get(key, []):
                evidence[(n, item["evidence_utterance_index"])] = item["id"]
    roots = {t["later_item"]: t["item"] for t in s["links"] if t.get("later_item")}

    def truth_line(event: dict[str, Any]) -> tuple[int, int] | None:
        n = place.get(event["meeting_id"])
        if n is None or event["line"] is None:
            return None
        line = lines[n].get(event["line"])
        return (n, line) if line is not None else None

    def item_of(first: dict[str, Any]) -> str | None:
        at = truth_line(first)
        if at is None:
            return None
        for d in (0, -1, 1):
            found = evidence.get((at[0], at[1] + d))
            if found:
                return roots.get(found, found)
        return None

    predicted = []  # (kind, root, meeting, line, state)
    for thread in (*shown["commitments"], *shown["decisions"], *shown["questions"]):
        root = item_of(thread["history"][0])
        for e in (*thread["history"][1:], *thread["suggestions"]):
            at = truth_line(e)
            predicted.append((e["event"], root, at, e["state"]))
    truth = [(t["kind"], t["item"], t["meeting"], t["evidence_utterance_index"]) for t in s["links"]]
    out: dict[str, Any] = {"items_found": sum(len(t["history"]) for t in shown["commitments"])}
    for name, states in (
        ("auto", {"auto", "confirmed"}),
        ("auto + suggested", {"auto", "confirmed", "suggested"}),
    ):
        mine = [p for p in predicted if p[3] in states]
        matched: set[int] = set()
        right = 0
        for kind, root, at, _ in mine:
            for n, (tk, ti, tm, tl) in enumerate(truth):
                if (
                    n not in matched
                    and at
                    and tk == kind
                    and ti == root
                    and tm == at[0]
                    and abs(tl - at[1]) <= 1
                ):
                    matched.add(n)
                    right += 1
                    break
        out[name] = {
            "precision": right / len(mine) if mine else None,
            "recall": right / len(truth),
            "predicted": len(mine),
            "true": len(truth),
        }
    return out


def _table(r: dict[str, Any]) -> str:
    rows = [f"series {r['series']}: {r['audio_seconds']} s of audio; seconds {r['seconds']}"]
    for name in ("auto", "auto + suggested"):
        x = r[name]
        p = f"{x['precision']:.1%}" if x["precision"] is not None else "n/a"
        rows.append(
            f"  {name:<17} P {p}  R {x['recall']:.1%}  ({x['predicted']} predicted, {x['true']} true)"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    sys.exit(main())
