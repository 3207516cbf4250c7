"""pyannote.audio 4 speaker diarization, loaded only from local files.

Segmentation is pyannote's segmentation-3.0; speaker embeddings come from CAM++ (see
``campplus.py``); clustering is pyannote's agglomerative clustering with the settings
pyannote 3.1 published. The pipeline reads the recording a block at a time (see
``blockwise.py``). pyannote objects never leave ``minutes.diarize``.
"""

from __future__ import annotations

import logging
import threading
import warnings
from typing import Any

import numpy as np

from minutes.audio import AudioInput, as_source
from minutes.diarize.base import DiarizerOptions, Progress
from minutes.errors import ConfigError, ModelNotFoundError
from minutes.registry import ResolvedModel, campplus_source, resolve_embedding, resolve_segmentation
from minutes.types import Diarization, ModelRef, SpeakerTurn

log = logging.getLogger(__name__)

_build_lock = threading.Lock()

# Share of the progress bar each pyannote step stands for.
_STEP_SPAN = {"segmentation": (0.0, 0.25), "embeddings": (0.25, 0.97)}


class PyannoteDiarizer:
    """Diarization with pyannote.audio's ``SpeakerDiarization`` pipeline, built once, on first use."""

    def __init__(self, opts: DiarizerOptions) -> None:
        self.opts = opts.validate()
        self.segmentation: ResolvedModel = resolve_segmentation(opts.segmentation_path)
        self.embedding: ResolvedModel = resolve_embedding(opts.embedding_path)
        self._pipeline: Any = None
        self._embedder: Any = None

    def options(self) -> dict[str, Any]:
        return self.opts.cache_identity()

    def models(self) -> tuple[ModelRef, ...]:
        return (self.segmentation.ref(), self.embedding.ref())

    def _build(self) -> Any:
        if self._pipeline is not None:
            return self._pipeline
        from unittest import mock

        import pyannote.audio.pipelines.speaker_diarization as sd
        from pyannote.audio import Model

        from minutes.diarize.blockwise import BlockwiseDiarization
        from minutes.diarize.campplus import load as load_campplus

        with _build_lock, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            segmentation = Model.from_pretrained(str(self.segmentation.files[0]))
            if segmentation is None:  # pragma: no cover - from_pretrained returns None on odd files
                raise ModelNotFoundError(f"cannot load segmentation model {self.segmentation.files[0]}")
            self._embedder = load_campplus(self.embedding.files[0], campplus_source())
            # pyannote 4 insists on loading a PLDA even for agglomerative clustering, which
            # never uses it; the VBx PLDA ships in no package, so skip that load.
            with mock.patch.object(sd, "get_plda", lambda *a, **k: None):
                pipeline = BlockwiseDiarization(
                    segmentation=segmentation,
                    embedding=self._embedder,
                    segmentation_step=self.opts.step,
                    embedding_exclude_overlap=self.opts.exclude_overlap,
                    # A multiple of segmentation-3.0's 3 local speakers, so each chunk's
                    # three requests land in one batch and share one CAM++ pass. Four chunks
                    # a batch: CAM++'s activations for eight took ~550 MB at their peak, for
                    # four ~150 MB, at the same speed and with the same embeddings.
                    embedding_batch_size=12,
                    segmentation_batch_size=16,
                )
            pipeline.instantiate(
                {
                    "segmentation": {"min_duration_off": self.opts.min_duration_off},
                    "clustering": {
                        "method": self.opts.method,
                        "threshold": self.opts.threshold,
                        "min_cluster_size": self.opts.min_cluster_size,
                    },
                }
            )
        if self.opts.device != "cpu":
            import torch

            if not torch.cuda.is_available():
                raise ConfigError(
                    f"diarization on {self.opts.device} was asked for, but this torch sees no CUDA GPU "
                    "(the CPU build is installed); use a CPU preset or install a CUDA build of torch"
                )
            pipeline.to(torch.device(self.opts.device))
        self._pipeline = pipeline
        log.info("built diarization pipeline (step %.2f, %s)", self.opts.step, self.opts.device)
        return pipeline

    def diarize(self, audio: AudioInput, *, progress: Progress | None = None) -> Diarization:
        import torch

        from minutes.diarize.blockwise import AUDIO_KEY
        from minutes.runtime import set_torch_threads

        set_torch_threads(self.opts.threads)
        pipeline = self._build()
        o = self.opts
        file = {AUDIO_KEY: as_source(audio), "uri": "meeting"}

        def hook(
            step: str, _artefact: Any, *, file: Any = None, total: Any = None, completed: Any = None
        ) -> None:
            if progress is None or step not in _STEP_SPAN or not total:
                return
            lo, hi = _STEP_SPAN[step]
            progress(lo + (hi - lo) * float(completed or 0) / float(total))

        with warnings.catch_warnings(), torch.inference_mode():
            warnings.simplefilter("ignore")
            # apply(), not __call__: the latter wants a path or a waveform to validate and load.
            output = pipeline.apply(
                file,
                num_speakers=o.num_speakers,
                min_speakers=o.min_speakers,
                max_speakers=o.max_speakers,
                hook=hook,
            )
        annotation = output.speaker_diarization
        labels = list(annotation.labels())
        turns = tuple(
            SpeakerTurn(start=round(seg.start, 3), end=round(seg.end, 3), speaker=str(label))
            for seg, _, label in annotation.itertracks(yield_label=True)
            if seg.end > seg.start
        )
        embeddings: dict[str, tuple[float, ...]] = {}
        centroids = output.speaker_embeddings
        if centroids is not None:
            for i, label in enumerate(labels):
                if i < len(centroids) and np.all(np.isfinite(centroids[i])) and np.any(centroids[i]):
                    embeddings[str(label)] = tuple(float(x) for x in centroids[i])
        if progress is not None:
            progress(1.0)
        return Diarization(
            turns=tuple(sorted(turns, key=lambda t: (t.start, t.end, t.speaker))),
            embeddings=embeddings,
            models=self.models(),
            options=self.options(),
        )
