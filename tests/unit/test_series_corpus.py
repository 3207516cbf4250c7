"""The generated series of tests/data/series (tune and test), tests/data/series-dev (dev),
tests/data/series-dev2 … series-dev7 (dev2 … dev7) stay
well formed: every link points at an earlier item and a line that exists, and the splits stay apart."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

FOLDER = Path(__file__).resolve().parents[1] / "data" / "series"
DEV = FOLDER.with_name("series-dev")
DEV2 = FOLDER.with_name("series-dev2")
DEV3 = FOLDER.with_name("series-dev3")
DEV4 = FOLDER.with_name("series-dev4")
DEV5 = FOLDER.with_name("series-dev5")
DEV6 = FOLDER.with_name("series-dev6")
DEV7 = FOLDER.with_name("series-dev7")
KINDS = {"done", "restated", "redated", "dropped", "changed", "carried"}


def _series(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def test_the_splits_are_fixed_and_apart() -> None:
    halves, dev, dev2, dev3, dev4, dev5, dev6, dev7 = (
        _series(f) for f in (FOLDER, DEV, DEV2, DEV3, DEV4, DEV5, DEV6, DEV7)
    )
    assert sorted(s["split"] for s in halves) == ["test"] * 5 + ["tune"] * 5
    assert all(s["id"].startswith(s["split"]) for s in halves)
    assert len(dev) >= 6 and {s["split"] for s in dev} == {"dev"}
    assert len(dev2) >= 4 and {s["split"] for s in dev2} == {"dev2"}
    assert all(s["id"].startswith("dev2-") for s in dev2)
    assert len(dev3) >= 4 and {s["split"] for s in dev3} == {"dev3"}
    assert all(s["id"].startswith("dev3-") for s in dev3)
    assert len(dev4) >= 4 and {s["split"] for s in dev4} == {"dev4"}
    assert all(s["id"].startswith("dev4-") for s in dev4)
    assert len(dev5) >= 4 and {s["split"] for s in dev5} == {"dev5"}
    assert all(s["id"].startswith("dev5-") for s in dev5)
    assert len(dev6) >= 4 and {s["split"] for s in dev6} == {"dev6"}
    assert all(s["id"].startswith("dev6-") for s in dev6)
    assert len(dev7) >= 4 and {s["split"] for s in dev7} == {"dev7"}
    assert all(s["id"].startswith("dev7-") for s in dev7)
    domains = [s["domain"] for s in [*halves, *dev, *dev2, *dev3, *dev4, *dev5, *dev6, *dev7]]
    assert len(domains) == len(set(domains))


@pytest.mark.parametrize(
    "series",
    [*_series(FOLDER), *(s for f in (DEV, DEV2, DEV3, DEV4, DEV5, DEV6, DEV7) for s in _series(f))],
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
