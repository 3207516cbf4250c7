"""``minutes brief``: the week (or any stretch) in one page, for someone who missed the meetings."""

from __future__ import annotations

from datetime import date

import click

from minutes.cli.actor import acting_as, user_option
from minutes.cli.errors import errors
from minutes.cli.store import sessions


@click.command()
@click.option("--since", default="7d", show_default=True, help="7d, 2w (up to today) or a day (YYYY-MM-DD).")
@click.option("--team", help="Only this team's meetings (name or id).")
@click.option("--person", help="Only meetings this person spoke in, and the action items they own.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json"]),
    default="md",
    show_default=True,
    help="Markdown, a standalone HTML page, or JSON (docs/brief.md).",
)
@user_option
@click.option("--base-url", default="", help="Make links absolute, e.g. https://minutes.example.org.")
def brief(
    since: str, team: str | None, person: str | None, fmt: str, username: str | None, base_url: str
) -> None:
    """What happened in the meetings: each in one line, the decisions, new action items by owner,
    what is overdue or due soon, and open questions, each linked to the moment it was said.

    Built from the stored minutes (no model runs). Example: minutes brief --since 2w --person priya
    """
    from minutes import db as store
    from minutes.accounts import reads
    from minutes.brief import parse_since, render

    today = today_here()
    with errors(), store.session_scope(sessions()) as s:
        start = parse_since(since, today=today)
        principal = acting_as(s, username).principal
        found = reads.brief(s, principal, since=start, today=today, team=team, person=person)
        text = render(found, fmt, base_url=base_url.rstrip("/"))
    click.echo(text, nl=False)


COMMANDS: tuple[click.Command, ...] = (brief,)


def today_here() -> date:
    """The day the brief ends on: this machine's date (tests replace it)."""
    return date.today()
