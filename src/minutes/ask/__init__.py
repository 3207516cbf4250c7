"""Ask the archive: a question answered from the meetings a user may see, every sentence cited.

Typical use (the command line, the web app, the API and MCP all call this)::

    from minutes.ask import AskFilters, answer

    result = answer(sessions, actor, "What did we decide about pricing?", llm=llm, embedder=embedder,
                    filters=AskFilters(since=date(2026, 11, 1)))
    result.to_dict()  # {"answer", "found", "quoted", "sentences": [{"text", "citations": [...]}]}

How it works (retrieval, the check, access) is in ``docs/ask.md``.
"""

from minutes.ask.retrieve import Retrieved, retrieve
from minutes.ask.service import answer, clean_question
from minutes.ask.types import NOT_FOUND, Answer, AskFilters, Citation, Line, Removed, Sentence

__all__ = [
    "NOT_FOUND",
    "Answer",
    "AskFilters",
    "Citation",
    "Line",
    "Removed",
    "Retrieved",
    "Sentence",
    "answer",
    "clean_question",
    "retrieve",
]
