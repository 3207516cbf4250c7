"""What becomes of one meeting's run, for every way a meeting is made (a recording processed, a
transcript imported): a failure recorded on the meeting, the minutes step, the result a caller reads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minutes.errors import MinutesError, StageError
from minutes.storage import MeetingStore
from minutes.types import Carried

if TYPE_CHECKING:
    from minutes.embeddings import Embedder
    from minutes.summarize.summarizer import Summarizer

log = logging.getLogger(__name__)

Hook = Callable[[str, float], None]  # (stage, fraction done)


@dataclass(frozen=True, slots=True)
class ProcessResult:
    """What happened to one input file; the CLI prints it, scripts read it as JSON."""

    path: str
    status: str  # "done" | "reused" | "failed"
    meeting_id: int | None = None
    error: str | None = None
    duration: float = 0.0
    language: str | None = None
    speakers: int = 0
    utterances: int = 0
    # stage → "ran" | "cached" ("imported": the minutes came with an imported meeting)
    stages: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # stage → seconds
    # What became of a person's edits the run replaced: Carried.to_dict() ({} from older results).
    edits: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # about the input: cut short, damaged (AudioInfo.warnings), times guessed

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status,
            "meeting_id": self.meeting_id,
            "error": self.error,
            "duration": self.duration,
            "language": self.language,
            "speakers": self.speakers,
            "utterances": self.utterances,
            "stages": self.stages,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "edits": self.edits,
            "warnings": list(self.warnings),
        }


def result_of(
    store: MeetingStore,
    meeting_id: int,
    *,
    path: str,
    status: str,
    stages: dict[str, str],
    timings: dict[str, float],
    warnings: tuple[str, ...],
) -> ProcessResult:
    """The result of a run that stored meeting ``meeting_id``, with its counts as stored."""
    doc = store.load_meeting(meeting_id)
    return ProcessResult(
        path=path,
        status=status,
        meeting_id=meeting_id,
        duration=doc.audio.duration,
        language=doc.language,
        # every speaker stored, as `minutes list` counts them: one the diarization heard but whose
        # words were not recognised still spoke
        speakers=len({s.label for s in doc.speakers} | {u.speaker for u in doc.utterances}),
        utterances=len(doc.utterances),
        stages=stages,
        timings=timings,
        warnings=warnings,
    )


@contextmanager
def recording_failure(
    store: MeetingStore, meeting_id: int, path: str | Path, *, what: str = "processing", note: str = ""
) -> Iterator[None]:
    """Any error in the block marks the meeting failed and is raised as a :class:`MinutesError`."""
    try:
        yield
    except Exception as exc:
        error = _failed(store, meeting_id, path, exc, what=what, note=note)
        if error is exc:
            raise
        raise error from exc


def _failed(
    store: MeetingStore, meeting_id: int, path: str | Path, exc: Exception, *, what: str, note: str = ""
) -> MinutesError:
    """Record a stage failure on the meeting; return the error to raise (ours kept as it is)."""
    if isinstance(exc, MinutesError):
        message = str(exc) if what == "processing" else f"{what} failed: {exc}"
        error = exc
    else:  # a vendor library failed: say which stage, keep the traceback for -vv
        log.debug("%s of %s failed", what, path, exc_info=True)
        message = f"{Path(path).name}: {what} failed ({type(exc).__name__}: {exc})"
        error = StageError(message + (f"; {note}" if note else ""))
    _fail(store, meeting_id, message + (f"; {note}" if note else ""))
    error.meeting_id = meeting_id
    return error


def _fail(store: MeetingStore, meeting_id: int, message: str) -> None:
    try:
        store.set_status(meeting_id, "failed", error=message)
    except Exception:  # the database itself is the problem: the original error matters more
        log.exception("could not record the failure of meeting %s", meeting_id)


def summarize_step(
    store: MeetingStore,
    meeting_id: int,
    *,
    summarizer: Summarizer | None,
    force: bool,
    hook: Hook,
    path: str | Path,
) -> tuple[str | None, float, Carried]:
    """The minutes of a stored meeting, written or reused: ("ran" | "cached", seconds, what became
    of done ticks), or (None, 0, nothing) without a summarizer (``--no-summary``). A failure marks
    the meeting failed, its transcript kept."""
    if summarizer is None:
        return None, 0.0, Carried()
    from minutes.pipeline.summarize_stage import summarize_meeting

    t = time.perf_counter()
    kept = f"the transcript is kept (`minutes summarize {meeting_id}` retries)"
    with recording_failure(store, meeting_id, path, what="minutes", note=kept):
        _, how, ticks = summarize_meeting(
            store,
            meeting_id=meeting_id,
            summarizer=summarizer,
            force=force,
            progress=lambda f: hook("summarize", f),
        )
    return how, time.perf_counter() - t, ticks


def index_step(
    store: MeetingStore, meeting_id: int, *, embedder: Embedder | None, force: bool, hook: Hook
) -> tuple[str | None, float, str | None]:
    """The meeting's passages embedded for ``minutes ask``, or reused: ("ran" | "cached" | "failed",
    seconds, a warning). Without an embedder, (None, 0, None). A failure does not fail the meeting:
    its transcript and minutes stand, search finds it by words, ``minutes index --rebuild`` retries."""
    if embedder is None:
        return None, 0.0, None
    from minutes.pipeline.index_stage import index_meeting

    t = time.perf_counter()
    hook("index", 0.0)
    try:
        how = index_meeting(store, meeting_id=meeting_id, embedder=embedder, force=force)
    except Exception as exc:
        log.debug("indexing meeting %s failed", meeting_id, exc_info=True)
        warning = (
            f"not indexed for minutes ask ({type(exc).__name__}: {exc}); `minutes index --rebuild` retries"
        )
        return "failed", time.perf_counter() - t, warning
    hook("index", 1.0)
    return how, time.perf_counter() - t, None


def file_time(path: str | Path) -> datetime | None:
    """When the file was last changed (a meeting's date when none is given), or None."""
    try:
        return datetime.fromtimestamp(Path(path).stat().st_mtime, tz=UTC)
    except OSError:
        return None
