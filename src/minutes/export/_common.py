"""Small text helpers shared by the export formats: clocks, slugs, whitespace."""

from __future__ import annotations

import math
import re
import unicodedata

from minutes.types import MeetingDoc, Utterance

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_APOSTROPHES = re.compile(r"['’`]")
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


def in_time_order(doc: MeetingDoc) -> list[Utterance]:
    return sorted(doc.utterances, key=lambda u: (u.start, u.index))
