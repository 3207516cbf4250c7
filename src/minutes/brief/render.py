"""The brief as Markdown, JSON or HTML: one renderer per format, each a pure function of a :class:`Brief`.

Links are the meeting page at the cited line (``/meetings/7?t=12.5#u-3``, as search results link);
``base_url`` (e.g. ``https://minutes.example.org``) makes them absolute for a file read elsewhere.
Markdown and JSON also name the moment in words: meeting id, utterance index, start time.
"""

from __future__ import annotations

import json
from datetime import date
from html import escape
from typing import Any

from minutes.brief.model import Brief, Entry, FollowUp, MeetingLine, Moment
from minutes.controls import visible
from minutes.errors import ConfigError
from minutes.export import clock, md_escape

FORMATS = ("md", "html", "json")
SCHEMA = "minutes.brief/1"


def empty_message(brief: Brief) -> str:
    """What an empty brief says instead of empty sections."""
    return (
        f"No meetings you can see between {brief.since.isoformat()} and {brief.until.isoformat()}"
        f"{_scope_words(brief)}, and no open action items overdue or due soon."
    )


def _scope_words(brief: Brief) -> str:
    parts = []
    if brief.team:
        parts.append(f"in team {brief.team}")
    if brief.person:
        parts.append(f"with {brief.person}")
    return (" " + " ".join(parts)) if parts else ""


def title(brief: Brief) -> str:
    return f"Brief: {brief.since.isoformat()} to {brief.until.isoformat()}{_scope_words(brief)}"


def _day(value: date) -> str:
    return value.isoformat()


# JSON --------------------------------------------------------------------------------------------


def _moment_json(moment: Moment, base_url: str) -> dict[str, Any]:
    return {"utterance": moment.utterance, "start": moment.start, "link": base_url + moment.link}


def _entry_json(e: Entry, base_url: str) -> dict[str, Any]:
    return {
        "kind": e.kind,
        "text": e.text,
        "meeting_id": e.meeting_id,
        "meeting_title": e.meeting_title,
        "meeting_date": e.meeting_date.isoformat(),
        "position": e.position,
        **_moment_json(e.moment, base_url),
        "speaker": e.speaker,
        "owner": e.owner,
        "due": e.due.isoformat() if e.due else None,
        "due_text": e.due_text,
        "done": e.done,
        "supported": e.supported,
    }


def _meeting_json(m: MeetingLine, base_url: str) -> dict[str, Any]:
    return {
        "id": m.id,
        "title": m.title,
        "date": m.date.isoformat(),
        "status": m.status,
        "team": m.team,
        "people": list(m.people),
        "more_people": m.more_people,
        "gist": m.gist,
        "link": base_url + m.moment.link,
    }


def to_dict(brief: Brief, *, base_url: str = "") -> dict[str, Any]:
    """The brief as plain JSON data (the shape docs/brief.md describes)."""
    return {
        "schema": SCHEMA,
        "since": _day(brief.since),
        "until": _day(brief.until),
        "today": _day(brief.today),
        "team": brief.team,
        "person": brief.person,
        "empty": brief.empty,
        "meetings": [_meeting_json(m, base_url) for m in brief.meetings],
        "decisions": [_entry_json(e, base_url) for e in brief.decisions],
        "actions": [
            {"owner": g.owner, "items": [_entry_json(e, base_url) for e in g.items]} for g in brief.actions
        ],
        "overdue": [_entry_json(e, base_url) for e in brief.overdue],
        "overdue_total": brief.overdue_total,
        "due_soon": [_entry_json(e, base_url) for e in brief.due_soon],
        "questions": [_entry_json(e, base_url) for e in brief.questions],
        "followups": [_followup_json(f, base_url) for f in brief.followups],
    }


def _followup_json(f: FollowUp, base_url: str) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "series": f.series,
        "text": f.text,
        "owner": f.owner,
        "due": f.due.isoformat() if f.due else None,
        "slips": f.slips,
        "after": f.after,
        "meeting_id": f.moment.meeting_id,
        "meeting_title": f.meeting_title,
        "date": f.meeting_date.isoformat() if f.meeting_date else None,
        "utterance": f.moment.utterance,
        "start": f.moment.start,
        "link": base_url + f.moment.link,
    }


_FOLLOWUP_WORDS = {"done": "done", "slipped": "slipped", "dropped": "dropped", "changed": "changed"}


