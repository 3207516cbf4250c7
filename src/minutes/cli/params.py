"""Argument types the commands share.

A title typed on the command line is refused if it holds a control character, as one typed on the
web is (:func:`minutes.controls.refuse_controls`).
"""

from __future__ import annotations

from collections.abc import Callable

import click

from minutes.controls import refuse_controls
from minutes.errors import InvalidValue


def plain_text(what: str) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """An option's callback: its text unchanged, or a usage error naming the control character in it."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        try:
            return None if value is None else refuse_controls(value, what)
        except InvalidValue as exc:
            raise click.BadParameter(str(exc), ctx, param) from None

    return check
