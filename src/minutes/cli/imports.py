"""``minutes import``: transcripts made elsewhere become meetings (no audio), with minutes."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from minutes.cli.errors import EXIT_FAILED, EXIT_USAGE, errors, fail
from minutes.cli.options import LLMChoice, llm_options, preset_option, series_option, threads_option
from minutes.cli.params import plain_text
from minutes.cli.process import report_each
from minutes.importing import FORMATS, language_code

AUTO = "auto"


def _language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and language_code(value) is None:
        raise click.BadParameter(f"{value!r} is no language code; give one such as en, de, pt-BR", ctx, param)
    return value


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice([AUTO, *FORMATS]),
    default=AUTO,
    show_default=True,
    help="The files' format; auto tells them apart by content.",
)
@click.option(
    "--title",
    callback=plain_text("the title"),
    help="Meeting title (one file only) [default: the file's own, else its name].",
)
@click.option(
    "--date",
    "meeting_date",
    type=click.DateTime(),
    help="When the meeting took place [default: the file's own, else the file time].",
)
@click.option(
    "--language",
    callback=_language,
    help="The transcript's language code (en, de, ...) [default: the file's own, else unknown].",
)
@click.option("--force", is_flag=True, help="Store a file imported before (same content) again.")
@series_option
@click.option("--no-summary", is_flag=True, envvar="MINUTES_NO_SUMMARY", help="Skip the minutes (LLM) stage.")
@preset_option
@threads_option
@llm_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bars; only the one-line result per file.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    envvar="MINUTES_IMPORT_JSON",
    help="One JSON object per file on stdout (as `process --json`), for scripts.",
)
def import_(
    files: tuple[Path, ...],
    fmt: str,
    title: str | None,
    meeting_date: datetime | None,
    language: str | None,
    force: bool,
    series: str | None,
    no_summary: bool,
    preset: str | None,
    threads: int | None,
    quiet: bool,
    as_json: bool,
    **llm: Any,
) -> None:
    """Import transcripts made elsewhere as meetings, without audio, and write their minutes.

    \b
    Formats, told apart by content:
      minutes-json  this project's JSON export (`minutes export -f json`)
      whisperx      WhisperX (or Whisper) JSON: segments with speaker, times, words
      turns         a JSON list of {"speaker": ..., "text": ...} objects
      srt, vtt      subtitles; speakers from <v Name>, "Name: text" or "[Name] text"
      text          one "Speaker: text" line per utterance

    Each line, cue or segment becomes one utterance, in file order. Times a file lacks are
    estimated at 150 words a minute. A file imported before (same content) is reused unless
    --force. Exit status 1 if any file failed (a bad file stores nothing); the others still import.
    """
    from minutes.db.meeting_store import SqlMeetingStore
    from minutes.factory import build_summarizer, build_text_embedder, open_store
    from minutes.pipeline.importer import IMPORT_STAGES, TranscriptImporter
    from minutes.settings import load_preset

    if title and len(files) > 1:
        fail("--title names one meeting; give one file, or leave it out to use the files' titles", EXIT_USAGE)
    choice = LLMChoice.take(llm)
    with errors():
        summarizer = (
            None
            if no_summary
            else build_summarizer(load_preset(preset), overrides=choice.overrides(), threads=threads)
        )
        importer = TranscriptImporter(
            store=SqlMeetingStore(open_store()),
            summarizer=summarizer,
            embedder=build_text_embedder(threads=threads),
        )
    results = report_each(
        files,
        lambda path, hook: importer.import_file(
            path,
            fmt=None if fmt == AUTO else fmt,
            title=title,
            meeting_date=meeting_date,
            language=language,
            force=force,
            progress=hook,
        ),
        quiet=quiet,
        as_json=as_json,
        stages=IMPORT_STAGES,
        series=series,
    )
    if any(r.status == "failed" for r in results):
        sys.exit(EXIT_FAILED)


COMMANDS: tuple[click.Command, ...] = (import_,)
