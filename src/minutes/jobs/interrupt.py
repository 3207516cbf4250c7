"""A worker's stop request, honoured where no finished work is lost.

When a batch is interrupted (Ctrl-C, SIGTERM from systemd or ``docker stop``) the parent sends its
workers SIGTERM. Dying on the spot could lose a stage that had just finished but was not stored
yet, and it would be computed again on resume. Instead the signal only records the request; the
running stage stops at its next progress report (:func:`check`, from the progress hook), which
comes before its result exists, and a stage whose result has been computed is stored first. A
stage that reports no progress runs to its end, or until the parent's grace period runs out.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

_requested = threading.Event()


class Interrupted(BaseException):
    """The worker was asked to stop in the middle of a job: not a failure of the job, so it
    is a BaseException that no ``except Exception`` records as one."""


def install() -> None:
    """Make SIGTERM a stop request in this process (a worker's main thread)."""
    signal.signal(signal.SIGTERM, _on_sigterm)


def _on_sigterm(_signum: int, _frame: Any) -> None:
    request()


def request() -> None:
    """Ask this process's running job to stop at its next safe point."""
    _requested.set()


def requested() -> bool:
    return _requested.is_set()


def check(fraction: float) -> None:
    """Raise :class:`Interrupted` when a stop was requested and the stage reporting ``fraction``
    has not finished: a finished stage (1.0) goes on to be stored."""
    if fraction < 1.0 and _requested.is_set():
        raise Interrupted


def reset() -> None:
    """Forget a request (tests)."""
    _requested.clear()
