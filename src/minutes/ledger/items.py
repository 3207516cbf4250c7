"""Where each minute item of a series stands, from its commitment in the ledger.

An action item is said once and then followed: a later meeting closes it ("the memory leak is
fixed"), drops it or moves its date. Lists of action items (``minutes actions``, the API, the agent
tools, the brief) read an item of a series through its commitment, so that no interface calls an
item overdue that the ledger says is done, or late by a date it has since moved from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from minutes.ledger.model import Commitment

CLOSED = frozenset({"done", "dropped"})
"""A commitment in one of these states needs no more doing; any other status is still open."""


@dataclass(frozen=True, slots=True)
class ItemState:
    """A minute item's commitment: its status (``open``, ``done``, ``dropped``, ``overdue`` or
    ``slipped``, as :class:`Commitment`) and due date now."""

    status: str
    due: date | None


def item_states(commitments: Iterable[Commitment]) -> dict[tuple[int, int], ItemState]:
    """(meeting id, position) of every item of ``commitments`` → where its commitment stands."""
    return {key: ItemState(c.status, c.due) for c in commitments for key in c.items}


def minuted_status(done: bool, due: date | None, today: date) -> str:
    """The status of an item outside any series, from its own tick and due date."""
    if done:
        return "done"
    return "overdue" if due is not None and due < today else "open"
