"""``minutes ask``: a question across the meetings, answered with cited lines; ``minutes index``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from minutes.cli.actor import acting_as, user_option
from minutes.cli.errors import EXIT_FAILED, errors, fail
from minutes.cli.options import LLMChoice, llm_options, preset_option, threads_option
from minutes.cli.params import ID
from minutes.cli.store import sessions


@click.command()
@click.argument("question", nargs=-1, required=True)
@click.option("--meeting", "meetings", type=ID, multiple=True, help="Only this meeting (repeat for more).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only meetings on or after this day.")
@click.option("--team", help="Only this team's meetings (its name).")
@click.option("--person", help="Only meetings where a speaker whose name contains this spoke.")
@user_option
@click.option(
    "--json", "as_json", is_flag=True, envvar="MINUTES_ASK_JSON", help="JSON on stdout, for scripts."
)
@preset_option
@threads_option
@llm_options
def ask(
    question: tuple[str, ...],
    meetings: tuple[int, ...],
    since: datetime | None,
    team: str | None,
    person: str | None,
    username: str | None,
    as_json: bool,
    preset: str | None,
    threads: int | None,
    **llm: Any,
) -> None:
    """Ask the meetings a question: a short answer whose every sentence cites the lines it rests
    on (meeting, time, speaker), or "not found in the meetings you can see".

    Lines are found by their words and by their meaning (`minutes index` embeds older meetings);
    the local language model writes the answer from those lines only, and each sentence its
    cited lines do not support is removed. Without --user it asks every meeting (the operator).
    Example: minutes ask --user priya "what did we decide about pricing?"
    """
    from minutes import db as store
    from minutes.ask import AskFilters, answer
    from minutes.factory import build_asker
    from minutes.settings import load_preset

    choice = LLMChoice.take(llm)
    filters = AskFilters(
        meeting_ids=tuple(meetings), since=since.date() if since else None, team=team, person=person
    )
    with errors():
        factory = sessions()
        with store.session_scope(factory) as s:  # an unknown user fails before a model loads
            actor = acting_as(s, username)
        model, embedder = build_asker(load_preset(preset), overrides=choice.overrides(), threads=threads)
        result = answer(factory, actor, " ".join(question), llm=model, embedder=embedder, filters=filters)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    _print(result)


def _print(result: Any) -> None:
    from minutes.cli.render import clock
    from minutes.cli.terminal import console as visible_console

    console = visible_console(highlight=False, soft_wrap=True)
    if not result.found:
        console.print(result.answer, markup=False)
        return
    if result.note:
        console.print(result.note, style="dim", markup=False)
    for sentence in result.sentences:
        console.print(sentence.text, markup=False)
        for c in sentence.citations:
            where = f"  meeting {c.meeting_id} line {c.utterance} · {clock(c.start)} · {c.speaker}: "
            console.print(where + c.text, style="dim", markup=False)
    shown = sorted({c.meeting_id for s in result.sentences for c in s.citations})
    console.print(f"\n(minutes show {shown[0]} opens a meeting)", style="dim", markup=False)


@click.command()
@click.argument("meeting_ids", nargs=-1, type=ID)
@click.option("--rebuild", is_flag=True, help="Embed every meeting again, even those up to date.")
@threads_option
def index(meeting_ids: tuple[int, ...], rebuild: bool, threads: int | None) -> None:
    """Embed the transcripts of stored meetings for `minutes ask` (finding lines by meaning).

    New meetings are embedded as they are processed or imported; this does it for meetings stored
    before, or after the embedding model changed. Up-to-date meetings are skipped unless --rebuild.
    """
    from minutes.ask.indexing import index_meetings
    from minutes.factory import build_text_embedder

    with errors():
        report = index_meetings(
            sessions(), build_text_embedder(threads=threads), meeting_ids=meeting_ids, rebuild=rebuild
        )
    click.echo(f"indexed {len(report.ran)} meeting(s), {len(report.cached)} already up to date")
    for meeting_id, message in report.failed.items():
        click.echo(f"error: meeting {meeting_id}: {message}", err=True)
    if report.failed:
        fail(f"{len(report.failed)} meeting(s) could not be indexed", EXIT_FAILED)


COMMANDS: tuple[click.Command, ...] = (ask, index)
