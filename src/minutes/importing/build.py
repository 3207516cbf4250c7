"""What a reader found (:class:`Parsed`) → a meeting ready to store (:class:`ImportedMeeting`).

Speakers become the meeting's labels and names the way ``minutes rename`` stores them: each
distinct name (ignoring case and spacing) gets a label ``SPEAKER_00``, ``SPEAKER_01``, ... in order
of first appearance, with the name as written first; a name that is itself such a label (WhisperX's
``SPEAKER_03``) stays a label, unnamed; lines that name nobody share one unnamed label. Lines
without times get estimated ones (:mod:`minutes.importing.timing`). Every text is checked as a
person's typing is: a control character is an error naming where it is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from minutes.controls import WHITESPACE, control_note
from minutes.errors import InputError
from minutes.importing._model import ImportedMeeting, Line, Parsed
from minutes.importing.timing import WORDS_PER_MINUTE, spans
from minutes.summarize.text import name_key
from minutes.types import Speaker, Utterance

LABEL = re.compile(r"SPEAKER_\d{2,}")
"""A diarization label, as this project and WhisperX write them."""

MAX_LABEL = 64  # speakers.label
MAX_NAME = 256  # speakers.name
MAX_TITLE = 1024  # meetings.title
MAX_LANGUAGE = 16  # meetings.language
MAX_INDEX = 2**31 - 1  # utterances.idx (an Integer column on every backend)

_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def check_text(value: str, what: str, *, allow: str = "") -> str:
    """``value``, or :class:`InputError` when it holds a control character (``what`` says where)."""
    note = control_note(value, what, allow=allow)
    if note is not None:
        raise InputError(f"{note}; remove it from the file")
    return value


def seconds(value: object, what: str) -> float:
    """A time the file gives, as seconds (a finite number, not negative), or :class:`InputError`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise InputError(f"{what} is {value!r}, not a time in seconds; give a number of seconds, 0 or more")
    return float(value)


class _Speakers:
    """Labels and names of one meeting's speakers, handed out line by line."""

    def __init__(self, declared: Sequence[Speaker], lines: Sequence[Line]) -> None:
        self.names: dict[str, str | None] = {}
        self.talk_time: dict[str, float] = {}
        self._by_name: dict[str, str] = {}
        for s in declared:
            label = self._label(s.label, "a speaker label")
            self.names[label] = self._name(s.name, f"the name of {label}") if s.name else None
            self.talk_time[label] = s.talk_time
            if s.name:
                self._by_name.setdefault(name_key(s.name), label)
        # Labels the file uses itself are never handed out to a name.
        self._taken = set(self.names) | {
            label
            for line in lines
            for label in (line.label, line.speaker)
            if label and LABEL.fullmatch(label)
        }
        self._next = 0
        self._nobody: str | None = None

    def of(self, line: Line) -> str:
        if line.label is not None:
            label = self._label(line.label, f"the speaker label of {line.where}")
            self.names.setdefault(label, None)
            return label
        name = self._name(line.speaker or "", f"the speaker name of {line.where}")
        if not name:
            if self._nobody is None:
                self._nobody = self._new(None)
            return self._nobody
        if LABEL.fullmatch(name):
            self.names.setdefault(name, None)
            return name
        found = self._by_name.get(name_key(name))
        if found is None:
            found = self._by_name[name_key(name)] = self._new(name)
        return found

    def _new(self, name: str | None) -> str:
        while f"SPEAKER_{self._next:02d}" in self._taken:
            self._next += 1
        label = f"SPEAKER_{self._next:02d}"
        self._taken.add(label)
        self.names[label] = name
        return label

    @staticmethod
    def _label(label: str, what: str) -> str:
        label = check_text(label.strip(), what)
        if not label or len(label) > MAX_LABEL:
            raise InputError(f"{what} {label!r} must be 1 to {MAX_LABEL} characters; shorten it")
        return label

    @staticmethod
    def _name(name: str, what: str) -> str:
        name = " ".join(check_text(name, what, allow=WHITESPACE).split())
        if len(name) > MAX_NAME:
            raise InputError(f"{what} is {len(name)} characters long, at most {MAX_NAME} fit; shorten it")
        return name

    def speakers(self, utterances: Iterable[Utterance]) -> tuple[Speaker, ...]:
        """Every label in use (and each the file declares), sorted, with its talk time: the file's,
        or the sum of its lines' lengths."""
        spoken: dict[str, float] = {}
        for u in utterances:
            spoken[u.speaker] = spoken.get(u.speaker, 0.0) + max(0.0, u.end - u.start)
        labels = sorted(set(spoken) | set(self.talk_time))
        return tuple(
            Speaker(label, self.names.get(label), self.talk_time.get(label, round(spoken.get(label, 0.0), 3)))
            for label in labels
        )


