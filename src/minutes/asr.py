"""Transcription: faster-whisper with its bundled Silero VAD, behind the :class:`Transcriber` protocol.

A recording is transcribed a window of a few minutes at a time (:func:`windows`), so memory
does not grow with its length: faster-whisper otherwise takes the whole waveform and builds the
spectrogram of all of it at once (gigabytes for a long meeting). Each window ends in the longest
pause the VAD hears near its nominal end, so no word is cut in two; windows do not overlap, so
none is heard twice; word times are shifted back by the window's start. A recording shorter than
one window is transcribed exactly as before, in one call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

import numpy as np
import numpy.typing as npt

from minutes.audio import SAMPLE_RATE, AudioInput, AudioSource, Waveform, as_source
from minutes.cache import options_identity
from minutes.errors import ConfigError
from minutes.registry import ResolvedModel, resolve_asr
from minutes.types import ModelRef, Segment, Transcript, Word

log = logging.getLogger(__name__)

Progress = Callable[[float], None]  # fraction done, 0..1

# Audio per faster-whisper call: memory is bounded by this, not by the meeting (a 240 s window
# costs ~300 MB of spectrogram and VAD buffers at its peak, 120 s ~180 MB).
WINDOW_SECONDS = 120.0
CUT_SEARCH_SECONDS = 30.0  # a window ends in the longest pause of its last this-many seconds
_VAD_FRAME = 512  # samples per Silero VAD probability (32 ms)
_PAUSE_BELOW = (
    0.35  # Silero speech probability under which a frame is a pause (faster-whisper's neg_threshold)
)


_SAMPLING_SEED = 0
"""The seed of the sampling faster-whisper falls back to on a garbled first reading (see
``transcribe``)."""


class Transcriber(Protocol):
    """Turns 16 kHz mono audio (read a window at a time) into a :class:`Transcript` with word timings."""

    def transcribe(self, audio: AudioInput, *, progress: Progress | None = None) -> Transcript: ...

    def options(self) -> dict[str, Any]:
        """Everything that changes the output: part of the stage's cache key."""
        ...

    def models(self) -> tuple[ModelRef, ...]:
        """The models it runs (their references, without loading them): part of the cache key."""
        ...

    def listen_again(
        self, audio: AudioInput, spans: Sequence[tuple[float, float]], *, language: str | None = None
    ) -> tuple[Segment, ...]:
        """Transcribe each ``(start, end)`` span (seconds) on its own, without the VAD: a second listen
        at stretches the first pass left without words. Times are the recording's."""
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
    extra: dict[str, Any] = field(default_factory=dict)  # faster-whisper keywords, each its own key

    # Not in the cache identity: the model is identified by its files' hash, threads and device
    # do not change the words, and ``extra``'s entries are spread into the identity one by one.
    CACHE_EXCLUDE: ClassVar[frozenset[str]] = frozenset({"model", "threads", "device", "extra"})

    def cache_identity(self) -> dict[str, Any]:
        """Everything that changes the transcript: part of the stage's cache key."""
        return {**options_identity(self, exclude=self.CACHE_EXCLUDE), **self.extra}


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

    def __init__(
        self, opts: AsrOptions, *, model: ResolvedModel | None = None, window_seconds: float = WINDOW_SECONDS
    ) -> None:
        self.opts = opts
        self.window_seconds = window_seconds  # not an option: long recordings only, same quality
        self.model_ref = model or resolve_asr(opts.model)
        if opts.language and self.model_ref.name.endswith(".en") and opts.language != "en":
            raise ConfigError(
                f"model '{self.model_ref.name}' only knows English but --language {opts.language} was "
                "given; use the multilingual model (--model base) or a local multilingual model folder"
            )
        self._model: Any = None

    def options(self) -> dict[str, Any]:
        return self.opts.cache_identity()

    def models(self) -> tuple[ModelRef, ...]:
        return (self.model_ref.ref(),)

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

    def transcribe(self, audio: AudioInput, *, progress: Progress | None = None) -> Transcript:
        import ctranslate2

        model = self._load()
        source = as_source(audio)
        duration = source.duration
        o = self.opts
        language = o.language
        reported: tuple[str, float] | None = None  # (language, probability) of the transcript
        segments: list[Segment] = []
        for start, stop in windows(source, window=round(self.window_seconds * SAMPLE_RATE)):
            offset = start / SAMPLE_RATE
            # faster-whisper decodes again at a higher temperature when a window's first reading looks
            # garbled, and that sampling draws from CTranslate2's generator: seeded per window, the
            # same audio gives the same words on every run (JFK x4 read "ask not" one run, "asked
            # not" the next, in the full suite)
            ctranslate2.set_random_seed(_SAMPLING_SEED)
            segments_iter, info = model.transcribe(
                source.read(start, stop),
                language=language,
                beam_size=o.beam_size,
                word_timestamps=True,
                vad_filter=o.vad,
                vad_parameters={"min_silence_duration_ms": 500} if o.vad else None,
                hotwords=o.hotwords,
                condition_on_previous_text=False,  # stops one hallucination from seeding the next
                **o.extra,
            )
            for seg in segments_iter:
                if not _is_hallucination(seg):
                    segments.append(_segment(seg, offset))
                if progress is not None and duration > 0:
                    progress(min(1.0, (offset + seg.end) / duration))
            if reported is None or language is None:
                reported = (info.language, float(info.language_probability))
            if language is None and (info.duration_after_vad > 0 or not o.vad):
                # The first window with speech decides, as whole-file detection would (it
                # listens to the first 30 s of speech); later windows keep that language.
                language = info.language
        if progress is not None:
            progress(1.0)
        assert reported is not None  # windows() yields at least one window
        return Transcript(
            language=reported[0],
            language_probability=reported[1],
            duration=duration,
            segments=tuple(segments),
            model=self.model_ref.ref(),
            options=self.options(),
        )

    def listen_again(
        self, audio: AudioInput, spans: Sequence[tuple[float, float]], *, language: str | None = None
    ) -> tuple[Segment, ...]:
        model = self._load()
        source = as_source(audio)
        o = self.opts
        heard: list[Segment] = []
        for start, end in spans:
            first, last = round(start * SAMPLE_RATE), min(source.num_samples, round(end * SAMPLE_RATE))
            if last - first < SAMPLE_RATE // 2:
                continue
            # The diarization already says this is speech; the VAD is what may have dropped it.
            segments_iter, _ = model.transcribe(
                source.read(first, last),
                language=o.language or language,
                beam_size=o.beam_size,
                word_timestamps=True,
                vad_filter=False,
                hotwords=o.hotwords,
                condition_on_previous_text=False,
                **o.extra,
            )
            heard += [
                _segment(seg, first / SAMPLE_RATE) for seg in segments_iter if not _is_hallucination(seg)
            ]
        return tuple(heard)


