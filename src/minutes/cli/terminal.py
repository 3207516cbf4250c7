"""The command line's one way to the terminal: what it prints shows control characters, never obeys them.

Names, titles, lines, sign-in names in the audit log and file names come from people on the web;
an escape sequence in one could retitle an admin's terminal, clear it, hide the lines after it or
plant a link. So :func:`visible_output`, around every command (:class:`~minutes.cli.errors.RootGroup`),
puts a :class:`VisibleStream` in place of ``sys.stdout`` and ``sys.stderr``: ``click.echo``,
``print``, logging and click's own messages all go through :func:`minutes.controls.visible`, which
writes ``ESC`` as ``\\u001b`` (C1 controls, bidi overrides and line separators likewise) and lets
the layout's newlines and tabs through. A command cannot forget it, and a JSON document printed
this way stays the same document.

Rich (search hits, progress bars) writes its own escape codes for colour and cursor, so it gets
the terminal itself from :func:`console`, and the console it returns makes the *text* it renders
visible while its own control codes pass. A ``rich.console.Console`` made any other way writes
through the visible stream: its colours show as ``\\u001b[…``, never the stored text's.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO, cast

from minutes.controls import visible

if TYPE_CHECKING:
    from rich.console import Console


class VisibleStream(io.TextIOBase):
    """A text stream that writes to ``raw`` with control characters made visible (but ``\\n``, ``\\t``).

    It has no ``buffer``, so nothing (click included) can write around it in bytes.
    """

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.raw.write(visible(text))
        return len(text)

    def flush(self) -> None:
        self.raw.flush()

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]  # the raw stream's, which click checks
        return self.raw.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]  # the raw stream's, which click checks
        return self.raw.errors


@contextmanager
def visible_output() -> Iterator[None]:
    """``sys.stdout`` and ``sys.stderr`` as :class:`VisibleStream`\\ s for the duration."""
    saved = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, VisibleStream(saved[0]))
    sys.stderr = cast(TextIO, VisibleStream(saved[1]))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def raw_stream(stream: TextIO) -> TextIO:
    """The terminal under a :class:`VisibleStream` (``stream`` itself if it is not one)."""
    return stream.raw if isinstance(stream, VisibleStream) else stream


def console(*, stderr: bool = False, **options: Any) -> Console:
    """A rich console on the terminal whose rendered text is made visible (see the module docstring)."""
    stream = raw_stream(sys.stderr if stderr else sys.stdout)
    return _visible_console_class()(file=stream, **options)


@cache
def _visible_console_class() -> type[Console]:
    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.segment import Segment

    class VisibleConsole(Console):
        """Rich's console, with every rendered segment's text made visible; its own control
        segments (cursor moves of a live display) and styles are rich's and pass."""

        def render(
            self, renderable: RenderableType, options: ConsoleOptions | None = None
        ) -> Iterable[Segment]:
            for segment in super().render(renderable, options):
                yield segment if segment.control else Segment(visible(segment.text), segment.style)

    return VisibleConsole
