"""The web app's one asker: the model loaded once for the server, answers written one at a time on
the asker's own thread, and the asks waiting for it, which their askers can watch.

:meth:`Asker.submit` puts a question in line and returns at once; one worker thread (started on the
first ask, ended after a minute without any) takes the asks in order and writes each answer with
:func:`minutes.ask.answer`, as the actor who asked. The model never runs on the event loop or on
the request threads, so every other page keeps answering while it writes (seconds on two cores). A
second model in memory would only halve the speed of both, so there is one, and asks queue for it.
The asker's thread runs at a lower priority (:attr:`AskLimits.nice`), and so do the threads the
model starts from it: while the model has the cores, a page request still gets them first.

Asks live in this process's memory only: each is owned by the user who asked (another user gets
:class:`~minutes.errors.NotFoundError`, as for a missing one), a finished one is kept
:attr:`AskLimits.keep_seconds` for its page, and the line is bounded (:class:`~minutes.errors.Busy`
when it is full, or when one user's asks fill their share).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import suppress
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from minutes.accounts.access import Actor, require_principal
from minutes.ask import Answer, AskFilters, answer, clean_question
from minutes.embeddings import Embedder
from minutes.errors import Busy, MinutesError, NotFoundError
from minutes.llm import LLM

log = logging.getLogger(__name__)

Build = Callable[[], tuple[LLM, Embedder | None]]

FAILED = "the answer could not be written (an error in the server; its log has the details)"
"""What a failed ask shows when the error is not one of the library's own messages."""


@dataclass(frozen=True, slots=True)
class AskLimits:
    """How much the line holds and how long answers stay readable."""

    waiting: int = 8
    """Asks waiting or being written, of all users together; one more is refused (503)."""
    per_user: int = 2
    """Of those, one user's; one more of theirs is refused (429)."""
    keep_seconds: float = 600.0
    """A finished ask's page answers this long after it was written."""
    kept: int = 200
    """Finished asks kept at most; past that the oldest are forgotten first."""
    page_seconds: float = 1.5
    """How long the Ask box waits for an answer before it shows the ask's place in line instead."""
    nice: int = 10
    """How many steps below the request threads the asker's thread runs (and the model's threads,
    which it starts): the pages get the cores first. 0 leaves it alone; Linux only."""
    idle_seconds: float = 60.0
    """The worker thread ends after this long without an ask (the next ask starts another)."""
    retry_after: int = 30


@dataclass(frozen=True, slots=True)
class Status:
    """Where an ask stands: ``queued`` (``ahead`` asks before it), ``writing``, ``done`` or ``failed``."""

    state: str
    ahead: int = 0

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    def text(self) -> str:
        """What the page says about it."""
        if self.state == "queued":
            if self.ahead == 0:
                return "Yours is next"
            return f"{self.ahead} ask{'' if self.ahead == 1 else 's'} ahead of yours"
        return {"writing": "Writing your answer…", "done": "Your answer is ready"}.get(
            self.state, "The answer could not be written"
        )

    def to_dict(self) -> dict[str, object]:
        return {"state": self.state, "ahead": self.ahead, "text": self.text()}


@dataclass(eq=False, slots=True)
class Pending:
    """One ask: whose, what, how many were ahead when it arrived, and (in ``future``) its answer or
    the error it ended with."""

    id: str
    owner: int
    question: str
    filters: AskFilters
    arrived_ahead: int
    sessions: sessionmaker[Session] = field(repr=False)
    actor: Actor = field(repr=False)
    future: Future[Answer] = field(default_factory=Future, repr=False)
    finished_at: float | None = None

    def error(self) -> str | None:
        """The message to show for a failed ask (``None`` while it waits or when it answered)."""
        if not self.future.done():
            return None
        if self.future.cancelled():
            return "the ask was cancelled"
        exc = self.future.exception()
        if exc is None:
            return None
        return str(exc) if isinstance(exc, MinutesError) else FAILED


