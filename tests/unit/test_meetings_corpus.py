"""The generated meetings of tests/data/meetings (and the dev splits of tests/data/meetings-dev*) stay
well formed and keep their fixed split."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

FOLDER = Path(__file__).resolve().parents[1] / "data" / "meetings"
DEV = FOLDER.with_name("meetings-dev")
DEV2 = FOLDER.with_name("meetings-dev2")
DEV3 = FOLDER.with_name("meetings-dev3")  # spontaneous talk as a recogniser writes it: longer meetings
DEV4 = FOLDER.with_name("meetings-dev4")  # kinds like the real recordings', unscripted phrasings
DEV5 = FOLDER.with_name("meetings-dev5")  # as a recogniser writes real meetings, several Englishes
DEV6 = FOLDER.with_name("meetings-dev6")  # the tune half's kinds and register, other phrasings
LONGER = {"dev3", "dev4", "dev5"}  # splits whose meetings run to 30 utterances


def _meetings(folder: Path = FOLDER) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def test_the_corpus_has_enough_meetings_split_in_fixed_halves_by_kind() -> None:
    meetings = _meetings()
    assert len(meetings) >= 44
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for m in meetings:
        by_kind.setdefault(m["kind"], []).append(m)
    for group in by_kind.values():
        # within a kind, ordered by id: the 1st, 3rd … are tune, the 2nd, 4th … test
        splits = [m["split"] for m in sorted(group, key=lambda m: m["id"])]
        assert splits == ["tune" if n % 2 == 0 else "test" for n in range(len(group))]
    audio = Counter(m["split"] for m in meetings if m["audio"])
    assert audio == {"tune": 10, "test": 10}


def test_the_dev_splits_are_apart_from_the_halves_and_each_other() -> None:
    dev, dev2, halves = _meetings(DEV), _meetings(DEV2), _meetings()
    assert len(dev) >= 20 and {m["split"] for m in dev} == {"dev"}
    assert len(dev2) >= 20 and {m["split"] for m in dev2} == {"dev2"}
    for a, b in ((dev, halves), (dev2, halves), (dev, dev2)):
        assert not {m["id"] for m in a} & {m["id"] for m in b}
        assert not {m["kind"] for m in a} & {m["kind"] for m in b}
    dev3 = _meetings(DEV3)
    assert len(dev3) >= 20 and {m["split"] for m in dev3} == {"dev3"}
    for other in (dev, dev2, halves):
        assert not {m["id"] for m in dev3} & {m["id"] for m in other}
    dev4 = _meetings(DEV4)
    assert len(dev4) >= 20 and {m["split"] for m in dev4} == {"dev4"}
    for other in (dev, dev2, dev3, halves):
        assert not {m["id"] for m in dev4} & {m["id"] for m in other}
    dev5 = _meetings(DEV5)
    assert len(dev5) >= 20 and {m["split"] for m in dev5} == {"dev5"}
    for other in (dev, dev2, dev3, dev4, halves):
        assert not {m["id"] for m in dev5} & {m["id"] for m in other}
    dev6 = _meetings(DEV6)
    assert len(dev6) >= 20 and {m["split"] for m in dev6} == {"dev6"}
    for other in (dev, dev2, dev3, dev4, dev5, halves):
        assert not {m["id"] for m in dev6} & {m["id"] for m in other}


@pytest.mark.parametrize(
    "meeting",
    [*_meetings(), *(m for folder in (DEV, DEV2, DEV3, DEV4, DEV5, DEV6) for m in _meetings(folder))],
    ids=lambda m: m["id"],
)
def test_each_meeting_references_its_own_utterances_and_speakers(meeting: dict[str, Any]) -> None:
    utts = meeting["utterances"]
    speakers = {u["speaker"] for u in utts}
    assert set(meeting["speakers"]) == speakers and 2 <= len(speakers) <= 6
    assert 6 <= len(utts) <= (30 if meeting["split"] in LONGER else 25)
    day = date.fromisoformat(meeting["meeting_date"])
    ref = meeting["reference"]
    for item in [*ref["decisions"], *ref["actions"]]:
        for i in [item["evidence_utterance_index"], *item.get("also_evidence", ())]:
            assert 0 <= i < len(utts)
    for action in ref["actions"]:
        assert action["owner"] in speakers
        assert action["due"] is None or date.fromisoformat(action["due"]) >= day
    for neg in meeting["negatives"]:
        assert 0 <= neg["utterance_index"] < len(utts)


REAL = FOLDER.with_name("meetings-real")  # references for real QMSum meetings (transcripts not copied)
QMSUM = Path(__file__).resolve().parents[3] / "shared" / "data" / "qmsum-val"


def test_the_real_meetings_are_split_by_series() -> None:
    real = _meetings(REAL)
    assert len(real) >= 20 and {m["split"] for m in real} <= {"tune", "dev", "test"}
    assert sum(m["split"] == "test" for m in real) >= 10
    series = {}
    for m in real:
        series.setdefault(
            m["id"].rstrip("abcd") if m["id"][:2] in ("ES", "IS", "TS") else m["id"], set()
        ).add(m["split"])
    assert all(len(halves) == 1 for halves in series.values())  # a series never straddles the halves


@pytest.mark.skipif(not QMSUM.is_dir(), reason="needs ../shared/data/qmsum-val")
@pytest.mark.parametrize("meeting", _meetings(REAL), ids=lambda m: m["id"])
def test_each_real_reference_points_at_spoken_lines_of_its_source(meeting: dict[str, Any]) -> None:
    turns = json.loads((QMSUM.parent / meeting["source"]).read_text())["meeting_transcripts"]
    # lines holding only QMSum's noise tags ("{vocalsound}") are not lines the bench reads
    spoken = {i for i, t in enumerate(turns) if re.sub(r"\{\w+\}", "", t["content"]).strip(" .,")}
    speakers = {t["speaker"] for t in turns}
    assert set(meeting["speakers"]) <= speakers
    ref = meeting["reference"]
    for item in [*ref["decisions"], *ref["actions"]]:
        assert {item["evidence_utterance_index"], *item.get("also_evidence", ())} <= spoken
        assert isinstance(item.get("optional", False), bool)
    for action in ref["actions"]:
        assert action["owner"] in speakers
    for neg in meeting.get("negatives", ()):
        assert neg["utterance_index"] in spoken
