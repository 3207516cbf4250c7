"""Speaker turns as JSON: a list of ``{"speaker": ..., "text": ...}`` objects (``content`` or
``utterance`` for the text, ``name`` for the speaker; ``start``/``end`` in seconds if known), alone
or under one of :data:`LIST_KEYS` of an object that may also hold ``title`` and ``date``. QMSum's
``meeting_transcripts`` is such a list."""

from __future__ import annotations

from typing import Any

from minutes.errors import InputError
from minutes.importing._model import Line, Parsed
from minutes.importing.build import seconds

FORMAT = "turns"

LIST_KEYS = ("utterances", "transcript", "turns", "meeting_transcripts")
TEXT_KEYS = ("text", "content", "utterance")
SPEAKER_KEYS = ("speaker", "speaker_name", "name")


def turn_list(data: Any) -> list[Any] | None:
    """The list of turns in ``data``, or ``None`` when it holds none."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in LIST_KEYS:
            if isinstance(data.get(key), list):
                return list(data[key])
    return None


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((item[k] for k in keys if item.get(k) is not None), None)


def read(data: Any) -> Parsed:
    """The utterances of a JSON list of speaker turns."""
    turns = turn_list(data)
    if turns is None:
        raise InputError(
            'no list of speaker turns: give a JSON list of {"speaker": ..., "text": ...} objects'
        )
    lines: list[Line] = []
    for n, turn in enumerate(turns, 1):
        where = f"turn {n}"
        text = _first(turn, TEXT_KEYS) if isinstance(turn, dict) else None
        speaker = _first(turn, SPEAKER_KEYS) if isinstance(turn, dict) else None
        if not isinstance(text, str) or not isinstance(speaker, str | None):
            raise InputError(
                f'{where} is not a {{"speaker": ..., "text": ...}} object with text; fix the file'
            )
        said = " ".join(text.split())
        if not said:
            continue
        start = seconds(turn["start"], f"the start of {where}") if turn.get("start") is not None else None
        end = seconds(turn["end"], f"the end of {where}") if turn.get("end") is not None else None
        lines.append(Line(said, speaker=speaker, start=start, end=end, where=where))
    meta = data if isinstance(data, dict) else {}
    title, date = meta.get("title"), meta.get("date", meta.get("meeting_date"))
    return Parsed(
        format=FORMAT,
        lines=tuple(lines),
        title=title if isinstance(title, str) else None,
        meeting_date=date if isinstance(date, str) else None,
        language=meta.get("language") if isinstance(meta.get("language"), str) else None,
    )
