"""The commitment ledger as plain data: items of a series' meetings, the links between them, and
what they add up to (a commitment's history and status, a decision's changes, a question carried).

Pure: everything here is built from loaded rows (:mod:`minutes.db.ledger_rows`) and the links the
linker proposed (:mod:`minutes.ledger.link`) or a person decided.

A **commitment** is an action item and every later item or line linked to it: it was *promised*
(the first item), *restated*, *redated* (a new due date; later than the one before is a slip),
*done* (a line says so, or someone ticked an item of it off) or *dropped*. Its status is one of
:data:`STATUSES`: ``done`` and ``dropped`` first, then ``overdue`` (not done and due before today),
then ``slipped`` (its due date now is later than first promised), else ``open``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from minutes.summarize.text import name_key

STATUSES: tuple[str, ...] = ("open", "done", "slipped", "overdue", "dropped")
COMMITMENT_LINKS: frozenset[str] = frozenset({"restated", "redated", "done", "dropped"})
SETTLED: frozenset[str] = frozenset({"auto", "confirmed"})
"""Link states the ledger acts on; ``suggested`` links are shown to be confirmed, ``rejected`` never."""


@dataclass(frozen=True, slots=True)
class Line:
    """One utterance of a meeting as the linker reads it: its index, speaker's name and words."""

    index: int
    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A decision, action item or open question of one meeting of a series.

    ``owner`` is the owner's display name (the speaker's name, else the label); ``lines`` the
    utterance indexes it cites; ``position`` its place in the meeting's minutes; ``done`` whether
    someone ticked it off.
    """

    meeting_id: int
    position: int
    kind: str
    text: str
    lines: tuple[int, ...] = ()
    owner: str | None = None
    due: date | None = None
    done: bool = False
    named: bool = True
    """Whether ``owner`` is a person's name (else an anonymous label, which names nobody across meetings)."""
    rank: int = 0
    """Its place among the items of its meeting that cite the same first line (:func:`ranked`)."""

    @property
    def line(self) -> int:
        """The first line it cites, which names it across a re-summarize (negative: it cites none)."""
        return min(self.lines) if self.lines else -(self.position + 1)

    @property
    def key(self) -> tuple[int, int, int]:
        """``(meeting_id, line, rank)``: names the item across a re-summarize (positions may change)."""
        return (self.meeting_id, self.line, self.rank)


