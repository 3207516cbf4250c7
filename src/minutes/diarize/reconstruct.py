"""The speaker timeline from clustered chunk scores, a block of chunks at a time.

pyannote's ``reconstruct`` + ``to_diarization`` build a (chunks × frames × speakers) array,
then several (recording frames × speakers) ones, in float32 and float64, and sort every frame's
speakers: for 3 hours and the ~19 clusters long meetings get, ~570 MB at once. A frame's
activation is the sum of the scores of the chunks that cover it, so here the same 0/1 timeline
is built for a block of frames at a time from only the chunks overlapping it, with the same
arithmetic, the same crop and the same per-frame choice of the ``count`` most active speakers
(a test checks it against pyannote's own). Memory: the output (4 bytes per frame and speaker)
plus one block's scores.
"""

from __future__ import annotations

import numpy as np
from pyannote.core import SlidingWindow, SlidingWindowFeature


def discrete_diarization(
    segmentations: SlidingWindowFeature,
    hard_clusters: np.ndarray,
    count: SlidingWindowFeature,
    *,
    block_chunks: int,
) -> SlidingWindowFeature:
    """0/1 (frames × speakers) activity, as ``SpeakerDiarization.reconstruct`` returns it.

    ``hard_clusters[c, s]`` is the global speaker of local speaker ``s`` in chunk ``c`` (-2:
    inactive); ``count`` is the number of speakers active in each frame.
    """
    scores = segmentations.data
    chunks = segmentations.sliding_window
    num_chunks, per_chunk, _ = scores.shape
    num_clusters = int(np.max(hard_clusters)) + 1
    frames = SlidingWindow(
        start=chunks.start, duration=count.sliding_window.duration, step=count.sliding_window.step
    )
    # Where each chunk lands, and how many frames there are, exactly as Inference.aggregate says.
    starts = np.array(
        [frames.closest_frame(chunks[c].start + 0.5 * frames.duration) for c in range(num_chunks)]
    )
    total = (
        frames.closest_frame(
            chunks.start + chunks.duration + (num_chunks - 1) * chunks.step + 0.5 * frames.duration
        )
        + 1
    )
    kept, kept_window, count_offset = _common_frames(total, frames, count)
    counts = count.data.reshape(-1)
    width = max(num_clusters, int(np.max(counts)))
    # float32 as pyannote's: its Binarize compares element by element in Python, and numpy's
    # uint8 scalars compare with a float 8 times slower.
    binary = np.zeros((len(kept), width), dtype=np.float32)
    ranks = np.arange(width)
    first_kept = int(kept[0]) if len(kept) else 0

    for c0 in range(0, num_chunks, block_chunks):
        c1 = min(c0 + block_chunks, num_chunks)
        lo_frame = int(starts[c0]) if c0 else 0
        hi_frame = int(starts[c1]) if c1 < num_chunks else total
        activations = np.zeros((hi_frame - lo_frame, width), dtype=np.float32)
        first = int(np.searchsorted(starts + per_chunk, lo_frame, side="right"))
        for c in range(first, c1):  # in chunk order, as pyannote adds them up
            s = int(starts[c])
            a, b = max(lo_frame, s), min(hi_frame, s + per_chunk)
            activations[a - lo_frame : b - lo_frame, :num_clusters] += _clustered(
                scores[c], hard_clusters[c], num_clusters
            )[a - s : b - s]
        a, b = max(lo_frame, first_kept), min(hi_frame, first_kept + len(kept))
        if a >= b:
            continue
        rows = activations[a - lo_frame : b - lo_frame]
        active = counts[count_offset + a - first_kept : count_offset + b - first_kept]
        order = np.argsort(-rows, axis=-1)
        np.put_along_axis(
            binary[a - first_kept : b - first_kept],
            order,
            (ranks < active[:, None]).astype(np.float32),
            axis=1,
        )
    return SlidingWindowFeature(binary, kept_window)


def _clustered(scores: np.ndarray, clusters: np.ndarray, num_clusters: int) -> np.ndarray:
    """One chunk's (frames × global speakers) scores: the max over its local speakers in each."""
    out = np.zeros((scores.shape[0], num_clusters), dtype=np.float32)
    for k in np.unique(clusters):
        if k == -2:  # inactive local speaker
            continue
        out[:, k] = np.nan_to_num(np.max(scores[:, clusters == k], axis=1), nan=0.0)
    return out


def _common_frames(
    total: int, frames: SlidingWindow, count: SlidingWindowFeature
) -> tuple[np.ndarray, SlidingWindow, int]:
    """The activation frames pyannote keeps (its crop to the count's extent), their window, and
    where the count's kept frames begin; found by cropping frame numbers the way pyannote crops."""
    activations = SlidingWindowFeature(np.arange(total).reshape(-1, 1), frames)
    counted = SlidingWindowFeature(np.arange(len(count.data)).reshape(-1, 1), count.sliding_window)
    extent = activations.extent & counted.extent
    kept = activations.crop(extent, return_data=False)
    kept_count = counted.crop(extent, return_data=False)
    if len(kept.data) != len(
        kept_count.data
    ):  # pragma: no cover - pyannote's own to_diarization would fail too
        raise ValueError(f"{len(kept.data)} activation frames but {len(kept_count.data)} counted")
    offset = int(kept_count.data[0, 0]) if len(kept_count.data) else 0
    return kept.data.reshape(-1), kept.sliding_window, offset
