"""Stage results ↔ JSON-able dicts, for the stage cache in the database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from minutes.types import (
    Diarization,
    ModelRef,
    Segment,
    SentenceNote,
    SpeakerTurn,
    SummaryCheck,
    Transcript,
    Word,
)


def segments_to_list(segments: Sequence[Segment]) -> list[dict[str, Any]]:
    return [
        {
            "start": s.start,
            "end": s.end,
            "text": s.text,
            "words": [[w.start, w.end, w.text, round(w.probability, 4)] for w in s.words],
        }
        for s in segments
    ]


def segments_from_list(items: Sequence[dict[str, Any]]) -> tuple[Segment, ...]:
    return tuple(
        Segment(
            start=float(s["start"]),
            end=float(s["end"]),
            text=str(s["text"]),
            words=tuple(Word(float(a), float(b), str(c), float(p)) for a, b, c, p in s["words"]),
        )
        for s in items
    )


def transcript_to_dict(t: Transcript) -> dict[str, Any]:
    return {
        "language": t.language,
        "language_probability": t.language_probability,
        "duration": t.duration,
        "segments": segments_to_list(t.segments),
    }


def transcript_from_dict(d: dict[str, Any], *, model: ModelRef | None = None) -> Transcript:
    return Transcript(
        language=str(d["language"]),
        language_probability=float(d.get("language_probability", 0.0)),
        duration=float(d["duration"]),
        segments=segments_from_list(d["segments"]),
        model=model,
    )


def diarization_to_dict(d: Diarization) -> dict[str, Any]:
    return {
        "turns": [[t.start, t.end, t.speaker] for t in d.turns],
        "embeddings": {k: list(v) for k, v in d.embeddings.items()},
    }


def diarization_from_dict(d: dict[str, Any]) -> Diarization:
    return Diarization(
        turns=tuple(SpeakerTurn(float(a), float(b), str(s)) for a, b, s in d["turns"]),
        embeddings={k: tuple(float(x) for x in v) for k, v in d.get("embeddings", {}).items()},
    )


# The summary check's record lives in ``Minutes.options`` under this key: that column is JSON,
# so minutes stored before the check existed load unchanged (they simply have no record).
SUMMARY_CHECK_KEY = "summary_check_report"


def summary_check_to_dict(check: SummaryCheck) -> dict[str, Any]:
    return {
        "version": check.version,
        "sentences": check.sentences,
        "removed": [{"sentence": n.sentence, "reason": n.reason} for n in check.removed],
        "fixed": [{"sentence": n.sentence, "reason": n.reason, "fixed": n.fixed} for n in check.fixed],
        "fallback": check.fallback,
        "skipped": check.skipped,
    }


def summary_check_from_options(options: Mapping[str, Any] | None) -> SummaryCheck | None:
    """The summary check recorded in stored minutes' options; None for minutes from before it."""
    raw = (options or {}).get(SUMMARY_CHECK_KEY)
    if not isinstance(raw, Mapping):
        return None

    def notes(key: str) -> tuple[SentenceNote, ...]:
        entries = raw.get(key)
        if not isinstance(entries, list):
            return ()
        return tuple(
            SentenceNote(str(e.get("sentence", "")), str(e.get("reason", "")), _opt_str(e.get("fixed")))
            for e in entries
            if isinstance(e, Mapping)
        )

    return SummaryCheck(
        sentences=int(raw.get("sentences") or 0),
        removed=notes("removed"),
        fixed=notes("fixed"),
        fallback=bool(raw.get("fallback")),
        skipped=_opt_str(raw.get("skipped")),
        version=str(raw.get("version") or ""),
    )


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)
