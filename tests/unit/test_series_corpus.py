"""The generated series of tests/data/series (tune and test), tests/data/series-dev (dev),
tests/data/series-dev2 … series-dev9 (dev2 … dev9) stay
well formed: every link points at an earlier item and a line that exists, and the splits stay apart."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

FOLDER = Path(__file__).resolve().parents[1] / "data" / "series"
DEVS = {
    "dev": FOLDER.with_name("series-dev"),
    **{f"dev{n}": FOLDER.with_name(f"series-dev{n}") for n in range(2, 10)},
}
KINDS = {"done", "restated", "redated", "dropped", "changed", "carried"}


def _series(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def test_the_splits_are_fixed_and_apart() -> None:
    halves = _series(FOLDER)
    assert sorted(s["split"] for s in halves) == ["test"] * 5 + ["tune"] * 5
    assert all(s["id"].startswith(s["split"]) for s in halves)
    devs = {name: _series(folder) for name, folder in DEVS.items()}
    assert len(devs["dev"]) >= 6
    for name, found in devs.items():
        assert len(found) >= 4 and {s["split"] for s in found} == {name}
        assert all(s["id"].startswith(f"{name}-") for s in found)
    domains = [s["domain"] for s in [*halves, *(s for found in devs.values() for s in found)]]
    assert len(domains) == len(set(domains))


@pytest.mark.parametrize(
    "series",
    [*_series(FOLDER), *(s for f in DEVS.values() for s in _series(f))],
    ids=lambda s: s["id"],
)
def test_each_link_joins_an_earlier_item_to_a_later_line(series: dict[str, Any]) -> None:
    meetings = series["meetings"]
    assert len(meetings) == 4
    dates = [date.fromisoformat(m["meeting_date"]) for m in meetings]
    assert dates == sorted(dates)
    where: dict[str, int] = {}  # item id → its meeting
    for n, m in enumerate(meetings):
        utts = m["utterances"]
        assert {u["speaker"] for u in utts} <= set(m["speakers"])
        ref = m["reference"]
        for item in [*ref["decisions"], *ref["actions"], *ref["questions"]]:
            assert item["id"] not in where, item["id"]
            where[item["id"]] = n
            assert 0 <= item["evidence_utterance_index"] < len(utts)
        for action in ref["actions"]:
            assert action["owner"] in m["speakers"]
            assert action["due"] is None or date.fromisoformat(action["due"])
    for link in series["links"]:
        assert link["kind"] in KINDS
        assert where[link["item"]] < link["meeting"] < len(meetings)
        assert 0 <= link["evidence_utterance_index"] < len(meetings[link["meeting"]]["utterances"])
        if link.get("later_item") is not None:
            assert where[link["later_item"]] == link["meeting"]
        if link["kind"] == "redated":
            assert date.fromisoformat(link["due"])
    for neg in series["negatives"]:
        assert 0 <= neg["utterance_index"] < len(meetings[neg["meeting"]]["utterances"])
