"""``minutes batch``, ``watch``, ``worker`` and ``jobs``: many recordings through the job queue.

The commands queue recordings in the database (:mod:`minutes.jobs`) and run local worker
processes that claim them; a crash or ``kill -9`` loses at most the stage in flight, and the
same command run again resumes. Registered on the main group by :func:`register`.
"""

from __future__ import annotations

import hashlib
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session, sessionmaker

from minutes.cli import EXIT_FAILED, _errors, _fail, _hotwords, _llm_options, _llm_overrides, _preset_option
from minutes.db.jobs import JOB_STATUSES
from minutes.jobs import (
    JobInfo,
    LocalEngine,
    Processors,
    RetryPolicy,
    Watcher,
    WorkerConfig,
    count_jobs,
    enqueue,
    expand,
    file_sha256,
    list_jobs,
    retry_jobs,
    threads_per_worker,
)

POLL = 0.5  # seconds between looks at the queue while workers run


def register(group: click.Group) -> None:
    """Add the queue commands to the ``minutes`` group."""
    for command in (batch, watch, worker, jobs):
        group.add_command(command)


# --- options shared by batch and watch ------------------------------------------------------


def _pipeline_options(f: Any) -> Any:
    """What ``minutes process`` takes about the recordings (each job stores them)."""
    for opt in reversed(
        [
            _preset_option,
            click.option("--model", envvar="MINUTES_MODEL", help="Speech model: tiny.en, base, or a folder."),
            click.option(
                "--language", envvar="MINUTES_LANGUAGE", help="Spoken language code; default: detect."
            ),
            click.option(
                "--vocabulary",
                type=click.Path(exists=True, dir_okay=False, path_type=Path),
                envvar="MINUTES_VOCABULARY",
                help="File of names and jargon, one per line, to help recognition.",
            ),
            click.option(
                "--speakers", "num_speakers", type=click.IntRange(min=1), help="Exact number of speakers."
            ),
            click.option("--min-speakers", type=click.IntRange(min=1), help="At least this many speakers."),
            click.option("--max-speakers", type=click.IntRange(min=1), help="At most this many speakers."),
            click.option(
                "--force", is_flag=True, help="Redo every stage even for recordings processed before."
            ),
            click.option("--sequential", is_flag=True, help="Transcribe, then diarize (not side by side)."),
            click.option(
                "--no-summary", is_flag=True, envvar="MINUTES_NO_SUMMARY", help="Skip the minutes stage."
            ),
            _llm_options,
        ]
    ):
        f = opt(f)
    return f


def _engine_options(f: Any) -> Any:
    """How the local workers run."""
    for opt in reversed(
        [
            click.option(
                "--workers",
                type=click.IntRange(min=1),
                default=1,
                show_default=True,
                envvar="MINUTES_WORKERS",
                help="Worker processes; the threads are shared out among them.",
            ),
            click.option(
                "--threads", type=click.IntRange(min=1), envvar="MINUTES_THREADS", help="CPU threads in all."
            ),
            click.option(
                "--retry-delay",
                type=click.FloatRange(min=0),
                default=10.0,
                show_default=True,
                help="Seconds before a failed attempt is tried again (doubling each time).",
            ),
            click.option("-q", "--quiet", is_flag=True, help="Only the final report (and failures)."),
        ]
    ):
        f = opt(f)
    return f


def _job_options(kwargs: dict[str, Any]) -> tuple[str | None, dict[str, Any], str | None]:
    """Command-line values → (preset, job options, LLM API key); the key is never stored."""
    llm = _llm_overrides(kwargs)
    vocabulary = kwargs.pop("vocabulary")
    options = {
        **{k: kwargs.pop(k) for k in ("model", "language", "num_speakers", "min_speakers", "max_speakers")},
        "hotwords": _hotwords(vocabulary),
        "no_summary": kwargs.pop("no_summary") or None,
        "sequential": kwargs.pop("sequential") or None,
        "force": kwargs.pop("force") or None,
        "summary_language": llm["language"],
        "llm_backend": llm["backend"],
        "llm_model": llm["model"],
        "llm_url": llm["url"],
    }
    return kwargs.pop("preset"), {k: v for k, v in options.items() if v is not None}, llm["api_key"]


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


def _sessions() -> sessionmaker[Session]:
    from minutes.factory import open_store

    return open_store()


def _check_processor(
    sessions: sessionmaker[Session], config: WorkerConfig, preset: str | None, opts: Any
) -> None:
    """Build the processor once here (models resolve, nothing loads) so a bad preset or a missing
    model is one error now, not a failure per job in every worker."""
    processors = Processors(sessions, threads=config.threads, llm_api_key=config.llm_api_key)
    processors.prepare(preset, opts)
    processors.close()


