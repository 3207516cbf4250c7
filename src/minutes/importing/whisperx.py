"""WhisperX JSON (``whisperx --output_format json``; plain Whisper's JSON reads the same): a
``segments`` list, each with ``start``, ``end``, ``text``, ``speaker`` (after diarization) and
``words`` (``word``, ``start``, ``end``, ``score``). One utterance per segment. WhisperX leaves
some words (numbers, symbols) without times: those get the time between their neighbours."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

from minutes.errors import InputError
from minutes.importing._model import Line, Parsed
from minutes.importing.build import seconds
from minutes.types import Word

FORMAT = "whisperx"


def _time(item: dict[str, Any], key: str, where: str) -> float | None:
    value = item.get(key)
    return None if value is None else seconds(value, f"the {key} of {where}")


def _probability(word: dict[str, Any]) -> float:
    value = word.get("score", word.get("probability", 1.0))
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 1.0
    return min(1.0, max(0.0, float(value)))


def _words(raw: Any, where: str, start: float | None, end: float | None) -> tuple[Word, ...]:
    """The segment's words with their times; a word without times gets the gap between its
    neighbours (``()`` when one cannot be placed at all: the line keeps its text)."""
    if not isinstance(raw, list):
        return ()
    found: list[tuple[str, float | None, float | None, float]] = []
    for n, word in enumerate(raw, 1):
        text = word.get("word", word.get("text")) if isinstance(word, dict) else None
        if not isinstance(text, str):
            raise InputError(f"word {n} of {where} is not an object with a 'word' text; fix the file")
        if text.strip():
            what = f"word {n} of {where}"
            found.append((text, _time(word, "start", what), _time(word, "end", what), _probability(word)))
    words: list[Word] = []
    for i, (text, w_start, w_end, probability) in enumerate(found):
        before = words[-1].end if words else start
        after = next((s for _, s, _, _ in found[i + 1 :] if s is not None), end)
        w_start = w_start if w_start is not None else before
        w_end = w_end if w_end is not None else after
        if w_start is None or w_end is None:
            return ()
        words.append(Word(w_start, max(w_start, w_end), text, probability))
    return tuple(words)


def _speaker(segment: dict[str, Any]) -> str | None:
    """The segment's speaker, or the one most of its words carry."""
    speaker = segment.get("speaker")
    if isinstance(speaker, str) and speaker.strip():
        return speaker
    words = segment.get("words")
    said = Counter(
        w["speaker"]
        for w in (words if isinstance(words, list) else ())
        if isinstance(w, dict) and isinstance(w.get("speaker"), str)
    )
    return said.most_common(1)[0][0] if said else None


def read(data: Any) -> Parsed:
    """The utterances of a WhisperX result (``json.loads``'s value)."""
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list):
        raise InputError("no 'segments' list: not WhisperX output; give the JSON `whisperx` wrote")
    lines: list[Line] = []
    for n, segment in enumerate(segments, 1):
        where = f"segment {n}"
        if not isinstance(segment, dict):
            raise InputError(f"{where} is not an object with 'start', 'end' and 'text'; fix the file")
        text = segment.get("text", "")
        if not isinstance(text, str):
            raise InputError(f"the text of {where} is not text; fix the file")
        start, end = _time(segment, "start", where), _time(segment, "end", where)
        words = _words(segment.get("words"), where, start, end)
        if words:
            start = words[0].start if start is None else start
            end = words[-1].end if end is None else end
        said = " ".join(text.split()) or " ".join(" ".join(w.text for w in words).split())
        if said:
            lines.append(
                Line(said, speaker=_speaker(segment), start=start, end=end, words=words, where=where)
            )
    language = data.get("language")
    return Parsed(format=FORMAT, lines=tuple(lines), language=language if isinstance(language, str) else None)
