"""pyannote's ``SpeakerDiarization``, reading the recording a block at a time.

pyannote's pipeline loads the whole waveform before it starts, and its clustering builds a
distance matrix over every embedding. Both grow with the meeting: a 3-hour recording is
690 MB of samples and ~8,000 embeddings (0.5 GB of linkage). Here:

* segmentation and embeddings run over blocks of consecutive 10 s chunks, each block read
  from an :class:`~minutes.audio.AudioSource` when it is needed. A chunk's scores and
  embeddings depend only on that chunk's samples, so the per-chunk results are exactly those
  of one whole-file pass; only they are kept (a few tens of MB for hours of audio);
* clustering, reconstruction and everything after run once, on those per-chunk results, as
  pyannote does (its ``apply`` is used as it is), with two bounded-memory changes: the
  dendrogram is built from at most ``max_clustered`` embeddings (see
  :class:`CappedAgglomerativeClustering`), and the speaker timeline is rebuilt a block at a
  time (see ``reconstruct.py``).

pyannote objects never leave ``minutes.diarize``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from pyannote.audio.pipelines.clustering import AgglomerativeClustering
from pyannote.audio.pipelines.speaker_diarization import SpeakerDiarization
from pyannote.core import SlidingWindow, SlidingWindowFeature

from minutes.audio import SAMPLE_RATE, AudioSource
from minutes.diarize.reconstruct import discrete_diarization

AUDIO_KEY = "minutes.audio"  # where the file dict given to ``apply`` holds the AudioSource
# Segmentation chunks per block: ~4.4 min of audio at a 2 s hop; a multiple of the
# segmentation batch (16) and of the chunks per embedding batch (12 / 3 local speakers).
BLOCK_CHUNKS = 128
MAX_CLUSTERED = 3000  # embeddings in the dendrogram: 8 n² bytes of linkage, 72 MB here
# A speaker needs at least this share of the clustered embeddings (on top of the fixed minimum
# cluster size): otherwise the small clusters a long meeting accumulates (mixed or odd chunks,
# a few per minute) pass the fixed size and count as speakers. Only acts above ~400 embeddings
# (9 minutes of meeting); see docs/streaming.md for the measurements.
MIN_CLUSTER_SHARE = 0.03

Hook = Callable[..., Any]


class CappedAgglomerativeClustering(AgglomerativeClustering):  # type: ignore[misc]
    """Agglomerative clustering whose dendrogram holds at most ``max_embeddings`` embeddings.

    Below the cap the dendrogram is pyannote's. Above it, an evenly spaced subset (in time, so every
    speaker keeps its share of it) is clustered, ``min_cluster_size`` shrinks by the same
    factor (a speaker still needs as much speech as before to count as one), and then every
    embedding is assigned to the nearest centroid, as pyannote does anyway. pyannote 3 had
    the same cap (``max_num_embeddings``, a random subset); pyannote 4 dropped it.

    Whatever the length, a cluster also needs ``min_share`` of the clustered embeddings to
    count as a speaker: the fixed ``min_cluster_size`` (tuned on short meetings) is passed, in
    a long one, by clusters of mixed or odd chunks that are no speaker of their own; smaller
    clusters go to the nearest large one, as pyannote does with those under the fixed size.

    One recording at a time: the subset's share is kept between the two calls that use it.
    """

    def __init__(self, *, metric: str, max_embeddings: int, min_share: float = MIN_CLUSTER_SHARE) -> None:
        super().__init__(metric=metric)
        self.max_embeddings = max_embeddings
        self.min_share = min_share
        self._kept = 1.0

    def filter_embeddings(
        self, embeddings: np.ndarray, segmentations: Any = None, min_active_ratio: float = 0.2
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        kept, chunk_idx, speaker_idx = super().filter_embeddings(
            embeddings, segmentations=segmentations, min_active_ratio=min_active_ratio
        )
        count = len(kept)
        if count <= self.max_embeddings:
            self._kept = 1.0
            return kept, chunk_idx, speaker_idx
        pick = np.linspace(0, count - 1, self.max_embeddings).round().astype(np.int64)
        self._kept = self.max_embeddings / count
        return kept[pick], chunk_idx[pick], speaker_idx[pick]

    def cluster(
        self,
        embeddings: np.ndarray,
        min_clusters: int | None = None,
        max_clusters: int | None = None,
        num_clusters: int | None = None,
    ) -> np.ndarray:
        wanted = self.min_cluster_size
        scaled = max(1, round(wanted * self._kept))
        self.min_cluster_size = max(scaled, math.ceil(self.min_share * len(embeddings)))
        try:
            clusters: np.ndarray = super().cluster(
                embeddings, min_clusters=min_clusters, max_clusters=max_clusters, num_clusters=num_clusters
            )
        finally:
            self.min_cluster_size = wanted
        return clusters


class BlockwiseDiarization(SpeakerDiarization):  # type: ignore[misc]
    """``SpeakerDiarization`` with agglomerative clustering, over ``{AUDIO_KEY: AudioSource}``."""

    def __init__(
        self, *, block_chunks: int = BLOCK_CHUNKS, max_clustered: int = MAX_CLUSTERED, **kwargs: Any
    ) -> None:
        super().__init__(clustering="AgglomerativeClustering", **kwargs)
        self.block_chunks = block_chunks
        self.clustering = CappedAgglomerativeClustering(
            metric=self._embedding.metric, max_embeddings=max_clustered
        )

    # -- geometry of pyannote's sliding window, in samples ------------------------------

    @property
    def _window(self) -> int:
        return int(self._segmentation.model.audio.get_num_samples(self._segmentation.duration))

    @property
    def _hop(self) -> int:
        return round(self._segmentation.step * SAMPLE_RATE)

    def _chunks(self) -> SlidingWindow:
        return SlidingWindow(start=0.0, duration=self._segmentation.duration, step=self._segmentation.step)

    def _complete_chunks(self, samples: int) -> int:
        """Chunks that fit whole, as ``Inference.slide`` counts them (a padded one may follow)."""
        return 0 if samples < self._window else (samples - self._window) // self._hop + 1

    # -- the two steps that read audio ----------------------------------------------------

    def get_segmentations(self, file: dict[str, Any], hook: Hook | None = None) -> SlidingWindowFeature:
        source: AudioSource = file[AUDIO_KEY]
        samples, window, hop = source.num_samples, self._window, self._hop
        complete = self._complete_chunks(samples)
        total = complete + int(samples < window or (samples - window) % hop > 0)
        step_hook = None if hook is None else functools.partial(hook, "segmentation", None)
        scores: np.ndarray | None = None
        first = 0
        while True:
            end = min(first + self.block_chunks, complete)
            last = end == complete  # the last block also holds the padded tail chunk, if any
            wave = source.read(first * hop, samples if last else (end - 1) * hop + window)
            out = self._segmentation.slide(
                torch.from_numpy(wave)[None], SAMPLE_RATE, hook=_offset_hook(step_hook, first, total)
            )
            assert isinstance(out, SlidingWindowFeature)  # segmentation: one output, not a tuple
            block = out.data
            if scores is None:
                scores = np.empty((total, *block.shape[1:]), dtype=block.dtype)
            scores[first : first + len(block)] = block
            if last:
                break
            first = end
        assert scores is not None
        return SlidingWindowFeature(scores, self._chunks())

    def get_embeddings(
        self,
        file: dict[str, Any],
        binary_segmentations: SlidingWindowFeature,
        exclude_overlap: bool = False,
        hook: Hook | None = None,
    ) -> np.ndarray:
        source: AudioSource = file[AUDIO_KEY]
        data = binary_segmentations.data
        total = len(data)
        embeddings: np.ndarray | None = None
        for first in range(0, total, self.block_chunks):
            end = min(first + self.block_chunks, total)
            wave = source.read(first * self._hop, (end - 1) * self._hop + self._window)
            block_file = {"waveform": torch.from_numpy(wave)[None], "sample_rate": SAMPLE_RATE}
            block = super().get_embeddings(
                block_file,
                SlidingWindowFeature(data[first:end], self._chunks()),
                exclude_overlap=exclude_overlap,
                hook=_fraction_hook(hook, first, end, total),
            )
            if embeddings is None:
                embeddings = np.empty((total, *block.shape[1:]), dtype=block.dtype)
            embeddings[first:end] = block
        assert embeddings is not None
        return embeddings

    def reconstruct(
        self, segmentations: SlidingWindowFeature, hard_clusters: np.ndarray, count: SlidingWindowFeature
    ) -> SlidingWindowFeature:
        """pyannote's timeline reconstruction, a block of chunks at a time (see ``reconstruct.py``)."""
        return discrete_diarization(segmentations, hard_clusters, count, block_chunks=self.block_chunks)


def _offset_hook(hook: Hook | None, first: int, chunks: int) -> Hook | None:
    """``Inference.slide`` counts chunks within a block; report them within the recording."""
    if hook is None:
        return None

    def report(*, completed: int, total: int) -> None:
        hook(completed=min(chunks, first + min(completed, total)), total=chunks)

    return report


def _fraction_hook(hook: Hook | None, first: int, end: int, chunks: int) -> Hook | None:
    """pyannote counts embedding batches within a block; report chunks within the recording."""
    if hook is None:
        return None

    def report(step: str, _artefact: Any, *, total: int | None = None, completed: int | None = None) -> None:
        if step == "embeddings" and total:
            share = min(1.0, float(completed or 0) / float(total))
            hook(step, None, total=chunks, completed=first + math.floor(share * (end - first)))

    return report
