"""The seam between the MCP server and ``minutes.ask``: the ``ask`` tool exists only where that
package does.

:func:`default_asker` looks ``minutes.ask`` up when the server starts (never at import): without
it the server offers every other tool and no ``ask``. With it, the tool resolves the token's user
(:meth:`Archive.run`, as every tool does) and hands the question to
``minutes.ask.answer(sessions, actor, question, *, llm, embedder, filters)``; the language model
and the passage embedder come from ``minutes.factory.build_asker(load_preset(None))``, built on
the first question and kept. The answer comes back as ``Answer.to_dict()``, the ``--json`` shape of
``minutes ask``: ``{"answer", "found", "quoted", "sentences": [{"text", "citations": [{"meeting_id",
"utterance", "start", "end", "speaker", "text"}]}]}``. The access rules are applied inside
``minutes.ask``'s retrieval, as in search.

This module is the one place to change if ``minutes.ask`` names its pieces differently.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from minutes.agent.tools import Archive

ASK_MODULE = "minutes.ask"


@dataclass(frozen=True, slots=True)
class AskFilters:
    """What an ``ask`` call narrows the archive to (all optional, all ANDed); the fields of
    ``minutes.ask.AskFilters``: these meeting ids, from this day on, this team (its name), where
    this person spoke."""

    meeting_ids: tuple[int, ...] = ()
    since: date | None = None
    team: str | None = None
    person: str | None = None


Asker = Callable[[Archive, str, AskFilters], dict[str, Any]]
"""Answers one question for the token's user: ``(archive, question, filters) -> answer JSON``."""


def ask_available() -> bool:
    """Whether ``minutes.ask`` is installed (without importing it)."""
    try:
        return importlib.util.find_spec(ASK_MODULE) is not None
    except (ModuleNotFoundError, ValueError):
        return False


def default_asker() -> Asker | None:
    """The asker backed by ``minutes.ask``, or ``None`` where that package does not exist."""
    return PackageAsker() if ask_available() else None


class PackageAsker:
    """Asks through ``minutes.ask``; its models are built on the first question, then kept."""

    def __init__(self) -> None:
        self._models: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def models(self) -> tuple[Any, Any]:
        """``(llm, embedder)``, built once (tools run in worker threads, hence the lock)."""
        with self._lock:
            if self._models is None:
                factory: Any = importlib.import_module("minutes.factory")
                settings: Any = importlib.import_module("minutes.settings")
                self._models = factory.build_asker(settings.load_preset(None))
            return self._models

    def __call__(self, archive: Archive, question: str, filters: AskFilters) -> dict[str, Any]:
        module: Any = importlib.import_module(ASK_MODULE)
        actor = archive.run(lambda _session, actor: actor)  # the token checked, its user loaded
        llm, embedder = self.models()
        wanted = module.AskFilters(**dataclasses.asdict(filters))
        answer = module.answer(archive.sessions, actor, question, llm=llm, embedder=embedder, filters=wanted)
        found: dict[str, Any] = answer.to_dict()
        return found
