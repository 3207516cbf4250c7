"""``minutes eval``: score a stored meeting against references the user wrote."""

from __future__ import annotations

import json
from pathlib import Path

import click

from minutes.cli.errors import errors
from minutes.cli.params import ID
from minutes.cli.store import sessions

_FILE = click.Path(path_type=Path, dir_okay=False)


@click.command("eval")
@click.argument("meeting_id", type=ID)
@click.option("--transcript", type=_FILE, help="Reference words: plain text, or STM (.stm) for cpWER too.")
@click.option("--rttm", type=_FILE, help="Reference speaker turns (RTTM) for DER.")
@click.option("--items", type=_FILE, help="Reference decisions and action items (JSON, see docs/eval.md).")
@click.option(
    "--collar", type=click.FloatRange(min=0), default=0.25, show_default=True, help="DER collar, seconds."
)
@click.option("--json", "as_json", is_flag=True, envvar="MINUTES_EVAL_JSON", help="JSON instead of a table.")
def evaluate_(
    meeting_id: int,
    transcript: Path | None,
    rttm: Path | None,
    items: Path | None,
    collar: float,
    as_json: bool,
) -> None:
    """Score a meeting on your references: WER/cpWER, DER, decisions and action items.

    Give any of --transcript, --rttm and --items; each adds its rows. Formats: docs/eval.md.
    """
    from minutes import db as store
    from minutes.cli.render import table
    from minutes.evaluation import evaluate, read_items, read_rttm, read_transcript

    if transcript is None and rttm is None and items is None:
        raise click.UsageError("give at least one reference: --transcript, --rttm or --items")
    with errors():
        words = read_transcript(transcript) if transcript else None  # bad files fail before any work
        turns = read_rttm(rttm) if rttm else None
        noted = read_items(items) if items else None
        with store.session_scope(sessions()) as s:
            doc = store.load_meeting(s, meeting_id=meeting_id, words=False, turns=rttm is not None)
        result = evaluate(doc, transcript=words, turns=turns, items=noted, collar=collar)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(table(["measure", "value", "detail"], result.rows()))


COMMANDS = [evaluate_]
