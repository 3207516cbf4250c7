"""The block-by-block speaker timeline equals pyannote's own reconstruction, frame for frame."""

from __future__ import annotations

import numpy as np
import pytest
from pyannote.audio.pipelines.speaker_diarization import SpeakerDiarization
from pyannote.audio.pipelines.utils.diarization import SpeakerDiarizationMixin
from pyannote.core import SlidingWindow, SlidingWindowFeature

from minutes.diarize.reconstruct import discrete_diarization

CHUNKS = SlidingWindow(start=0.0, duration=10.0, step=2.0)  # 10 s chunks every 2 s
FRAMES = SlidingWindow(start=0.0, duration=0.0619375, step=0.016875)  # segmentation-3.0's output frames


def _case(
    num_chunks: int, num_clusters: int, *, seed: int, max_speakers: int = 3
) -> tuple[SlidingWindowFeature, np.ndarray, SlidingWindowFeature]:
    rng = np.random.default_rng(seed)
    # Speech in runs, as a segmentation model gives it: each local speaker toggles now and then.
    toggles = rng.random((num_chunks, 589, 3)) < 0.02
    scores = (np.cumsum(toggles, axis=1) % 2).astype(np.float32)
    hard = rng.integers(0, num_clusters, (num_chunks, 3)).astype(np.int8)
    hard[rng.random((num_chunks, 3)) < 0.2] = -2  # inactive local speakers
    segmentations = SlidingWindowFeature(scores, CHUNKS)
    count = SpeakerDiarizationMixin.speaker_count(segmentations, FRAMES, warm_up=(0.0, 0.0))
    count.data = np.minimum(count.data, max_speakers).astype(np.int8)
    return segmentations, hard, count


def _pyannote(
    segmentations: SlidingWindowFeature, hard: np.ndarray, count: SlidingWindowFeature
) -> SlidingWindowFeature:
    copy = SlidingWindowFeature(segmentations.data.copy(), segmentations.sliding_window)
    counted = SlidingWindowFeature(count.data.copy(), count.sliding_window)
    result: SlidingWindowFeature = SpeakerDiarization.reconstruct(
        object.__new__(SpeakerDiarization), copy, hard.copy(), counted
    )
    return result


@pytest.mark.parametrize(
    ("num_chunks", "num_clusters", "block", "seed"),
    [
        (60, 5, 7, 0),  # many blocks, the last one short
        (60, 5, 128, 1),  # one block
        (1, 2, 4, 2),  # a recording shorter than one chunk
        (33, 1, 8, 3),  # one speaker, but up to three counted at once: padded columns
        (90, 19, 16, 4),  # as many speakers as long meetings get
    ],
)
def test_same_timeline_as_pyannote(num_chunks: int, num_clusters: int, block: int, seed: int) -> None:
    segmentations, hard, count = _case(num_chunks, num_clusters, seed=seed)
    want = _pyannote(segmentations, hard, count)
    got = discrete_diarization(segmentations, hard, count, block_chunks=block)
    assert got.data.shape == want.data.shape and got.data.dtype == np.float32
    np.testing.assert_array_equal(got.data, want.data)
    w, g = want.sliding_window, got.sliding_window
    assert (g.start, g.duration, g.step) == (w.start, w.duration, w.step)


def test_memory_is_the_timeline_itself() -> None:
    segmentations, hard, count = _case(200, 19, seed=5)
    got = discrete_diarization(segmentations, hard, count, block_chunks=16)
    assert got.data.nbytes == got.data.shape[0] * 19 * 4  # float32 per frame and speaker, nothing wider
