"""The summarize stage against the store: read the transcript, write minutes, record provenance.

The summarizer itself (:mod:`minutes.summarize`) only turns utterances into minutes; this module
decides whether that is needed (the cache key) and stores what came out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import NamedTuple

from minutes import __version__
from minutes.cache import cache_key
from minutes.errors import StageError
from minutes.payloads import summary_check_from_options
from minutes.storage import MeetingStore
from minutes.summarize.summarizer import Summarizer
from minutes.types import Carried, MeetingDoc, Minutes, StageRecord


def meeting_day(doc: MeetingDoc) -> date:
    """The date relative words ("by Friday") are resolved against."""
    for raw in (doc.meeting_date, doc.created_at):
        if raw:
            try:
                return datetime.fromisoformat(raw).date()
            except ValueError:
                continue
    return datetime.now(UTC).date()


def summarize_key(attribute_key: str, summarizer: Summarizer) -> str:
    """The minutes' cache key: the transcript's key, the summarizer's and model's identities."""
    return cache_key(
        audio_sha256=attribute_key,
        stage="summarize",
        options=summarizer.options(),
        models=(summarizer.llm.ref(),),
    )


class Summarized(NamedTuple):
    """The minutes of a meeting, whether they were written now ("ran") or reused ("cached"), and
    what became of the action items a person had ticked done in the minutes they replaced."""

    minutes: Minutes
    how: str
    edits: Carried


def summarize_meeting(
    store: MeetingStore,
    *,
    meeting_id: int,
    summarizer: Summarizer,
    force: bool = False,
    progress: Callable[[float], None] | None = None,
) -> Summarized:
    """Write (or reuse) the minutes of a stored meeting."""
    doc = store.load_meeting(meeting_id)
    # A processed meeting's transcript comes from the attribute stage, an imported one's from import.
    attribute = store.stage(meeting_id, "attribute") or store.stage(meeting_id, "import")
    previous = store.stage(meeting_id, "summarize")
    if attribute is None:
        raise StageError(
            f"meeting {meeting_id} has no transcript yet; process its recording "
            "(or import a transcript) first"
        )
    key = summarize_key(attribute[0].cache_key, summarizer)
    if not force and previous is not None and previous[0].cache_key == key and doc.minutes is not None:
        if progress:
            progress(1.0)
        return Summarized(doc.minutes, "cached", Carried())
    names = {sp.label: sp.name for sp in doc.speakers if sp.name}
    t0 = time.perf_counter()
    run = summarizer.run(
        doc.utterances, names=names, meeting_date=meeting_day(doc), language=doc.language, progress=progress
    )
    seconds = time.perf_counter() - t0
    minutes, usage = run.minutes, run.usage
    check = summary_check_from_options(minutes.options)
    carried = store.save_minutes(
        meeting_id,
        minutes=minutes,
        record=StageRecord(
            "summarize", key, (summarizer.llm.ref(),), summarizer.options(), __version__, seconds
        ),
        payload={
            "items": len(minutes.items),
            "chapters": len(minutes.chapters),
            "prompt_tokens": usage.prompt_tokens,
            "completion_tokens": usage.completion_tokens,
            "summary_sentences": check.sentences if check else 0,
            "summary_sentences_removed": len(check.removed) if check else 0,
            "summary_sentences_fixed": len(check.fixed) if check else 0,
        },
    )
    return Summarized(minutes, "ran", carried)
