"""Supervising worker processes: the loops that drive an engine, and the signals that stop it.

The command line decides what to run and prints what happens; the loops here drive an engine
(:class:`~minutes.jobs.LocalPool` or the Dask engine), hand each look at the queue to a
``show`` callback, and stop on Ctrl-C or SIGTERM (:func:`stop_on_sigterm`). ``minutes serve``
runs one ``minutes worker --forever`` child for uploads (:func:`start_worker`, :func:`stop_worker`).
"""

from __future__ import annotations

import ctypes
import logging
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Protocol

from minutes.jobs.follow import Change, Follower, unfinished
from minutes.jobs.plan import BatchPlan

log = logging.getLogger(__name__)

POLL = 0.5  # seconds between looks at the queue while workers run
WORKER_STOP_SECONDS = 15
PR_SET_PDEATHSIG = 1  # linux/prctl.h

Show = Callable[[Sequence[Change]], None]


class WorkerPool(Protocol):
    """What the loops need of a worker pool: one step of supervision, False once it has stopped."""

    def tick(self) -> bool: ...


# --- driving an engine -----------------------------------------------------------------------


def until_finished(engine: WorkerPool, plan: BatchPlan, *, show: Show) -> None:
    """Drive ``engine`` until the plan's batch has no queued or running job left."""
    follower = Follower(plan.sessions, batch=plan.batch)

    def follow() -> None:
        show(plan.steadily(follower.poll, "following the batch"))

    while plan.steadily(lambda: unfinished(plan.sessions, plan.batch), "following the batch"):
        engine.tick()
        follow()
        time.sleep(POLL)
    follow()


def watch_folder(
    engine: WorkerPool,
    plan: BatchPlan,
    *,
    scan: Callable[[], list[Path]],
    queued: Callable[[list[Path]], None],
    follower: Follower,
    show: Show,
    interval: float,
) -> None:
    """Queue what ``scan`` finds ready and drive ``engine``, every ``interval`` seconds, until
    interrupted (KeyboardInterrupt propagates)."""
    while True:
        ready = scan()
        if ready:
            plan.queue(ready)
            queued(ready)
        engine.tick()
        show(plan.steadily(follower.poll, "following the queue"))
        time.sleep(interval)


def until_idle(engine: WorkerPool, *, follow: Callable[[], None], poll: float) -> None:
    """Drive ``engine`` while it has work (or forever, as its config says), following the queue."""
    while engine.tick():
        follow()
        time.sleep(min(poll, POLL))


# --- signals -----------------------------------------------------------------------------------


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (systemd, docker stop, kill) stops like Ctrl-C: jobs in flight are put back."""

    def interrupt(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def exit_on_sigterm(signum: int, _frame: object) -> None:
    """A SIGTERM handler that ends with SystemExit, so ``finally`` blocks run."""
    # uvicorn re-raises the SIGTERM it caught once it has shut down; ending with SystemExit
    # (instead of the default instant death) lets `serve` stop its worker on the way out.
    raise SystemExit(128 + signum)


# --- the upload worker of `minutes serve` ------------------------------------------------------


def die_with_parent() -> None:
    """In the worker child, before exec: get SIGTERM if ``serve`` dies without stopping it (Linux)."""
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_worker(command: list[str]) -> subprocess.Popen[bytes]:
    """Run ``command`` (a worker) as a child that dies with this process; a warning is logged
    if it stops on its own."""
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)

    def watch() -> None:
        code = child.wait()
        if code not in (0, -15):
            log.warning("the upload worker stopped (exit status %s); uploads stay queued", code)

    threading.Thread(target=watch, name="worker-watch", daemon=True).start()
    return child


def stop_worker(child: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after :data:`WORKER_STOP_SECONDS`."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=WORKER_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
