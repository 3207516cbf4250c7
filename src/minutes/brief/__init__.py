"""The weekly brief: for someone who missed the week, what happened in the meetings they may see.

Pure: :mod:`~minutes.brief.model` builds a :class:`Brief` from rows the store loaded
(:mod:`minutes.db.brief_rows`, through :func:`minutes.accounts.reads.brief`), and
:mod:`~minutes.brief.render` writes it as Markdown, JSON or HTML. No model is called.
"""

from __future__ import annotations

from minutes.brief.model import (
    OVERDUE_SHOWN,
    SOON_DAYS,
    Brief,
    Entry,
    FollowUp,
    ItemFacts,
    MeetingFacts,
    MeetingLine,
    Moment,
    OwnerGroup,
    SpeakerFacts,
    build_brief,
    gist,
    parse_since,
    series_followups,
)
from minutes.brief.render import FORMATS, empty_message, render, to_dict, to_html, to_json, to_markdown

__all__ = [
    "FORMATS",
    "OVERDUE_SHOWN",
    "SOON_DAYS",
    "Brief",
    "Entry",
    "FollowUp",
    "ItemFacts",
    "MeetingFacts",
    "MeetingLine",
    "Moment",
    "OwnerGroup",
    "SpeakerFacts",
    "build_brief",
    "empty_message",
    "gist",
    "parse_since",
    "render",
    "series_followups",
    "to_dict",
    "to_html",
    "to_json",
    "to_markdown",
]
