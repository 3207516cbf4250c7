"""One meeting, end to end: ingest → (transcribe ∥ diarize) → attribute → store.

The recording is decoded once, into a private temporary file that both models read a window
at a time (see :mod:`minutes.audio`), so memory does not grow with the meeting's length; the
file is removed as soon as the models are done, also when they fail. Transcription and
diarization do not depend on each other, so they run side by side, each with its share of
the cores. Every stage's result is stored
with its cache key as soon as it is done: a crash loses at most the stage in flight, and a
re-run after a model or option change redoes only the stages that change touches.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from minutes import __version__, audio
from minutes import db as store
from minutes.asr import Transcriber
from minutes.attribute import AttributeOptions, attribute, speakers
from minutes.diarize import Diarizer
from minutes.errors import MinutesError, StageError
from minutes.payloads import (
    cache_key,
    diarization_from_dict,
    diarization_to_dict,
    transcript_from_dict,
    transcript_to_dict,
)
from minutes.types import AudioInfo, Diarization, ModelRef, StageRecord, Transcript

if TYPE_CHECKING:
    from minutes.summarize.engine import Summarizer

log = logging.getLogger(__name__)

StageProgress = Callable[[str, float], None]  # (stage, fraction done)
STAGES = ("ingest", "transcribe", "diarize", "attribute", "summarize")


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
        }


class MeetingProcessor:
    """Runs the stages for one file at a time against one database. Models load once, on first use."""

    def __init__(
        self,
        *,
        transcriber: Transcriber,
        diarizer: Diarizer,
        sessions: sessionmaker[Session],
        attribute_options: AttributeOptions | None = None,
        parallel: bool = True,
        summarizer: Summarizer | None = None,
    ) -> None:
        self.transcriber = transcriber
        self.diarizer = diarizer
        self.sessions = sessions
        self.attribute_options = attribute_options or AttributeOptions()
        self.parallel = parallel
        self.summarizer = summarizer  # None: no minutes (--no-summary)

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
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        hook("ingest", 0.0)
        with audio.decoded(path) as (info, pcm):  # removed when the block ends, whatever happens
            timings["ingest"] = time.perf_counter() - t0
            hook("ingest", 1.0)
            keys = self._cache_keys(info)
            meeting_id, cached, up_to_date = self._open_meeting(
                info,
                title=title or Path(path).stem,
                meeting_date=meeting_date or _mtime(path),
                keys=keys,
                force=force,
            )
            outputs = None
            if not up_to_date:
                with self._recording_failure(meeting_id, path):
                    outputs = self._run_models(pcm, cached, keys, meeting_id, hook, timings)

        if outputs is None:  # every stage was cached: the audio was not needed after all
            for stage in ("transcribe", "diarize", "attribute"):
                hook(stage, 1.0)
            stages = {s: "cached" for s in keys}
            self._summarize(meeting_id, force, hook, timings, stages, path)
            status = "reused" if stages.get("summarize", "cached") == "cached" else "done"
            return self._result(info.path, meeting_id, status, stages, timings)

        transcript, diarization, ran = outputs
        with self._recording_failure(meeting_id, path):
            t1 = time.perf_counter()
            hook("attribute", 0.0)
            utterances = attribute(transcript, diarization, self.attribute_options)
            people = speakers(diarization, utterances)
            timings["attribute"] = time.perf_counter() - t1
            with store.session_scope(self.sessions) as s:
                store.replace_transcript(
                    s,
                    meeting_id=meeting_id,
                    utterances=utterances,
                    speakers=people,
                    embeddings=diarization.embeddings,
                )
                store.save_stage(
                    s,
                    meeting_id=meeting_id,
                    record=StageRecord(
                        "attribute",
                        keys["attribute"],
                        (),
                        _plain(self.attribute_options),
                        __version__,
                        timings["attribute"],
                    ),
                    payload={"utterances": len(utterances)},
                )
                store.set_language(s, meeting_id=meeting_id, language=transcript.language)
                store.set_status(s, meeting_id=meeting_id, status="done")
            hook("attribute", 1.0)
        ran["attribute"] = "ran"
        self._summarize(meeting_id, force, hook, timings, ran, path)
        return self._result(info.path, meeting_id, "done", ran, timings)

    def _cache_keys(self, info: AudioInfo) -> dict[str, str]:
        keys = {
            "transcribe": cache_key(
                audio_sha256=info.sha256,
                stage="transcribe",
                options=self.transcriber.options(),
                models=_models_of(self.transcriber),
            ),
            "diarize": cache_key(
                audio_sha256=info.sha256,
                stage="diarize",
                options=self.diarizer.options(),
                models=_models_of(self.diarizer),
            ),
        }
        keys["attribute"] = cache_key(
            audio_sha256=keys["transcribe"] + keys["diarize"],
            stage="attribute",
            options=_plain(self.attribute_options),
            models=(),
        )
        return keys

    def _summarize(
        self,
        meeting_id: int,
        force: bool,
        hook: StageProgress,
        timings: dict[str, float],
        stages: dict[str, str],
        path: str | Path,
    ) -> None:
        if self.summarizer is None:
            return
        from minutes.summarize.stage import summarize_meeting

        t = time.perf_counter()
        kept = f"the transcript is kept (`minutes summarize {meeting_id}` retries)"
        with self._recording_failure(meeting_id, path, what="minutes", note=kept):
            _, how = summarize_meeting(
                self.sessions,
                meeting_id=meeting_id,
                summarizer=self.summarizer,
                force=force,
                progress=lambda f: hook("summarize", f),
            )
        stages["summarize"] = how
        if how == "ran":
            timings["summarize"] = time.perf_counter() - t

    # -- steps -------------------------------------------------------------------------

    def _open_meeting(
        self,
        info: AudioInfo,
        *,
        title: str,
        meeting_date: datetime | None,
        keys: dict[str, str],
        force: bool,
    ) -> tuple[int, dict[str, dict[str, Any]], bool]:
        """Find or create the meeting for this recording; return its cached stage payloads."""
        with store.session_scope(self.sessions) as s:
            rec = store.find_recording(s, sha256=info.sha256)
            if rec is None:
                rec = store.add_recording(s, audio=info, media_path=info.path)
            meetings = store.meetings_for_recording(s, recording_id=rec.id)
            if meetings:
                meeting = meetings[0]
            else:
                meeting = store.create_meeting(
                    s, recording=rec, title=title, meeting_date=meeting_date, code_version=__version__
                )
            cached: dict[str, dict[str, Any]] = {}
            if not force:
                for stage, key in keys.items():
                    found = store.get_stage(s, meeting_id=meeting.id, stage=stage)
                    if found is not None and found[0].cache_key == key:
                        cached[stage] = found[1]
            up_to_date = meeting.status == "done" and len(cached) == len(keys)
            if not up_to_date:
                store.set_status(s, meeting_id=meeting.id, status="processing")
            return meeting.id, cached, up_to_date

    def _run_models(
        self,
        pcm: audio.AudioSource,
        cached: dict[str, dict[str, Any]],
        keys: dict[str, str],
        meeting_id: int,
        hook: StageProgress,
        timings: dict[str, float],
    ) -> tuple[Transcript, Diarization, dict[str, str]]:
        ran: dict[str, str] = {}

        def run_transcribe() -> Transcript:
            if "transcribe" in cached:
                ran["transcribe"] = "cached"
                hook("transcribe", 1.0)
                return transcript_from_dict(cached["transcribe"])
            t = time.perf_counter()
            result = self.transcriber.transcribe(pcm, progress=lambda f: hook("transcribe", f))
            timings["transcribe"] = time.perf_counter() - t
            models = (result.model,) if result.model else ()
            self._save(
                meeting_id, "transcribe", keys, models, result.options, timings, transcript_to_dict(result)
            )
            ran["transcribe"] = "ran"
            return result

        def run_diarize() -> Diarization:
            if "diarize" in cached:
                ran["diarize"] = "cached"
                hook("diarize", 1.0)
                return diarization_from_dict(cached["diarize"])
            t = time.perf_counter()
            result = self.diarizer.diarize(pcm, progress=lambda f: hook("diarize", f))
            timings["diarize"] = time.perf_counter() - t
            self._save(
                meeting_id,
                "diarize",
                keys,
                result.models,
                result.options,
                timings,
                diarization_to_dict(result),
            )
            ran["diarize"] = "ran"
            return result

        if self.parallel and not cached:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="minutes-asr") as pool:
                fut: Future[Transcript] = pool.submit(run_transcribe)
                diarization = run_diarize()  # on this thread, while transcription runs on the other
                transcript = fut.result()
        else:
            transcript = run_transcribe()
            diarization = run_diarize()
        return transcript, diarization, ran

    def _save(
        self,
        meeting_id: int,
        stage: str,
        keys: dict[str, str],
        models: tuple[ModelRef, ...],
        options: dict[str, Any],
        timings: dict[str, float],
        payload: dict[str, Any],
    ) -> None:
        record = StageRecord(stage, keys[stage], models, options, __version__, timings.get(stage, 0.0))
        with store.session_scope(self.sessions) as s:
            store.save_stage(s, meeting_id=meeting_id, record=record, payload=payload)

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
            with store.session_scope(self.sessions) as s:
                store.set_status(s, meeting_id=meeting_id, status="failed", error=message)
        except Exception:  # the database itself is the problem: the original error matters more
            log.exception("could not record the failure of meeting %s", meeting_id)

    def _result(
        self, path: str, meeting_id: int, status: str, stages: dict[str, str], timings: dict[str, float]
    ) -> ProcessResult:
        with store.session_scope(self.sessions) as s:
            doc = store.load_meeting(s, meeting_id=meeting_id)
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
        )


def _models_of(stage: Any) -> tuple[ModelRef, ...]:
    """The model references a stage object exposes (for cache keys), without loading weights."""
    refs: list[ModelRef] = []
    for attr in ("model_ref", "segmentation", "embedding"):
        found = getattr(stage, attr, None)
        if found is not None and hasattr(found, "ref"):
            refs.append(found.ref())
    return tuple(refs)


def _plain(obj: Any) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in getattr(obj, "__dataclass_fields__", {})}


def _mtime(path: str | Path) -> datetime | None:
    try:
        return datetime.fromtimestamp(Path(path).stat().st_mtime, tz=UTC)
    except OSError:
        return None
