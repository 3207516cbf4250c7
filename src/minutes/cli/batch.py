"""``minutes batch``, ``watch`` and ``worker``: many recordings through the job queue.

The commands queue recordings in the database (:mod:`minutes.jobs`, planned by
:mod:`minutes.jobs.plan`) and run local worker processes that claim them
(:mod:`minutes.jobs.supervise`); a crash or ``kill -9`` loses at most the stage in flight, and the
same command run again resumes. Once started, they ride out a database outage of up to
``--db-wait`` seconds. This module only parses and prints.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from minutes.cli.errors import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE, INTERRUPTED, errors, fail
from minutes.cli.options import Decorator, Recording, recording_options, series_option, stack, threads_option
from minutes.cli.params import COUNT
from minutes.cli.queue_view import Printer, say_report
from minutes.db.engine import DB_WAIT_SECONDS
from minutes.jobs import DEFAULT_MAX_ATTEMPTS, LocalPool, Watcher, expand, list_jobs
from minutes.jobs.follow import BatchReport, Follower
from minutes.jobs.outage import steadily
from minutes.jobs.plan import BatchPlan, open_sessions, stable_name, worker_config
from minutes.jobs.supervise import stop_on_sigterm, until_finished, until_idle, watch_folder

if TYPE_CHECKING:
    from minutes.jobs.dask_pool import DaskPool

_count = COUNT

# Said after "cannot reach the database ..., giving up" by the commands that run jobs.
RESUME = (
    "; finished stages are kept and jobs in flight go back to the queue (at once for this host's "
    "workers, else when their 60 s lease runs out): run the same command again once the database is back"
)


def _seconds_option(
    flag: str, help: str, *, minimum: float, default: float, envvar: str | None = None
) -> Decorator:
    """An option that takes a number of seconds, shown with its default."""
    return click.option(
        flag, type=click.FloatRange(min=minimum), default=default, show_default=True, envvar=envvar, help=help
    )


_job_options = stack(
    recording_options,
    series_option,
    click.option(
        "--max-attempts",
        type=_count,
        default=DEFAULT_MAX_ATTEMPTS,
        show_default=True,
        help="Attempts per recording for failures that may pass (crash, out of memory, database busy).",
    ),
)
_engine_options = stack(
    click.option(
        "--workers",
        type=_count,
        default=1,
        show_default=True,
        envvar="MINUTES_WORKERS",
        help="Worker processes; the threads are shared out among them.",
    ),
    threads_option,
    _seconds_option(
        "--retry-delay",
        "Seconds before a failed attempt is tried again (doubling each time).",
        minimum=0,
        default=10.0,
    ),
    _seconds_option(
        "--db-wait",
        "Seconds to keep trying while the database cannot be reached (once started) before giving up.",
        minimum=0,
        default=DB_WAIT_SECONDS,
        envvar="MINUTES_DB_WAIT",
    ),
    click.option("-q", "--quiet", is_flag=True, help="Only the final report (and failures)."),
)


def _plan(kwargs: dict[str, Any], *, name: Callable[[str | None, dict[str, Any]], str]) -> BatchPlan:
    """The plan of batch or watch from the command's values; ``name`` makes the batch name."""
    recording = Recording.take(kwargs)
    options = recording.job_options()
    if kwargs.get("series"):
        options["series"] = kwargs["series"]
    config = worker_config(
        batch=name(recording.preset, options),
        workers=kwargs["workers"],
        threads=kwargs["threads"],
        retry_delay=kwargs["retry_delay"],
        api_key=recording.llm.api_key,  # given to the workers, never stored with the jobs
        forever=kwargs.get("forever", False),
        db_wait=kwargs["db_wait"],
    )
    return BatchPlan.prepare(
        preset=recording.preset, options=options, max_attempts=kwargs["max_attempts"], config=config
    )