def _queue(
    sessions: sessionmaker[Session],
    files: Sequence[Path],
    *,
    preset: str | None,
    options: dict[str, Any],
    batch: str,
    max_attempts: int,
) -> list[int]:
    hashed = [(f, file_sha256(f)) for f in files]  # outside the transaction: reading takes time
    from minutes import db as store

    with store.session_scope(sessions) as s:
        return [
            enqueue(
                s, f, options=options, preset=preset, batch=batch, max_attempts=max_attempts, sha256=digest
            )
            for f, digest in hashed
        ]


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


# --- following the queue --------------------------------------------------------------------


class _Follower:
    """Reads the jobs that changed since the last look; prints a line for each that finished or
    is waiting to be tried again, and keeps a live view of the running ones on a terminal."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        batch: str | None,
        mine: Callable[[JobInfo], bool] = lambda _job: True,
        lines: bool,
        json_lines: bool = False,
        live: bool = False,
    ) -> None:
        self.sessions, self.batch, self.mine = sessions, batch, mine
        self.lines, self.json_lines = lines, json_lines
        self.finished: list[JobInfo] = []
        self._seen: dict[int, tuple[str, int]] = {}
        self._since: Any = None
        self._live = _Live() if live else None

    def poll(self, *, silent: bool = False) -> None:
        """Look once; ``silent``: only note what is there (jobs finished before this command)."""
        from minutes import db as store
        from minutes.db.models import utcnow

        now = utcnow()
        with store.session_scope(self.sessions) as s:
            changed = list_jobs(s, batch=self.batch, since=self._since, oldest_first=True)
        self._since = now - timedelta(seconds=2)  # rows written while this look ran
        for job in changed:
            if not self.mine(job):
                continue
            state = (job.status, job.attempts)
            if self._live is not None:
                self._live.show(job)
            if self._seen.get(job.id) == state:
                continue
            self._seen[job.id] = state
            if silent:
                continue
            if job.finished:
                self.finished.append(job)
                self._say(job)
            elif job.status == "queued" and job.attempts and job.error and self.lines:
                click.echo(
                    f"↻ {job.path}: attempt {job.attempts} of {job.max_attempts} failed ({job.error}); "
                    "trying again",
                    err=True,
                )

    def _say(self, job: JobInfo) -> None:
        if self.json_lines:
            click.echo(json.dumps(job.to_dict(), ensure_ascii=False))
        elif self.lines:
            click.echo(job_line(job), err=job.status == "failed")

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


def _report(jobs: Sequence[JobInfo], *, batch: str, wall: float, as_json: bool) -> None:
    from minutes.clirender import clock

    counts = dict.fromkeys(JOB_STATUSES, 0)
    for job in jobs:
        counts[job.status] += 1
    audio = sum(float((j.result or {}).get("duration", 0.0)) for j in jobs if j.status == "done")
    if as_json:
        doc = {
            "batch": batch,
            "counts": counts,
            "audio_seconds": round(audio, 3),
            "wall_seconds": round(wall, 3),
            "jobs": [j.to_dict() for j in jobs],
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    parts = [
        f"{counts['done']} done",
        f"{counts['skipped']} skipped as duplicate",
        f"{counts['failed']} failed",
    ]
    parts += [f"{counts[s]} {s}" for s in ("queued", "running") if counts[s]]
    click.echo(f"batch {batch}: {', '.join(parts)}; {clock(audio)} of audio, {clock(wall)} this run")
    failed = [j for j in jobs if j.status == "failed"]
    if failed:
        click.echo("failed:\n" + "\n".join(f"  {job_line(j)}" for j in failed), err=True)
        click.echo(f"`minutes jobs retry --failed --batch {batch}` queues them again", err=True)


def _batch_name(prefix: str, *parts: Any) -> str:
    """A name that is the same when the same command runs again (so it resumes its batch)."""
    key = json.dumps(parts, sort_keys=True, default=str)
    return f"{prefix}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


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
    "--max-attempts",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Attempts per recording for failures that may pass (crash, out of memory, database busy).",
)
@click.option("--json", "as_json", is_flag=True, help="The final report as one JSON document on stdout.")
def batch(
    paths: tuple[str, ...],
    batch_name: str | None,
    workers: int,
    threads: int | None,
    retry_delay: float,
    quiet: bool,
    max_attempts: int,
    as_json: bool,
    **kwargs: Any,
) -> None:
    """Process many recordings (files, folders, globs) with a pool of worker processes.

    Folders are searched recursively for media files. Each recording becomes a job in the
    database; recordings already processed, or twice in the batch, are skipped as duplicates.
    A crash or kill loses at most the stage in flight: run the same command again and it
    resumes. Prints a report; exit status 1 if any recording failed.
    """
    started = time.monotonic()
    with _errors():
        files = expand(paths)
        preset, options, api_key = _job_options(kwargs)
        name = batch_name or _batch_name(
            "batch", sorted(str(Path(p).absolute()) for p in paths), preset, options
        )
        config = _config(
            batch=name, workers=workers, threads=threads, retry_delay=retry_delay, api_key=api_key
        )
        sessions = _sessions()
        _check_processor(sessions, config, preset, options)
        _queue(sessions, files, preset=preset, options=options, batch=name, max_attempts=max_attempts)
    if not (quiet or as_json):
        click.echo(f"batch {name}: {len(files)} recording(s), {workers} worker(s)", err=True)
    follower = _Follower(
        sessions,
        batch=name,
        lines=not (quiet or as_json),
        live=not (quiet or as_json) and sys.stderr.isatty(),
    )
    try:
        with _errors(), _stop_on_sigterm(), LocalEngine(config, workers=workers, sessions=sessions) as engine:
            while _unfinished(sessions, name):
                engine.tick()
                follower.poll()
                time.sleep(POLL)
            follower.poll()
    except KeyboardInterrupt:
        follower.close()
        _fail("interrupted; finished stages are kept, run the same command again to resume", 130)
    follower.close()
    from minutes import db as store

    with store.session_scope(sessions) as s:
        everything = list_jobs(s, batch=name, oldest_first=True)
    _report(everything, batch=name, wall=time.monotonic() - started, as_json=as_json)
    if any(j.status == "failed" for j in everything):
        sys.exit(EXIT_FAILED)


def _unfinished(sessions: sessionmaker[Session], batch: str) -> bool:
    from minutes import db as store

    with store.session_scope(sessions) as s:
        counts = count_jobs(s, batch=batch)
    return counts["queued"] + counts["running"] > 0


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
@click.option(
    "--max-attempts", type=click.IntRange(min=1), default=3, show_default=True, help="Attempts per recording."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per finished job on stdout.")
def watch(
    folder: Path,
    batch_name: str | None,
    workers: int,
    threads: int | None,
    retry_delay: float,
    quiet: bool,
    settle: float,
    interval: float,
    max_attempts: int,
    as_json: bool,
    **kwargs: Any,
) -> None:
    """Process recordings as they arrive in FOLDER (and those already there), each once.

    A file is queued when it has stopped growing for --settle seconds. What was queued is
    remembered in the database, so a restart does not process a file twice. Runs until
    Ctrl-C (or SIGTERM); a recording in progress then is finished by the next run.
    """
    with _errors():
        preset, options, api_key = _job_options(kwargs)
        name = batch_name or _batch_name("watch", str(folder.resolve()))
        config = _config(
            batch=name,
            workers=workers,
            threads=threads,
            retry_delay=retry_delay,
            api_key=api_key,
            forever=True,
        )
        sessions = _sessions()
        _check_processor(sessions, config, preset, options)
        from minutes import db as store

        with store.session_scope(sessions) as s:
            handled = {j.path: j.created_at for j in list_jobs(s, batch=name, oldest_first=True)}
    watcher = Watcher(folder, settle=settle, handled=handled)
    follower = _Follower(sessions, batch=name, lines=not quiet and not as_json, json_lines=as_json)
    follower.poll(silent=True)
    if not quiet:
        click.echo(f"watching {folder} (batch {name}); Ctrl-C stops", err=True)
    try:
        with _errors(), _stop_on_sigterm(), LocalEngine(config, workers=workers, sessions=sessions) as engine:
            while True:
                ready = watcher.scan()
                if ready:
                    _queue(
                        sessions, ready, preset=preset, options=options, batch=name, max_attempts=max_attempts
                    )
                    if not quiet:
                        click.echo("\n".join(f"queued {p}" for p in ready), err=True)
                engine.tick()
                follower.poll()
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
        )
        sessions = _sessions()
    engine = LocalEngine(config, workers=workers, sessions=sessions)
    follower = _Follower(
        sessions,
        batch=batch_name,
        mine=lambda job: job.worker in engine.worker_ids,
        lines=not quiet and not as_json,
        json_lines=as_json,
    )
    try:
        with _errors(), _stop_on_sigterm(), engine:
            while engine.tick():
                follower.poll()
                time.sleep(min(poll, POLL))
    except KeyboardInterrupt:
        pass
    follower.poll()
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
