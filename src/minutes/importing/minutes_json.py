"""This project's own JSON export (schema ``minutes.meeting/1``, :mod:`minutes.export`): the round
trip. Utterances keep their indexes, speakers, words and overlap marks; speakers their labels,
names and talk times; the meeting its title, date, language and minutes (items cite utterances by
index and owners by label, so both hold). The recording, the stages and the ids are not carried:
the imported meeting is a new one, without audio."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from minutes.controls import WHITESPACE
from minutes.errors import InputError
from minutes.export import from_dict
from minutes.importing._model import Line, Parsed
from minutes.importing.build import MAX_LABEL, check_text, seconds
from minutes.types import MeetingDoc, Minutes, Speaker, Utterance

FORMAT = "minutes-json"
KINDS = ("decision", "action", "question")


def is_export(data: Any) -> bool:
    """Whether ``data`` says it is this project's export (of any schema version)."""
    return isinstance(data, dict) and str(data.get("schema", "")).startswith("minutes.meeting/")


def _label(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_LABEL


def _ints(values: Iterable[Any], what: str) -> None:
    if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise InputError(f"{what} must be utterance indexes (whole numbers); fix the file")


def _check_minutes(minutes: Minutes | None) -> None:
    if minutes is None:
        return
    if not isinstance(minutes.summary, str):
        raise InputError("the minutes' summary is not text; fix the file")
    check_text(minutes.summary, "the minutes' summary", allow=WHITESPACE)
    for value, what, longest in (
        (minutes.language, "language", 16),
        (minutes.prompt_version, "prompt version", 64),
    ):
        if not isinstance(value, str) or len(value) > longest:
            raise InputError(
                f"the minutes' {what} {value!r} is not a text of at most {longest} characters; fix it"
            )
    for n, item in enumerate(minutes.items, 1):
        what = f"minute item {n}"
        if item.kind not in KINDS:
            raise InputError(f"{what} has kind {item.kind!r}; use one of: {', '.join(KINDS)}")
        if not isinstance(item.text, str) or not (item.owner is None or _label(item.owner)):
            raise InputError(f"{what} needs a text and an owner label (or null); fix the file")
        check_text(item.text, f"the text of {what}", allow=WHITESPACE)
        if isinstance(item.due_text, str):
            check_text(item.due_text, f"the due words of {what}", allow=WHITESPACE)
        _ints(item.evidence, f"the evidence of {what}")
        if item.due is not None:
            try:
                date.fromisoformat(item.due)
            except (TypeError, ValueError):
                raise InputError(
                    f"{what} is due {item.due!r}, not an ISO date (2025-03-14); fix it"
                ) from None
    for n, chapter in enumerate(minutes.chapters, 1):
        what = f"chapter {n}"
        if not isinstance(chapter.title, str):
            raise InputError(f"the title of {what} is not text; fix the file")
        check_text(chapter.title, f"the title of {what}", allow=WHITESPACE)
        seconds(chapter.start, f"the start of {what}")
        seconds(chapter.end, f"the end of {what}")
        _ints(chapter.evidence, f"the evidence of {what}")


def _line(u: Utterance) -> Line:
    where = f"utterance {u.index}"
    if not (isinstance(u.text, str) and isinstance(u.speaker, str) and type(u.index) is int):
        raise InputError(f"{where} needs a whole-number index, a text and a speaker label; fix the file")
    for w in u.words:
        seconds(w.start, f"a word's start in {where}")
        seconds(w.end, f"a word's end in {where}")
    return Line(
        u.text,
        label=u.speaker,
        start=seconds(u.start, f"the start of {where}"),
        end=seconds(u.end, f"the end of {where}"),
        words=u.words,
        index=u.index,
        overlap=bool(u.overlap),
        where=where,
    )


def _speaker(s: Speaker) -> Speaker:
    if not (isinstance(s.label, str) and isinstance(s.name, str | None)):
        raise InputError(f"speaker {s.label!r} needs a label and a name (or null); fix the file")
    return Speaker(s.label, s.name, seconds(s.talk_time, f"the talk time of {s.label}"))


def read(data: Any) -> Parsed:
    """The meeting of a ``minutes.meeting/1`` export (``json.loads``'s value)."""
    doc: MeetingDoc = from_dict(data)
    _check_minutes(doc.minutes)
    duration = doc.audio.duration
    return Parsed(
        format=FORMAT,
        lines=tuple(_line(u) for u in doc.utterances),
        speakers=tuple(_speaker(s) for s in doc.speakers),
        title=doc.title if isinstance(doc.title, str) else None,
        meeting_date=doc.meeting_date if isinstance(doc.meeting_date, str) else None,
        language=doc.language if isinstance(doc.language, str) else None,
        duration=seconds(duration, "the recording's duration") if duration is not None else 0.0,
        minutes=doc.minutes,
    )
