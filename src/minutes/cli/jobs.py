"""``minutes jobs`` and ``jobs retry``: what is queued, running and finished; failed jobs again."""

from __future__ import annotations

import json

import click

from minutes.cli.errors import EXIT_USAGE, errors, fail
from minutes.cli.params import COUNT, ID
from minutes.cli.queue_view import jobs_table
from minutes.cli.store import sessions
from minutes.db.jobs import JOB_STATUSES
from minutes.jobs import list_jobs, retry_jobs


@click.group(invoke_without_command=True)
@click.option("--status", type=click.Choice(JOB_STATUSES), help="Only jobs in this state.")
@click.option("--batch", "batch_name", help="Only jobs of this batch.")
@click.option("--limit", type=COUNT, help="Show at most this many (newest first).")
@click.option("--json", "as_json", is_flag=True, help="JSON array instead of a table.")
@click.pass_context
def jobs(
    ctx: click.Context, status: str | None, batch_name: str | None, limit: int | None, as_json: bool
) -> None:
    """List queued, running and finished jobs, newest first; `jobs retry` queues failed ones again."""
    if ctx.invoked_subcommand is not None:
        return
    from minutes import db as store

    with errors(), store.session_scope(sessions()) as s:
        rows = list_jobs(s, status=status, batch=batch_name, limit=limit)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(jobs_table(rows))


@jobs.command("retry")
@click.argument("ids", nargs=-1, type=ID)
@click.option("--failed", is_flag=True, help="Every failed job (of --batch, if given).")
@click.option("--batch", "batch_name", help="With --failed: only this batch's failed jobs.")
def jobs_retry(ids: tuple[int, ...], failed: bool, batch_name: str | None) -> None:
    """Queue failed jobs (IDS, or --failed) again with a fresh count of attempts."""
    from minutes import db as store

    if ids and (failed or batch_name):
        fail("give job ids or --failed (with --batch), not both", EXIT_USAGE)
    with errors(), store.session_scope(sessions()) as s:
        requeued = retry_jobs(s, ids, failed=failed, batch=batch_name)
    if not requeued:
        click.echo("no failed jobs to retry")
        return
    click.echo(
        f"queued again: job {', '.join(map(str, requeued))}; `minutes worker` (or the batch command "
        "run again) processes them"
    )


COMMANDS: tuple[click.Command, ...] = (jobs,)
