"""Stage results ↔ JSON-able dicts, for the stage cache in the database."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from minutes.types import Diarization, ModelRef, Segment, SpeakerTurn, Transcript, Word


def transcript_to_dict(t: Transcript) -> dict[str, Any]:
    return {
        "language": t.language,
        "language_probability": t.language_probability,
        "duration": t.duration,
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "words": [[w.start, w.end, w.text, round(w.probability, 4)] for w in s.words],
            }
            for s in t.segments
        ],
    }


def transcript_from_dict(d: dict[str, Any], *, model: ModelRef | None = None) -> Transcript:
    return Transcript(
        language=str(d["language"]),
        language_probability=float(d.get("language_probability", 0.0)),
        duration=float(d["duration"]),
        segments=tuple(
            Segment(
                start=float(s["start"]),
                end=float(s["end"]),
                text=str(s["text"]),
                words=tuple(Word(float(a), float(b), str(c), float(p)) for a, b, c, p in s["words"]),
            )
            for s in d["segments"]
        ),
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


def cache_key(*, audio_sha256: str, stage: str, options: dict[str, Any], models: tuple[ModelRef, ...]) -> str:
    """(audio hash, stage, options, model hashes) → a key; a change in any of them redoes the stage."""
    blob = json.dumps(
        {
            "audio": audio_sha256,
            "stage": stage,
            "options": options,
            "models": sorted(m.sha256 for m in models),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()