def ranked(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """``entries`` (one meeting's, by position) with :attr:`Entry.rank` set: two items citing the
    same first line ("I'll book the room and send the agenda") stay two."""
    seen: dict[int, int] = {}
    out = []
    for e in entries:
        rank = seen.get(e.line, 0)
        seen[e.line] = rank + 1
        out.append(replace(e, rank=rank))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class SeriesMeeting:
    """One meeting of a series, in the linker's terms: when, what it decided, and what was said."""

    meeting_id: int
    title: str
    meeting_date: date | None
    entries: tuple[Entry, ...] = ()
    lines: tuple[Line, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A later meeting's item or lines tied to an earlier item (``kind``: see the module docstring).

    ``earlier`` is ``(meeting_id, line, rank)`` of the earlier item (:attr:`Entry.key`); ``position`` the
    later item's place in its minutes when the link is to an item (a restatement), else ``None``.
    ``state`` is ``auto``, ``suggested``, ``confirmed`` or ``rejected``; ``id`` the stored row's.
    """

    kind: str
    earlier: tuple[int, int, int]
    meeting_id: int
    lines: tuple[int, ...]
    position: int | None = None
    due: date | None = None
    score: float = 0.0
    state: str = "auto"
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One step of a commitment's (or decision's, or question's) history."""

    kind: str  # promised | restated | redated | done | dropped | changed | carried | decided | asked
    meeting_id: int
    meeting_date: date | None
    lines: tuple[int, ...]
    text: str = ""
    due: date | None = None
    state: str = "auto"
    link_id: int | None = None


@dataclass(frozen=True, slots=True)
class Commitment:
    """A promise across the series: who, what, by when, and each step since."""

    owner: str | None
    text: str
    status: str
    due: date | None
    first_due: date | None
    slips: int
    history: tuple[Event, ...]
    suggestions: tuple[Event, ...] = ()
    """Links waiting for a person to confirm or reject (not applied to the status)."""
    items: tuple[tuple[int, int], ...] = ()
    """The minute items it is made of, as (meeting id, position): the promise first, then each
    later item that restated it."""

    @property
    def meeting_id(self) -> int:
        return self.history[0].meeting_id


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One commitment in the ledger across series, with its series."""

    series_id: int
    series: str
    commitment: Commitment


@dataclass(frozen=True, slots=True)
class Thread:
    """A decision and its later changes, or an open question and where it was asked again."""

    kind: str  # decision | question
    text: str
    history: tuple[Event, ...]
    suggestions: tuple[Event, ...] = ()


@dataclass(frozen=True, slots=True)
class Ledger:
    commitments: tuple[Commitment, ...] = ()
    decisions: tuple[Thread, ...] = ()
    questions: tuple[Thread, ...] = ()


@dataclass
class _Chain:
    root: Entry
    events: list[Event] = field(default_factory=list)
    suggestions: list[Event] = field(default_factory=list)
    done: bool = False
    items: list[tuple[int, int]] = field(default_factory=list)


def build_ledger(
    meetings: Sequence[SeriesMeeting], links: Iterable[Link], *, today: date, owner: str | None = None
) -> Ledger:
    """The ledger of ``meetings`` (any order; only these are read) from their links.

    Links whose earlier item or later meeting is not among ``meetings`` are ignored, so a reader
    who may not see a meeting sees nothing of it. ``owner`` keeps the commitments of one person
    (compared ignoring case and spacing).
    """
    ordered = sorted(meetings, key=lambda m: (m.meeting_date or date.min, m.meeting_id))
    dates = {m.meeting_id: m.meeting_date for m in ordered}
    entries = {e.key: e for m in ordered for e in m.entries}
    key_of = {(k[0], e.position): k for k, e in entries.items()}
    order = {m.meeting_id: n for n, m in enumerate(ordered)}
    chains: dict[tuple[int, int, int], _Chain] = {}
    member: dict[tuple[int, int, int], tuple[int, int, int]] = {}
    for k, e in entries.items():
        chains[k] = _Chain(e, [_opening(e, dates)], done=e.done, items=[(e.meeting_id, e.position)])
        member[k] = k
    usable = [
        ln
        for ln in links
        if ln.state != "rejected" and ln.earlier in entries and ln.meeting_id in dates
        if order[ln.meeting_id] > order[ln.earlier[0]]
    ]
    usable.sort(key=lambda ln: (order[ln.meeting_id], ln.lines[:1], ln.kind))
    for ln in usable:
        root = member[ln.earlier]
        chain = chains[root]
        event = Event(ln.kind, ln.meeting_id, dates[ln.meeting_id], ln.lines, "", ln.due, ln.state, ln.id)
        later_key = key_of.get((ln.meeting_id, ln.position)) if ln.position is not None else None
        later = entries[later_key] if later_key is not None else None
        if ln.state not in SETTLED:
            chain.suggestions.append(event)
            continue
        if later is not None:
            event = Event(
                ln.kind,
                ln.meeting_id,
                event.meeting_date,
                later.lines,
                later.text,
                ln.due or later.due,
                ln.state,
                ln.id,
            )
            if later_key in chains and later_key != root:
                chain.done = chain.done or chains[later_key].done
                chain.items += chains[later_key].items
                del chains[later_key]
                member[later_key] = root
        chain.events.append(event)
    commitments = [_commitment(c, today) for c in chains.values() if c.root.kind == "action"]
    if owner is not None and owner.strip():
        wanted = name_key(owner)
        commitments = [c for c in commitments if name_key(c.owner or "") == wanted]
    threads = [_thread(c) for c in chains.values() if c.root.kind != "action"]
    return Ledger(
        commitments=tuple(commitments),
        decisions=tuple(t for t in threads if t.kind == "decision"),
        questions=tuple(t for t in threads if t.kind == "question"),
    )


def dated_steps(history: Sequence[Event]) -> Iterator[tuple[Event, bool, int]]:
    """The steps after a commitment's promise, each with whether it slipped there (re-dated later
    than the due date before it) and how many slips there have been so far, that one included."""
    due = history[0].due if history else None
    slips = 0
    for e in history[1:]:
        slipped = False
        if e.kind in ("redated", "restated") and e.due is not None:
            slipped = due is not None and e.due > due
            slips += slipped
            due = e.due
        yield e, slipped, slips


def _opening(e: Entry, dates: Mapping[int, date | None]) -> Event:
    kind = {"action": "promised", "decision": "decided", "question": "asked"}[e.kind]
    return Event(kind, e.meeting_id, dates.get(e.meeting_id), e.lines, e.text, e.due)


def _commitment(chain: _Chain, today: date) -> Commitment:
    first_due = chain.root.due
    due = first_due
    slips = 0
    done = chain.done
    dropped = False
    for ev, slipped, _ in dated_steps(chain.events):
        slips += slipped
        if ev.kind in ("redated", "restated") and ev.due is not None:
            due = ev.due
            first_due = first_due or ev.due
        done = done or ev.kind == "done"
        dropped = dropped or ev.kind == "dropped"
    if done:
        status = "done"
    elif dropped:
        status = "dropped"
    elif due is not None and due < today:
        status = "overdue"
    elif due is not None and first_due is not None and due > first_due:
        status = "slipped"
    else:
        status = "open"
    return Commitment(
        owner=chain.root.owner,
        text=chain.root.text,
        status=status,
        due=due,
        first_due=first_due,
        slips=slips,
        history=tuple(chain.events),
        suggestions=tuple(chain.suggestions),
        items=tuple(chain.items),
    )


def _thread(chain: _Chain) -> Thread:
    return Thread(chain.root.kind, chain.root.text, tuple(chain.events), tuple(chain.suggestions))