def _indexes(lines: Sequence[Line]) -> list[int]:
    """The file's own utterance indexes (all given, distinct), or 0, 1, 2, ... in file order."""
    given = [line.index for line in lines]
    if all(i is None for i in given):
        return list(range(len(lines)))
    seen: set[int] = set()
    for line, index in zip(lines, given, strict=True):
        if index is None or not 0 <= index <= MAX_INDEX or index in seen:
            raise InputError(
                f"{line.where} has index {index!r}: every utterance needs its own index from 0 to "
                f"{MAX_INDEX}; fix or remove the indexes"
            )
        seen.add(index)
    return [i for i in given if i is not None]


def _date(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise InputError(
            f"the meeting date {raw!r} is not an ISO 8601 date; fix it, or give one with --date"
        ) from None


def _title(raw: str | None) -> str | None:
    if raw is None:
        return None
    title = " ".join(check_text(raw, "the title", allow=WHITESPACE).split())
    return title[:MAX_TITLE] or None


def language_code(raw: str | None) -> str | None:
    """The file's language code, or ``None`` for one that is not a language code."""
    if raw is None or len(raw) > MAX_LANGUAGE or not _LANGUAGE.fullmatch(raw):
        return None
    return raw


def build(parsed: Parsed) -> ImportedMeeting:
    """The meeting ``parsed`` describes: labelled, timed, indexed, checked.

    Raises :class:`~minutes.errors.InputError` naming the line and the fix when a text holds a
    control character, a name or label does not fit, a line ends before it starts, or the file's
    own indexes repeat.
    """
    if not parsed.lines:
        raise InputError("no utterance found; a transcript needs at least one line of speech")
    people = _Speakers(parsed.speakers, parsed.lines)
    times, estimated = spans(parsed.lines)
    utterances = []
    for line, (start, end), index in zip(parsed.lines, times, _indexes(parsed.lines), strict=True):
        check_text(line.text, f"the text of {line.where}", allow=WHITESPACE)
        for word in line.words:
            check_text(word.text, f"a word of {line.where}", allow=WHITESPACE)
        if end < start:
            raise InputError(f"{line.where} ends ({end:g} s) before it starts ({start:g} s); fix its times")
        utterances.append(Utterance(index, people.of(line), start, end, line.text, line.words, line.overlap))
    warnings: tuple[str, ...] = ()
    if estimated:
        timed = any(line.start is not None or line.end is not None for line in parsed.lines)
        which = f"no start or no end for {estimated} of {len(utterances)} lines" if timed else "no times"
        warnings = (f"the file gives {which}: estimated at {WORDS_PER_MINUTE} words a minute",)
    return ImportedMeeting(
        format=parsed.format,
        utterances=tuple(utterances),
        speakers=people.speakers(utterances),
        duration=max([parsed.duration, *(u.end for u in utterances)]),
        title=_title(parsed.title),
        meeting_date=_date(parsed.meeting_date),
        language=language_code(parsed.language),
        minutes=parsed.minutes,
        estimated=estimated,
        warnings=warnings,
    )
