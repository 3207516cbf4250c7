"""Reading a user's references: a transcript (plain text or NIST STM), speaker turns (RTTM) and
the decisions and action items people wrote down (JSON, see ``docs/eval.md``).

Every reader raises :class:`~minutes.errors.ConfigError` naming the file, the line and the fix.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from minutes.errors import ConfigError
from minutes.types import SpeakerTurn


@dataclass(frozen=True, slots=True)
class ReferenceTranscript:
    """The words people heard: all of them in order, and per speaker when the file says who."""

    text: str
    by_speaker: dict[str, str]  # empty for a plain-text reference


@dataclass(frozen=True, slots=True)
class ReferenceItem:
    """A decision or action item a person noted. ``time`` (seconds) is optional."""

    kind: str  # "decision" | "action"
    text: str
    owner: str | None = None
    due: str | None = None  # ISO date
    time: float | None = None


def _read(path: str | Path, what: str) -> str:
    p = Path(path).expanduser()
    try:
        return p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{what} {p}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{what} {p}: not UTF-8 text") from exc


def read_transcript(path: str | Path) -> ReferenceTranscript:
    """A reference transcript: ``.stm`` (``file channel speaker start end [<label>] words``, ``;;``
    comments) gives the speakers too; any other file is plain text, all speakers together."""
    text = _read(path, "reference transcript")
    if Path(path).suffix.lower() != ".stm":
        if not text.strip():
            raise ConfigError(f"reference transcript {path}: is empty")
        return ReferenceTranscript(text=" ".join(text.split()), by_speaker={})
    rows: list[tuple[float, str, str]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith(";;"):
            continue
        parts = line.split(maxsplit=5)
        if len(parts) < 5:
            raise ConfigError(
                f"reference transcript {path}, line {n}: an STM line needs "
                "'file channel speaker start end words'"
            )
        try:
            start = float(parts[3])
        except ValueError as exc:
            raise ConfigError(
                f"reference transcript {path}, line {n}: start {parts[3]!r} is not a number"
            ) from exc
        words = parts[5] if len(parts) > 5 else ""
        words = re.sub(r"^<[^>]*>\s*", "", words)  # the optional <o,f0,male> label
        if parts[2].lower() in {"inter_segment_gap", "excluded_region"}:
            continue
        rows.append((start, parts[2], words))
    if not rows:
        raise ConfigError(f"reference transcript {path}: has no STM lines")
    rows.sort(key=lambda r: r[0])
    by_speaker: dict[str, list[str]] = {}
    for _, speaker, words in rows:
        by_speaker.setdefault(speaker, []).append(words)
    return ReferenceTranscript(
        text=" ".join(w for _, _, w in rows),
        by_speaker={k: " ".join(v) for k, v in by_speaker.items()},
    )


def read_rttm(path: str | Path) -> list[SpeakerTurn]:
    """Speaker turns from an RTTM file (``SPEAKER`` lines; others ignored)."""
    turns: list[SpeakerTurn] = []
    for n, line in enumerate(_read(path, "reference RTTM").splitlines(), 1):
        parts = line.split()
        if not parts or parts[0] != "SPEAKER":
            continue
        try:
            start, duration = float(parts[3]), float(parts[4])
            turns.append(SpeakerTurn(start, start + duration, parts[7]))
        except (IndexError, ValueError) as exc:
            raise ConfigError(
                f"reference RTTM {path}, line {n}: a SPEAKER line needs "
                "'SPEAKER file 1 start duration <NA> <NA> speaker <NA> <NA>'"
            ) from exc
    if not turns:
        raise ConfigError(f"reference RTTM {path}: has no SPEAKER lines")
    return turns


def read_items(path: str | Path) -> list[ReferenceItem]:
    """Decisions and action items from a reference JSON file (format in ``docs/eval.md``)."""
    raw = _read(path, "reference items")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"reference items {path}: not JSON ({exc.msg}, line {exc.lineno})") from exc
    if not isinstance(data, dict) or not ({"decisions", "actions"} & set(data)):
        raise ConfigError(
            f"reference items {path}: expected an object with 'decisions' and/or 'actions' lists "
            "(see docs/eval.md)"
        )
    items: list[ReferenceItem] = []
    for key, kind, field in (("decisions", "decision", "text"), ("actions", "action", "task")):
        entries = data.get(key, [])
        if not isinstance(entries, list):
            raise ConfigError(f"reference items {path}: '{key}' must be a list")
        for i, entry in enumerate(entries):
            items.append(_item(path, f"{key}[{i}]", kind, field, entry))
    return items


def _item(path: str | Path, where: str, kind: str, field: str, entry: Any) -> ReferenceItem:
    if isinstance(entry, str):
        entry = {field: entry}
    text = entry.get(field) if isinstance(entry, dict) else None
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"reference items {path}: {where} needs a '{field}' text")
    due = entry.get("due")
    if due is not None:
        try:
            due = date.fromisoformat(str(due)).isoformat()
        except ValueError as exc:
            raise ConfigError(f"reference items {path}: {where} due {due!r} is not YYYY-MM-DD") from exc
    owner = entry.get("owner")
    return ReferenceItem(
        kind=kind,
        text=text.strip(),
        owner=str(owner).strip() if owner else None,
        due=due,
        time=_seconds(path, where, entry.get("time")),
    )


def _seconds(path: str | Path, where: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    parts = str(value).split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if not 1 <= len(numbers) <= 3:
        raise ConfigError(f"reference items {path}: {where} time {value!r} is not seconds or HH:MM:SS")
    seconds = 0.0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds
