"""``minutes batch``, ``watch``, ``worker`` and ``jobs``: many recordings through the job queue.

The commands queue recordings in the database (:mod:`minutes.jobs`) and run local worker
processes that claim them; a crash or ``kill -9`` loses at most the stage in flight, and the
same command run again resumes. Once started, they ride out a database outage of up to
``--db-wait`` seconds. Registered on the main group by :func:`register`.
"""

from __future__ import annotations

import hashlib
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from sqlalchemy.orm import Session, sessionmaker

from minutes.cli import EXIT_FAILED, _errors, _fail, _hotwords, _llm_options, _llm_overrides, _preset_option
from minutes.db.engine import DB_WAIT_SECONDS
from minutes.db.jobs import JOB_STATUSES
from minutes.jobs import (
    DEFAULT_MAX_ATTEMPTS,
    JobInfo,
    LocalEngine,
    Processors,
    RetryPolicy,
    Watcher,
    WorkerConfig,
    enqueue,
    expand,
    file_sha256,
    list_jobs,
    retry_jobs,
    threads_per_worker,
)
from minutes.jobs.follow import BatchReport, Change, Follower, unfinished
from minutes.jobs.outage import steadily

if TYPE_CHECKING:
    from minutes.jobs.dask_engine import DaskEngine

_T = TypeVar("_T")
POLL = 0.5  # seconds between looks at the queue while workers run

# Said after "cannot reach the database ..., giving up" by the commands that run jobs.
RESUME = (
    "; finished stages are kept and jobs in flight go back to the queue (at once for this host's "
    "workers, else when their 60 s lease runs out): run the same command again once the database is back"
)


def register(group: click.Group) -> None:
    """Add the queue commands to the ``minutes`` group."""
    for command in (batch, watch, worker, jobs):
        group.add_command(command)


# --- options shared by batch and watch ------------------------------------------------------


def _options(*decorators: Any) -> Callable[[Any], Any]:
    def apply(f: Any) -> Any:
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


_count = click.IntRange(min=1)


def _pipeline_options(f: Any) -> Any:
    """What ``minutes process`` takes about the recordings (each job keeps them)."""
    return _preset_option(_recording_options(f))


_recording_options = _options(
    click.option("--model", envvar="MINUTES_MODEL", help="Speech model: tiny.en, base, or a folder."),
    click.option("--language", envvar="MINUTES_LANGUAGE", help="Spoken language code; default: detect."),
    click.option(
        "--vocabulary",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        envvar="MINUTES_VOCABULARY",
        help="File of names and jargon, one per line, to help recognition.",
    ),
    click.option("--speakers", "num_speakers", type=_count, help="Exact number of speakers."),
    click.option("--min-speakers", type=_count, help="At least this many speakers."),
    click.option("--max-speakers", type=_count, help="At most this many speakers."),
    click.option("--force", is_flag=True, help="Redo every stage even for recordings processed before."),
    click.option("--sequential", is_flag=True, help="Transcribe, then diarize (not side by side)."),
    click.option("--no-summary", is_flag=True, envvar="MINUTES_NO_SUMMARY", help="Skip the minutes stage."),
    _llm_options,
    click.option(
        "--max-attempts",
        type=_count,
        default=DEFAULT_MAX_ATTEMPTS,
        show_default=True,
        help="Attempts per recording for failures that may pass (crash, out of memory, database busy).",
    ),
)
_engine_options = _options(
    click.option(
        "--workers",
        type=_count,
        default=1,
        show_default=True,
        envvar="MINUTES_WORKERS",
        help="Worker processes; the threads are shared out among them.",
    ),
    click.option("--threads", type=_count, envvar="MINUTES_THREADS", help="CPU threads in all."),
    click.option(
        "--retry-delay",
        type=click.FloatRange(min=0),
        default=10.0,
        show_default=True,
        help="Seconds before a failed attempt is tried again (doubling each time).",
    ),
    click.option(
        "--db-wait",
        type=click.FloatRange(min=0),
        default=DB_WAIT_SECONDS,
        show_default=True,
        envvar="MINUTES_DB_WAIT",
        help="Seconds to keep trying while the database cannot be reached (once started) before giving up.",
    ),
    click.option("-q", "--quiet", is_flag=True, help="Only the final report (and failures)."),
)


@dataclass(frozen=True)
class _Plan:
    """What batch and watch were asked for: the jobs' options and how the workers run."""

    preset: str | None
    options: dict[str, Any]
    max_attempts: int
    config: WorkerConfig
    sessions: sessionmaker[Session]

    @classmethod
    def of(cls, kwargs: dict[str, Any], *, name: Callable[[str | None, dict[str, Any]], str]) -> _Plan:
        """From the command's values (``kwargs``); ``name`` makes the batch name."""
        llm = _llm_overrides(kwargs)
        options = {
            **{k: kwargs[k] for k in ("model", "language", "num_speakers", "min_speakers", "max_speakers")},
            "hotwords": _hotwords(kwargs["vocabulary"]),
            **{k: kwargs[k] or None for k in ("no_summary", "sequential", "force")},
            **{f"llm_{k}": llm[k] for k in ("backend", "model", "url")},
            "summary_language": llm["language"],
        }
        options = {k: v for k, v in options.items() if v is not None}
        preset = kwargs["preset"]
        config = _config(
            batch=name(preset, options),
            workers=kwargs["workers"],
            threads=kwargs["threads"],
            retry_delay=kwargs["retry_delay"],
            api_key=llm["api_key"],  # given to the workers, never stored with the jobs
            forever=kwargs.get("forever", False),
            db_wait=kwargs["db_wait"],
        )
        plan = cls(preset, options, kwargs["max_attempts"], config, _sessions(config.db_wait))
        # Build the processor once here (models resolve, nothing loads): a bad preset or a
        # missing model is one error now, not a failure of every job in every worker.
        processors = Processors(plan.sessions, threads=config.threads, llm_api_key=config.llm_api_key)
        processors.prepare(preset, options)
        processors.close()
        return plan

    @property
    def batch(self) -> str:
        assert self.config.batch is not None
        return self.config.batch

    def queue(self, files: Sequence[Path]) -> list[int]:
        """Queue recordings in this plan's batch (hashed first: reading takes time, outside the
        transaction)."""
        from minutes import db as store

        hashed = [(f, file_sha256(f)) for f in files]

        def add() -> list[int]:  # harmless to repeat: a file already in the batch keeps its job
            with store.session_scope(self.sessions) as s:
                return [
                    enqueue(
                        s,
                        f,
                        options=self.options,
                        preset=self.preset,
                        batch=self.batch,
                        max_attempts=self.max_attempts,
                        sha256=digest,
                    )
                    for f, digest in hashed
                ]

        return self.steadily(add, "queueing recordings")

    def steadily(self, work: Callable[[], _T], what: str) -> _T:
        """``work()``, run again while the database is away (for up to ``--db-wait``)."""
        return steadily(self.sessions, work, seconds=self.config.db_wait, what=what)


def _config(
    *,
    batch: str | None,
    workers: int,
    threads: int | None,
    retry_delay: float,
    api_key: str | None,
    **more: Any,
) -> WorkerConfig:
    import logging

    from minutes.runtime import default_threads
    from minutes.settings import database_url

    return WorkerConfig(
        database_url=database_url(),
        batch=batch,
        threads=threads_per_worker(threads or default_threads(), workers),
        policy=RetryPolicy(delay=retry_delay),
        llm_api_key=api_key,
        log_level=logging.getLogger().getEffectiveLevel(),
        **more,
    )


def _sessions(db_wait: float | None = None) -> sessionmaker[Session]:
    """The database, checked now (a wrong URL or a server that is down is one error at once);
    with ``db_wait``, its connections then wait that long for the database when it goes away."""
    from minutes.db.engine import wait_for_reconnect
    from minutes.factory import open_store

    sessions = open_store()
    if db_wait is not None:
        wait_for_reconnect(sessions.kw["bind"], db_wait)
    return sessions


def _stable_name(prefix: str, *parts: Any) -> str:
    """A batch name that is the same when the same command runs again (so it resumes its batch)."""
    key = json.dumps(parts, sort_keys=True, default=str)
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (systemd, docker stop, kill) stops like Ctrl-C: jobs in flight are put back."""

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- showing the queue ----------------------------------------------------------------------


class _Printer:
    """Says what a :class:`Follower` saw: a line (or JSON object) per finished job, a line per
    attempt that will be retried, and on a terminal a bar per running job."""

    def __init__(self, *, lines: bool, json_lines: bool = False, live: bool = False) -> None:
        self.lines, self.json_lines = lines, json_lines
        self._live = _Live() if live else None

    def show(self, changes: Sequence[Change]) -> None:
        for change in changes:
            job = change.job
            if self._live is not None:
                self._live.show(job)
            if change.kind == "finished" and self.json_lines:
                click.echo(json.dumps(job.to_dict(), ensure_ascii=False))
            elif change.kind == "finished" and self.lines:
                click.echo(job_line(job), err=job.status == "failed")
            elif change.kind == "retrying" and self.lines:
                click.echo(
                    f"↻ {job.path}: attempt {job.attempts} of {job.max_attempts} failed ({job.error}); "
                    "trying again",
                    err=True,
                )

    def close(self) -> None:
        if self._live is not None:
            self._live.close()


class _Live:
    """One bar per running job on stderr (a terminal only)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("[bold]{task.fields[name]:<28}[/] {task.description:<10}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._tasks: dict[int, Any] = {}
        self._progress.start()

    def show(self, job: JobInfo) -> None:
        task = self._tasks.get(job.id)
        if job.status != "running":
            if task is not None:
                self._progress.remove_task(self._tasks.pop(job.id))
            return
        if task is None:
            task = self._tasks[job.id] = self._progress.add_task("", total=1.0, name=job.name[:28])
        self._progress.update(task, completed=job.progress, description=job.stage or "starting")

    def close(self) -> None:
        self._progress.stop()


def job_line(job: JobInfo) -> str:
    """One line about a finished job, as ``minutes process`` prints one about a file."""
    from minutes.clirender import result_line
    from minutes.pipeline import ProcessResult

    if job.status == "done" and job.result is not None:
        return result_line(ProcessResult(**dict(job.result)))
    if job.status == "skipped":
        return f"= {job.path}  skipped: {job.error}"
    error = job.error or "failed"
    return f"✗ {error}" if job.name in error else f"✗ {job.path}: {error}"


def _say_report(report: BatchReport, *, as_json: bool) -> None:
    from minutes.clirender import clock

    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return
    counts = report.counts
    parts = [
        f"{counts['done']} done",
        f"{counts['skipped']} skipped as duplicate",
        f"{counts['failed']} failed",
    ]
    parts += [f"{counts[s]} {s}" for s in ("queued", "running") if counts[s]]
    took = f"{clock(report.audio_seconds)} of audio, {clock(report.wall_seconds)} this run"
    click.echo(f"batch {report.batch}: {', '.join(parts)}; {took}")
    if report.failed:
        click.echo("failed:\n" + "\n".join(f"  {job_line(j)}" for j in report.failed), err=True)
        click.echo(f"`minutes jobs retry --failed --batch {report.batch}` queues them again", err=True)


# --- commands --------------------------------------------------------------------------------


@click.command()
@click.argument("paths", nargs=-1, required=True)
@_pipeline_options
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
        return batch_name or _stable_name(
            "batch", sorted(str(Path(p).absolute()) for p in paths), preset, options
        )

    with _errors():
        files = expand(paths)
        plan = _Plan.of(kwargs, name=name)
        runner, where = _engine(plan, kwargs)
        plan.queue(files)
    if talk:
        click.echo(f"batch {plan.batch}: {len(files)} recording(s), {where}", err=True)
    follower = Follower(plan.sessions, batch=plan.batch)
    printer = _Printer(lines=talk, live=talk and sys.stderr.isatty())

    def follow() -> None:
        printer.show(plan.steadily(follower.poll, "following the batch"))

    try:
        with (
            _errors(outage=RESUME),
            _stop_on_sigterm(),
            runner as engine,
        ):
            while plan.steadily(lambda: unfinished(plan.sessions, plan.batch), "following the batch"):
                engine.tick()
                follow()
                time.sleep(POLL)
            follow()
    except KeyboardInterrupt:
        printer.close()
        _fail("interrupted; finished stages are kept, run the same command again to resume", 130)
    printer.close()
    with _errors(outage=RESUME):
        report = plan.steadily(
            lambda: BatchReport.of(plan.sessions, plan.batch, wall_seconds=time.monotonic() - started),
            "reading the batch report",
        )
    _say_report(report, as_json=as_json)
    if report.failed:
        sys.exit(EXIT_FAILED)


def _engine(plan: _Plan, kwargs: dict[str, Any]) -> tuple[LocalEngine | DaskEngine, str]:
    """The engine --engine and --scheduler ask for, checked before anything is queued (a SQLite
    database with a Dask scheduler is refused), and where it runs, in words."""
    workers, scheduler = kwargs["workers"], kwargs["scheduler"]
    if kwargs["engine"] == "local" and scheduler:
        _fail("--scheduler is for --engine dask; leave out one or the other", 2)
    if kwargs["engine"] == "local" or not (kwargs["engine"] or scheduler):
        return LocalEngine(plan.config, workers=workers, sessions=plan.sessions), f"{workers} worker(s)"
    from minutes.jobs.dask_engine import DaskEngine  # imports Dask: only when asked for

    engine = DaskEngine(
        plan.config,
        workers=workers,
        sessions=plan.sessions,
        scheduler=scheduler,
        prepare=(plan.preset, plan.options),
    )
    return engine, engine.where


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_pipeline_options
@_engine_options
@click.option("--batch", "batch_name", help="Batch name [default: made from the folder, kept across runs].")
@click.option(
    "--settle",
    type=click.FloatRange(min=0),
    default=5.0,
    show_default=True,
    help="Seconds a file must keep its size before it is queued (it may still be being written).",
)
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=2.0,
    show_default=True,
    help="Seconds between looks.",
)
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
    with _errors():
        plan = _Plan.of(
            {**kwargs, "forever": True},
            name=lambda *_: batch_name or _stable_name("watch", str(folder.resolve())),
        )
        from minutes import db as store

        with store.session_scope(plan.sessions) as s:
            handled = {j.path: j.created_at for j in list_jobs(s, batch=plan.batch, oldest_first=True)}
    watcher = Watcher(folder, settle=settle, handled=handled)
    follower = Follower(plan.sessions, batch=plan.batch)
    follower.prime()
    printer = _Printer(lines=not quiet and not as_json, json_lines=as_json)
    if not quiet:
        click.echo(f"watching {folder} (batch {plan.batch}); Ctrl-C stops", err=True)
    try:
        with (
            _errors(outage=RESUME),
            _stop_on_sigterm(),
            LocalEngine(plan.config, workers=kwargs["workers"], sessions=plan.sessions) as engine,
        ):
            while True:
                ready = watcher.scan()
                if ready:
                    plan.queue(ready)
                    if not quiet:
                        click.echo("\n".join(f"queued {p}" for p in ready), err=True)
                engine.tick()
                printer.show(plan.steadily(follower.poll, "following the queue"))
                time.sleep(interval)
    except KeyboardInterrupt:
        pass
    done = sum(1 for j in follower.finished if j.status == "done")
    if not quiet:
        click.echo(f"stopped watching {folder}: {done} processed while watching", err=True)


@click.command()
@click.option("--forever", is_flag=True, help="Keep waiting for new jobs when the queue is empty (a server).")
@click.option(
    "--poll",
    type=click.FloatRange(min=0.05),
    default=2.0,
    show_default=True,
    help="Seconds between looks at an empty queue.",
)
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
    with _errors():
        config = _config(
            batch=batch_name,
            workers=workers,
            threads=threads,
            retry_delay=retry_delay,
            api_key=llm_api_key,
            forever=forever,
            poll=poll,
            db_wait=db_wait,
        )
        sessions = _sessions(db_wait)
    engine = LocalEngine(config, workers=workers, sessions=sessions)
    follower = Follower(sessions, batch=batch_name, mine=lambda job: job.worker in engine.worker_ids)
    printer = _Printer(lines=not quiet and not as_json, json_lines=as_json)

    def follow() -> None:
        printer.show(steadily(sessions, follower.poll, seconds=db_wait, what="following the queue"))

    try:
        with _errors(outage=RESUME), _stop_on_sigterm(), engine:
            while engine.tick():
                follow()
                time.sleep(min(poll, POLL))
    except KeyboardInterrupt:
        pass
    with _errors(outage=RESUME):
        follow()
    if any(j.status == "failed" for j in follower.finished):
        sys.exit(EXIT_FAILED)


@click.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(JOB_STATUSES), help="Only jobs in this state.")
@click.option("--batch", "batch_name", help="Only jobs of this batch.")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many (newest first).")
@click.option("--json", "as_json", is_flag=True, help="JSON array instead of a table.")
@click.pass_context
def jobs(
    ctx: click.Context, status: str | None, batch_name: str | None, limit: int | None, as_json: bool
) -> None:
    """List queued, running and finished jobs, newest first; `jobs retry` queues failed ones again."""
    if ctx.invoked_subcommand is not None:
        return
    from minutes import db as store

    with _errors(), store.session_scope(_sessions()) as s:
        rows = list_jobs(s, status=status, batch=batch_name, limit=limit)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(jobs_table(rows))


@jobs.command("retry")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1))
@click.option("--failed", is_flag=True, help="Every failed job (of --batch, if given).")
@click.option("--batch", "batch_name", help="With --failed: only this batch's failed jobs.")
def jobs_retry(ids: tuple[int, ...], failed: bool, batch_name: str | None) -> None:
    """Queue failed jobs (IDS, or --failed) again with a fresh count of attempts."""
    from minutes import db as store

    if ids and (failed or batch_name):
        _fail("give job ids or --failed (with --batch), not both", 2)
    with _errors(), store.session_scope(_sessions()) as s:
        requeued = retry_jobs(s, ids, failed=failed, batch=batch_name)
    if not requeued:
        click.echo("no failed jobs to retry")
        return
    click.echo(
        f"queued again: job {', '.join(map(str, requeued))}; `minutes worker` (or the batch command "
        "run again) processes them"
    )


def jobs_table(rows: Sequence[JobInfo]) -> str:
    from minutes.clirender import _table

    if not rows:
        return "no jobs yet; queue recordings with `minutes batch PATH...`"
    return _table(
        ["ID", "STATUS", "STAGE", "TRIES", "MEETING", "BATCH", "UPDATED", "FILE", "NOTE"],
        [
            [
                str(r.id),
                r.status,
                f"{r.stage or '-'} {r.progress:.0%}" if r.status == "running" else "-",
                f"{r.attempts}/{r.max_attempts}",
                str(r.meeting_id or "-"),
                r.batch or "-",
                r.updated_at.isoformat()[:19].replace("T", " "),
                r.name,
                (r.error or "")[:60],
            ]
            for r in rows
        ],
    )
