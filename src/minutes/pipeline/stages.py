"""The model stages of one recording: their cache keys, and transcription ∥ diarization.

Transcription and diarization do not depend on each other, so they run side by side, each with
its share of the cores. Each stage's result is stored with its cache key as soon as it is done:
a crash loses at most the stage in flight.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from minutes import __version__
from minutes.asr import Transcriber
from minutes.attribute import AttributeOptions
from minutes.audio import AudioSource
from minutes.cache import cache_key
from minutes.diarize import Diarizer
from minutes.payloads import (
    diarization_from_dict,
    diarization_to_dict,
    transcript_from_dict,
    transcript_to_dict,
)
from minutes.pipeline.recover import RecoverOptions, Recovery, recover
from minutes.storage import MeetingStore, StagePayload
from minutes.types import Diarization, ModelRef, StageRecord, Transcript

StageProgress = Callable[[str, float], None]  # (stage, fraction done)
_Result = TypeVar("_Result", Transcript, Diarization)


def stage_keys(
    audio_sha256: str,
    *,
    transcriber: Transcriber,
    diarizer: Diarizer,
    attribute_options: AttributeOptions,
    recover_options: RecoverOptions,
) -> dict[str, str]:
    """The cache key of each stage before the minutes, from the stages' declared identities.

    The second listen (``recover``) reads both model stages' results and runs the speech model
    again. The attribute key leaves it out (so it stays what it was); when ``recover`` is not
    cached, attribution runs again anyway, as after any stage that ran.
    """
    keys = {
        "transcribe": cache_key(
            audio_sha256=audio_sha256,
            stage="transcribe",
            options=transcriber.options(),
            models=transcriber.models(),
        ),
        "diarize": cache_key(
            audio_sha256=audio_sha256, stage="diarize", options=diarizer.options(), models=diarizer.models()
        ),
    }
    keys["recover"] = cache_key(
        audio_sha256=keys["transcribe"] + keys["diarize"],
        stage="recover",
        options=recover_options.cache_identity(),
        models=transcriber.models(),
    )
    keys["attribute"] = cache_key(
        audio_sha256=keys["transcribe"] + keys["diarize"],
        stage="attribute",
        options=attribute_options.cache_identity(),
        models=(),
    )
    return keys


@dataclass(frozen=True, slots=True)
class ModelRun:
    """What the model stages gave: their results, which of them ran, and how long each took."""

    transcript: Transcript
    diarization: Diarization
    stages: dict[str, str]  # "transcribe"/"diarize" → "ran" | "cached"
    timings: dict[str, float]  # seconds, for the stages that ran


@dataclass(frozen=True, slots=True)
class _Codec(Generic[_Result]):
    """How a model stage's result is stored and read back, and which models made it."""

    decode: Callable[[StagePayload], _Result]
    encode: Callable[[_Result], StagePayload]
    models: Callable[[_Result], tuple[ModelRef, ...]]


_TRANSCRIPT: _Codec[Transcript] = _Codec(
    transcript_from_dict, transcript_to_dict, lambda t: (t.model,) if t.model else ()
)
_DIARIZATION: _Codec[Diarization] = _Codec(diarization_from_dict, diarization_to_dict, lambda d: d.models)


@dataclass(frozen=True, slots=True)
class _Done:
    result: Any
    how: str
    seconds: float = 0.0


def run_recover(
    pcm: AudioSource,
    run: ModelRun,
    *,
    transcriber: Transcriber,
    options: RecoverOptions,
    store: MeetingStore,
    meeting_id: int,
    key: str,
    cached: StagePayload | None,
) -> tuple[Recovery, str, float]:
    """The second listen at speech without words (or its cached result): (recovery, how, seconds)."""
    if cached is not None:
        return Recovery.from_payload(cached), "cached", 0.0
    t = time.perf_counter()
    found = recover(pcm, run.transcript, run.diarization, transcriber=transcriber, options=options)
    seconds = time.perf_counter() - t
    models = transcriber.models()
    record = StageRecord("recover", key, models, options.cache_identity(), __version__, seconds)
    store.save_stage(meeting_id, record=record, payload=found.to_payload())
    return found, "ran", seconds


def run_models(
    pcm: AudioSource,
    *,
    transcriber: Transcriber,
    diarizer: Diarizer,
    store: MeetingStore,
    meeting_id: int,
    keys: Mapping[str, str],
    cached: Mapping[str, StagePayload],
    progress: StageProgress,
    parallel: bool,
) -> ModelRun:
    """Transcribe and diarize ``pcm`` (or take the cached results), storing each as it finishes."""

    def stage(
        name: str, compute: Callable[[Callable[[float], None]], _Result], codec: _Codec[_Result]
    ) -> _Done:
        """One model stage: its cached result, or run it and store the result with its record."""
        if name in cached:
            progress(name, 1.0)
            return _Done(codec.decode(cached[name]), "cached")
        t = time.perf_counter()
        result = compute(lambda f: progress(name, f))
        seconds = time.perf_counter() - t
        record = StageRecord(name, keys[name], codec.models(result), result.options, __version__, seconds)
        store.save_stage(meeting_id, record=record, payload=codec.encode(result))
        return _Done(result, "ran", seconds)

    def transcribe() -> _Done:
        return stage("transcribe", lambda hook: transcriber.transcribe(pcm, progress=hook), _TRANSCRIPT)

    def diarize() -> _Done:
        return stage("diarize", lambda hook: diarizer.diarize(pcm, progress=hook), _DIARIZATION)

    if parallel and not cached:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="minutes-asr") as pool:
            fut: Future[_Done] = pool.submit(transcribe)
            dia = diarize()  # on this thread, while transcription runs on the other
            asr = fut.result()
    else:
        asr = transcribe()
        dia = diarize()
    done = {"transcribe": asr, "diarize": dia}
    return ModelRun(
        transcript=asr.result,
        diarization=dia.result,
        stages={name: d.how for name, d in done.items()},
        timings={name: d.seconds for name, d in done.items() if d.how == "ran"},
    )
