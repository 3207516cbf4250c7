"""``minutes series`` (recurring meetings) and ``minutes ledger`` (what was promised, and whether
it happened)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from minutes.cli.actor import acting_as, user_option
from minutes.cli.errors import errors
from minutes.cli.params import ID, plain_text
from minutes.cli.render import table
from minutes.cli.store import sessions
from minutes.controls import one_line


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def today_here() -> date:
    """The day statuses are worked out for: this machine's date (tests replace it)."""
    return date.today()


@click.group()
def series() -> None:
    """Recurring meetings: the weekly sync, the project review.

    A meeting belongs to at most one series; its commitments, decisions and open questions are
    linked to the earlier meetings' (`minutes ledger`). `--series NAME` on process, batch and
    import puts a new meeting in one.
    """


@series.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@user_option
def list_cmd(as_json: bool, username: str | None) -> None:
    """Every series, newest meeting first."""
    from minutes import db as store
    from minutes.accounts import series as reads

    with errors(), store.session_scope(sessions()) as s:
        rows = reads.list_series(s, acting_as(s, username).principal)
        if as_json:
            data = [
                {
                    "id": r.id,
                    "name": r.name,
                    "meetings": r.meetings,
                    "last": r.last.date().isoformat() if r.last else None,
                }
                for r in rows
            ]
            click.echo(_json(data))
        elif not rows:
            click.echo("no series yet; `minutes series set MEETING NAME` starts one")
        else:
            click.echo(
                table(
                    ("id", "series", "meetings", "last"),
                    [
                        (str(r.id), r.name, str(r.meetings), r.last.date().isoformat() if r.last else "")
                        for r in rows
                    ],
                )
            )


@series.command("set")
@click.argument("meeting_id", type=ID)
@click.argument("name", callback=plain_text("series name"))
def set_cmd(meeting_id: int, name: str) -> None:
    """Put MEETING in the series NAME (started when there is none yet); its ledger is linked."""
    from minutes import db as store
    from minutes.accounts import series as edits
    from minutes.cli.actor import cli_actor

    with errors(), store.session_scope(sessions()) as s:
        row = edits.set_series(s, cli_actor(), meeting_id, name)
        assert row is not None
        click.echo(f"meeting {meeting_id} is in series {one_line(row.name)!r} (id {row.id})")


@series.command("unset")
@click.argument("meeting_id", type=ID)
def unset_cmd(meeting_id: int) -> None:
    """Take MEETING out of its series."""
    from minutes import db as store
    from minutes.accounts import series as edits
    from minutes.cli.actor import cli_actor

    with errors(), store.session_scope(sessions()) as s:
        edits.set_series(s, cli_actor(), meeting_id, None)
        click.echo(f"meeting {meeting_id} is in no series")


@series.command("delete")
@click.argument("name")
def delete_cmd(name: str) -> None:
    """Delete the series NAME and its links; its meetings stay (in no series)."""
    from minutes import db as store
    from minutes.accounts import series as edits
    from minutes.cli.actor import cli_actor

    with errors(), store.session_scope(sessions()) as s:
        gone = edits.delete(s, cli_actor(), name)
        click.echo(f"deleted series {one_line(gone)!r}; its meetings are in no series now")


@series.command("suggest")
@click.argument("meeting_id", type=ID)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def suggest_cmd(meeting_id: int, as_json: bool) -> None:
    """Series MEETING probably belongs to (same title, or same team and people)."""
    from minutes import db as store
    from minutes.accounts import series as reads

    with errors(), store.session_scope(sessions()) as s:
        found = reads.suggest(s, None, meeting_id)
        if as_json:
            click.echo(_json([{"series_id": f.series_id, "name": f.name, "reason": f.reason} for f in found]))
        elif not found:
            click.echo(f"no series looks like meeting {meeting_id}'s")
        else:
            for f in found:
                click.echo(f"{one_line(f.name)} (id {f.series_id}): {one_line(f.reason)}")
            click.echo(f"confirm with: minutes series set {meeting_id} {found[0].series_id}")


