"""What the model reads of a meeting, and what it is asked about each read as a whole.

A *read* is one prefix of the prompt: the system message and a numbered stretch of transcript.
Every question about that stretch (chapter titles, its summary, a verdict on a candidate, the
decisions it would propose) is appended to the same prefix, so llama.cpp reads the transcript once
and later questions only read their own few words (``cache_prompt``).

A meeting whose transcript fits the budget is one read; a longer one is cut into the fewest runs
of its topic chapters that each fit, about equal in size (``topics.windows``), and its summary is
reduced from theirs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from minutes.errors import StageError
from minutes.llm import LLM, Message, chat_json
from minutes.summarize.proposals import numbered
from minutes.summarize.topics import windows
from minutes.types import Utterance

log = logging.getLogger(__name__)

DEFAULT_CTX = 8192  # a backend that does not say its context is taken to have this much
SERVER_CTX = 4096  # ... and a model server's (openai backend), whose context we do not set
# What a read keeps free in the context: the longest reply (the proposals, 4 x 200 tokens),
# the longest question and the chat template around them.
REPLY_RESERVE = 1200

WHOLE_SUMMARY = (
    "Write one summary of the whole meeting in 4-6 sentences: its purpose, the main points discussed "
    "and by whom, and the outcomes. Use only facts from the meeting."
)


@dataclass(frozen=True, slots=True)
class Read:
    """One prefix the model reads and is then asked about: the whole meeting, or one run of a long
    one's chapters. ``segments`` are its chapters."""

    prefix: list[Message]
    part: Sequence[Utterance]
    segments: tuple[Sequence[Utterance], ...]


def read_budget(llm_options: Mapping[str, Any]) -> int:
    """Tokens of transcript one read may hold: the model's context less the longest question and
    reply."""
    n_ctx = int(llm_options.get("n_ctx") or DEFAULT_CTX)
    if llm_options.get("backend") == "openai":
        # the organisation's server sets its own context, which may be small (Ollama: 4,096)
        # and may cut a longer prompt silently: assume no more than that
        n_ctx = min(n_ctx, SERVER_CTX)
    return n_ctx - REPLY_RESERVE


def plan_reads(
    chapters: Sequence[Sequence[Utterance]],
    names: Mapping[str, str],
    lang_name: str,
    *,
    budget: int,
    count_tokens: Callable[[str], int],
) -> list[Read]:
    """The whole meeting in one read when its chapters fit ``budget`` tokens, else the fewest runs
    of whole chapters that each fit, about equal in size."""
    texts = ["\n".join(numbered(u, names) for u in c) for c in chapters]  # each line numbered once
    reads = []
    for lo, hi in windows([count_tokens(t) for t in texts], budget):
        part = [u for c in chapters[lo:hi] for u in c]
        reads.append(Read(_prefix("\n".join(texts[lo:hi]), lang_name), part, tuple(chapters[lo:hi])))
    return reads


def _system(lang_name: str) -> Message:
    return {
        "role": "system",
        "content": f"You write concise, factual meeting minutes in {lang_name}. Answer in JSON.",
    }


def _prefix(transcript: str, lang_name: str) -> list[Message]:
    user = f"Part of a meeting transcript:\n{transcript}\n\n"
    return [_system(lang_name), {"role": "user", "content": user}]


def ask(prefix: list[Message], question: str) -> list[Message]:
    """The read's prefix with ``question`` after it (the prefix's text unchanged, so it is cached)."""
    return [prefix[0], {"role": "user", "content": prefix[1]["content"] + question}]


def titles(llm: LLM, read: Read) -> list[str]:
    """A short topic title for each chapter of a read, in one call ("Part k" where it gives none)."""
    n = len(read.segments)
    ranges = "; ".join(f"lines [{seg[0].index}] to [{seg[-1].index}]" for seg in read.segments)
    schema = {
        "type": "object",
        "properties": {
            "titles": {
                "type": "array",
                "minItems": n,
                "maxItems": n,
                "items": {"type": "string", "maxLength": 60},
            }
        },
        "required": ["titles"],
        "additionalProperties": False,
    }
    question = (
        f"This transcript has {n} part{'s' if n > 1 else ''}: {ranges}. Give each part, in order, a "
        "short topic title (max 6 words) saying what was discussed in it."
    )
    try:
        reply = chat_json(llm, ask(read.prefix, question), schema, max_tokens=24 * n + 16)
        got = [" ".join(str(t).split()) for t in reply.get("titles") or []]
    except StageError as exc:
        log.warning("model could not title the chapters: %s", exc)
        got = []
    return [got[k] if k < len(got) and got[k] else f"Part {k + 1}" for k in range(n)]


def summary(llm: LLM, read: Read, of: tuple[int, int] | None, *, chars: int, tokens: int) -> str:
    """The summary of a read: of the whole meeting (``of`` None), or of read ``k`` of ``n``
    consecutive ones (``of=(k, n)``), for :func:`reduce`."""
    if of is None:
        question = "This is the whole meeting. " + WHOLE_SUMMARY
    else:
        question = (
            f"This is part {of[0] + 1} of {of[1]} of the meeting. Summarize this part in 4-6 "
            "sentences: the main points discussed and by whom, and the outcomes. Use only facts "
            "from the transcript."
        )
    reply = chat_json(llm, ask(read.prefix, question), _summary_schema(chars), max_tokens=tokens)
    return " ".join(str(reply["summary"]).split())


def reduce(llm: LLM, partials: Sequence[str], lang_name: str, *, chars: int, tokens: int) -> str:
    """One summary of the meeting from its reads' summaries, in order."""
    joined = "\n".join(f"- {p}" for p in partials)
    user = f"Summaries of consecutive parts of one meeting:\n{joined}\n\n{WHOLE_SUMMARY}"
    messages: list[Message] = [_system(lang_name), {"role": "user", "content": user}]
    reply = chat_json(llm, messages, _summary_schema(chars), max_tokens=tokens)
    return " ".join(str(reply["summary"]).split())


def _summary_schema(chars: int) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"summary": {"type": "string", "maxLength": chars + 400}},
        "required": ["summary"],
        "additionalProperties": False,
    }