def _followup_text(f: FollowUp) -> str:
    if f.kind == "changed":
        return f"decision changed: {f.after or ''} (was: {f.text})"
    who = f"{f.owner or 'no owner'}: "
    if f.kind == "slipped":
        return f"{who}{f.text} slipped to {f.due.isoformat() if f.due else '?'} ({f.slips}× so far)"
    return f"{who}{f.text} {_FOLLOWUP_WORDS[f.kind]}"


def _followup_md(f: FollowUp, base_url: str) -> str:
    day = f.meeting_date.isoformat() if f.meeting_date else ""
    return (
        f"- {md_escape(_followup_text(f))} — {md_escape(f.series)}, {md_escape(f.meeting_title)} ({day}) "
        f"[meeting {f.moment.meeting_id}]({base_url}{f.moment.link})"
    )


def _followup_html(f: FollowUp) -> str:
    day = f.meeting_date.isoformat() if f.meeting_date else ""
    return (
        f'<li class="followup {escape(f.kind)}">{escape(_followup_text(f))} — '
        f'<a class="moment" href="{escape(f.moment.link)}">{escape(f.meeting_title)}</a>'
        f'<span class="meta"> {escape(f.series)} · {day}</span></li>'
    )


def to_json(brief: Brief, *, base_url: str = "") -> str:
    return json.dumps(to_dict(brief, base_url=base_url), ensure_ascii=False, indent=2) + "\n"


# Markdown ----------------------------------------------------------------------------------------


def _where_md(e: Entry, base_url: str) -> str:
    m = e.moment
    if m.utterance is None or m.start is None:
        words = f"meeting {m.meeting_id}"
    else:
        words = f"meeting {m.meeting_id}, line {m.utterance}, {clock(m.start)}"
    said = f", {md_escape(e.speaker)}" if e.speaker else ""
    return f"{md_escape(e.meeting_title)} ({_day(e.meeting_date.date())}{said}) [{words}]({base_url}{m.link})"


def _flag(e: Entry) -> str:
    return "" if e.supported else "⚠ unsupported: "


def _due_md(e: Entry) -> str:
    if e.due is None:
        return f' (due "{md_escape(e.due_text)}")' if e.due_text else ""
    return f" (due {e.due.isoformat()})"


def _entry_md(e: Entry, base_url: str, *, owner: bool = False) -> str:
    box = ("[x] " if e.done else "[ ] ") if e.kind == "action" else ""
    who = f"{md_escape(e.owner or 'no owner')}: " if owner else ""
    due = _due_md(e) if e.kind == "action" else ""
    return f"- {box}{_flag(e)}{who}{md_escape(e.text)}{due} — {_where_md(e, base_url)}"


def _meeting_md(m: MeetingLine, base_url: str) -> str:
    people = ", ".join(m.people) + (f" +{m.more_people}" if m.more_people else "")
    team = f" · {md_escape(m.team)}" if m.team else ""
    return (
        f"- {_day(m.date.date())} · [{md_escape(m.title)}]({base_url}{m.moment.link}) (meeting {m.id}){team}"
        f" · {md_escape(people) or 'no speakers'} — {md_escape(m.gist)}"
    )


def to_markdown(brief: Brief, *, base_url: str = "") -> str:
    out = [f"# {md_escape(title(brief))}", ""]
    if brief.empty:
        return "\n".join([*out, md_escape(empty_message(brief)), ""])
    sections: list[tuple[str, list[str]]] = [
        (f"Meetings ({len(brief.meetings)})", [_meeting_md(m, base_url) for m in brief.meetings]),
        ("Decisions", [_entry_md(e, base_url) for e in brief.decisions]),
    ]
    actions: list[str] = []
    for group in brief.actions:
        actions += ["", f"### {md_escape(group.owner)}", ""] + [_entry_md(e, base_url) for e in group.items]
    sections.append(("New action items by owner", actions[1:]))
    more = brief.overdue_total - len(brief.overdue)
    overdue = [_entry_md(e, base_url, owner=True) for e in brief.overdue]
    if more > 0:
        overdue.append(f"- … and {more} more overdue (`minutes actions --status overdue` lists them)")
    sections.append((f"Overdue ({brief.overdue_total})", overdue))
    sections.append(("Due soon", [_entry_md(e, base_url, owner=True) for e in brief.due_soon]))
    sections.append(("Open questions", [_entry_md(e, base_url) for e in brief.questions]))
    if brief.followups:
        sections.append(("Follow-ups in series", [_followup_md(f, base_url) for f in brief.followups]))
    for heading, lines in sections:
        out += [f"## {heading}", "", *(lines or ["None."]), ""]
    return "\n".join(out)


