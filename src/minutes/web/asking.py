"""The web app's one asker: the model loaded once for the server, answers written one at a time.

A route that asks is a plain ``def``: FastAPI runs it on its worker threads, so the event loop
keeps serving other pages while the model writes (seconds on two cores). Answers take the
model's lock in turn (a second model in memory would only halve the speed of both);
:attr:`Asker.waiting` says how many asks stand in line, ``position`` of an ask is how many were
ahead of it when it arrived.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from minutes.accounts.access import Actor
from minutes.ask import Answer, AskFilters, answer
from minutes.embeddings import Embedder
from minutes.llm import LLM

Build = Callable[[], tuple[LLM, Embedder | None]]


class Asker:
    """Builds the model on the first ask (``build``), then serves asks one at a time."""

    def __init__(self, build: Build) -> None:
        self._build = build
        self._models: tuple[LLM, Embedder | None] | None = None
        self._turn = threading.Lock()
        self._count = threading.Lock()
        self.waiting = 0

    def ask(
        self, sessions: sessionmaker[Session], actor: Actor, question: str, filters: AskFilters
    ) -> tuple[Answer, int]:
        """The answer, and how many asks were ahead of this one when it arrived."""
        with self._count:
            position = self.waiting
            self.waiting += 1
        try:
            with self._turn:
                if self._models is None:
                    self._models = self._build()
                llm, embedder = self._models
                return answer(
                    sessions, actor, question, llm=llm, embedder=embedder, filters=filters
                ), position
        finally:
            with self._count:
                self.waiting -= 1


def default_asker() -> Asker:
    """The configured preset's model and the passage embedder (``MINUTES_PRESET``, ``MINUTES_THREADS``)."""

    def build() -> tuple[LLM, Embedder | None]:
        from minutes.factory import build_asker
        from minutes.settings import load_preset

        return build_asker(load_preset(None))

    return Asker(build)
