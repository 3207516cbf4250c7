"""What an answer is made of: plain dataclasses, and their JSON form (the ``--json`` and API shape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

NOT_FOUND = "not found in the meetings you can see"
"""What an answer says when the visible meetings do not hold it."""

QUOTED_NOTE = "No sentence written from these lines could be checked against them, so here they are as said."
"""Shown above a ``quoted`` answer (:mod:`minutes.ask.quote`)."""

PROMISE_NOTE = "What was promised, and what a later meeting of the series said of it, as said."
"""Shown above a promise quoted with its close when the model found no answer (``quote.promised``)."""


@dataclass(frozen=True, slots=True)
class AskFilters:
    """Which of the visible meetings to ask: these ids (none: all), from this day on, of this team
    (its name), where this person spoke (a speaker's name containing it, or a label)."""

    meeting_ids: tuple[int, ...] = ()
    since: date | None = None
    team: str | None = None
    person: str | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """A transcript line retrieved for a question. ``utterance`` is its 0-based position in its
    meeting's JSON export; ``idx`` its stored index."""

    meeting_id: int
    meeting_title: str
    meeting_date: datetime
    utterance: int
    idx: int
    start: float
    end: float
    speaker: str
    text: str


@dataclass(frozen=True, slots=True)
class Citation:
    """A line an answer's sentence rests on."""

    meeting_id: int
    utterance: int
    start: float
    end: float
    speaker: str
    text: str

    @classmethod
    def of(cls, line: Line) -> Citation:
        return cls(line.meeting_id, line.utterance, line.start, line.end, line.speaker, line.text)


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Removed:
    """A sentence the check took out, and why (kept for benchmarks and logs, never shown as an answer),
    with the 0-based positions of the shown lines it cited (see :mod:`minutes.ask.quote`)."""

    text: str
    reason: str
    lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    """A short answer whose every sentence cites its lines, or ``found=False`` and :data:`NOT_FOUND`.

    ``quoted``: no sentence the model wrote survived the check, and the sentences are the lines it
    cited, quoted as said (:mod:`minutes.ask.quote`)."""

    answer: str
    found: bool
    sentences: tuple[Sentence, ...] = ()
    removed: tuple[Removed, ...] = field(default=(), compare=False)
    lines: int = field(default=0, compare=False)  # how many lines the model was shown
    quoted: bool = False
    promise: bool = field(default=False, compare=False)
    """A quoted promise and what became of it (:func:`minutes.ask.quote.promised`)."""

    @property
    def note(self) -> str:
        """What to show above the sentences: :data:`PROMISE_NOTE` or :data:`QUOTED_NOTE` for a
        quoted answer, else ""."""
        if not self.quoted:
            return ""
        return PROMISE_NOTE if self.promise else QUOTED_NOTE

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape: ``{"answer", "found", "quoted", "sentences": [{"text",
        "citations"}]}``."""
        return {
            "answer": self.answer,
            "found": self.found,
            "quoted": self.quoted,
            "sentences": [
                {
                    "text": s.text,
                    "citations": [
                        {
                            "meeting_id": c.meeting_id,
                            "utterance": c.utterance,
                            "start": c.start,
                            "end": c.end,
                            "speaker": c.speaker,
                            "text": c.text,
                        }
                        for c in s.citations
                    ],
                }
                for s in self.sentences
            ],
        }


def not_found(*, removed: tuple[Removed, ...] = (), lines: int = 0) -> Answer:
    return Answer(NOT_FOUND, False, (), removed, lines)
