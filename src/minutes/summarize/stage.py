"""The summarize stage against the store: read the transcript, write minutes, record provenance."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from minutes import __version__
from minutes import db as store
from minutes.errors import StageError
from minutes.payloads import cache_key, summary_check_from_options
from minutes.summarize.engine import Summarizer
from minutes.types import MeetingDoc, Minutes, StageRecord


def meeting_day(doc: MeetingDoc) -> date:
    """The date relative words ("by Friday") are resolved against."""
    for raw in (doc.meeting_date, doc.created_at):
        if raw:
            try:
                return datetime.fromisoformat(raw).date()
            except ValueError:
                continue
    return datetime.now(UTC).date()


def summarize_meeting(
    sessions: sessionmaker[Session],
    *,
    meeting_id: int,
    summarizer: Summarizer,
    force: bool = False,
    progress: Callable[[float], None] | None = None,
) -> tuple[Minutes, str]:
    """Write (or reuse) the minutes of a stored meeting; returns them and "ran" or "cached"."""
    with store.session_scope(sessions) as s:
        doc = store.load_meeting(s, meeting_id=meeting_id)
        attribute = store.get_stage(s, meeting_id=meeting_id, stage="attribute")
        previous = store.get_stage(s, meeting_id=meeting_id, stage="summarize")
    if attribute is None:
        raise StageError(f"meeting {meeting_id} has no transcript yet; process its recording first")
    model = summarizer.llm.ref()
    key = cache_key(
        audio_sha256=attribute[0].cache_key, stage="summarize", options=summarizer.options(), models=(model,)
    )
    if not force and previous is not None and previous[0].cache_key == key and doc.minutes is not None:
        if progress:
            progress(1.0)
        return doc.minutes, "cached"
    names = {sp.label: sp.name for sp in doc.speakers if sp.name}
    t0 = time.perf_counter()
    minutes = summarizer.summarize(
        doc.utterances, names=names, meeting_date=meeting_day(doc), language=doc.language, progress=progress
    )
    seconds = time.perf_counter() - t0
    usage = getattr(summarizer.llm, "usage", None)
    check = summary_check_from_options(minutes.options)
    with store.session_scope(sessions) as s:
        store.save_minutes(s, meeting_id=meeting_id, minutes=minutes)
        store.set_status(s, meeting_id=meeting_id, status="done")
        store.save_stage(
            s,
            meeting_id=meeting_id,
            record=StageRecord("summarize", key, (model,), summarizer.options(), __version__, seconds),
            payload={
                "items": len(minutes.items),
                "chapters": len(minutes.chapters),
                "prompt_tokens": getattr(usage, "prompt_tokens", 0),
                "completion_tokens": getattr(usage, "completion_tokens", 0),
                "summary_sentences": check.sentences if check else 0,
                "summary_sentences_removed": len(check.removed) if check else 0,
                "summary_sentences_fixed": len(check.fixed) if check else 0,
            },
        )
    return minutes, "ran"
