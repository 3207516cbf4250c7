"""The brief as plain data, built by pure functions from rows the store loaded.

:func:`build_brief` takes :class:`MeetingFacts` (the meetings of the window) and
:class:`ItemFacts` (their minute items, and the open dated action items of every meeting in
scope) and returns a :class:`Brief`: each meeting in one line, the decisions, the new action
items by owner, what is overdue or due soon, the open questions, and what the window's meetings
did to earlier commitments of their series (:func:`series_followups`). Every entry knows its
moment (meeting id, utterance index, start time), so each renderer can link it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from minutes.errors import ConfigError
from minutes.ledger.model import Event, Ledger, dated_steps
from minutes.summarize.text import name_key, split_sentences

SOON_DAYS = 7
"""An open action item due within this many days of today is "due soon"."""
OVERDUE_SHOWN = 50
"""The most overdue items listed (the most recently due); the brief counts all of them."""
GIST_CHARS = 160
PEOPLE_SHOWN = 5
MAX_DAYS = 3660
NO_OWNER = "No owner"

_SINCE = re.compile(r"^\s*(\d{1,5})\s*([dw])\s*$", re.IGNORECASE)


def parse_since(text: str, *, today: date) -> date:
    """The first day of the brief: ``7d`` (the last 7 days, today included), ``2w``, or ``YYYY-MM-DD``."""
    found = _SINCE.match(text)
    if found:
        days = int(found.group(1)) * (7 if found.group(2).lower() == "w" else 1)
        if not 1 <= days <= MAX_DAYS:
            raise ConfigError(f"since {text!r} is out of range; give 1 to {MAX_DAYS} days")
        return today - timedelta(days=days - 1)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"since {text!r} is not understood; give 7d, 2w or a date (YYYY-MM-DD)") from None


@dataclass(frozen=True, slots=True)
class Moment:
    """Where an entry was said: a meeting, and the line it cites (``None``: the meeting itself).

    ``utterance`` is the line's index in the meeting (its ``index`` in the JSON export).
    """

    meeting_id: int
    utterance: int | None = None
    start: float | None = None

    @property
    def link(self) -> str:
        """The meeting page at that moment, as search results link."""
        if self.utterance is None or self.start is None:
            return f"/meetings/{self.meeting_id}"
        return f"/meetings/{self.meeting_id}?t={self.start:.1f}#u-{self.utterance}"


@dataclass(frozen=True, slots=True)
class SpeakerFacts:
    label: str
    name: str | None
    talk_time: float


@dataclass(frozen=True, slots=True)
class MeetingFacts:
    """One meeting of the window as loaded: ``summary`` is ``None`` without minutes."""

    id: int
    title: str
    date: datetime
    status: str
    team: str | None
    summary: str | None
    speakers: tuple[SpeakerFacts, ...]


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """One minute item as loaded, with the first line it cites (``utterance``, ``start``, ``speaker``)."""

    meeting_id: int
    meeting_title: str
    meeting_date: datetime
    position: int
    kind: str
    text: str
    supported: bool
    owner: str | None = None
    owner_name: str | None = None
    due: date | None = None
    due_text: str | None = None
    done: bool = False
    utterance: int | None = None
    start: float | None = None
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class MeetingLine:
    id: int
    title: str
    date: datetime
    status: str
    team: str | None
    people: tuple[str, ...]
    more_people: int
    gist: str
    moment: Moment


@dataclass(frozen=True, slots=True)
class Entry:
    """A decision, action item or question, where it was said, and (actions) owner and due date."""

    kind: str
    text: str
    meeting_id: int
    meeting_title: str
    meeting_date: datetime
    position: int
    supported: bool
    moment: Moment
    speaker: str | None
    owner: str | None
    due: date | None
    due_text: str | None
    done: bool


@dataclass(frozen=True, slots=True)
class OwnerGroup:
    owner: str
    items: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class FollowUp:
    """What a meeting of the window did to an earlier commitment or decision of its series:
    ``kind`` is ``done``, ``slipped`` (re-dated later; ``slips`` times so far), ``dropped`` or
    ``changed`` (a decision); ``text`` the earlier item, ``after`` a changed decision's new text."""

    kind: str
    series: str
    text: str
    owner: str | None
    moment: Moment
    meeting_title: str
    meeting_date: date | None
    due: date | None = None
    slips: int = 0
    after: str | None = None


@dataclass(frozen=True, slots=True)
class Brief:
    """What happened in the meetings someone may see between ``since`` and ``until`` (both included)."""

    since: date
    until: date
    today: date
    team: str | None
    person: str | None
    meetings: tuple[MeetingLine, ...]
    decisions: tuple[Entry, ...]
    actions: tuple[OwnerGroup, ...]
    overdue: tuple[Entry, ...]
    overdue_total: int
    due_soon: tuple[Entry, ...]
    questions: tuple[Entry, ...]
    followups: tuple[FollowUp, ...] = ()
    """Commitments and decisions of earlier meetings that the window's meetings closed, moved,
    dropped or changed (:func:`series_followups`), oldest first."""

    @property
    def empty(self) -> bool:
        return not (self.meetings or self.overdue or self.due_soon or self.followups)


