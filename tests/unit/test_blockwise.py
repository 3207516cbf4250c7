"""The clustering cap that keeps long recordings' memory bounded, on synthetic embeddings (no models)."""

from __future__ import annotations

import numpy as np
import pytest
from pyannote.core import SlidingWindow, SlidingWindowFeature

from minutes.diarize.blockwise import CappedAgglomerativeClustering

DIM = 16
FRAMES = 10


def _meeting(chunks_per_speaker: list[int], *, seed: int = 0) -> tuple[np.ndarray, SlidingWindowFeature]:
    """Chunks in turn, speaker after speaker; in each, local speaker 0 talks alone, the others are silent."""
    rng = np.random.default_rng(seed)
    centres = np.eye(DIM)[: len(chunks_per_speaker)]
    owners = np.repeat(np.arange(len(chunks_per_speaker)), chunks_per_speaker)
    rng.shuffle(owners)
    embeddings = np.full((len(owners), 3, DIM), np.nan, dtype=np.float32)
    embeddings[:, 0] = centres[owners] + 0.05 * rng.standard_normal((len(owners), DIM))
    segmentation = np.zeros((len(owners), FRAMES, 3), dtype=np.float32)
    segmentation[:, :, 0] = 1.0
    return embeddings, SlidingWindowFeature(segmentation, SlidingWindow(start=0.0, duration=10.0, step=2.0))


def _clustering(cap: int) -> CappedAgglomerativeClustering:
    c = CappedAgglomerativeClustering(metric="cosine", max_embeddings=cap)
    c.instantiate({"method": "centroid", "threshold": 0.55, "min_cluster_size": 12})
    return c


def _speakers(
    clustering: CappedAgglomerativeClustering, embeddings: np.ndarray, seg: SlidingWindowFeature
) -> int:
    hard, _, centroids = clustering(embeddings=embeddings.copy(), segmentations=seg)
    assert hard.shape == (len(embeddings), 3)
    assert len(np.unique(hard[:, 0])) == len(centroids)  # every speaker has chunks assigned to it
    return len(centroids)


def test_below_the_cap_nothing_changes() -> None:
    embeddings, seg = _meeting([200, 150, 100])
    kept, chunk_idx, _ = _clustering(10_000).filter_embeddings(embeddings, seg)
    assert len(kept) == 450 and chunk_idx.tolist() == list(range(450))
    assert _speakers(_clustering(10_000), embeddings, seg) == 3


def test_above_the_cap_an_even_subset_is_clustered_and_every_chunk_assigned() -> None:
    embeddings, seg = _meeting([900, 600, 300])
    clustering = _clustering(300)
    _, chunk_idx, _ = clustering.filter_embeddings(embeddings, seg)
    assert len(chunk_idx) == 300 and chunk_idx[0] == 0 and chunk_idx[-1] == 1799
    assert np.all(np.diff(chunk_idx) == pytest.approx(6, abs=1))  # evenly spread over the meeting
    assert _speakers(clustering, embeddings, seg) == 3
    assert clustering.min_cluster_size == 12  # the shrunk size was for that one call only


def test_a_speaker_with_little_speech_still_counts_above_the_cap() -> None:
    # 70 chunks of 2,000 (3.5%): enough for a speaker of its own without the cap; in a subset
    # of 200 it has only ~7, so the minimum cluster size must shrink with the subset.
    embeddings, seg = _meeting([1130, 800, 70], seed=3)
    assert _speakers(_clustering(10_000), embeddings, seg) == 3
    assert _speakers(_clustering(200), embeddings, seg) == 3


def test_too_little_speech_is_still_not_a_speaker_above_the_cap() -> None:
    embeddings, seg = _meeting([1500, 495, 5], seed=4)
    assert _speakers(_clustering(10_000), embeddings, seg) == 2
    assert _speakers(_clustering(200), embeddings, seg) == 2


def _with_mixed_chunks(
    chunks_per_speaker: list[int], mixed_per_pair: int, *, seed: int
) -> tuple[np.ndarray, SlidingWindowFeature]:
    """A meeting plus chunks whose embedding mixes two speakers (overlap, a turn change):
    each pair's mixes sit together, farther from both speakers than the clustering threshold."""
    embeddings, seg = _meeting(chunks_per_speaker, seed=seed)
    rng = np.random.default_rng(seed + 1)
    speakers = len(chunks_per_speaker)
    pairs = [(a, b) for a in range(speakers) for b in range(a + 1, speakers)]
    mixed = np.full((len(pairs) * mixed_per_pair, 3, DIM), np.nan, dtype=np.float32)
    for i, (a, b) in enumerate(pairs):
        centre = np.eye(DIM)[a] + np.eye(DIM)[b]
        rows = slice(i * mixed_per_pair, (i + 1) * mixed_per_pair)
        mixed[rows, 0] = centre + 0.05 * rng.standard_normal((mixed_per_pair, DIM))
    order = rng.permutation(len(embeddings) + len(mixed))
    embeddings = np.concatenate([embeddings, mixed])[order]
    segmentation = np.zeros((len(embeddings), FRAMES, 3), dtype=np.float32)
    segmentation[:, :, 0] = 1.0
    return embeddings, SlidingWindowFeature(segmentation, seg.sliding_window)


@pytest.mark.parametrize("cap", [10_000, 500])
def test_a_long_meeting_does_not_count_its_mixed_chunks_as_speakers(cap: int) -> None:
    # 4 speakers; mixes of each pair, 1% of the meeting each: in a short meeting fewer than the
    # 12 a speaker needs, in a long one (here 3,000 chunks) ~30, which passed the fixed size.
    short = _with_mixed_chunks([120, 100, 80, 60], 4, seed=5)
    long = _with_mixed_chunks([1000, 800, 600, 400], 30, seed=6)
    assert _speakers(_clustering(cap), *short) == 4
    assert _speakers(_clustering(cap), *long) == 4
    old = _clustering(cap)
    old.min_share = 0.0
    assert _speakers(old, *long) > 4  # what the fixed minimum size alone found
