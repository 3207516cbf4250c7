"""Argument types the commands share: ids and counts bounded like the database's columns, plain text.

A meeting id past 2**31-1 (``minutes show 9223372036854775808``) is a usage error naming the
range, as on the web (``web/params.py``), not a traceback from the database driver. A title typed
on the command line is refused if it holds a control character, as one typed on the web is
(:func:`minutes.controls.refuse_controls`).
"""

from __future__ import annotations

from collections.abc import Callable

import click

from minutes.controls import refuse_controls
from minutes.db.tables import MAX_INTEGER
from minutes.errors import InvalidValue

ID = click.IntRange(1, MAX_INTEGER)
"""A meeting's, job's or token's id."""

COUNT = click.IntRange(1, MAX_INTEGER)
"""How many (``--limit``), or an item's number counted from 1."""

OFFSET = click.IntRange(0, MAX_INTEGER)
"""How many to skip."""


def plain_text(what: str) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """An option's callback: its text unchanged, or a usage error naming the control character in it."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        try:
            return None if value is None else refuse_controls(value, what)
        except InvalidValue as exc:
            raise click.BadParameter(str(exc), ctx, param) from None

    return check
