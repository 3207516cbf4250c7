"""The one place that builds stages from settings: preset + overrides → a ready processor."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from minutes import db as store
from minutes.asr import AsrOptions, WhisperTranscriber
from minutes.attribute import AttributeOptions
from minutes.db.meeting_store import SqlMeetingStore
from minutes.diarize import DiarizerOptions, PyannoteDiarizer
from minutes.embeddings import Embedder, EmbedOptions, build_embedder
from minutes.errors import ConfigError
from minutes.llm import LLM, LLMOptions, build_llm
from minutes.pipeline import MeetingProcessor
from minutes.pipeline.recover import RecoverOptions
from minutes.runtime import default_threads, enforce_offline, limit_native_threads
from minutes.settings import Preset, database_url
from minutes.summarize.summarizer import SummarizeOptions, Summarizer


@dataclass(frozen=True, slots=True)
class ThreadPlan:
    """How the cores are shared when transcription and diarization run side by side."""

    asr: int
    diarize: int

    @classmethod
    def for_cores(cls, cores: int, *, parallel: bool) -> ThreadPlan:
        if not parallel or cores < 2:
            return cls(asr=max(1, cores), diarize=max(1, cores))
        asr = max(1, cores // 2)
        return cls(asr=asr, diarize=max(1, cores - asr))


def _build(cls: type[Any], section: str, values: dict[str, Any]) -> Any:
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - names)
    if unknown:
        raise ConfigError(f"unknown {section} option(s) {unknown}; valid: {', '.join(sorted(names))}")
    return cls(**values)


def stage_options(
    preset: Preset,
    *,
    transcribe: dict[str, Any] | None = None,
    diarize: dict[str, Any] | None = None,
    threads: int | None = None,
    parallel: bool = True,
) -> tuple[AsrOptions, DiarizerOptions, AttributeOptions]:
    """Merge a preset with command-line overrides (``None`` values mean "not given")."""
    plan = ThreadPlan.for_cores(threads or default_threads(), parallel=parallel)
    asr_values = {**preset.transcribe, **{k: v for k, v in (transcribe or {}).items() if v is not None}}
    asr_values["threads"] = plan.asr
    dia_values = {**preset.diarize, **{k: v for k, v in (diarize or {}).items() if v is not None}}
    dia_values["threads"] = plan.diarize
    asr = _build(AsrOptions, "transcribe", asr_values)
    dia = _build(DiarizerOptions, "diarize", dia_values).validate()
    att = _build(AttributeOptions, "attribute", dict(preset.attribute))
    return asr, dia, att


def build_summarizer(
    preset: Preset, *, overrides: dict[str, Any] | None = None, threads: int | None = None
) -> Summarizer:
    """The minutes writer: a language model (loaded on first use) and the summarizer around it."""
    values = {**preset.summarize, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    summary_keys = {f.name for f in fields(SummarizeOptions)}
    llm_values = {k: v for k, v in values.items() if k not in summary_keys}
    llm_values.setdefault("threads", threads or default_threads())
    llm = build_llm(_build(LLMOptions, "summarize", llm_values))
    return Summarizer(
        llm, _build(SummarizeOptions, "summarize", {k: v for k, v in values.items() if k in summary_keys})
    )


def build_text_embedder(*, model: str | None = None, threads: int | None = None) -> Embedder:
    """The passage embedder for ``minutes ask`` (loaded on first use); threads: ``MINUTES_THREADS``
    or the usable cores, as every stage."""
    values: dict[str, Any] = {"threads": threads or default_threads()}
    if model:
        values["model"] = model
    return build_embedder(EmbedOptions(**values))


def build_asker(
    preset: Preset, *, overrides: dict[str, Any] | None = None, threads: int | None = None
) -> tuple[LLM, Embedder]:
    """What ``minutes ask`` needs: the preset's language model (as for the minutes) and the
    passage embedder; both load on first use."""
    enforce_offline()
    llm = build_summarizer(preset, overrides=overrides, threads=threads).llm
    return llm, build_text_embedder(threads=threads)


def open_store(url: str | None = None) -> sessionmaker[Session]:
    """Engine + migrations + session factory for the configured database."""
    engine = store.make_engine(url or database_url())
    store.upgrade(engine)
    return store.session_factory(engine)


def build_processor(
    preset: Preset,
    *,
    sessions: sessionmaker[Session],
    transcribe: dict[str, Any] | None = None,
    diarize: dict[str, Any] | None = None,
    threads: int | None = None,
    parallel: bool = True,
    summarize: dict[str, Any] | None = None,
    summary: bool = True,
    index: bool = True,
) -> MeetingProcessor:
    """Everything ``minutes process`` needs, storing into the database of ``sessions``; models
    resolve now (clear errors early), load on first use."""
    enforce_offline()
    asr, dia, att = stage_options(
        preset, transcribe=transcribe, diarize=diarize, threads=threads, parallel=parallel
    )
    limit_native_threads(max(asr.threads, dia.threads))
    return MeetingProcessor(
        transcriber=WhisperTranscriber(asr),
        diarizer=PyannoteDiarizer(dia),
        store=SqlMeetingStore(sessions),
        attribute_options=att,
        recover_options=_build(RecoverOptions, "recover", dict(preset.recover)),
        parallel=parallel,
        summarizer=build_summarizer(preset, overrides=summarize, threads=threads) if summary else None,
        embedder=build_text_embedder(threads=threads) if index else None,
    )
