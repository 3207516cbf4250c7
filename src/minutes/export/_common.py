"""Small text helpers shared by the export formats: clocks, slugs, whitespace."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable

from minutes.types import MeetingDoc, MinuteItem, Utterance

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['’`]")
_BLANK_LINE = re.compile(r"\n\s*\n")
SLUG_MAX_CHARS = 60


def squash(text: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space and trim."""
    return " ".join(text.split())


def _millis(seconds: float) -> int:
    if not math.isfinite(seconds):
        return 0
    return max(0, round(seconds * 1000))


def clock_ms(seconds: float, sep: str) -> str:
    """``HH:MM:SS<sep>mmm``; hours keep growing past 99 rather than wrapping."""
    hours, rest = divmod(_millis(seconds), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def clock(seconds: float, *, nearest: bool = False) -> str:
    """``HH:MM:SS``; truncated (a timestamp points at the second speech starts) unless ``nearest``."""
    millis = _millis(seconds)
    total = (millis + 500) // 1000 if nearest else millis // 1000
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def slugify(text: str, *, max_chars: int = SLUG_MAX_CHARS) -> str:
    """Lower-case ASCII ``a-z0-9`` words joined by ``-``; accents are folded, everything else dropped.

    Returns ``""`` when nothing usable is left (e.g. a title in a non-Latin script).
    """
    # Apostrophes go first so "Zoë's plan" gives "zoes-plan", not "zoe-s-plan".
    bare = _APOSTROPHES.sub("", text)
    folded = unicodedata.normalize("NFKD", bare).encode("ascii", "ignore").decode("ascii")
    slug = _NON_SLUG.sub("-", folded.lower()).strip("-")
    return slug[:max_chars].rstrip("-")


def file_stem(doc: MeetingDoc) -> str:
    """``meeting-<id>-<title slug>``, or ``meeting-<id>`` when the title gives no slug."""
    slug = slugify(doc.title)
    return f"meeting-{doc.id}-{slug}" if slug else f"meeting-{doc.id}"


def display_title(doc: MeetingDoc) -> str:
    return squash(doc.title) or f"Meeting {doc.id}"


def meeting_date(doc: MeetingDoc) -> str:
    return doc.meeting_date or doc.created_at


def source_lines(doc: MeetingDoc) -> list[str]:
    """``Source: imported <format> transcript (<file>), no recording`` for an imported meeting; ``[]``
    for a recorded one."""
    fmt = doc.audio.imported
    if fmt is None:
        return []
    return [f"Source: imported {fmt} transcript ({squash(doc.audio.path)}), no recording"]


def in_time_order(doc: MeetingDoc) -> list[Utterance]:
    return sorted(doc.utterances, key=lambda u: (u.start, u.index))


def paragraphs(text: str) -> list[str]:
    """The blank-line separated paragraphs of ``text``, each squashed onto one line."""
    return [squash(p) for p in _BLANK_LINE.split(text) if p.strip()]


def due_note(item: MinuteItem, escape: Callable[[str], str] = squash) -> str:
    """`` (due 2026-11-27, "by Friday")``, `` (due 2026-11-27)``, `` (due "soon")`` or ``""``."""
    parts = [f"due {item.due}"] if item.due else []
    if item.due_text and squash(item.due_text):
        quoted = f'"{escape(item.due_text)}"'
        parts.append(quoted if parts else f"due {quoted}")
    return f" ({', '.join(parts)})" if parts else ""
