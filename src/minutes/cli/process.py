"""``minutes process``, ``summarize`` and ``demo``: recordings through the pipeline, here and now."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from minutes.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, INTERRUPTED, errors, fail
from minutes.cli.options import (
    LLMChoice,
    Recording,
    llm_options,
    preset_option,
    recording_options,
    series_option,
    threads_option,
)
from minutes.cli.params import ID, plain_text
from minutes.errors import MinutesError
from minutes.pipeline import STAGES, ProcessResult, StageProgress


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@recording_options
@threads_option
@click.option(
    "--title", callback=plain_text("the title"), help="Meeting title (one file only) [default: file name]."
)
@click.option(
    "--date",
    "meeting_date",
    type=click.DateTime(),
    envvar="MINUTES_PROCESS_DATE",
    help="When the meeting took place [default: file time].",
)
@series_option
@click.option("-q", "--quiet", is_flag=True, help="No progress bars; only the one-line result per file.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    envvar="MINUTES_PROCESS_JSON",
    help="One JSON object per file on stdout, for scripts.",
)
def process(
    files: tuple[Path, ...],
    title: str | None,
    meeting_date: datetime | None,
    threads: int | None,
    series: str | None,
    quiet: bool,
    as_json: bool,
    **kwargs: Any,
) -> None:
    """Process recordings end to end: transcript, speakers, minutes, stored in the database.

    Any audio or video ffmpeg reads. A recording processed before (same content) is
    reused unless --force. Exit status 1 if any file failed; the others still run.
    """
    if title and len(files) > 1:
        fail("--title names one meeting; give one file, or leave it out to use file names", EXIT_USAGE)
    recording = Recording.take(kwargs)
    results = process_files(
        files,
        preset=recording.preset,
        transcribe=recording.transcribe(),
        diarize=recording.diarize(),
        title=title,
        meeting_date=meeting_date,
        force=recording.force,
        threads=threads,
        parallel=not recording.sequential,
        summarize=recording.llm.overrides(),
        summary=not recording.no_summary,
        quiet=quiet,
        as_json=as_json,
        series=series,
    )
    if any(r.status == "failed" for r in results):
        sys.exit(EXIT_FAILED)


def process_files(
    files: tuple[Path, ...],
    *,
    preset: str | None,
    transcribe: dict[str, Any],
    diarize: dict[str, Any],
    title: str | None,
    meeting_date: datetime | None,
    force: bool,
    threads: int | None,
    parallel: bool,
    summarize: dict[str, Any] | None = None,
    summary: bool = True,
    quiet: bool,
    as_json: bool,
    series: str | None = None,
) -> list[ProcessResult]:
    """Process each file in turn; a failure is reported and the next file still runs."""
    from minutes.factory import build_processor, open_store
    from minutes.settings import load_preset

    with errors():
        processor = build_processor(
            load_preset(preset),
            sessions=open_store(),
            transcribe=transcribe,
            diarize=diarize,
            threads=threads,
            parallel=parallel,
            summarize=summarize,
            summary=summary,
        )
    return report_each(
        files,
        lambda path, hook: processor.process(
            path, title=title, meeting_date=meeting_date, force=force, progress=hook
        ),
        quiet=quiet,
        as_json=as_json,
        series=series,
    )


def report_each(
    files: tuple[Path, ...],
    run: Callable[[Path, StageProgress], ProcessResult],
    *,
    quiet: bool,
    as_json: bool,
    stages: tuple[str, ...] = STAGES,
    series: str | None = None,
) -> list[ProcessResult]:
    """``run`` each file in turn, with progress bars of ``stages``, and print its result (one line,
    or one JSON object with ``as_json``); a failure is reported and the next file still runs.
    With ``series``, each meeting made joins that series (started when there is none)."""
    from minutes.cli.render import ProgressDisplay, result_line

    results: list[ProcessResult] = []
    show_progress = not (quiet or as_json) and sys.stderr.isatty()
    for path in files:
        display = ProgressDisplay(path.name, enabled=show_progress, stages=stages)
        try:
            with display:
                result = run(path, display.update)
            if series and result.meeting_id is not None and result.status != "failed":
                join_series(result.meeting_id, series)
        except MinutesError as exc:
            result = ProcessResult(path=str(path), status="failed", error=str(exc), meeting_id=exc.meeting_id)
        except KeyboardInterrupt:
            fail(INTERRUPTED, EXIT_INTERRUPTED)
        results.append(result)
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            click.echo(result_line(result), err=result.status == "failed")
    return results


def join_series(meeting_id: int, name: str) -> None:
    """Put a meeting just made in the series ``name`` (``--series``); its ledger is linked."""
    from minutes import db as store
    from minutes.accounts.series import set_series
    from minutes.cli.actor import cli_actor
    from minutes.cli.store import sessions

    with store.session_scope(sessions()) as s:
        set_series(s, cli_actor(), meeting_id, name)


@click.command()
@click.argument("meeting_id", type=ID)
@click.option("--force", is_flag=True, help="Rewrite the minutes even if nothing changed.")
@preset_option
@threads_option
@llm_options
def summarize(meeting_id: int, force: bool, preset: str | None, threads: int | None, **llm: Any) -> None:
    """(Re)write a stored meeting's minutes; only this stage runs."""
    from minutes.cli.render import ProgressDisplay, edits_note
    from minutes.db.meeting_store import SqlMeetingStore
    from minutes.factory import build_summarizer, open_store
    from minutes.pipeline.summarize_stage import summarize_meeting
    from minutes.settings import load_preset

    with errors():
        summarizer = build_summarizer(
            load_preset(preset), overrides=LLMChoice.take(llm).overrides(), threads=threads
        )
        display = ProgressDisplay(f"meeting {meeting_id}", enabled=sys.stderr.isatty(), stages=("summarize",))
        with display:
            minutes, how, ticks = summarize_meeting(
                SqlMeetingStore(open_store()),
                meeting_id=meeting_id,
                summarizer=summarizer,
                force=force,
                progress=lambda f: display.update("summarize", f),
            )
    flagged = sum(1 for i in minutes.items if not i.supported)
    counts = ", ".join(f"{len(minutes.of_kind(k))} {k}s" for k in ("decision", "action", "question"))
    click.echo(
        f"meeting {meeting_id}: minutes {'reused' if how == 'cached' else 'written'} ({counts}, "
        f"{len(minutes.chapters)} chapters, {flagged} flagged unsupported"
        f"{edits_note(ticks.to_dict(), meeting_id)})"
    )


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the demo recording [default: MINUTES_HOME/demo/demo-meeting.wav].",
)
@click.option("--no-process", is_flag=True, help="Only make the recording.")
@preset_option
def demo(output: Path | None, no_process: bool, preset: str | None) -> None:
    """Make a 3-speaker demo meeting with espeak-ng, process it end to end, export and show it."""
    from minutes import db as store
    from minutes.demo import make_meeting, write_rttm
    from minutes.export import render, write
    from minutes.factory import open_store
    from minutes.settings import home

    out = output or home() / "demo" / "demo-meeting.wav"
    with errors():
        timeline = make_meeting(out)
        write_rttm(timeline, out.with_suffix(".rttm"))
    click.echo(
        f"demo recording: {out} ({timeline[-1][1]:.0f} s, 3 voices; reference turns in .rttm)", err=True
    )
    if no_process:
        return
    (result,) = process_files(
        (out,),
        preset=preset,
        transcribe={},
        diarize={},
        title="Demo: mobile app launch planning",
        meeting_date=None,
        force=False,
        threads=None,
        parallel=True,
        quiet=False,
        as_json=False,
    )
    if result.status == "failed" or result.meeting_id is None:
        sys.exit(EXIT_FAILED)
    with errors(), store.session_scope(open_store()) as s:
        doc = store.load_meeting(s, meeting_id=result.meeting_id)
    for fmt in ("md", "json", "srt"):
        click.echo(f"exported {write(doc, fmt, out.parent)}", err=True)
    click.echo(render(doc, "txt"))


COMMANDS: tuple[click.Command, ...] = (process, summarize, demo)
