"""Benchmark: names suggested from the conversation ("Thanks, Alice.", "Bob, can you…?").

    .venv/bin/python bench/heard_names.py [--split test|tune|dev|dev2|dev3|dev4|dev5|all]

On the generated meetings of the accuracy issue (``tests/data/meetings``: 48 meetings, 2-5 named
speakers, split into tune and test halves before any rule was written), each meeting's speakers
are replaced by anonymous labels in order of first appearance and the product's
:func:`minutes.summarize.addressed.heard` suggests names. A suggestion is right when it is one of
the words of the speaker's true name ("Byrne" for "Councillor Byrne"). Reports precision, recall
over all speakers, and recall over the speakers whose name others actually say. Beside it, the
plain way: every capitalised word of a line that is not a common word is a name, given to the next
other speaker to talk, by majority.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from minutes.summarize.addressed import heard
from minutes.summarize.summary_facts import NOT_PEOPLE
from minutes.types import Utterance

MEETINGS = Path(__file__).resolve().parents[1] / "tests" / "data" / "meetings"
DEV = {f"dev{n}": MEETINGS.with_name(f"meetings-dev{n}") for n in ("", "2", "3", "4")}


def load(split: str) -> list[dict[str, Any]]:
    found = [json.loads(p.read_text()) for p in sorted(DEV.get(split, MEETINGS).glob("*.json"))]
    return [m for m in found if split == "all" or m["split"] == split]


def anonymous(meeting: dict[str, Any]) -> tuple[list[Utterance], dict[str, str]]:
    labels: dict[str, str] = {}
    utterances = []
    for i, u in enumerate(meeting["utterances"]):
        label = labels.setdefault(u["speaker"], f"SPEAKER_{len(labels):02d}")
        utterances.append(Utterance(index=i, speaker=label, start=float(i), end=i + 0.9, text=u["text"]))
    return utterances, {label: name for name, label in labels.items()}


def _words(name: str) -> set[str]:
    """The words of a name, accents and hyphens kept ("Søren", "Hyun-woo" and its parts)."""
    whole = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", name)
    return {w.casefold() for w in whole} | {p.casefold() for w in whole for p in w.split("-")}


def plain(utterances: list[Utterance]) -> dict[str, str]:
    """Any capitalised word that is not a common word (stop words, days, months) is a name; a name
    said in a line goes to the next other speaker; each speaker takes their majority name."""
    votes: dict[str, Counter[str]] = {}
    for i, u in enumerate(utterances):
        nxt = next((x for x in utterances[i + 1 :] if x.speaker != u.speaker), None)
        if nxt is None:
            continue
        for word in re.findall(r"\b[A-Z][a-z]+\b", u.text):
            if word.lower() not in NOT_PEOPLE:
                votes.setdefault(nxt.speaker, Counter())[word] += 1
    return {label: c.most_common(1)[0][0] for label, c in votes.items()}


def score(meetings: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for way in ("ours", "plain"):
        suggested = right = speakers = said = said_found = 0
        for m in meetings:
            utterances, truth = anonymous(m)
            if way == "ours":
                found = {label: h.name for label, h in heard(utterances, {}).items()}
            else:
                found = plain(utterances)
            for label, name in truth.items():
                speakers += 1
                others = " ".join(u.text for u in utterances if u.speaker != label)
                is_said = any(re.search(rf"\b{re.escape(w)}\b", others, re.IGNORECASE) for w in _words(name))
                said += is_said
                if label in found:
                    suggested += 1
                    ok = found[label].casefold() in _words(name)
                    right += ok
                    said_found += ok and is_said
        out[way] = {
            "speakers": speakers,
            "suggested": suggested,
            "right": right,
            "precision": round(right / suggested, 3) if suggested else None,
            "recall": round(right / speakers, 3),
            "recall_of_names_said": round(said_found / said, 3) if said else None,
            "names_said": said,
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=("test", "tune", *DEV, "all"), default="test")
    args = parser.parse_args()
    meetings = load(args.split)
    print(json.dumps({"split": args.split, "meetings": len(meetings), **score(meetings)}, indent=1))


if __name__ == "__main__":
    main()
