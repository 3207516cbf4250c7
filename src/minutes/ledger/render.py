"""The ledger and "since last time" as JSON-ready dicts and as Markdown. Pure.

Lines are looked up in ``lines`` (``(meeting_id, index)`` → an object with ``speaker``, ``start``
and ``text``); a line the reader may not see is simply not there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from minutes.export import md_escape
from minutes.ledger.model import Commitment, Event, Ledger, LedgerEntry, Thread
from minutes.ledger.since import SinceLast, slips_until


class LineLike(Protocol):
    @property
    def speaker(self) -> str: ...
    @property
    def start(self) -> float: ...
    @property
    def text(self) -> str: ...


Lines = Mapping[tuple[int, int], LineLike]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def event_dict(e: Event, lines: Lines) -> dict[str, Any]:
    line = lines.get((e.meeting_id, e.lines[0])) if e.lines else None
    return {
        "event": e.kind,
        "meeting_id": e.meeting_id,
        "date": _iso(e.meeting_date),
        "line": e.lines[0] if e.lines and e.lines[0] >= 0 else None,
        "start": line.start if line else None,
        "speaker": line.speaker if line else None,
        "said": line.text if line else None,
        "text": e.text or None,
        "due": _iso(e.due),
        "state": e.state,
        "link_id": e.link_id,
    }


def commitment_dict(c: Commitment, lines: Lines, *, series_id: int, series: str) -> dict[str, Any]:
    """One commitment as ``minutes ledger --json`` and the API give it."""
    return {
        "owner": c.owner,
        "text": c.text,
        "status": c.status,
        "due": _iso(c.due),
        "first_due": _iso(c.first_due),
        "slips": c.slips,
        "series_id": series_id,
        "series": series,
        "history": [event_dict(e, lines) for e in c.history],
        "suggestions": [event_dict(e, lines) for e in c.suggestions],
    }


def ledger_dicts(entries: Iterable[LedgerEntry], lines: Lines) -> list[dict[str, Any]]:
    """Commitments across series as ``minutes ledger --json``, the API and the MCP tool give them."""
    return [commitment_dict(e.commitment, lines, series_id=e.series_id, series=e.series) for e in entries]


def thread_dict(t: Thread, lines: Lines) -> dict[str, Any]:
    return {
        "kind": t.kind,
        "text": t.text,
        "history": [event_dict(e, lines) for e in t.history],
        "suggestions": [event_dict(e, lines) for e in t.suggestions],
    }


def since_dict(s: SinceLast, lines: Lines) -> dict[str, Any]:
    def c(x: Commitment) -> dict[str, Any]:
        return {
            "owner": x.owner,
            "text": x.text,
            "status": x.status,
            "due": _iso(x.due),
            "slips": slips_until(x, s.meeting_id),
            "meeting_id": x.meeting_id,
        }

    return {
        "previous": {"meeting_id": s.previous_id, "title": s.previous_title, "date": _iso(s.previous_date)}
        if s.previous_id
        else None,
        "decisions": [t.text for t in s.decisions],
        "changed": [{"before": ch.before, "after": ch.after, "line": ch.event.lines[0]} for ch in s.changed],
        "promised": [c(x) for x in s.promised],
        "closed": [c(x) for x in s.closed],
        "dropped": [c(x) for x in s.dropped],
        "slipped": [c(x) for x in s.slipped],
        "still_open": [c(x) for x in s.still_open],
        "questions_carried": [thread_dict(t, lines) for t in s.questions_carried],
        "questions_open": [t.text for t in s.questions_open],
    }


def series_dict(
    series_id: int,
    name: str,
    meetings: Sequence[tuple[int, str, date | None]],
    ledger: Ledger,
    lines: Lines,
    since: SinceLast | None,
) -> dict[str, Any]:
    """A series as ``minutes series show --json`` and ``GET /api/v1/series/ID`` give it."""
    return {
        "id": series_id,
        "name": name,
        "meetings": [{"id": mid, "title": title, "date": _iso(day)} for mid, title, day in meetings],
        "commitments": [
            commitment_dict(c, lines, series_id=series_id, series=name) for c in ledger.commitments
        ],
        "decisions": [thread_dict(t, lines) for t in ledger.decisions],
        "questions": [thread_dict(t, lines) for t in ledger.questions],
        "since_last_time": since_dict(since, lines) if since else None,
    }


def _who(c: Commitment) -> str:
    due = f" (due {c.due.isoformat()})" if c.due else ""
    return md_escape(f"{c.owner or 'someone'}: {c.text}{due}")


def since_markdown(s: SinceLast) -> str:
    """The "Since last time" section of a meeting's Markdown export (empty when nothing to say)."""
    if s.previous_id is None or s.empty:
        return ""
    when = f", {s.previous_date.isoformat()}" if s.previous_date else ""
    previous = md_escape(f"{s.previous_title}{when}")
    out = ["## Since last time", "", f"Against the previous meeting of the series ({previous}).", ""]

    def section(title: str, rows: list[str]) -> None:
        if rows:
            out.extend([f"**{title}**", "", *[f"- {r}" for r in rows], ""])

    section("Decisions changed", [md_escape(f"{ch.after} (was: {ch.before})") for ch in s.changed])
    section("Done", [_who(c) for c in s.closed])
    section("Dropped", [_who(c) for c in s.dropped])
    section(
        "Slipped",
        [f"{_who(c)}, slipped {slips_until(c, s.meeting_id)} time(s)" for c in s.slipped],
    )
    section("Still open from before", [_who(c) for c in s.still_open if c not in s.slipped])
    section("Questions still open", [md_escape(t.text) for t in (*s.questions_carried, *s.questions_open)])
    return "\n".join(out).rstrip() + "\n"
