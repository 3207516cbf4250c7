"""Topics: cut a meeting into chunks where the subject changes, for map-reduce and chapters.

TextTiling on utterances: at each gap between two utterances the content words of a window
before and a window after are compared (cosine of word counts); where the subject changes the
two windows share few words, and the gap's *depth* (how far its score lies below the peaks on
either side) is large. Chunks are then chosen by dynamic programming: the wanted number of
chunks, every chunk at most ``max_words`` long (an utterance longer than that stands alone),
chunks under ``min_words`` penalised so strongly that they occur only where nothing else fits,
and among those the cuts with the deepest gaps summed, ties going to the more even split.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from minutes.summarize.text import content_tokens
from minutes.types import Utterance

_SHORT_PENALTY = 10.0  # per missing min_words; a gap's depth is at most 2
_BALANCE = 0.01  # prefers even chunks where the gaps give no reason
_BLOCK = 1 << 20  # cells of the chunk table scored at once


def _cosine(a: Counter[str], b: Counter[str]) -> float | None:
    if not a or not b:
        return None
    dot = sum(v * b[w] for w, v in a.items() if w in b)
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def gap_scores(tokens: Sequence[Sequence[str]], window: int) -> np.ndarray:
    """Lexical cohesion at each gap: ``scores[b]`` compares the ``window`` content words before
    utterance ``b`` with the ``window`` from ``b`` on (``b`` in 1..n-1; entries 0 and n unused).
    A gap with no words on one side gets the mean score."""
    n = len(tokens)
    flat = [t for toks in tokens for t in toks]
    offsets = np.concatenate([[0], np.cumsum([len(t) for t in tokens])]).astype(int)
    scores = np.zeros(n + 1)
    raw: list[float | None] = [None] * (n + 1)
    for b in range(1, n):
        at = offsets[b]
        raw[b] = _cosine(Counter(flat[max(0, at - window) : at]), Counter(flat[at : at + window]))
    known = [x for x in raw[1:n] if x is not None]
    fill = float(np.mean(known)) if known else 0.0
    for b in range(1, n):
        value = raw[b]
        scores[b] = fill if value is None else value
    return scores


def depth_scores(scores: np.ndarray, reach: int) -> np.ndarray:
    """How far each gap 1..n-1 lies below the highest score within ``reach`` gaps on each side.

    TextTiling climbs each side while the score rises; taking the highest score nearby instead
    keeps a tiny bump on a slope from hiding a real valley.
    """
    n = len(scores) - 1
    depth = np.zeros(n + 1)
    for b in range(1, n):
        left = scores[max(1, b - reach) : b + 1].max()
        right = scores[b : min(n, b + reach + 1)].max()
        depth[b] = left + right - 2 * scores[b]
    return depth


def _fewest_chunks(words: np.ndarray, max_words: int) -> int:
    count, size = 0, 0
    for w in words:
        if count == 0 or size + w > max_words:
            count, size = count + 1, 0
        size += int(w)
    return count


class _Chunks:
    """Scores of the allowed chunks [p, i), by blocks of ends ``i`` to bound the memory used."""

    def __init__(self, words: np.ndarray, max_words: int, min_words: int, target: float) -> None:
        self.n = len(words)
        self.cum = np.concatenate([[0], np.cumsum(words)]).astype(float)
        self.min_words, self.target = min_words, target
        # A chunk ending before utterance i may start at any p >= lo[i] (within max_words), and
        # always at i - 1: an utterance longer than max_words stands alone.
        self.lo = np.searchsorted(self.cum, self.cum - max_words, side="left")
        self.band = int(max(1, np.max(np.arange(self.n + 1) - self.lo)))
        self.rows = max(1, _BLOCK // self.band)

    def score(self, size: np.ndarray) -> np.ndarray:
        short = np.maximum(0.0, self.min_words - size) / max(self.min_words, 1)
        spread = np.abs(size - self.target) / max(float(self.cum[-1]), 1.0)
        return np.asarray(-_SHORT_PENALTY * short - _BALANCE * spread, dtype=float)

    def first(self) -> np.ndarray:
        """Scores of the chunks [0, i) for every i (``-inf`` where not allowed)."""
        ok = self.lo == 0
        ok[1 : min(2, self.n + 1)] = True
        ok[0] = False
        return np.where(ok, self.score(self.cum), -np.inf)

    def block(self, r0: int, r1: int) -> tuple[np.ndarray, np.ndarray]:
        """For ends r0..r1-1: the starts p (one row per end, one column per offset) and scores."""
        ends = np.arange(r0, r1)[:, None]
        starts = ends - np.arange(1, self.band + 1)[None, :]
        valid = (starts >= 1) & ((starts >= self.lo[r0:r1, None]) | (starts == ends - 1))
        size = self.cum[ends] - self.cum[np.clip(starts, 0, self.n)]
        return starts, np.where(valid, self.score(size), -np.inf)


def _fixed_cuts(ch: _Chunks, depth: np.ndarray, k: int) -> list[int]:
    """Exactly ``k`` chunks, by layers: after layer j, ``best[i]`` is the best split of [0, i) in j."""
    n = ch.n
    best = ch.first()
    back: list[np.ndarray] = []
    for _ in range(1, k):
        new, step = np.full(n + 1, -np.inf), np.zeros(n + 1, dtype=np.int64)
        reach = best + depth  # the best split up to a cut, plus the cut's depth
        for r0 in range(1, n + 1, ch.rows):
            r1 = min(n + 1, r0 + ch.rows)
            starts, score = ch.block(r0, r1)
            gain = reach[np.clip(starts, 0, n)] + score
            arg = np.argmax(gain, axis=1)
            rows = np.arange(r1 - r0)
            new[r0:r1], step[r0:r1] = gain[rows, arg], starts[rows, arg]
        best = new
        back.append(step)
    cuts = [n]
    for step in reversed(back):
        cuts.append(int(step[cuts[-1]]))
    return [0, *reversed(cuts)]


def segment(
    utterances: Sequence[Utterance],
    *,
    target_chunks: int | None = None,
    max_words: int = 1200,
    min_words: int = 150,
    window: int | None = None,
) -> list[tuple[int, int]]:
    """Half-open ranges of utterance positions, in order and covering everything, cut at topic changes.

    ``target_chunks`` asks for that many chunks (chapters); without it, the fewest chunks that
    keep every chunk within ``max_words`` (map-reduce): a meeting that fits is one chunk, since
    an unasked cut would rest on noise as often as on a topic change. Either way more chunks are
    made where ``max_words`` needs them, and fewer where there are fewer utterances. ``window``
    is the number of content words compared on each side of a gap (default: a fifth of the
    meeting's, 20–120).
    """
    if target_chunks is not None and target_chunks < 1:
        raise ValueError(f"target_chunks must be at least 1, not {target_chunks}")
    if max_words < 1 or min_words < 0 or min_words > max_words:
        raise ValueError(f"need 0 <= min_words <= max_words and max_words >= 1; got {min_words}, {max_words}")
    n = len(utterances)
    if n == 0:
        return []
    words = np.array([len(u.text.split()) for u in utterances], dtype=np.int64)
    k = min(n, max(target_chunks or 1, _fewest_chunks(words, max_words)))
    if k == 1:
        return [(0, n)]
    tokens = [content_tokens(u.text) for u in utterances]
    total_tokens = sum(len(t) for t in tokens)
    win = window or min(120, max(20, total_tokens // 5))
    scores = gap_scores(tokens, win)
    # peaks are looked for about one window away: out of the valley, not yet in the next topic
    depth = depth_scores(scores, reach=max(2, min(50, round(win * n / max(total_tokens, 1)))))
    cuts = _fixed_cuts(_Chunks(words, max_words, min_words, float(words.sum()) / k), depth, k)
    return list(itertools.pairwise(cuts))


def windows(sizes: Sequence[int], budget: int) -> list[tuple[int, int]]:
    """Consecutive chunks grouped into reads: the fewest groups whose summed ``sizes`` each fit
    ``budget`` (a chunk larger than that stands alone), and of those groupings the most even one
    (least squared distance from the mean size, by dynamic programming). Returns ``(lo, hi)``
    ranges of chunk positions."""
    n = len(sizes)
    if n == 0:
        return []
    ends = [0, *itertools.accumulate(sizes)]

    def fits(lo: int, hi: int) -> bool:
        return hi - lo == 1 or ends[hi] - ends[lo] <= budget

    k, total = 0, 0  # the fewest groups: each filled to the budget
    for i, size in enumerate(sizes):
        if i == 0 or total + size > budget:
            k, total = k + 1, 0
        total += size
    mean = ends[n] / k
    inf = float("inf")
    # cost[g][i]: the least spread of the first i chunks in g groups; cut[g][i]: where the last began
    cost = [[inf] * (n + 1) for _ in range(k + 1)]
    cut = [[0] * (n + 1) for _ in range(k + 1)]
    cost[0][0] = 0.0
    for g in range(1, k + 1):
        for i in range(g, n + 1):
            for lo in range(i - 1, g - 2, -1):
                if not fits(lo, i):
                    break
                c = cost[g - 1][lo] + (ends[i] - ends[lo] - mean) ** 2
                if c < cost[g][i]:
                    cost[g][i], cut[g][i] = c, lo
    out, hi = [], n
    for g in range(k, 0, -1):
        out.append((cut[g][hi], hi))
        hi = cut[g][hi]
    return out[::-1]
