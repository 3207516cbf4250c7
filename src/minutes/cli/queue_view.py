"""How the queue commands show jobs: a line per finished job, bars while they run, the report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import click

from minutes.jobs import JobInfo
from minutes.jobs.follow import BatchReport, Change


class Printer:
    """Says what a :class:`~minutes.jobs.follow.Follower` saw: a line (or JSON object) per
    finished job, a line per attempt that will be retried, and on a terminal a bar per running job."""

    def __init__(self, *, lines: bool, json_lines: bool = False, live: bool = False) -> None:
        self.lines, self.json_lines = lines, json_lines
        self._live = LiveBars() if live else None

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


class LiveBars:
    """One bar per running job on stderr (a terminal only)."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

        from minutes.cli.terminal import console

        self._progress = Progress(
            TextColumn("[bold]{task.fields[name]:<28}[/] {task.description:<10}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console(stderr=True),
            transient=True,
        )
        self._tasks: dict[int, Any] = {}
        self._progress.start()

    def show(self, job: JobInfo) -> None:
        from rich.markup import escape

        task = self._tasks.get(job.id)
        if job.status != "running":
            if task is not None:
                self._progress.remove_task(self._tasks.pop(job.id))
            return
        if task is None:
            name = escape(job.name[:28])  # a file name is text, not rich markup
            task = self._tasks[job.id] = self._progress.add_task("", total=1.0, name=name)
        self._progress.update(task, completed=job.progress, description=job.stage or "starting")

    def close(self) -> None:
        self._progress.stop()


def job_line(job: JobInfo) -> str:
    """One line about a finished job, as ``minutes process`` prints one about a file."""
    from minutes.cli.render import result_line
    from minutes.pipeline import ProcessResult

    if job.status == "done" and job.result is not None:
        return result_line(ProcessResult(**dict(job.result)))
    if job.status == "skipped":
        return f"= {job.path}  skipped: {job.error}"
    error = job.error or "failed"
    return f"✗ {error}" if job.name in error else f"✗ {job.path}: {error}"


def say_report(report: BatchReport, *, as_json: bool) -> None:
    """The end of a batch: counts and time on stdout, the failed jobs on stderr."""
    from minutes.cli.render import clock

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


def jobs_table(rows: Sequence[JobInfo]) -> str:
    """The jobs as a table (``minutes jobs``)."""
    from minutes.cli.render import table

    if not rows:
        return "no jobs yet; queue recordings with `minutes batch PATH...`"
    return table(
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