class Asker:
    """Builds the model on the first ask (``build``), then answers the asks in line, one at a time."""

    def __init__(
        self, build: Build, *, limits: AskLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._build = build
        self._models: tuple[LLM, Embedder | None] | None = None
        self.limits = limits or AskLimits()
        self._clock = clock
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._line: deque[Pending] = deque()
        self._writing: Pending | None = None
        self._asks: dict[str, Pending] = {}  # the asks whose page may be read, by id
        self._thread: threading.Thread | None = None

    @property
    def waiting(self) -> int:
        """Asks in line or being written."""
        with self._lock:
            return self._unfinished()

    def submit(
        self,
        sessions: sessionmaker[Session],
        actor: Actor,
        question: str,
        filters: AskFilters,
        *,
        keep: bool = True,
    ) -> Pending:
        """Put ``question`` in line for ``actor`` (a signed-in user); returns at once.

        ``keep``: the ask can be found again (:meth:`find`) until it expires; a caller that waits
        for the answer itself passes False. Raises :class:`~minutes.errors.QueryError` for a blank
        or overlong question (before it waits) and :class:`~minutes.errors.Busy` when the line is full.
        """
        question = clean_question(question)
        owner = require_principal(actor).user_id
        with self._lock:
            self._forget_old()
            unfinished = self._unfinished()
            if unfinished >= self.limits.waiting:
                raise Busy(
                    f"{unfinished} questions are already waiting for the model; try again in a minute",
                    retry_after=self.limits.retry_after,
                    mine=False,
                )
            mine = sum(1 for p in self._in_line() if p.owner == owner)
            if mine >= self.limits.per_user:
                yours = "your question is" if mine == 1 else f"your {mine} questions are"
                raise Busy(
                    f"{yours} already waiting for the model; ask again once answered",
                    retry_after=self.limits.retry_after,
                    mine=True,
                )
            pending = Pending(
                id=secrets.token_urlsafe(12),
                owner=owner,
                question=question,
                filters=filters,
                arrived_ahead=unfinished,
                sessions=sessions,
                actor=actor,
            )
            if keep:
                self._asks[pending.id] = pending
            self._line.append(pending)
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="minutes-asker", daemon=True)
                self._thread.start()
            self._wake.notify()
        return pending

    def find(self, ask_id: str, actor: Actor) -> Pending:
        """``actor``'s ask ``ask_id``; :class:`~minutes.errors.NotFoundError` when it does not
        exist, has expired, or is someone else's (the same answer, so ids of others' asks leak nothing)."""
        owner = require_principal(actor).user_id
        with self._lock:
            self._forget_old()
            pending = self._asks.get(ask_id)
        if pending is None or pending.owner != owner:
            raise NotFoundError(
                "no such question: answers are kept "
                f"{self.limits.keep_seconds / 60:.0f} minutes and only for whoever asked; ask again"
            )
        return pending

    def status(self, pending: Pending) -> Status:
        with self._lock:
            if pending is self._writing:
                return Status("writing")
            for ahead, queued in enumerate(self._line):
                if queued is pending:
                    return Status("queued", ahead + (self._writing is not None))
        if not pending.future.done():  # written, its answer about to be set
            return Status("writing")
        return Status("failed" if pending.error() is not None else "done")

    async def wait(self, pending: Pending, timeout: float | None) -> bool:
        """Whether ``pending`` finished within ``timeout`` seconds (``None``: wait for it), without
        holding a thread; a wait that times out leaves the ask in line."""
        if pending.future.done() or (timeout is not None and timeout <= 0):
            return pending.future.done()
        loop = asyncio.get_running_loop()
        finished = asyncio.Event()

        def wake(_: Future[Answer]) -> None:
            with suppress(RuntimeError):  # the loop is closed: nobody waits any more
                loop.call_soon_threadsafe(finished.set)

        pending.future.add_done_callback(wake)
        with suppress(TimeoutError):
            await asyncio.wait_for(finished.wait(), timeout)
        return pending.future.done()

    # The worker thread ----------------------------------------------------------------------------

    def _work(self) -> None:
        _lower_priority(self.limits.nice)
        while True:
            with self._lock:
                while not self._line:
                    if not self._wake.wait(self.limits.idle_seconds) and not self._line:
                        self._thread = None
                        return
                pending = self._line.popleft()
                if not pending.future.set_running_or_notify_cancel():
                    self._asks.pop(pending.id, None)  # its waiter went away before its turn
                    continue
                self._writing = pending
            result: Answer | None = None
            error: BaseException | None = None
            try:
                result = self._answer(pending)
            except MinutesError as exc:
                error = exc
                log.info("ask %s: %s", pending.id, exc)
            except Exception as exc:
                error = exc
                log.exception("ask %s failed", pending.id)
            with self._lock:
                self._writing = None
                pending.finished_at = self._clock()
            # Set after the line is updated: whoever wakes on the answer sees it gone from the line.
            if error is not None:
                pending.future.set_exception(error)
            else:
                assert result is not None
                pending.future.set_result(result)

    def warm(self) -> None:
        """Load the models now, before the server answers anything (call it before serving).

        Loading llama.cpp's weights holds Python's lock for seconds (2 s on an idle 2-core machine,
        7 s under load, bench/web_ask.py), so a model loaded by the first ask would stall every
        page served meanwhile. A model that fails to load here is built again by the first ask,
        which then reports why.
        """
        if self._models is not None:
            return
        try:
            llm, embedder = self._build()
            llm.chat([{"role": "user", "content": "Hi"}], max_tokens=1)
            if embedder is not None:
                embedder.embed(["warm"])
        except Exception as exc:  # the first ask tries again and says why
            log.warning("could not load the ask model ahead of the first question: %s", exc)
            return
        self._models = (llm, embedder)  # before any worker thread exists, which alone sets it after

    def _answer(self, pending: Pending) -> Answer:
        if self._models is None:  # only the worker thread reads or sets it (warm() runs before any)
            self._models = self._build()
        llm, embedder = self._models
        return answer(
            pending.sessions,
            pending.actor,
            pending.question,
            llm=llm,
            embedder=embedder,
            filters=pending.filters,
        )

    # Under the lock ---------------------------------------------------------------------------------

    def _in_line(self) -> list[Pending]:
        return [*self._line, *([self._writing] if self._writing is not None else [])]

    def _unfinished(self) -> int:
        return len(self._line) + (self._writing is not None)

    def _forget_old(self) -> None:
        """Forget finished asks older than :attr:`AskLimits.keep_seconds`, then the oldest finished
        ones past :attr:`AskLimits.kept`."""
        now = self._clock()
        finished = sorted(
            (p for p in self._asks.values() if p.finished_at is not None), key=lambda p: p.finished_at or 0.0
        )
        over = max(0, len(finished) - self.limits.kept)
        for i, p in enumerate(finished):
            assert p.finished_at is not None
            if i < over or now - p.finished_at > self.limits.keep_seconds:
                del self._asks[p.id]


def _lower_priority(steps: int) -> None:
    """Run the calling thread ``steps`` nice levels lower; the threads it starts inherit it.

    On Linux a thread's id names just that thread; elsewhere it would lower the whole server, so
    nothing changes there.
    """
    if steps <= 0 or sys.platform != "linux":
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + steps))
    except OSError as exc:  # a sandbox that forbids it: answers are written all the same
        log.warning("could not lower the asker's priority: %s", exc)


def default_asker() -> Asker:
    """The configured preset's model and the passage embedder (``MINUTES_PRESET``, ``MINUTES_THREADS``)."""

    def build() -> tuple[LLM, Embedder | None]:
        from minutes.factory import build_asker
        from minutes.settings import load_preset

        return build_asker(load_preset(None))

    return Asker(build)
