"""Transcription: faster-whisper with its bundled Silero VAD, behind the :class:`Transcriber` protocol."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from minutes.audio import SAMPLE_RATE, Waveform
from minutes.errors import ConfigError
from minutes.registry import ResolvedModel, resolve_asr
from minutes.types import Segment, Transcript, Word

log = logging.getLogger(__name__)

Progress = Callable[[float], None]  # fraction done, 0..1


class Transcriber(Protocol):
    """Turns a 16 kHz mono waveform into a :class:`Transcript` with word timings."""

    def transcribe(self, wave: Waveform, *, progress: Progress | None = None) -> Transcript: ...

    def options(self) -> dict[str, Any]:
        """Everything that changes the output: part of the stage's cache key."""
        ...


@dataclass(frozen=True, slots=True)
class AsrOptions:
    model: str = "tiny.en"
    language: str | None = None  # None: detect
    beam_size: int = 5
    vad: bool = True
    hotwords: str | None = None  # names and jargon, from the vocabulary file
    threads: int = 1
    device: str = "cpu"
    compute_type: str = "int8"
    extra: dict[str, Any] = field(default_factory=dict)


def read_vocabulary(path: str | Path) -> str:
    """A vocabulary file: one term per line, ``#`` comments; returned as a hotword string."""
    p = Path(path).expanduser()
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"vocabulary file {p}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"vocabulary file {p}: not UTF-8 text") from exc
    terms = [ln.split("#", 1)[0].strip() for ln in text.splitlines()]
    terms = [t for t in terms if t]
    if not terms:
        raise ConfigError(f"vocabulary file {p}: has no terms (one name or term per line)")
    # Whisper's prompt window is 224 tokens; a longer list is cut, not an error.
    return ", ".join(terms)[:600]


def joined_files(ref: ResolvedModel) -> dict[str, bytes]:
    """A split CTranslate2 model as faster-whisper's in-memory ``files``: parts joined, never on disk."""
    assert ref.folder is not None
    files = {
        p.name: p.read_bytes()
        for p in ref.folder.iterdir()
        if p.is_file() and not p.name.startswith("model.bin")
    }
    files["model.bin"] = b"".join(p.read_bytes() for p in ref.files)
    return files


class WhisperTranscriber:
    """faster-whisper on CTranslate2. The model is loaded once, on first use."""

    def __init__(self, opts: AsrOptions, *, model: ResolvedModel | None = None) -> None:
        self.opts = opts
        self.model_ref = model or resolve_asr(opts.model)
        if opts.language and self.model_ref.name.endswith(".en") and opts.language != "en":
            raise ConfigError(
                f"model '{self.model_ref.name}' only knows English but --language {opts.language} was "
                "given; use the multilingual model (--model base) or a local multilingual model folder"
            )
        self._model: Any = None

    def options(self) -> dict[str, Any]:
        o = self.opts
        return {
            "language": o.language,
            "beam_size": o.beam_size,
            "vad": o.vad,
            "hotwords": o.hotwords,
            "compute_type": o.compute_type,
            **o.extra,
        }

    def _load(self) -> Any:
        if self._model is None:
            from faster_whisper import WhisperModel

            ref = self.model_ref
            kwargs: dict[str, Any] = {
                "device": self.opts.device,
                "compute_type": self.opts.compute_type,
                "cpu_threads": self.opts.threads,
                "num_workers": 1,
                "local_files_only": True,
            }
            if len(ref.files) > 1:
                self._model = WhisperModel(ref.name, files=joined_files(ref), **kwargs)
            else:
                assert ref.folder is not None
                self._model = WhisperModel(str(ref.folder), **kwargs)
            log.info("loaded speech model %s (%d threads)", ref.name, self.opts.threads)
        return self._model

    def transcribe(self, wave: Waveform, *, progress: Progress | None = None) -> Transcript:
        model = self._load()
        duration = wave.size / SAMPLE_RATE
        o = self.opts
        segments_iter, info = model.transcribe(
            np.ascontiguousarray(wave, dtype=np.float32),
            language=o.language,
            beam_size=o.beam_size,
            word_timestamps=True,
            vad_filter=o.vad,
            vad_parameters={"min_silence_duration_ms": 500} if o.vad else None,
            hotwords=o.hotwords,
            condition_on_previous_text=False,  # stops one hallucination from seeding the next
            **o.extra,
        )
        segments: list[Segment] = []
        for seg in segments_iter:
            if _is_hallucination(seg):
                continue
            words = tuple(
                Word(
                    start=round(w.start, 3),
                    end=round(w.end, 3),
                    text=w.word.strip(),
                    probability=w.probability,
                )
                for w in (seg.words or ())
                if w.word.strip()
            )
            segments.append(Segment(start=seg.start, end=seg.end, text=seg.text.strip(), words=words))
            if progress is not None and duration > 0:
                progress(min(1.0, seg.end / duration))
        if progress is not None:
            progress(1.0)
        return Transcript(
            language=info.language,
            language_probability=float(info.language_probability),
            duration=duration,
            segments=tuple(segments),
            model=self.model_ref.ref(),
            options=self.options(),
        )


def _is_hallucination(seg: Any) -> bool:
    """Whisper invents text over noise; these are the usual tells."""
    if seg.no_speech_prob > 0.6 and seg.avg_logprob < -0.7:
        return True
    if seg.compression_ratio > 2.6:
        return True
    words = seg.words or ()
    return bool(words) and float(np.mean([w.probability for w in words])) < 0.25
