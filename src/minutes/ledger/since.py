"""Since last time: what one meeting of a series changed against the meetings before it. Pure.

Built from the series' :class:`~minutes.ledger.model.Ledger` (only the meetings the reader may
see): the decisions it took and changed, the commitments it made, closed, dropped and let slip
(with how often each has slipped), and the commitments and questions still open from before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from minutes.ledger.model import Commitment, Event, Ledger, Thread, dated_steps

OPEN = frozenset({"open", "slipped", "overdue"})


@dataclass(frozen=True, slots=True)
class Change:
    """A decision of this meeting that changed an earlier one (``before`` is the earlier text)."""

    before: str
    after: str
    event: Event


@dataclass(frozen=True, slots=True)
class SinceLast:
    meeting_id: int
    previous_id: int | None
    previous_title: str | None
    previous_date: date | None
    decisions: tuple[Thread, ...] = ()
    changed: tuple[Change, ...] = ()
    promised: tuple[Commitment, ...] = ()
    closed: tuple[Commitment, ...] = ()
    dropped: tuple[Commitment, ...] = ()
    slipped: tuple[Commitment, ...] = ()
    still_open: tuple[Commitment, ...] = ()
    questions_carried: tuple[Thread, ...] = ()
    questions_open: tuple[Thread, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.decisions,
                self.changed,
                self.promised,
                self.closed,
                self.dropped,
                self.slipped,
                self.still_open,
                self.questions_carried,
                self.questions_open,
            )
        )


def _in(events: tuple[Event, ...], meeting_id: int, *kinds: str) -> Event | None:
    return next((e for e in events if e.meeting_id == meeting_id and e.kind in kinds), None)


def since_last_time(
    ledger: Ledger, order: Sequence[tuple[int, str, date | None]], meeting_id: int
) -> SinceLast:
    """What ``meeting_id`` changed; ``order`` is the series' meetings ``(id, title, date)`` in date
    order (the reader's), as of that meeting: later meetings do not count."""
    place = {mid: n for n, (mid, _, _) in enumerate(order)}
    mine = meeting_id
    here = place[mine]
    previous = order[here - 1] if here > 0 else None
    before = [c for c in ledger.commitments if place.get(c.meeting_id, here) < here]
    running = [
        c
        for c in before
        if not any(
            e.kind in ("done", "dropped") and place.get(e.meeting_id, here + 1) < here for e in c.history
        )
    ]
    changed = []
    for t in ledger.decisions:
        event = _in(t.history[1:], mine, "changed")
        if event is not None:
            changed.append(Change(t.text, event.text or t.text, event))
    return SinceLast(
        meeting_id=mine,
        previous_id=previous[0] if previous else None,
        previous_title=previous[1] if previous else None,
        previous_date=previous[2] if previous else None,
        decisions=tuple(t for t in ledger.decisions if t.history[0].meeting_id == mine),
        changed=tuple(changed),
        promised=tuple(c for c in ledger.commitments if c.meeting_id == mine),
        closed=tuple(c for c in running if _in(c.history, mine, "done")),
        dropped=tuple(c for c in running if _in(c.history, mine, "dropped")),
        slipped=tuple(c for c in running if _slipped_here(c, mine)),
        still_open=tuple(c for c in running if not _in(c.history, mine, "done", "dropped")),
        questions_carried=tuple(t for t in ledger.questions if _in(t.history[1:], mine, "carried")),
        questions_open=tuple(
            t for t in ledger.questions if previous is not None and t.history[-1].meeting_id == previous[0]
        ),
    )


def slips_until(c: Commitment, meeting_id: int) -> int:
    """How often a commitment had slipped up to and including ``meeting_id``."""
    slips = 0
    for e, slipped, _ in dated_steps(c.history):
        slips += slipped
        if e.meeting_id == meeting_id:
            break
    return slips


def _slipped_here(c: Commitment, meeting_id: int) -> bool:
    return any(slipped and e.meeting_id == meeting_id for e, slipped, _ in dated_steps(c.history))
