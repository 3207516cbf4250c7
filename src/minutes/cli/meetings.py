"""Reading and editing stored meetings: ``list``, ``show``, ``export``, ``actions``, ``done``,
``rename`` and ``delete``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from minutes.cli import actor
from minutes.cli.errors import errors
from minutes.cli.params import COUNT, ID
from minutes.cli.store import sessions
from minutes.controls import one_line


@click.command("list")
@click.option("--limit", type=COUNT, help="Show at most this many (newest first).")
@click.option(
    "--json", "as_json", is_flag=True, envvar="MINUTES_LIST_JSON", help="JSON array instead of a table."
)
def list_(limit: int | None, as_json: bool) -> None:
    """List stored meetings, newest first."""
    from dataclasses import asdict

    from minutes import db as store
    from minutes.cli.render import meetings_table

    with errors(), store.session_scope(sessions()) as s:
        rows = store.list_meetings(s, limit=limit)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(meetings_table(rows))


@click.command()
@click.argument("meeting_id", type=ID)
def show(meeting_id: int) -> None:
    """Show a meeting: facts, speakers and the speaker-attributed transcript."""
    from minutes import db as store
    from minutes.cli.render import coverage_line, left_edits_text
    from minutes.export import render

    with errors(), store.session_scope(sessions()) as s:
        doc = store.load_meeting(s, meeting_id=meeting_id, words=False)  # txt never reads them
        left = store.left_edits(s, meeting_id=meeting_id)
    if doc.status != "done":
        click.echo(f"status: {doc.status}" + (f" ({doc.error})" if doc.error else ""))
    click.echo(render(doc, "txt"))
    if doc.speech_coverage is not None:
        click.echo(coverage_line(doc.speech_coverage))
    if left:
        click.echo(left_edits_text(left))


@click.command()
@click.argument("meeting_id", type=ID)
@click.option(
    "-f",
    "--format",
    "fmt",
    envvar="MINUTES_EXPORT_FORMAT",
    type=click.Choice(["json", "md", "txt", "srt", "vtt", "rttm"]),
    default="md",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="File or folder to write [default: stdout]."
)
def export(meeting_id: int, fmt: str, output: Path | None) -> None:
    """Export a meeting as JSON, Markdown, plain text, subtitles (SRT/VTT) or RTTM."""
    from minutes import db as store
    from minutes.accounts.series import markdown_sections
    from minutes.export import needs_turns, needs_words, render, write

    with errors():
        with store.session_scope(sessions()) as s:
            doc = store.load_meeting(s, meeting_id=meeting_id, words=needs_words(fmt), turns=needs_turns(fmt))
            sections = markdown_sections(s, None, meeting_id) if fmt == "md" else ()
        if output is None:
            click.echo(render(doc, fmt, sections=sections), nl=False)
        else:
            written = write(doc, fmt, output, sections=sections)
            click.echo(f"wrote {written}", err=True)


@click.command()
@click.option("--owner", help="Only this person's items (speaker name or label).")
@click.option(
    "--status",
    type=click.Choice(["open", "done", "overdue"]),
    help="Only items in this state (an item of a series as its ledger says: closed, dropped, re-dated).",
)
@click.option(
    "--json", "as_json", is_flag=True, envvar="MINUTES_ACTIONS_JSON", help="JSON instead of a table."
)
def actions(owner: str | None, status: str | None, as_json: bool) -> None:
    """Action items across all meetings, by due date."""
    from dataclasses import asdict

    from minutes import db as store
    from minutes.accounts.reads import actions as listed
    from minutes.cli.render import actions_table

    with errors(), store.session_scope(sessions()) as s:
        rows, _ = listed(s, None, owner=owner, status=status)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(actions_table(rows))


@click.command()
@click.argument("meeting_id", type=ID)
@click.argument("item", type=COUNT)
@click.option("--undo", is_flag=True, help="Mark it open again.")
def done(meeting_id: int, item: int, undo: bool) -> None:
    """Tick action item ITEM (as numbered by `minutes actions`) of a meeting as done."""
    from minutes import db as store

    with errors(), store.session_scope(sessions()) as s:
        store.set_item_done(s, meeting_id=meeting_id, position=item - 1, done=not undo)
    click.echo(f"meeting {meeting_id}: item {item} {'reopened' if undo else 'done'}")


@click.command()
@click.argument("meeting_id", type=ID)
@click.argument("label")
@click.argument("name")
@click.option(
    "--remember-voice",
    is_flag=True,
    help="With their consent: remember this person's voice, to name them in later meetings.",
)
def rename(meeting_id: int, label: str, name: str, remember_voice: bool) -> None:
    """Give a speaker label (SPEAKER_01) a person's name in one meeting.

    With --remember-voice (only with the person's consent: a voiceprint is biometric data) their
    voice is remembered too: later meetings name them when the voice matches clearly, and
    anonymous speakers of earlier meetings that sound like them are offered as suggestions
    (`minutes people confirm|reject`). `minutes people forget NAME` removes it all.
    """
    from minutes import db as store

    with errors(), store.session_scope(sessions()) as s:
        if not remember_voice:
            store.rename_speaker(s, meeting_id=meeting_id, label=label, name=name)
        else:
            from minutes.accounts import people

            enrolled = people.remember_voice(
                s, actor.cli_actor(), meeting_id, label, name, username=actor.cli_username()
            )
    click.echo(f"meeting {meeting_id}: {label} is now {one_line(name)}")
    if remember_voice:
        click.echo(
            f"remembered {one_line(enrolled.name)}'s voice (from {enrolled.samples} meeting speaker(s));"
            f" {enrolled.suggested} speaker(s) of other meetings suggested"
        )


@click.command()
@click.argument("meeting_id", type=ID)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(meeting_id: int, yes: bool) -> None:
    """Delete a meeting: transcript, speakers, minutes, search entries, jobs and its uploaded file.

    A file the web app stored (under MINUTES_HOME/media) goes when no other meeting uses it; a
    file of yours elsewhere is never touched. The deletion is written to the audit log.
    """
    from minutes import db as store
    from minutes.accounts.deletion import delete_meeting, remove_media
    from minutes.web.config import WebSettings

    if not yes:
        click.confirm(f"delete meeting {meeting_id}?", abort=True)
    with errors(), store.session_scope(sessions()) as s:
        deleted = delete_meeting(
            s,
            actor.cli_actor(),
            meeting_id,
            media_dir=WebSettings.from_env().media_dir,
            username=actor.cli_username(),
        )
    remove_media(deleted.media)
    click.echo(f"deleted meeting {meeting_id} ({deleted.title})")


COMMANDS: tuple[click.Command, ...] = (list_, show, export, actions, done, rename, delete)