@series.command("show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@user_option
def show_cmd(name: str, as_json: bool, username: str | None) -> None:
    """A series' meetings in order, then what its last meeting changed."""
    from minutes import db as store
    from minutes.accounts import series as reads
    from minutes.ledger.render import series_dict

    with errors(), store.session_scope(sessions()) as s:
        view, since = reads.series_view(s, acting_as(s, username).principal, name, today=today_here())
        if as_json:
            meetings = [(m.id, m.title, m.date) for m in view.meetings]
            click.echo(_json(series_dict(view.id, view.name, meetings, view.ledger, view.lines, since)))
            return
        click.echo(f"{one_line(view.name)} (series {view.id}): {len(view.meetings)} meetings")
        for m in view.meetings:
            click.echo(f"  {m.date.isoformat() if m.date else '':10}  #{m.id}  {one_line(m.title)}")
        if since is not None:
            from minutes.ledger.render import since_markdown

            text = since_markdown(since)
            click.echo("\n" + (text or "Since last time: nothing changed.\n"), nl=False)


@click.group(invoke_without_command=True)
@click.option("--series", "series_name", help="Only this series (name or id).")
@click.option("--owner", help="Only this person's commitments (their name).")
@click.option(
    "--status",
    type=click.Choice(["open", "done", "slipped", "overdue", "dropped"]),
    help="Only commitments in this state.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of commitments with their history.")
@user_option
@click.pass_context
def ledger(
    ctx: click.Context,
    series_name: str | None,
    owner: str | None,
    status: str | None,
    as_json: bool,
    username: str | None,
) -> None:
    """What was promised in each series, and whether it happened.

    Each commitment: owner, what, status (open, done, slipped: re-dated later than first promised,
    overdue, dropped), due date, and its history (promised, restated, redated, done, dropped), each
    step at a meeting's line. Links the linker was unsure of are listed as suggestions with an id:
    `minutes ledger confirm ID` or `minutes ledger reject ID`.
    """
    if ctx.invoked_subcommand is not None:
        return
    from minutes import db as store
    from minutes.accounts import series as reads
    from minutes.ledger.render import ledger_dicts

    with errors(), store.session_scope(sessions()) as s:
        principal = acting_as(s, username).principal
        rows, lines = reads.ledger(
            s, principal, today=today_here(), series_name=series_name, owner=owner, status=status
        )
        if as_json:
            click.echo(_json(ledger_dicts(rows, lines)))
            return
        if not rows:
            click.echo(
                "no commitments" + (" match" if owner or status or series_name else " in any series yet")
            )
            return
        body = []
        for r in rows:
            c = r.commitment
            first = c.history[0]
            last = c.history[-1]
            steps = f"{len(c.history) - 1} since" + (
                f", {len(c.suggestions)} to confirm" if c.suggestions else ""
            )
            body.append(
                (
                    c.status,
                    c.owner or "",
                    c.text,
                    c.due.isoformat() if c.due else "",
                    str(c.slips),
                    r.series,
                    f"#{first.meeting_id}:{first.lines[0] if first.lines else ''}",
                    f"#{last.meeting_id} ({steps})",
                )
            )
        click.echo(
            table(("status", "owner", "commitment", "due", "slips", "series", "promised", "last"), body)
        )


@ledger.command("confirm")
@click.argument("link_id", type=ID)
def confirm_cmd(link_id: int) -> None:
    """Confirm a suggested link (kept across re-linking)."""
    _decide(link_id, accept=True)


@ledger.command("reject")
@click.argument("link_id", type=ID)
def reject_cmd(link_id: int) -> None:
    """Reject a link: it is undone and never proposed again."""
    _decide(link_id, accept=False)


def _decide(link_id: int, *, accept: bool) -> None:
    from minutes import db as store
    from minutes.accounts import series as edits
    from minutes.cli.actor import cli_actor

    with errors(), store.session_scope(sessions()) as s:
        edits.decide_link(s, cli_actor(), link_id, accept=accept)
        click.echo(f"link {link_id} {'confirmed' if accept else 'rejected'}")


COMMANDS: tuple[click.Command, ...] = (series, ledger)