def gist(summary: str | None, status: str) -> str:
    """A meeting in one line: the first sentence of its summary, cut at :data:`GIST_CHARS`."""
    if summary is None or not summary.strip():
        return "no minutes yet" if status == "done" else f"no minutes yet ({status})"
    first = " ".join(summary.split())
    sentences = split_sentences(first, prose=True)
    line = sentences[0] if sentences else first
    if len(line) > GIST_CHARS:
        line = line[: GIST_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return line


def _people(speakers: Sequence[SpeakerFacts]) -> tuple[str, ...]:
    ordered = sorted(speakers, key=lambda s: (-s.talk_time, s.label))
    return tuple(s.name or s.label for s in ordered)


def meeting_line(m: MeetingFacts) -> MeetingLine:
    people = _people(m.speakers)
    return MeetingLine(
        id=m.id,
        title=m.title,
        date=m.date,
        status=m.status,
        team=m.team,
        people=people[:PEOPLE_SHOWN],
        more_people=max(0, len(people) - PEOPLE_SHOWN),
        gist=gist(m.summary, m.status),
        moment=Moment(m.id),
    )


def entry(item: ItemFacts) -> Entry:
    return Entry(
        kind=item.kind,
        text=item.text,
        meeting_id=item.meeting_id,
        meeting_title=item.meeting_title,
        meeting_date=item.meeting_date,
        position=item.position,
        supported=item.supported,
        moment=Moment(item.meeting_id, item.utterance, item.start),
        speaker=item.speaker,
        owner=(item.owner_name or item.owner) if item.owner else None,
        due=item.due,
        due_text=item.due_text,
        done=item.done,
    )


def _in_order(items: Iterable[ItemFacts]) -> list[ItemFacts]:
    """Oldest meeting first, then in the meeting's order (the brief reads as the week went)."""
    return sorted(items, key=lambda i: (i.meeting_date, i.meeting_id, i.position))


def by_owner(actions: Iterable[Entry]) -> tuple[OwnerGroup, ...]:
    """Action items grouped by owner (names A-Z, case ignored), items without one last."""
    groups: dict[str, list[Entry]] = {}
    for a in actions:
        groups.setdefault(a.owner or NO_OWNER, []).append(a)
    order = sorted(groups, key=lambda o: (o == NO_OWNER, o.casefold(), o))
    return tuple(OwnerGroup(o, tuple(groups[o])) for o in order)


def build_brief(
    meetings: Sequence[MeetingFacts],
    items: Sequence[ItemFacts],
    open_dated: Sequence[ItemFacts],
    *,
    since: date,
    today: date,
    team: str | None = None,
    person: str | None = None,
    soon_days: int = SOON_DAYS,
    overdue_shown: int = OVERDUE_SHOWN,
    overdue_total: int | None = None,
    followups: Sequence[FollowUp] = (),
) -> Brief:
    """The brief of ``meetings`` (the window's), ``items`` (their minute items; with a person
    filter, only the actions that person owns) and ``open_dated`` (open action items with a due
    date, of every meeting in scope: the overdue and due-soon lists come from them).
    ``overdue_total`` counts the overdue items when ``open_dated`` holds only the latest of them.
    """
    ordered = sorted(meetings, key=lambda m: (m.date, m.id))
    in_order = _in_order(items)
    dated = [i for i in open_dated if i.kind == "action" and not i.done and i.due is not None]
    soon_end = today + timedelta(days=soon_days)
    overdue = sorted((i for i in dated if i.due is not None and i.due < today), key=_due_key, reverse=True)
    soon = sorted((i for i in dated if i.due is not None and today <= i.due <= soon_end), key=_due_key)
    return Brief(
        since=since,
        until=today,
        today=today,
        team=team,
        person=person,
        meetings=tuple(meeting_line(m) for m in ordered),
        decisions=tuple(entry(i) for i in in_order if i.kind == "decision"),
        actions=by_owner(entry(i) for i in in_order if i.kind == "action"),
        overdue=tuple(entry(i) for i in overdue[:overdue_shown]),
        overdue_total=max(len(overdue), overdue_total or 0),
        due_soon=tuple(entry(i) for i in soon),
        questions=tuple(entry(i) for i in in_order if i.kind == "question"),
        followups=tuple(
            sorted(
                followups,
                key=lambda f: (f.meeting_date or date.min, f.moment.meeting_id, f.moment.utterance or 0),
            )
        ),
    )


def series_followups(
    series: str,
    ledger: Ledger,
    meetings: Mapping[int, tuple[str, date | None]],
    starts: Mapping[tuple[int, int], float],
    *,
    since: date,
    until: date,
    person: str | None = None,
) -> list[FollowUp]:
    """The follow-ups of one series' ledger said in a meeting from ``since`` to ``until``
    (``meetings``: id → title and date, the reader's); ``person`` keeps their commitments."""
    out: list[FollowUp] = []
    wanted = name_key(person) if person else None

    def at(e: Event) -> tuple[Moment, str, date | None] | None:
        title, day = meetings.get(e.meeting_id, ("", None))
        if e.meeting_id not in meetings or day is None or not since <= day <= until:
            return None
        line = e.lines[0] if e.lines and e.lines[0] >= 0 else None
        start = starts.get((e.meeting_id, line)) if line is not None else None
        return Moment(e.meeting_id, line if start is not None else None, start), title, day

    for c in ledger.commitments:
        if wanted is not None and wanted not in (c.owner or "").casefold():
            continue
        for e, slipped, slips in dated_steps(c.history):
            kind = "slipped" if slipped else {"done": "done", "dropped": "dropped"}.get(e.kind)
            where = at(e) if kind else None
            if kind and where:
                out.append(
                    FollowUp(kind, series, c.text, c.owner, where[0], where[1], where[2], e.due, slips)
                )
    if wanted is None:
        for t in ledger.decisions:
            for e in t.history[1:]:
                where = at(e) if e.kind == "changed" else None
                if where:
                    out.append(
                        FollowUp("changed", series, t.text, None, where[0], where[1], where[2], after=e.text)
                    )
    return out


def _due_key(item: ItemFacts) -> tuple[date, datetime, int, int]:
    assert item.due is not None
    return (item.due, item.meeting_date, item.meeting_id, item.position)
