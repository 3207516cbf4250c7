"""``answer``: one question across the meetings an actor may see, answered with citations or "not found".

The database is read in one short session (retrieval, access rules inside it), closed before the
model is called: a slow answer holds no connection. The model sees only the retrieved lines.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from minutes.accounts import access, audit
from minutes.ask.compose import SCHEMA, check, prompt, retry
from minutes.ask.quote import promised, quoted, with_later
from minutes.ask.retrieve import query_terms, retrieve
from minutes.ask.types import Answer, AskFilters, not_found
from minutes.db.engine import session_scope
from minutes.embeddings import Embedder
from minutes.errors import QueryError
from minutes.llm import LLM, chat_json

log = logging.getLogger(__name__)

MAX_QUESTION = 500
MAX_TOKENS = 512
"""Room for the longest reply :data:`~minutes.ask.compose.SCHEMA` allows (four sentences of at most
``SENTENCE_CHARS`` characters): a reply cut at the cap is not JSON and the ask would fail."""


def clean_question(question: str) -> str:
    """``question`` with its whitespace collapsed; :class:`~minutes.errors.QueryError` when it is
    blank or longer than :data:`MAX_QUESTION` (checked again by :func:`answer`; a caller that queues
    questions checks first, so a blank one is refused before it waits)."""
    question = " ".join(question.split())
    if not question:
        raise QueryError(
            "the question is blank; ask something, e.g. minutes ask 'what did we decide about pricing?'"
        )
    if len(question) > MAX_QUESTION:
        raise QueryError(f"the question is {len(question)} characters long; keep it under {MAX_QUESTION}")
    return question


def answer(
    sessions: sessionmaker[Session],
    actor: access.Actor,
    question: str,
    *,
    llm: LLM,
    embedder: Embedder | None,
    filters: AskFilters | None = None,
) -> Answer:
    """Answer ``question`` from the meetings ``actor`` may see (narrowed by ``filters``).

    Every sentence of the answer cites the lines it rests on and is checked against them; a
    sentence they do not support is removed. When the model's every sentence is removed (after a
    second try), the lines it cited that hold the question's words are quoted instead
    (``quoted=True``, :mod:`minutes.ask.quote`). When nothing relevant is found, the model finds no
    answer, or no cited line holds the question's words, the answer is ``found=False`` with the text
    "not found in the meetings you can see" — unless a retrieved line is a promise of a meeting
    series that holds most of the question's words and the ledger knows what became of it: the
    promise and the later line are then quoted (:func:`~minutes.ask.quote.promised`). An answer
    citing such a promise is followed by that later line (:func:`~minutes.ask.quote.with_later`).
    ``embedder`` None searches by words only. Raises :class:`~minutes.errors.QueryError` for a blank
    or overlong question or an unknown team, and :class:`~minutes.errors.Forbidden` for a web or API
    actor without a signed-in user.
    """
    question = clean_question(question)
    t0 = time.perf_counter()
    with session_scope(sessions) as session:
        found = retrieve(session, actor, question, embedder=embedder, filters=filters)
        if actor.principal is not None:
            audit.record(session, actor, "ask", object_type="search", detail={"query": question})
    retrieval = time.perf_counter() - t0
    if not found.lines:
        log.info("ask: nothing retrieved (%.3f s)", retrieval)
        return not_found()
    messages = prompt(question, found.lines)
    reply = chat_json(llm, messages, SCHEMA, max_tokens=MAX_TOKENS)
    result = check(reply, found.lines)
    if not result.found and result.removed:  # every sentence removed: one more try, checked the same
        again = chat_json(llm, retry(messages, reply, result.removed), SCHEMA, max_tokens=MAX_TOKENS)
        second = check(again, found.lines)
        result = replace(second, removed=result.removed + second.removed)
        if not result.found:  # the lines it cited, as said, rather than a "not found" that is untrue
            result = quoted(query_terms(question), found.lines, result.removed) or result
    if not result.found:  # a promise the question asks after, and what became of it, as said
        result = promised(query_terms(question), found.lines, found.later) or result
    else:
        result = with_later(result, found.lines, found.later)
    log.info(
        "ask: %d lines retrieved in %.3f s, answered in %.1f s, %d sentences kept, %d removed",
        len(found.lines),
        retrieval,
        time.perf_counter() - t0 - retrieval,
        len(result.sentences),
        len(result.removed),
    )
    return result