@click.command()
@click.argument("paths", nargs=-1, required=True)
@_job_options
@_engine_options
@click.option(
    "--batch",
    "batch_name",
    help="Batch name [default: made from the paths and options, so the same command resumes it].",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"]),
    envvar="MINUTES_ENGINE",
    help="local: worker processes on this machine; dask: a Dask cluster (docs/dask.md) "
    "[default: dask with --scheduler, else local].",
)
@click.option(
    "--scheduler",
    envvar="MINUTES_SCHEDULER",
    help="Dask scheduler address, tcp://HOST:8786 (needs PostgreSQL); without it --engine dask "
    "starts --workers Dask processes on this machine.",
)
@click.option("--json", "as_json", is_flag=True, help="The final report as one JSON document on stdout.")
def batch(paths: tuple[str, ...], batch_name: str | None, as_json: bool, **kwargs: Any) -> None:
    """Process many recordings (files, folders, globs) with a pool of worker processes.

    Folders are searched recursively for media files. Each recording becomes a job in the
    database; recordings already processed, or twice in the batch, are skipped as duplicates.
    A crash or kill loses at most the stage in flight: run the same command again and it
    resumes. Prints a report; exit status 1 if any recording failed.
    """
    started = time.monotonic()
    talk = not (kwargs["quiet"] or as_json)

    def name(preset: str | None, options: dict[str, Any]) -> str:
        return batch_name or stable_name(
            "batch", sorted(str(Path(p).absolute()) for p in paths), preset, options
        )

    with errors():
        files = expand(paths)
        plan = _plan(kwargs, name=name)
        runner, where = _engine(plan, kwargs)
        plan.queue(files)
    if talk:
        click.echo(f"batch {plan.batch}: {len(files)} recording(s), {where}", err=True)
    printer = Printer(lines=talk, live=talk and sys.stderr.isatty())
    try:
        with errors(outage=RESUME), stop_on_sigterm(), runner as engine:
            until_finished(engine, plan, show=printer.show)
    except KeyboardInterrupt:
        printer.close()
        fail(INTERRUPTED, EXIT_INTERRUPTED)
    printer.close()
    with errors(outage=RESUME):
        report = plan.steadily(
            lambda: BatchReport.of(plan.sessions, plan.batch, wall_seconds=time.monotonic() - started),
            "reading the batch report",
        )
    say_report(report, as_json=as_json)
    if report.failed:
        sys.exit(EXIT_FAILED)


