"""Control characters: refused in what people type, shown (never obeyed) where stored text is printed.

A terminal obeys escape sequences in what it prints: ``ESC ] 0 ; … BEL`` retitles the window,
``ESC [ 2 J`` clears it, ``ESC ] 8 ; ; URL …`` plants a link, ``U+009B`` is the one-byte CSI, and
the bidi overrides (``U+202E``) reorder what follows. Names, titles and lines come from people on
the web, so the library refuses these characters where it stores such text
(:func:`refuse_controls`, raising :class:`~minutes.errors.InvalidValue`), and whatever prints
stored text to a terminal or a text file shows them as ``\\u001b`` (:func:`visible`): text stored
before the refusal, a sign-in name in the audit log, a file name, can then do no more than look odd.

``\\uXXXX`` is also JSON's own escape, and controls can only sit inside JSON strings, so making a
JSON document visible leaves it the same document.
"""

from __future__ import annotations

import re
from functools import cache

from minutes.errors import InvalidValue

CONTROLS = (
    "\x00-\x1f\x7f"  # C0 (ESC, BEL, CR, NUL ...) and DEL
    "\x80-\x9f"  # C1 (U+009B is CSI on its own, U+009D OSC)
    "\u2028\u2029"  # line and paragraph separators
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2066-\u2069"  # bidi isolates
)
"""The characters, as a regular-expression class body, that never reach a terminal as themselves."""

LAYOUT = "\n\t"
"""What :func:`visible` keeps by default: the line breaks and tabs of a layout."""

WHITESPACE = "\t\n\r"
"""Controls a corrected line may hold: whitespace, which the line's normalisation turns into spaces."""

_SHOWN_CHARS = 80


@cache
def _pattern(keep: str) -> re.Pattern[str]:
    kept = "".join(re.escape(c) for c in keep)
    return re.compile(f"(?![{kept}])[{CONTROLS}]" if kept else f"[{CONTROLS}]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str, *, keep: str = LAYOUT) -> str:
    """``text`` with every control character but those in ``keep`` written as ``\\uXXXX``.

    Printable text (any script, emoji) is unchanged; the result holds no control character
    outside ``keep``, and applying it again changes nothing.
    """
    pattern = _pattern(keep)
    return pattern.sub(_escape, text) if pattern.search(text) else text


def one_line(text: str) -> str:
    """``text`` as one field of one line: newlines and tabs are shown too (a name cannot forge a line)."""
    return visible(text, keep="")


def control_note(value: str, what: str, *, allow: str = "") -> str | None:
    """``None`` when ``value`` holds no control character (but those in ``allow``), else a phrase
    naming ``what``, the value (shortened, made visible) and the first one: "the name 'a\\u001b'
    holds a control character (U+001B, at character 2)"."""
    found = _pattern(allow).search(value)
    if found is None:
        return None
    shown = one_line(value if len(value) <= _SHOWN_CHARS else value[:_SHOWN_CHARS] + "…")
    return (
        f"{what} '{shown}' holds a control character (U+{ord(found.group()):04X}, at character "
        f"{found.start() + 1})"
    )


def refuse_controls(value: str, what: str, *, allow: str = "") -> str:
    """``value`` unchanged, or :class:`~minutes.errors.InvalidValue` naming ``what`` and the first
    control character in it (other than those in ``allow``, e.g. :data:`WHITESPACE`)."""
    note = control_note(value, what, allow=allow)
    if note is None:
        return value
    raise InvalidValue(f"{note}; type it as plain text, without escape sequences or NUL bytes")
