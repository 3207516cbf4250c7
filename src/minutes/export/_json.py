"""The JSON export (schema ``minutes.meeting/1``) and its reader.

The document mirrors :class:`~minutes.types.MeetingDoc` field by field, so ``from_json(to_json(doc))``
gives back an equal document. Stage and minutes ``options`` are stored as JSON: values that JSON has
no type for (tuples, paths, sets) come back as their JSON form (lists, strings). ``minutes`` is null
for a meeting never summarized, and may be missing from exports written before it existed.
``warnings`` lists what ingest found wrong with the recording (cut short, damaged), one sentence
each (``[]`` for a whole file); it is the recording's (``MeetingDoc.audio.warnings``), shown at
the top level where a reader looks first.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any

from minutes.errors import InputError
from minutes.types import (
    AudioInfo,
    Chapter,
    MeetingDoc,
    MinuteItem,
    Minutes,
    ModelRef,
    Speaker,
    StageRecord,
    Utterance,
    Word,
)

SCHEMA = "minutes.meeting/1"


def _json_default(value: Any) -> Any:
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def _model(m: ModelRef) -> dict[str, Any]:
    return {"name": m.name, "source": m.source, "sha256": m.sha256, "licence": m.licence}


def _word(w: Word) -> dict[str, Any]:
    return {"start": w.start, "end": w.end, "text": w.text, "probability": w.probability}


def _utterance(doc: MeetingDoc, u: Utterance) -> dict[str, Any]:
    return {
        "index": u.index,
        "speaker": u.speaker,
        "speaker_name": doc.speaker_name(u.speaker),
        "start": u.start,
        "end": u.end,
        "text": u.text,
        "overlap": u.overlap,
        "words": [_word(w) for w in u.words],
    }


def _stage(s: StageRecord) -> dict[str, Any]:
    return {
        "stage": s.stage,
        "cache_key": s.cache_key,
        "models": [_model(m) for m in s.models],
        "options": s.options,
        "code_version": s.code_version,
        "seconds": s.seconds,
    }


def _minute_item(doc: MeetingDoc, position: int, i: MinuteItem) -> dict[str, Any]:
    return {
        "position": position,
        "kind": i.kind,
        "text": i.text,
        "evidence": list(i.evidence),
        "supported": i.supported,
        "owner": i.owner,
        "owner_name": doc.speaker_name(i.owner) if i.owner is not None else None,
        "due": i.due,
        "due_text": i.due_text,
        "done": i.done,
    }


def _minutes(doc: MeetingDoc) -> dict[str, Any] | None:
    m = doc.minutes
    if m is None:
        return None
    return {
        "summary": m.summary,
        "language": m.language,
        "model": _model(m.model) if m.model is not None else None,
        "prompt_version": m.prompt_version,
        "options": m.options,
        "items": [_minute_item(doc, n, i) for n, i in enumerate(m.items)],
        "chapters": [
            {"start": c.start, "end": c.end, "title": c.title, "evidence": list(c.evidence)}
            for c in m.chapters
        ],
    }


def to_dict(doc: MeetingDoc) -> dict[str, Any]:
    """The JSON export as plain Python data.

    ``speaker_name``, ``display_name``, ``owner_name``, a speaker's ``name_source`` and
    ``suggestions``, and an item's ``position`` are read-only extras: :func:`from_json` ignores them.
    """
    a = doc.audio
    return {
        "schema": SCHEMA,
        "id": doc.id,
        "title": doc.title,
        "status": doc.status,
        "created_at": doc.created_at,
        "meeting_date": doc.meeting_date,
        "language": doc.language,
        "speech_coverage": doc.speech_coverage,
        "warnings": list(a.warnings),
        "error": doc.error,
        "audio": {
            "path": a.path,
            "sha256": a.sha256,
            "duration": a.duration,
            "sample_rate": a.sample_rate,
            "channels": a.channels,
            "codec": a.codec,
            "format": a.format,
        },
        "speakers": [
            {
                "label": s.label,
                "name": s.name,
                "name_source": s.name_source,
                "suggestions": [
                    {"name": g.name, "source": g.source, "score": g.score, "lines": list(g.lines)}
                    for g in s.suggestions
                ],
                "display_name": s.display_name,
                "talk_time": s.talk_time,
            }
            for s in doc.speakers
        ],
        "minutes": _minutes(doc),
        "utterances": [_utterance(doc, u) for u in doc.utterances],
        "stages": [_stage(s) for s in doc.stages],
    }


def to_json(doc: MeetingDoc) -> str:
    """The meeting as JSON (schema ``minutes.meeting/1``, UTF-8 text, 2-space indent)."""
    return json.dumps(to_dict(doc), ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _minutes_from_dict(m: dict[str, Any] | None) -> Minutes | None:
    if m is None:
        return None
    model = m.get("model")
    return Minutes(
        summary=m["summary"],
        items=tuple(
            MinuteItem(
                kind=i["kind"],
                text=i["text"],
                evidence=tuple(i.get("evidence", ())),
                supported=i.get("supported", True),
                owner=i.get("owner"),
                due=i.get("due"),
                due_text=i.get("due_text"),
                done=i.get("done", False),
            )
            for i in m.get("items", ())
        ),
        chapters=tuple(
            Chapter(start=c["start"], end=c["end"], title=c["title"], evidence=tuple(c.get("evidence", ())))
            for c in m.get("chapters", ())
        ),
        language=m.get("language", "en"),
        model=ModelRef(**model) if model is not None else None,
        prompt_version=m.get("prompt_version", ""),
        options=dict(m.get("options", {})),
    )


def _doc_from_dict(data: dict[str, Any]) -> MeetingDoc:
    a = data["audio"]
    return MeetingDoc(
        id=data["id"],
        title=data["title"],
        status=data["status"],
        created_at=data["created_at"],
        meeting_date=data.get("meeting_date"),
        language=data.get("language"),
        speech_coverage=data.get("speech_coverage"),
        error=data.get("error"),
        audio=AudioInfo(
            path=a["path"],
            sha256=a["sha256"],
            duration=a["duration"],
            sample_rate=a["sample_rate"],
            channels=a["channels"],
            codec=a.get("codec", ""),
            format=a.get("format", ""),
            warnings=tuple(str(w) for w in data.get("warnings", ())),
        ),
        speakers=tuple(
            Speaker(label=s["label"], name=s.get("name"), talk_time=s.get("talk_time", 0.0))
            for s in data.get("speakers", ())
        ),
        utterances=tuple(
            Utterance(
                index=u["index"],
                speaker=u["speaker"],
                start=u["start"],
                end=u["end"],
                text=u["text"],
                overlap=u.get("overlap", False),
                words=tuple(
                    Word(
                        start=w["start"], end=w["end"], text=w["text"], probability=w.get("probability", 1.0)
                    )
                    for w in u.get("words", ())
                ),
            )
            for u in data.get("utterances", ())
        ),
        stages=tuple(
            StageRecord(
                stage=s["stage"],
                cache_key=s["cache_key"],
                models=tuple(ModelRef(**m) for m in s.get("models", ())),
                options=dict(s.get("options", {})),
                code_version=s.get("code_version", ""),
                seconds=s.get("seconds", 0.0),
            )
            for s in data.get("stages", ())
        ),
        minutes=_minutes_from_dict(data.get("minutes")),
    )


def from_json(text: str) -> MeetingDoc:
    """Read a JSON export back into a :class:`MeetingDoc`.

    Raises :class:`~minutes.errors.InputError` when the text is not a ``minutes.meeting/1`` export.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not a minutes JSON export: invalid JSON ({exc})") from exc
    return from_dict(data)


def from_dict(data: Any) -> MeetingDoc:
    """:func:`from_json` for a document already read from JSON (``json.loads``'s value)."""
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema != SCHEMA:
        raise InputError(f"not a minutes JSON export: schema is {schema!r}, expected {SCHEMA!r}")
    try:
        return _doc_from_dict(data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"malformed minutes JSON export: missing or bad field {exc}") from exc