# HTML --------------------------------------------------------------------------------------------


def _where_html(e: Entry) -> str:
    m = e.moment
    at = f" · {clock(m.start)}" if m.start is not None and m.utterance is not None else ""
    said = f" · {escape(e.speaker)}" if e.speaker else ""
    return (
        f' <a class="moment" href="{escape(m.link)}" data-testid="brief-link">{escape(e.meeting_title)}</a>'
        f'<span class="meta"> {_day(e.meeting_date.date())}{at}{said}</span>'
    )


def _entry_html(e: Entry, *, owner: bool = False) -> str:
    flag = (
        ""
        if e.supported
        else '<span class="flag" title="The cited words do not carry this item">⚠ unsupported</span> '
    )
    done = ' <span class="meta">(done)</span>' if e.kind == "action" and e.done else ""
    who = f"<strong>{escape(e.owner or 'no owner')}</strong>: " if owner else ""
    due = ""
    if e.kind == "action" and (e.due or e.due_text):
        due = f' <span class="meta">(due {escape(e.due.isoformat() if e.due else repr(e.due_text))})</span>'
    return f'<li class="item {escape(e.kind)}">{flag}{who}{escape(e.text)}{due}{done} —{_where_html(e)}</li>'


def _meeting_html(m: MeetingLine) -> str:
    people = ", ".join(m.people) + (f" +{m.more_people}" if m.more_people else "")
    team = f" · {escape(m.team)}" if m.team else ""
    return (
        f'<li class="meeting"><span class="meta">{_day(m.date.date())}</span> '
        f'<a href="{escape(m.moment.link)}" data-testid="brief-meeting">{escape(m.title)}</a>'
        f'<span class="meta">{team} · {escape(people) or "no speakers"}</span> — {escape(m.gist)}</li>'
    )


def _section(key: str, heading: str, items: list[str]) -> str:
    body = f'<ul class="brief-list">{"".join(items)}</ul>' if items else '<p class="hint">None.</p>'
    return f'<section id="{key}" data-testid="brief-{key}"><h2>{escape(heading)}</h2>{body}</section>'


def to_html(brief: Brief) -> str:
    """The brief's body as an HTML fragment (the web page puts it in its layout)."""
    if brief.empty:
        return f'<p class="empty" data-testid="brief-empty">{escape(empty_message(brief))}</p>'
    groups = "".join(
        f'<h3>{escape(g.owner)}</h3><ul class="brief-list">{"".join(_entry_html(e) for e in g.items)}</ul>'
        for g in brief.actions
    )
    none = '<p class="hint">None.</p>'
    more = brief.overdue_total - len(brief.overdue)
    overdue = [_entry_html(e, owner=True) for e in brief.overdue]
    if more > 0:
        overdue.append(f'<li><a href="/actions?status=overdue">… and {more} more overdue</a></li>')
    return "\n".join(
        [
            _section(
                "meetings", f"Meetings ({len(brief.meetings)})", [_meeting_html(m) for m in brief.meetings]
            ),
            _section("decisions", "Decisions", [_entry_html(e) for e in brief.decisions]),
            f'<section id="actions" data-testid="brief-actions"><h2>New action items by owner</h2>'
            f"{groups or none}</section>",
            _section("overdue", f"Overdue ({brief.overdue_total})", overdue),
            _section("due-soon", "Due soon", [_entry_html(e, owner=True) for e in brief.due_soon]),
            _section("questions", "Open questions", [_entry_html(e) for e in brief.questions]),
            *(
                [_section("followups", "Follow-ups in series", [_followup_html(f) for f in brief.followups])]
                if brief.followups
                else []
            ),
        ]
    )


def to_html_page(brief: Brief) -> str:
    """A standalone HTML document (the command line's ``--format html``)."""
    head = escape(title(brief))
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{head}</title></head>\n<body><h1>{head}</h1>\n{to_html(brief)}\n</body></html>\n"
    )


def render(brief: Brief, fmt: str, *, base_url: str = "") -> str:
    """The brief in ``fmt`` (``md``, ``html`` or ``json``), control characters made visible."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown brief format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if fmt == "html":
        text = to_html_page(brief)
        if base_url:
            text = text.replace('href="/', f'href="{escape(base_url)}/')
        return visible(text)
    renderer = to_markdown if fmt == "md" else to_json
    return visible(renderer(brief, base_url=base_url))
