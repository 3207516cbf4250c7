"""The diarization stage's contract and options (no vendor imports here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from minutes.audio import AudioInput
from minutes.cache import options_identity
from minutes.errors import ConfigError
from minutes.types import Diarization, ModelRef

Progress = Callable[[float], None]


class Diarizer(Protocol):
    """Finds speaker turns (overlaps kept) and one embedding per speaker.

    The audio may be a long recording on disk: read it a window at a time, never all at once.
    """

    def diarize(self, audio: AudioInput, *, progress: Progress | None = None) -> Diarization: ...

    def options(self) -> dict[str, Any]:
        """Everything that changes the output: part of the stage's cache key."""
        ...

    def models(self) -> tuple[ModelRef, ...]:
        """The models it runs (their references, without loading them): part of the cache key."""
        ...


@dataclass(frozen=True, slots=True)
class DiarizerOptions:
    """Speaker-count hints and the clustering settings.

    ``threshold`` is the agglomerative clustering's cosine-distance cut; ``step`` is the
    segmentation window's hop as a fraction of its 10 s length (pyannote's default is 0.1;
    0.2 costs ~40% less CPU and scored better); ``exclude_overlap`` makes each speaker's
    embedding from the frames where they speak alone. The defaults were chosen on the eight
    public recordings with leave-one-out reported (``bench/diarize_tune.py``,
    ``docs/diarization-tuning.md``).
    """

    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    threshold: float = 0.6
    min_cluster_size: int = 12
    method: str = "centroid"
    step: float = 0.2
    min_duration_off: float = 0.0
    exclude_overlap: bool = True
    threads: int = 1
    device: str = "cpu"
    """``cpu``, or ``cuda``/``cuda:N`` for a GPU (needs a CUDA build of torch; not in the cache key)."""
    segmentation_path: str | None = None
    embedding_path: str | None = None

    # Not in the cache identity: threads and device do not change who spoke when (within float
    # noise), and the model files are identified by their hashes, not their paths.
    CACHE_EXCLUDE: ClassVar[frozenset[str]] = frozenset(
        {"threads", "device", "segmentation_path", "embedding_path"}
    )

    def cache_identity(self) -> dict[str, Any]:
        """Everything that changes the diarization: part of the stage's cache key."""
        return options_identity(self, exclude=self.CACHE_EXCLUDE)

    def validate(self) -> DiarizerOptions:
        for name in ("num_speakers", "min_speakers", "max_speakers"):
            v = getattr(self, name)
            if v is not None and v < 1:
                raise ConfigError(f"--{name.replace('_', '-')} must be at least 1, got {v}")
        lo, hi = self.min_speakers, self.max_speakers
        if lo is not None and hi is not None and lo > hi:
            raise ConfigError(f"--min-speakers ({lo}) is larger than --max-speakers ({hi})")
        if not 0.01 <= self.step <= 1.0:
            raise ConfigError(
                f"diarization step must be in 0.01..1.0 (fraction of a 10 s window), got {self.step}"
            )
        if self.device != "cpu" and not self.device.startswith("cuda"):
            raise ConfigError(f"diarization device must be cpu, cuda or cuda:N, got {self.device!r}")
        methods = ("average", "centroid", "complete", "median", "single", "ward")
        if self.method not in methods:
            raise ConfigError(
                f"clustering method '{self.method}' is unknown; choose one of {', '.join(methods)}"
            )
        return self
