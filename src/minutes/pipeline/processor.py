"""One meeting, end to end: ingest → (transcribe ∥ diarize) → attribute → store → summarize.

The recording is decoded once, into a private temporary file that both models read a window
at a time (see :mod:`minutes.audio`), so memory does not grow with the meeting's length; the
file is removed as soon as the models are done, also when they fail. Every stage's result is
stored with its cache key as soon as it is done (:mod:`minutes.pipeline.stages`): a re-run after
a model or option change redoes only the stages that change touches. All storage goes through a
:class:`~minutes.storage.MeetingStore`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from minutes import __version__, audio
from minutes.asr import Transcriber
from minutes.attribute import AttributeOptions, attribute, speakers
from minutes.cache import cache_key
from minutes.diarize import Diarizer
from minutes.errors import MinutesError, StageError
from minutes.pipeline.recover import RecoverOptions, Recovery
from minutes.pipeline.stages import ModelRun, StageProgress, run_models, run_recover, stage_keys
from minutes.storage import MeetingStore, StagePayload
from minutes.types import AudioInfo, Carried, StageRecord

if TYPE_CHECKING:
    from minutes.summarize.summarizer import Summarizer

log = logging.getLogger(__name__)

STAGES = ("ingest", "transcribe", "diarize", "recover", "attribute", "summarize")

# Ingest: a recording's path → its facts and its decoded samples, valid until the block ends.
# The default decodes with ffmpeg (:func:`minutes.audio.decoded`); a caller that already holds
# the samples (tests, a script) passes a function that yields them as they are.
Ingest = Callable[[str | Path], AbstractContextManager[tuple[AudioInfo, audio.AudioSource]]]


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
    stages: dict[str, str] = field(default_factory=dict)  # stage → "ran" | "cached"
    timings: dict[str, float] = field(default_factory=dict)  # stage → seconds
    # What became of a person's edits the run replaced: Carried.to_dict() ({} from older results).
    edits: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # about the recording: cut short, damaged (AudioInfo.warnings)

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


class MeetingProcessor:
    """Runs the stages for one file at a time against one store. Models load once, on first use."""

    def __init__(
        self,
        *,
        transcriber: Transcriber,
        diarizer: Diarizer,
        store: MeetingStore,
        attribute_options: AttributeOptions | None = None,
        parallel: bool = True,
        summarizer: Summarizer | None = None,
        ingest: Ingest = audio.decoded,
        recover_options: RecoverOptions | None = None,
    ) -> None:
        self.transcriber = transcriber
        self.diarizer = diarizer
        self.store = store
        self.attribute_options = attribute_options or AttributeOptions()
        self.parallel = parallel
        self.summarizer = summarizer  # None: no minutes (--no-summary)
        self.ingest = ingest
        self.recover_options = recover_options or RecoverOptions()

    def process(
        self,
        path: str | Path,
        *,
        title: str | None = None,
        meeting_date: datetime | None = None,
        force: bool = False,
        progress: StageProgress | None = None,
    ) -> ProcessResult:
        """Process one recording; raises :class:`MinutesError` subclasses on bad input or stage failure."""
        hook = progress or (lambda _s, _f: None)
        t0 = time.perf_counter()
        hook("ingest", 0.0)
        with self.ingest(path) as (info, pcm):  # removed when the block ends, whatever happens
            timings = {"ingest": time.perf_counter() - t0}
            hook("ingest", 1.0)
            keys = stage_keys(
                info.sha256,
                transcriber=self.transcriber,
                diarizer=self.diarizer,
                attribute_options=self.attribute_options,
                recover_options=self.recover_options,
            )
            meeting = self.store.open_meeting(
                info, title=title or Path(path).stem, meeting_date=meeting_date or _mtime(path)
            )
            self._record_ingest(meeting.id, info, timings["ingest"])
            cached = {} if force else self._cached(meeting.id, keys)
            run: ModelRun | None = None
            recovery: tuple[Recovery, str, float] | None = None
            if not (meeting.status == "done" and len(cached) == len(keys)):
                self.store.set_status(meeting.id, "processing")
                with self._recording_failure(meeting.id, path):
                    run = run_models(
                        pcm,
                        transcriber=self.transcriber,
                        diarizer=self.diarizer,
                        store=self.store,
                        meeting_id=meeting.id,
                        keys=keys,
                        cached=cached,
                        progress=hook,
                        parallel=self.parallel,
                    )
                    hook("recover", 0.0)
                    recovery = run_recover(
                        pcm,
                        run,
                        transcriber=self.transcriber,
                        options=self.recover_options,
                        store=self.store,
                        meeting_id=meeting.id,
                        key=keys["recover"],
                        cached=cached.get("recover"),
                    )
                    hook("recover", 1.0)

        edits = Carried()
        if run is None or recovery is None:  # every stage was cached: the audio was not needed after all
            for stage in ("transcribe", "diarize", "recover", "attribute"):
                hook(stage, 1.0)
            stages = {s: "cached" for s in keys}
        else:
            found, recovered, spent = recovery
            seconds, edits = self._attribute(meeting.id, run, found, keys["attribute"], hook, path)
            stages = {**run.stages, "recover": recovered, "attribute": "ran"}
            if recovered == "ran":
                timings["recover"] = spent
            timings |= {**run.timings, "attribute": seconds}
        how, seconds, ticks = self._summarize(meeting.id, force, hook, path)
        if how is not None:
            stages["summarize"] = how
        if how == "ran":
            timings["summarize"] = seconds
        status = "reused" if run is None and how != "ran" else "done"
        return replace(
            self._result(info.path, meeting.id, status, stages, timings, info.warnings),
            edits=(edits + ticks).to_dict(),
        )

    # -- steps -------------------------------------------------------------------------

    def _record_ingest(self, meeting_id: int, info: AudioInfo, seconds: float) -> None:
        """Store what ingest found about the recording (its warnings: cut short, damaged) as the
        meeting's ``ingest`` stage, so every reader sees them; written only when it changed."""
        payload: StagePayload = {"warnings": list(info.warnings)}
        stored = self.store.stage(meeting_id, "ingest")
        if stored is not None and stored[1] == payload:
            return
        key = cache_key(audio_sha256=info.sha256, stage="ingest", options={}, models=())
        record = StageRecord("ingest", key, (), {}, __version__, seconds)
        self.store.save_stage(meeting_id, record=record, payload=payload)

    def _cached(self, meeting_id: int, keys: dict[str, str]) -> dict[str, StagePayload]:
        """The stored results whose cache key is still the stage's key."""
        cached: dict[str, StagePayload] = {}
        for stage, key in keys.items():
            found = self.store.stage(meeting_id, stage)
            if found is not None and found[0].cache_key == key:
                cached[stage] = found[1]
        return cached

    def _attribute(
        self,
        meeting_id: int,
        run: ModelRun,
        recovery: Recovery,
        key: str,
        hook: StageProgress,
        path: str | Path,
    ) -> tuple[float, Carried]:
        """Words (with those the second listen recovered) × speaker turns → utterances, stored with the
        stage record and the speech coverage; returns its seconds and what became of a person's edits."""
        with self._recording_failure(meeting_id, path):
            t = time.perf_counter()
            hook("attribute", 0.0)
            utterances = attribute(recovery.apply(run.transcript), run.diarization, self.attribute_options)
            people = speakers(run.diarization, utterances)
            seconds = time.perf_counter() - t
            options = self.attribute_options.cache_identity()
            edits = self.store.save_transcript(
                meeting_id,
                utterances=utterances,
                speakers=people,
                embeddings=run.diarization.embeddings,
                language=run.transcript.language,
                record=StageRecord("attribute", key, (), options, __version__, seconds),
                payload={"utterances": len(utterances)},
            )
            hook("attribute", 1.0)
        return seconds, edits

    def _summarize(
        self, meeting_id: int, force: bool, hook: StageProgress, path: str | Path
    ) -> tuple[str | None, float, Carried]:
        """The minutes, written or reused: ("ran" | "cached", seconds, what became of done ticks), or
        (None, 0, nothing) without a summarizer."""
        if self.summarizer is None:
            return None, 0.0, Carried()
        from minutes.pipeline.summarize_stage import summarize_meeting

        t = time.perf_counter()
        kept = f"the transcript is kept (`minutes summarize {meeting_id}` retries)"
        with self._recording_failure(meeting_id, path, what="minutes", note=kept):
            _, how, ticks = summarize_meeting(
                self.store,
                meeting_id=meeting_id,
                summarizer=self.summarizer,
                force=force,
                progress=lambda f: hook("summarize", f),
            )
        return how, time.perf_counter() - t, ticks

    @contextmanager
    def _recording_failure(
        self, meeting_id: int, path: str | Path, *, what: str = "processing", note: str = ""
    ) -> Iterator[None]:
        """Any error in the block marks the meeting failed and is raised as a :class:`MinutesError`."""
        try:
            yield
        except Exception as exc:
            error = self._failed(meeting_id, path, exc, what=what, note=note)
            if error is exc:
                raise
            raise error from exc

    def _failed(
        self, meeting_id: int, path: str | Path, exc: Exception, *, what: str, note: str = ""
    ) -> MinutesError:
        """Record a stage failure on the meeting; return the error to raise (ours kept as it is)."""
        if isinstance(exc, MinutesError):
            message = str(exc) if what == "processing" else f"{what} failed: {exc}"
            error = exc
        else:  # a vendor library failed: say which stage, keep the traceback for -vv
            log.debug("%s of %s failed", what, path, exc_info=True)
            message = f"{Path(path).name}: {what} failed ({type(exc).__name__}: {exc})"
            error = StageError(message + (f"; {note}" if note else ""))
        self._fail(meeting_id, message + (f"; {note}" if note else ""))
        error.meeting_id = meeting_id
        return error

    def _fail(self, meeting_id: int, message: str) -> None:
        try:
            self.store.set_status(meeting_id, "failed", error=message)
        except Exception:  # the database itself is the problem: the original error matters more
            log.exception("could not record the failure of meeting %s", meeting_id)

    def _result(
        self,
        path: str,
        meeting_id: int,
        status: str,
        stages: dict[str, str],
        timings: dict[str, float],
        warnings: tuple[str, ...],
    ) -> ProcessResult:
        doc = self.store.load_meeting(meeting_id)
        return ProcessResult(
            path=path,
            status=status,
            meeting_id=meeting_id,
            duration=doc.audio.duration,
            language=doc.language,
            speakers=len({u.speaker for u in doc.utterances}),
            utterances=len(doc.utterances),
            stages=stages,
            timings=timings,
            warnings=warnings,
        )


def _mtime(path: str | Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(Path(path).stat().st_mtime, tz=UTC)
    except OSError:
        return None
