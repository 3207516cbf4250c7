"""The generated meetings of ``tests/data/meetings/`` (format in its README), read as plain data."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MEETINGS = ROOT / "tests" / "data" / "meetings"
# a third split written later by other hands, in other domains, for finding what the rules miss
# without reading the test half (tests/data/meetings-dev/README.md)
DEV = ROOT / "tests" / "data" / "meetings-dev"
# a fourth, by two more writers (6 December, evening), read after the third had been
DEV2 = ROOT / "tests" / "data" / "meetings-dev2"
# a fifth, by two more writers (6 December, later), as a recogniser writes spontaneous talk down
DEV3 = ROOT / "tests" / "data" / "meetings-dev3"
# a sixth (6 December, night): kinds like the real recordings' (product design, research groups,
# committees) and others, decisions and commitments in many unscripted phrasings
DEV4 = ROOT / "tests" / "data" / "meetings-dev4"
# a seventh (6 December, later still): as a recogniser writes real meetings down (fillers, misheard
# words, a chair's recap), speakers of several Englishes
DEV5 = ROOT / "tests" / "data" / "meetings-dev5"
# an eighth (6 December, night): the tune half's twelve kinds and register by two more writers, who
# read only the format and the tune half, in phrasings unlike it
DEV6 = ROOT / "tests" / "data" / "meetings-dev6"
FOLDERS = {"dev": DEV, "dev2": DEV2, "dev3": DEV3, "dev4": DEV4, "dev5": DEV5, "dev6": DEV6}
# real meetings (QMSum's AMI, ICSI and committee transcripts in ../shared/data/qmsum-val), the
# reference written by readers of the transcripts (7 December); "real-tune" and "real-test" are its
# two halves, split by meeting series before anything was scored, and "real-dev" eight more meetings
# annotated after the tune half had been read (tests/data/meetings-real/README.md)
REAL = ROOT / "tests" / "data" / "meetings-real"
QMSUM = ROOT.parent / "shared" / "data" / "qmsum-val"
SPLITS = ("tune", "test", "dev", "dev2", "dev3", "dev4", "dev5", "dev6", "real-tune", "real-dev", "real-test")


@dataclass(frozen=True, slots=True)
class Meeting:
    id: str
    split: str
    kind: str
    title: str
    meeting_date: date
    audio: bool
    speakers: tuple[str, ...]
    turns: tuple[tuple[str, str], ...]  # (speaker name, text)
    reference: dict[str, Any]
    negatives: tuple[dict[str, Any], ...]

    def label(self, speaker: str) -> str:
        """The diarization-style label of a speaker ("SPEAKER_00" …), as the pipeline would see it."""
        return f"SPEAKER_{self.speakers.index(speaker):02d}"

    def names(self) -> dict[str, str]:
        """Speaker labels → people's names (what renaming speakers gives the summarizer)."""
        return {self.label(s): s for s in self.speakers}


_CLITIC = re.compile(r" (?=(?:'(?:s|re|ve|ll|d|m)|n't)\b)")
_HYPHEN = re.compile(r"(?<=\w) - (?=\w)")


def clean_turns(turns: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """QMSum's turns as (position in the file, speaker, text), its ``{vocalsound}``-style tags taken
    out and the spacing before punctuation, clitics and hyphens mended; turns left empty are skipped."""
    out = []
    for i, turn in enumerate(turns):
        raw = re.sub(r"\{\w+\}", " ", turn["content"])
        text = " ".join(raw.split()).replace(" ,", ",").replace(" .", ".").replace(" ?", "?")
        # ICSI's "let 's", "do n't", "Mm - hmm", "auto - regressive"
        text = _HYPHEN.sub("-", _CLITIC.sub("", text))
        if text.strip(" .,"):
            out.append((i, turn["speaker"], text))
    return out


def qmsum_turns(stem: str) -> list[tuple[int, str, str]]:
    """The cleaned turns (:func:`clean_turns`) of one meeting of ``qmsum-val``."""
    return clean_turns(json.loads((QMSUM / f"{stem}.json").read_text())["meeting_transcripts"])


def _real(raw: dict[str, Any]) -> dict[str, Any]:
    """A reference of ``meetings-real/`` with the transcript read from QMSum and every index moved
    from the file's turn positions to the positions of the lines kept."""
    turns = qmsum_turns(Path(raw["source"]).stem)
    at = {pos: n for n, (pos, _, _) in enumerate(turns)}

    def moved(item: dict[str, Any]) -> dict[str, Any]:
        also = [at[i] for i in item.get("also_evidence", ()) if i in at]
        return {
            **item,
            "evidence_utterance_index": at[item["evidence_utterance_index"]],
            "also_evidence": also,
        }

    ref = raw["reference"]
    return {
        **raw,
        "utterances": [{"speaker": who, "text": text} for _, who, text in turns],
        "reference": {
            "decisions": [moved(d) for d in ref["decisions"]],
            "actions": [moved(a) for a in ref["actions"]],
        },
        "negatives": [
            {**n, "utterance_index": at[n["utterance_index"]]}
            for n in raw.get("negatives", ())
            if n["utterance_index"] in at
        ],
    }


def load(split: str = "all", *, folder: Path = MEETINGS) -> list[Meeting]:
    """The meetings of one split (:data:`SPLITS`) or "all" (tune and test), ordered by id."""
    if split not in (*SPLITS, "all"):
        raise SystemExit(f"unknown split {split!r}; choose one of: {', '.join(SPLITS)}, all")
    if split in FOLDERS and folder == MEETINGS:
        folder = FOLDERS[split]
    if split.startswith("real-") and folder == MEETINGS:
        folder, split = REAL, split.removeprefix("real-")
    out = []
    for path in sorted(folder.glob("*.json")):
        raw = json.loads(path.read_text())
        if split != "all" and raw["split"] != split:
            continue
        if "source" in raw:
            raw = _real(raw)
        out.append(
            Meeting(
                id=raw["id"],
                split=raw["split"],
                kind=raw["kind"],
                title=raw["title"],
                meeting_date=date.fromisoformat(raw["meeting_date"]),
                audio=bool(raw.get("audio")),
                speakers=tuple(raw["speakers"]),
                turns=tuple((u["speaker"], u["text"]) for u in raw["utterances"]),
                reference=raw["reference"],
                negatives=tuple(raw.get("negatives", ())),
            )
        )
    return out
