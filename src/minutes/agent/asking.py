"""The seam between the MCP server and ``minutes.ask``: the ``ask`` tool exists only where that
package does.

:func:`default_asker` looks ``minutes.ask`` up when the server starts (never at import): without
it the server offers every other tool and no ``ask``. With it, the tool resolves the token's user
(:meth:`Archive.acting`, as every tool does) and hands the question to
``minutes.ask.answer(sessions, actor, question, *, llm, embedder, filters)``, whose answer comes
back as the ``--json`` shape of ``minutes ask``: ``{"answer", "found", "sentences": [{"text",
"citations": [{"meeting_id", "utterance", "start", "end", "speaker", "text"}]}]}``. The access
rules are applied inside ``minutes.ask``'s retrieval, as in search.

This module is the one place to change if ``minutes.ask`` names its pieces differently.
"""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from minutes.agent.tools import Archive

ASK_MODULE = "minutes.ask"


@dataclass(frozen=True, slots=True)
class AskFilters:
    """What an ``ask`` call narrows the archive to (all optional, all ANDed)."""

    meeting_ids: tuple[int, ...] = ()
    since: date | None = None
    team_id: int | None = None
    person: str | None = None


Asker = Callable[[Archive, str, AskFilters], dict[str, Any]]
"""Answers one question for the token's user: ``(archive, question, filters) -> answer JSON``."""


def ask_available() -> bool:
    """Whether ``minutes.ask`` is installed (without importing it)."""
    try:
        return importlib.util.find_spec(ASK_MODULE) is not None
    except ModuleNotFoundError:  # pragma: no cover - the parent package is always there
        return False


def default_asker() -> Asker | None:
    """The asker backed by ``minutes.ask``, or ``None`` where that package does not exist."""
    return _ask_with_package if ask_available() else None


def _ask_with_package(archive: Archive, question: str, filters: AskFilters) -> dict[str, Any]:
    module: Any = importlib.import_module(ASK_MODULE)
    actor = archive.run(lambda _session, actor: actor)  # the token checked, its user loaded
    models = module.default_models() if hasattr(module, "default_models") else None
    options: dict[str, Any] = {}
    if models is not None:
        options = {"llm": models.llm, "embedder": models.embedder}
    wanted = module.AskFilters(**dataclasses.asdict(filters)) if hasattr(module, "AskFilters") else filters
    answer = module.answer(archive.sessions, actor, question, filters=wanted, **options)
    if hasattr(answer, "to_json"):
        found: dict[str, Any] = answer.to_json()
        return found
    return dict(dataclasses.asdict(answer))
