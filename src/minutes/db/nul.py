"""No NUL byte reaches the database, on either backend.

PostgreSQL cannot hold ``U+0000`` in text (nor ``\\u0000`` in JSONB) and its driver fails the
statement; SQLite stores it. So that neither a stored value nor a search or look-up differs
between the two (or answers an HTTP 500), every statement's values (a JSON value's texts too)
are checked before they are sent, and one holding a NUL is
:class:`~minutes.errors.InvalidValue` instead, which the web answers 422 and the command line
as one line. Names, titles and lines are refused earlier, with their field named
(:func:`minutes.controls.refuse_controls`); this is the net under every other text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, event

from minutes.controls import one_line
from minutes.errors import InvalidValue

_SHOWN_CHARS = 60


def _nul_text(value: Any) -> str | None:
    """The first text in ``value`` (a parameter, rows of them, a JSON value) that holds a NUL."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return item
        elif isinstance(item, Mapping):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return None


def _refuse(text: str) -> InvalidValue:
    shown = one_line(text[:_SHOWN_CHARS] + ("…" if len(text) > _SHOWN_CHARS else ""))
    return InvalidValue(
        f"'{shown}' holds a NUL byte (U+0000), which cannot be stored or searched; leave it out"
    )


def _check_values(_conn: Any, _clause: Any, multiparams: Any, params: Any, _options: Any) -> None:
    # The values as given (a JSON value still a dict), before they are serialized: raised here, the
    # error reaches the caller as itself, not wrapped in a StatementError.
    found = _nul_text(multiparams) or _nul_text(params)
    if found is not None:
        raise _refuse(found)


def _check_parameters(
    _conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _many: bool
) -> None:
    # Every statement's parameters as sent, literals in a query's WHERE included.
    found = _nul_text(parameters)
    if found is not None:
        raise _refuse(found)


def refuse_nul(engine: Engine) -> Engine:
    """Make ``engine`` refuse statements whose values hold a NUL (see the module docstring)."""
    event.listen(engine, "before_execute", _check_values)
    event.listen(engine, "before_cursor_execute", _check_parameters)
    return engine
