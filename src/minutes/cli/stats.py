"""``minutes stats``: speaking analytics of one meeting, of every named person, or of one person."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date
from typing import Any

import click

from minutes.cli.actor import acting_as, user_option
from minutes.cli.errors import errors
from minutes.cli.params import ID
from minutes.cli.render import clock, table
from minutes.cli.store import sessions
from minutes.controls import one_line


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=lambda v: v.isoformat())


@click.command()
@click.argument("meeting_id", type=ID, required=False)
@click.option("--person", help="One person: their meetings, share of voice, commitments, week by week.")
@click.option("--since", help="Only meetings from then: 30d, 12w (up to today) or a day (YYYY-MM-DD).")
@click.option("--team", help="Only this team's meetings (name or id).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@user_option
def stats(
    meeting_id: int | None,
    person: str | None,
    since: str | None,
    team: str | None,
    as_json: bool,
    username: str | None,
) -> None:
    """Who spoke, how much and how.

    With MEETING: each speaker's talk time and share, turns, interruptions, words per minute,
    longest monologue and questions. Without: every named person across the meetings (meetings,
    hours, share of voice, action items taken and done). With --team: the team's people, and its
    meetings week by week (--json: {"people", "weeks"}). With --person: one person in detail.
    """
    from minutes import db as store
    from minutes.accounts import stats as reads
    from minutes.brief import parse_since

    if meeting_id is not None and (person or since or team):
        raise click.UsageError("give a MEETING or --person/--since/--team, not both")
    with errors(), store.session_scope(sessions()) as s:
        principal = acting_as(s, username).principal
        start = parse_since(since, today=date.today()) if since else None
        if meeting_id is not None:
            rows = reads.meeting(s, principal, meeting_id)
            click.echo(_json([asdict(r) for r in rows]) if as_json else _meeting_table(rows))
        elif person:
            found = reads.person(s, principal, person, since=start)
            click.echo(_json(asdict(found)) if as_json else _person_text(found))
        elif team:
            people = reads.people(s, principal, since=start, team=team)
            weeks = reads.team(s, principal, team, since=start)
            if as_json:
                data = {"people": [asdict(p) for p in people], "weeks": [asdict(w) for w in weeks]}
                click.echo(_json(data))
            else:
                click.echo(_people_table(people) + "\n\n" + _weeks_table(weeks))
        else:
            people = reads.people(s, principal, since=start)
            click.echo(_json([asdict(p) for p in people]) if as_json else _people_table(people))


def _meeting_table(rows: Any) -> str:
    if not rows:
        return "no speakers yet (the meeting has no transcript)"
    return table(
        ("speaker", "talk", "share", "turns", "interrupts", "words/min", "longest", "questions"),
        [
            (
                one_line(r.name),
                clock(r.talk_time),
                f"{r.share:.0%}",
                str(r.turns),
                str(r.interruptions),
                f"{r.words_per_minute:.0f}",
                clock(r.longest_monologue),
                str(r.questions),
            )
            for r in rows
        ],
    )


def _people_table(rows: Any) -> str:
    if not rows:
        return "no named speakers yet: `minutes rename MEETING LABEL NAME` names one"
    return table(
        ("person", "meetings", "hours", "share of voice", "actions", "done"),
        [
            (
                one_line(p.name),
                str(p.meetings),
                f"{p.hours:.1f}",
                f"{p.share:.0%}",
                str(p.actions),
                str(p.done),
            )
            for p in rows
        ],
    )


def _weeks_table(weeks: Any) -> str:
    if not weeks:
        return "no meetings of the team in that time"
    return table(
        ("week of", "meetings", "hours", "actions", "done"),
        [
            (w.start.isoformat(), str(w.meetings), f"{w.hours:.1f}", str(w.actions), str(w.done))
            for w in weeks
        ],
    )


def _person_text(found: Any) -> str:
    f = found.figures
    lines = [
        f"{one_line(f.name)}: {f.meetings} meeting(s), {f.hours:.1f} h, {f.share:.0%} of the talk,"
        f" {f.actions} action item(s), {f.done} done",
        "",
        table(
            ("week of", "meetings", "hours", "share"),
            [(w.start.isoformat(), str(w.meetings), f"{w.hours:.1f}", f"{w.share:.0%}") for w in found.weeks],
        ),
        "",
        table(
            ("meeting", "date", "talk", "share"),
            [
                (
                    f"{a.meeting_id} {one_line(a.title)}",
                    a.when.date().isoformat(),
                    clock(a.talk_time),
                    f"{a.share:.0%}",
                )
                for a in found.attended
            ],
        ),
    ]
    if found.commitments:
        lines += ["", "commitments:"]
        lines += [
            f"  [{'x' if c.done else ' '}] {one_line(c.text)}"
            f"{f' (due {c.due.isoformat()})' if c.due else ''}"
            f" (meeting {c.meeting_id}, item {c.position + 1})"
            for c in found.commitments
        ]
    return "\n".join(lines)


COMMANDS: tuple[click.Command, ...] = (stats,)
