"""The two large parts of a meeting page, built as HTML strings rather than by the template.

A two-hour meeting has ~1,500 transcript lines; Jinja's per-value escaping and Markup objects
made rendering them most of the page's time (about 100 ms), plain string building with
:func:`html.escape` takes a few. The markup is the same a template would write: every piece of
user text goes through ``escape``, and numbers are formatted, never interpolated raw.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from minutes.db.meeting_view import MeetingView
from minutes.export import clock


def transcript(view: MeetingView) -> Markup:
    """Speaker turns, each line ``<p class="utt" id="u-N" data-start data-end>`` with its time link."""
    colours = {s.label: (s.colour, s.name) for s in view.speakers}
    parts: list[str] = []
    for turn in view.turns:
        colour, name = colours.get(turn.speaker, (0, turn.speaker))
        parts.append(
            f'<div class="turn"><h3 class="who"><span class="dot spk-{colour}" aria-hidden="true"></span>'
            f"{escape(name)}</h3>"
        )
        for u in turn.lines:
            overlap = ' <span class="ovl" title="Another speaker talks at the same time">(overlap)</span>'
            parts.append(
                f'<p class="utt" id="u-{u.index}" data-start="{u.start:.2f}" data-end="{u.end:.2f}">'
                f'<a class="ts" href="?t={u.start:.1f}#u-{u.index}">{clock(u.start)}</a> '
                f'<span class="txt">{escape(u.text)}</span>{overlap if u.overlap else ""}</p>'
            )
        parts.append("</div>")
    return Markup("\n".join(parts))


def timeline(view: MeetingView, duration: float) -> Markup:
    """One SVG track per speaker: a rect per stretch of speech, and a playhead the player moves."""
    stretches = view.timeline()
    rows: list[str] = []
    for s in view.speakers:
        name = escape(s.name)
        rects = "".join(
            f'<rect class="spk-{s.colour}" x="{seg.start / duration * 1000:.2f}" y="0" '
            f'width="{max((seg.end - seg.start) / duration * 1000, 1.5):.2f}" height="10"></rect>'
            for seg in stretches.get(s.label, [])
        )
        rows.append(
            f'<div class="tl-row"><span class="tl-name">{name}</span>'
            f'<svg class="tl-track" viewBox="0 0 1000 10" preserveAspectRatio="none" role="img" '
            f'aria-label="When {name} spoke" data-speaker="{escape(s.label)}">{rects}'
            '<rect class="playhead" x="0" y="0" width="2" height="10"></rect></svg></div>'
        )
    return Markup("\n".join(rows))