def _segment(seg: Any, offset: float) -> Segment:
    """A faster-whisper segment of one window as ours, its times shifted to the recording's."""
    words = tuple(
        Word(
            start=round(offset + w.start, 3),
            end=round(offset + w.end, 3),
            text=w.word.strip(),
            probability=w.probability,
        )
        for w in (seg.words or ())
        if w.word.strip()
    )
    return Segment(
        start=round(offset + seg.start, 3), end=round(offset + seg.end, 3), text=seg.text.strip(), words=words
    )


def windows(
    source: AudioSource, *, window: int, search: int = round(CUT_SEARCH_SECONDS * SAMPLE_RATE)
) -> Iterator[tuple[int, int]]:
    """(start, stop) sample ranges that tile the recording, each at most ``window`` long.

    Every window but the last ends in the middle of the longest pause the VAD hears in its
    final ``search`` samples. Only that stretch is read to find the cut.
    """
    search = min(search, window // 2)
    start, total = 0, source.num_samples
    while total - start > window:
        lo = start + window - search
        cut = lo + pause_middle(speech_probabilities(source.read(lo, start + window)))
        yield start, cut
        start = cut
    yield start, total


def pause_middle(probabilities: npt.NDArray[np.float32]) -> int:
    """Sample offset of the middle of the longest run of pause frames (the latest if tied).

    With no pause at all (music, noise, a monologue without breath), the least speech-like
    frame is the cut.
    """
    quiet = probabilities < _PAUSE_BELOW
    if not quiet.any():
        frame = int(np.argmin(probabilities[::-1]))
        return (len(probabilities) - 1 - frame) * _VAD_FRAME + _VAD_FRAME // 2
    edges = np.diff(np.concatenate(([0], quiet.astype(np.int8), [0])))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lengths = stops - starts
    best = len(lengths) - 1 - int(np.argmax(lengths[::-1]))
    return int((starts[best] + stops[best]) * _VAD_FRAME // 2)


def speech_probabilities(wave: Waveform) -> npt.NDArray[np.float32]:
    """Silero VAD (the one faster-whisper bundles) speech probability per 512-sample frame."""
    from faster_whisper.vad import get_vad_model

    padded = np.pad(wave, (0, -wave.size % _VAD_FRAME))
    if padded.size == 0:
        return np.zeros(0, dtype=np.float32)
    probs: npt.NDArray[np.float32] = np.asarray(get_vad_model()(padded), dtype=np.float32).reshape(-1)
    return probs


def _is_hallucination(seg: Any) -> bool:
    """Whisper invents text over noise; these are the usual tells."""
    if seg.no_speech_prob > 0.6 and seg.avg_logprob < -0.7:
        return True
    if seg.compression_ratio > 2.6:
        return True
    words = seg.words or ()
    return bool(words) and float(np.mean([w.probability for w in words])) < 0.25
