"""``minutes people``: remembered voices. ``list``, ``show``, ``export``, ``merge``, ``forget``, and
``confirm``/``reject`` for the names a voice suggests. Voices are remembered with
``minutes rename MEETING LABEL NAME --remember-voice``."""

from __future__ import annotations

import json

import click

from minutes.cli import actor
from minutes.cli.errors import errors
from minutes.cli.params import ID
from minutes.cli.render import table
from minutes.cli.store import sessions
from minutes.controls import one_line


@click.group()
def people() -> None:
    """People whose voices are remembered (with consent), and names suggested for speakers."""


@people.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def people_list(as_json: bool) -> None:
    """Everyone with a remembered voice: enrolments, speakers named from the voice, open suggestions."""
    from minutes import db as store
    from minutes.accounts import people as accounts

    with errors(), store.session_scope(sessions()) as s:
        rows = accounts.list_people(s, actor.cli_actor())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no remembered voices yet: `minutes rename MEETING LABEL NAME --remember-voice` adds one")
        return
    click.echo(
        table(
            ("name", "enrolments", "named by voice", "suggested"),
            [(one_line(r["name"]), str(r["enrolments"]), str(r["named"]), str(r["suggested"])) for r in rows],
        )
    )


@people.command("show")
@click.argument("name")
def people_show(name: str) -> None:
    """Where a person's voice was remembered from, by whom and when, and where it matched."""
    from minutes import db as store
    from minutes.accounts import people as accounts

    with errors(), store.session_scope(sessions()) as s:
        data = accounts.held(s, actor.cli_actor(), name, username=actor.cli_username())
    click.echo(one_line(data["name"]))
    for e in data["enrolments"]:
        click.echo(
            f"  enrolled from meeting {e['meeting_id']} ({one_line(e['meeting'])}) {e['label']}"
            f" by {one_line(e['enrolled_by'])} at {e['at']}"
        )
    for m in data["matches"]:
        click.echo(
            f"  {m['status']}: meeting {m['meeting_id']} ({one_line(m['meeting'])})"
            f" {m['label']}, {m['score']:.2f}"
        )


@people.command("export")
@click.argument("name")
def people_export(name: str) -> None:
    """Everything held about a person's voice, as JSON (enrolments with their embeddings, matches)."""
    from minutes import db as store
    from minutes.accounts import people as accounts

    with errors(), store.session_scope(sessions()) as s:
        data = accounts.held(s, actor.cli_actor(), name, username=actor.cli_username())
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@people.command("merge")
@click.argument("keep")
@click.argument("other")
def people_merge(keep: str, other: str) -> None:
    """Fold OTHER into KEEP (one person remembered under two names)."""
    from minutes import db as store
    from minutes.accounts import people as accounts

    with errors(), store.session_scope(sessions()) as s:
        moved = accounts.merge(s, actor.cli_actor(), keep, other, username=actor.cli_username())
    click.echo(f"merged {other} into {keep}: {moved} enrolment(s) moved")


@people.command("forget")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def people_forget(name: str, yes: bool) -> None:
    """Forget a person's voice: the voiceprint, every name and suggestion from it, their enrolments,
    and the speaker embeddings it was made from; names given by hand stay. Audited."""
    from minutes import db as store
    from minutes.accounts import people as accounts

    if not yes:
        click.confirm(f"forget everything about {name}'s voice?", abort=True)
    with errors(), store.session_scope(sessions()) as s:
        gone = accounts.forget(s, actor.cli_actor(), name, username=actor.cli_username())
    click.echo(
        f"forgot {one_line(gone.name)}: {gone.enrolments} enrolment(s), {gone.names} name(s) from the voice,"
        f" {gone.suggestions} suggestion(s) or rejection(s), {gone.embeddings} speaker embedding(s)"
    )


def _decide(meeting_id: int, label: str, *, accept: bool) -> None:
    from minutes import db as store
    from minutes.accounts import people as accounts

    with errors(), store.session_scope(sessions()) as s:
        name = accounts.decide(
            s, actor.cli_actor(), meeting_id, label, accept=accept, username=actor.cli_username()
        )
    verb = f"is now {one_line(name)}" if accept else f"is not {one_line(name)} (remembered)"
    click.echo(f"meeting {meeting_id}: {label} {verb}")


@people.command("confirm")
@click.argument("meeting_id", type=ID)
@click.argument("label")
def people_confirm(meeting_id: int, label: str) -> None:
    """Accept the name suggested for a speaker, from a remembered voice or from the conversation
    ("Thanks, Alice."); it becomes a name given by hand."""
    _decide(meeting_id, label, accept=True)


@people.command("reject")
@click.argument("meeting_id", type=ID)
@click.argument("label")
def people_reject(meeting_id: int, label: str) -> None:
    """Refuse the name suggested for a speaker (or given by a voice); never offered again for them."""
    _decide(meeting_id, label, accept=False)


COMMANDS: tuple[click.Command, ...] = (people,)
