"""What the format readers give back (:class:`Parsed`, one :class:`Line` per utterance) and what
:func:`minutes.importing.build` makes of it (:class:`ImportedMeeting`, ready to store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from minutes.types import Minutes, Speaker, Utterance, Word


@dataclass(frozen=True, slots=True)
class Line:
    """One utterance as a file gives it.

    ``speaker`` is the name written in the file (``None``: it does not say who spoke); ``label``
    a speaker label the file itself uses (``SPEAKER_00``), kept as the meeting's label. Times are
    ``None`` where the file has none (they are estimated then). ``index`` and ``overlap`` are only
    given by this project's own export, whose minutes cite utterances by index. ``where`` says
    where in the file the line is ("line 12", "cue 3"), for error messages.
    """

    text: str
    speaker: str | None = None
    label: str | None = None
    start: float | None = None
    end: float | None = None
    words: tuple[Word, ...] = ()
    index: int | None = None
    overlap: bool = False
    where: str = ""


@dataclass(frozen=True, slots=True)
class Parsed:
    """Everything a reader found in one file, in file order.

    ``speakers`` are label/name pairs the file declares (this project's export); ``minutes`` the
    minutes it carries (the same). ``title``, ``meeting_date`` (ISO 8601) and ``language`` are
    ``None`` unless the file holds them.
    """

    format: str
    lines: tuple[Line, ...]
    speakers: tuple[Speaker, ...] = ()
    title: str | None = None
    meeting_date: str | None = None
    language: str | None = None
    duration: float = 0.0
    minutes: Minutes | None = None


@dataclass(frozen=True, slots=True)
class ImportedMeeting:
    """A transcript read from a file, as a meeting's utterances and speakers, ready to store.

    Utterances are in file order, indexed from 0 (or by the indexes this project's export gave
    them). ``estimated`` counts the utterances whose times were estimated (the file had none);
    ``warnings`` says so in words, for the person importing.
    """

    format: str
    utterances: tuple[Utterance, ...]
    speakers: tuple[Speaker, ...]
    duration: float
    title: str | None = None
    meeting_date: datetime | None = None
    language: str | None = None
    minutes: Minutes | None = None
    estimated: int = 0
    warnings: tuple[str, ...] = ()