def _engine(plan: BatchPlan, kwargs: dict[str, Any]) -> tuple[LocalPool | DaskPool, str]:
    """The engine --engine and --scheduler ask for, checked before anything is queued (a SQLite
    database with a Dask scheduler is refused), and where it runs, in words."""
    workers, scheduler = kwargs["workers"], kwargs["scheduler"]
    if kwargs["engine"] == "local" and scheduler:
        fail("--scheduler is for --engine dask; leave out one or the other", EXIT_USAGE)
    if kwargs["engine"] == "local" or not (kwargs["engine"] or scheduler):
        return LocalPool(plan.config, workers=workers, sessions=plan.sessions), f"{workers} worker(s)"
    from minutes.jobs.dask_pool import DaskPool  # imports Dask: only when asked for

    engine = DaskPool(
        plan.config,
        workers=workers,
        sessions=plan.sessions,
        scheduler=scheduler,
        prepare=(plan.preset, plan.options),
    )
    return engine, engine.where


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_job_options
@_engine_options
@click.option("--batch", "batch_name", help="Batch name [default: made from the folder, kept across runs].")
@_seconds_option(
    "--settle",
    "Seconds a file must keep its size before it is queued (it may still be being written).",
    minimum=0,
    default=5.0,
)
@_seconds_option("--interval", "Seconds between looks.", minimum=0.1, default=2.0)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per finished job on stdout.")
def watch(
    folder: Path, batch_name: str | None, settle: float, interval: float, as_json: bool, **kwargs: Any
) -> None:
    """Process recordings as they arrive in FOLDER (and those already there), each once.

    A file is queued when it has stopped growing for --settle seconds. What was queued is
    remembered in the database, so a restart does not process a file twice. Runs until
    Ctrl-C (or SIGTERM); a recording in progress then is finished by the next run.
    """
    quiet = kwargs["quiet"]
    with errors():
        plan = _plan(
            {**kwargs, "forever": True},
            name=lambda *_: batch_name or stable_name("watch", str(folder.resolve())),
        )
        from minutes import db as store

        with store.session_scope(plan.sessions) as s:
            handled = {j.path: j.created_at for j in list_jobs(s, batch=plan.batch, oldest_first=True)}
    watcher = Watcher(folder, settle=settle, handled=handled)
    follower = Follower(plan.sessions, batch=plan.batch)
    follower.prime()
    printer = Printer(lines=not quiet and not as_json, json_lines=as_json)
    if not quiet:
        click.echo(f"watching {folder} (batch {plan.batch}); Ctrl-C stops", err=True)

    def queued(ready: list[Path]) -> None:
        if not quiet:
            click.echo("\n".join(f"queued {p}" for p in ready), err=True)

    try:
        with (
            errors(outage=RESUME),
            stop_on_sigterm(),
            LocalPool(plan.config, workers=kwargs["workers"], sessions=plan.sessions) as engine,
        ):
            watch_folder(
                engine,
                plan,
                scan=watcher.scan,
                queued=queued,
                follower=follower,
                show=printer.show,
                interval=interval,
            )
    except KeyboardInterrupt:
        pass
    done = sum(1 for j in follower.finished if j.status == "done")
    if not quiet:
        click.echo(f"stopped watching {folder}: {done} processed while watching", err=True)


@click.command()
@click.option("--forever", is_flag=True, help="Keep waiting for new jobs when the queue is empty (a server).")
@_seconds_option("--poll", "Seconds between looks at an empty queue.", minimum=0.05, default=2.0)
@click.option("--batch", "batch_name", help="Only jobs of this batch.")
@_engine_options
@click.option(
    "--llm-api-key", envvar="MINUTES_LLM_API_KEY", help="API key for an OpenAI-compatible LLM server."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per finished job on stdout.")
def worker(
    forever: bool,
    poll: float,
    batch_name: str | None,
    workers: int,
    threads: int | None,
    retry_delay: float,
    db_wait: float,
    quiet: bool,
    llm_api_key: str | None,
    as_json: bool,
) -> None:
    """Process queued jobs (uploads, batches, retries) until the queue is empty, or --forever.

    Each job runs with the options it was queued with. Stop with Ctrl-C or SIGTERM: a job in
    progress goes back to the queue with its finished stages kept. Exit status 1 if a job
    this command ran failed.
    """
    with errors():
        config = worker_config(
            batch=batch_name,
            workers=workers,
            threads=threads,
            retry_delay=retry_delay,
            api_key=llm_api_key,
            forever=forever,
            poll=poll,
            db_wait=db_wait,
        )
        sessions = open_sessions(db_wait)
    engine = LocalPool(config, workers=workers, sessions=sessions)
    follower = Follower(sessions, batch=batch_name, mine=lambda job: job.worker in engine.worker_ids)
    printer = Printer(lines=not quiet and not as_json, json_lines=as_json)

    def follow() -> None:
        printer.show(steadily(sessions, follower.poll, seconds=db_wait, what="following the queue"))

    try:
        with errors(outage=RESUME), stop_on_sigterm(), engine:
            until_idle(engine, follow=follow, poll=poll)
    except KeyboardInterrupt:
        pass
    with errors(outage=RESUME):
        follow()
    if any(j.status == "failed" for j in follower.finished):
        sys.exit(EXIT_FAILED)


COMMANDS: tuple[click.Command, ...] = (batch, watch, worker)
