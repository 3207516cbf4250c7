"""One meeting, end to end: ingest → (transcribe ∥ diarize) → attribute → store → summarize.

The recording is decoded once, into a private temporary file that both models read a window
at a time (see :mod:`minutes.audio`), so memory does not grow with the meeting's length; the
file is removed as soon as the models are done, also when they fail. Every stage's result is
stored with its cache key as soon as it is done (:mod:`minutes.pipeline.stages`): a re-run after
a model or option change redoes only the stages that change touches. All storage goes through a
:class:`~minutes.storage.MeetingStore`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from minutes import __version__, audio
from minutes.asr import Transcriber
from minutes.attribute import AttributeOptions, attribute, speakers
from minutes.cache import cache_key
from minutes.diarize import Diarizer
from minutes.pipeline.outcome import (
    ProcessResult,
    file_time,
    index_step,
    recording_failure,
    result_of,
    summarize_step,
)
from minutes.pipeline.recover import RecoverOptions, Recovery
from minutes.pipeline.stages import ModelRun, StageProgress, run_models, run_recover, stage_keys
from minutes.storage import MeetingStore, StagePayload
from minutes.types import AudioInfo, Carried, StageRecord

if TYPE_CHECKING:
    from minutes.embeddings import Embedder
    from minutes.summarize.summarizer import Summarizer

STAGES = ("ingest", "transcribe", "diarize", "recover", "attribute", "index", "summarize")

# Ingest: a recording's path → its facts and its decoded samples, valid until the block ends.
# The default decodes with ffmpeg (:func:`minutes.audio.decoded`); a caller that already holds
# the samples (tests, a script) passes a function that yields them as they are.
Ingest = Callable[[str | Path], AbstractContextManager[tuple[AudioInfo, audio.AudioSource]]]


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
        embedder: Embedder | None = None,
    ) -> None:
        self.transcriber = transcriber
        self.diarizer = diarizer
        self.store = store
        self.attribute_options = attribute_options or AttributeOptions()
        self.parallel = parallel
        self.summarizer = summarizer  # None: no minutes (--no-summary)
        self.ingest = ingest
        self.recover_options = recover_options or RecoverOptions()
        self.embedder = embedder  # None: not indexed for minutes ask (`minutes index --rebuild` later)

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
                info, title=title or Path(path).stem, meeting_date=meeting_date or file_time(path)
            )
            self._record_ingest(meeting.id, info, timings["ingest"])
            cached = {} if force else self._cached(meeting.id, keys)
            run: ModelRun | None = None
            recovery: tuple[Recovery, str, float] | None = None
            if not (meeting.status == "done" and len(cached) == len(keys)):
                self.store.set_status(meeting.id, "processing")
                with recording_failure(self.store, meeting.id, path):
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
        indexed, spent, warning = index_step(
            self.store, meeting.id, embedder=self.embedder, force=force, hook=hook
        )
        if indexed is not None:
            stages["index"] = indexed
        if indexed == "ran":
            timings["index"] = spent
        how, seconds, ticks = summarize_step(
            self.store, meeting.id, summarizer=self.summarizer, force=force, hook=hook, path=path
        )
        if how is not None:
            stages["summarize"] = how
        if how == "ran":
            timings["summarize"] = seconds
        status = "reused" if run is None and how != "ran" else "done"
        return replace(
            result_of(
                self.store,
                meeting.id,
                path=info.path,
                status=status,
                stages=stages,
                timings=timings,
                warnings=info.warnings + ((warning,) if warning else ()),
            ),
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
        with recording_failure(self.store, meeting_id, path):
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
