"""Benchmark: decisions and action items in many phrasings, one short exchange each.

    .venv/bin/python bench/phrasings.py [--set decisions:d] [--details] [--json]

Data: ``tests/data/phrasings/`` (``decisions.json``, ``actions.json``). Each case is a short
exchange (one to five lines) that holds one decision or one action item, or none (a hard
negative: a hedge, a decision told from the past, a deferral, work done already, the speaker's
part in the meeting itself). The sets were written one after another by one writer, and each was
scored before any rule was changed for it; sets marked ``held-out`` were written after the fixes
made for the others and are run for figures only: ``--details`` refuses them.

Scored with the rules alone (:func:`minutes.summarize.candidates.find_candidates`), each exchange
as a meeting of its own, names given as renames would give them:

* a decision is found when a decision cites its line (as the line it was said on or evidence);
* an action item is found likewise, and then scored for its owner and due date;
* a negative is taken when anything of the kind is found in it; extra items of the kind in an
  exchange that holds one are false positives too.

Prints per set: found / held, owners and due dates right (actions), negatives taken, and the
precision and recall these make.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "phrasings"
sys.path.insert(0, str(ROOT / "src"))

from minutes.summarize.candidates import find_candidates  # noqa: E402
from minutes.types import Utterance  # noqa: E402

KINDS = {"decisions": "decision", "actions": "action"}


@dataclass
class Score:
    """One set's figures."""

    held: int = 0
    found: int = 0
    owner: int = 0
    due: int = 0
    negatives: int = 0
    taken: int = 0
    extra: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        predicted = self.found + self.taken + self.extra
        return self.found / predicted if predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.held if self.held else 1.0


def load(corpus: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{corpus}.json").read_text())
    return data


def score(corpus: str, name: str) -> Score:
    """The rules' figures on one set (``name``) of ``corpus`` (decisions or actions)."""
    data = load(corpus)
    kind = KINDS[corpus]
    meeting_date = date.fromisoformat(data["meeting_date"])
    out = Score()
    for n, case in enumerate(data["sets"][name]["cases"]):
        lines = [(x["speaker"], x["text"]) for x in case["lines"]]
        utterances = [Utterance(i, s, i * 5.0, i * 5.0 + 4.0, t) for i, (s, t) in enumerate(lines)]
        names = {s: s for s, _ in lines}
        found = [
            c for c in find_candidates(utterances, meeting_date=meeting_date, names=names) if c.kind == kind
        ]
        want = case[kind]
        if want is None:
            out.negatives += 1
            out.taken += bool(found)
            if found:
                out.misses.append(f"#{n} taken: {[c.text for c in found]}")
            continue
        out.held += 1
        line = want if kind == "decision" else want["line"]
        hits = [c for c in found if c.utterance == line or line in c.evidence]
        out.extra += len(found) - min(len(hits), 1)
        if not hits:
            out.misses.append(f"#{n} missed: {lines[line][1]!r}")
            continue
        out.found += 1
        if kind == "action":
            got = hits[0]
            due = got.due.isoformat() if got.due else None
            out.owner += got.owner == want["owner"]
            out.due += due == want["due"]
            if got.owner != want["owner"] or due != want["due"]:
                out.misses.append(f"#{n} wrong: {got.owner} {due} for {want['owner']} {want['due']}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", action="append", help="corpus:set, e.g. decisions:a (default: all)")
    parser.add_argument("--details", action="store_true", help="print misses (tune sets only)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    chosen = (
        [tuple(x.split(":", 1)) for x in args.set]
        if args.set
        else [(corpus, name) for corpus in KINDS for name in load(corpus)["sets"]]
    )
    rows = []
    for corpus, name in chosen:
        split = load(corpus)["sets"][name]["split"]
        if args.details and split == "held-out":
            sys.exit(f"{corpus}:{name} is held out: run it without --details")
        s = score(corpus, name)
        row = {
            "corpus": corpus,
            "set": name,
            "split": split,
            **asdict(s),
            "precision": s.precision,
            "recall": s.recall,
        }
        if not args.details:
            row.pop("misses")
        rows.append(row)
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    print(f"{'set':<14}{'split':<10}{'found':>8}{'owner':>7}{'due':>5}{'neg taken':>11}{'P%':>7}{'R%':>7}")
    for r in rows:
        owner = f"{r['owner']}" if r["corpus"] == "actions" else "-"
        due = f"{r['due']}" if r["corpus"] == "actions" else "-"
        print(
            f"{r['corpus'] + ':' + r['set']:<14}{r['split']:<10}{r['found']:>4}/{r['held']:<3}"
            f"{owner:>7}{due:>5}"
            f"{r['taken']:>6}/{r['negatives']:<4}{100 * r['precision']:>7.1f}{100 * r['recall']:>7.1f}"
        )
        for m in r.get("misses", []):
            print("   ", m)


if __name__ == "__main__":
    main()
