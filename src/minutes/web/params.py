"""The numbers a request may name, bounded where they come in: ids, positions, offsets, pages.

Every id, index and position is an ``Integer`` column, 32-bit on PostgreSQL, and SQLite's driver
cannot bind a number past 2**63, so a number outside ``0 … 2**31-1`` never reaches a query: it
answers **422** naming the parameter and the bound, on both backends, as a path or query value
that is no number does (an id in range that no one has, or that the caller may not see, stays
404). Path, query and body parameters all use these types, and :func:`parse_id` reads the ids
that arrive as text (the ``team`` of a form or filter); ``tests/web/test_bounds.py`` fails on a
route's integer that does not.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

from minutes.db.tables import MAX_INTEGER
from minutes.errors import ConfigError, InvalidValue

_NUMBER = re.compile(r"[+-]?[0-9]+")  # ASCII digits: str.isdigit() takes "²", which int() refuses

Id = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
"""A stored object's id (meeting, job, team, token): 1 … 2**31-1."""

Index = Annotated[int, Field(ge=0, le=MAX_INTEGER)]
"""A place in a meeting counted from 0 (an utterance's index, a minute item's position)."""

Offset = Annotated[int, Field(ge=0, le=MAX_INTEGER)]
"""How many results to skip."""

Page = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
"""A page of a list, counted from 1."""


def parse_id(value: str | None, name: str) -> int | None:
    """An id given as text (a form's or a filter's ``team``; blank: none), bounded as :data:`Id`:
    not a number is :class:`ConfigError` (400), out of range :class:`InvalidValue` (422)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not _NUMBER.fullmatch(text):
        raise ConfigError(f"{name}={value!r} is not a number")
    if not 1 <= int(text) <= MAX_INTEGER:
        raise InvalidValue(f"{name}={text} is out of range; ids run from 1 to {MAX_INTEGER}")
    return int(text)
