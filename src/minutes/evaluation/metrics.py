"""Quality figures against human references: WER, cpWER, DER."""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence

from minutes.types import SpeakerTurn

_FILLERS = {"um", "uh", "mm", "hmm", "mmhmm", "mm-hmm", "uh-huh", "ah", "er", "erm", "eh", "oh"}


def normalize(text: str, *, drop_fillers: bool = True) -> list[str]:
    """Lower-case words without punctuation; acronyms like L_C_D_ become lcd; fillers dropped."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"\b((?:[a-z]_)+)", lambda m: m.group(1).replace("_", ""), text)
    text = re.sub(r"[^\w\s'-]", " ", text).replace("_", " ")
    words = [w.strip("'-") for w in text.split()]
    return [w for w in words if w and not (drop_fillers and w in _FILLERS)]


def _edits(ref: Sequence[str], hyp: Sequence[str]) -> int:
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate after :func:`normalize` (0.0 is perfect; can exceed 1.0)."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return _edits(ref, hyp) / len(ref)


def cpwer(references: Mapping[str, str], hypotheses: Mapping[str, str]) -> tuple[float, dict[str, str]]:
    """Concatenated minimum-permutation WER: each hypothesis speaker is matched to one reference
    speaker (or none) so that the total errors are fewest. Returns (cpWER, hyp→ref mapping).

    The best one-to-one matching is an assignment problem on the speaker-by-speaker error matrix
    (an unmatched speaker costs all its words), solved exactly in polynomial time, so a meeting of
    ten speakers costs what three do.
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    refs = {k: normalize(v) for k, v in references.items()}
    hyps = {k: normalize(v) for k, v in hypotheses.items()}
    total = sum(len(v) for v in refs.values())
    ref_keys, hyp_keys = list(refs), list(hyps)
    size = len(ref_keys) + len(hyp_keys)  # room for every speaker to stay unmatched
    cost = np.zeros((size, size), dtype=np.int64)
    for i, h in enumerate(hyp_keys):
        cost[i, :] = len(hyps[h])  # matched to "none": every word inserted
        for j, r in enumerate(ref_keys):
            cost[i, j] = _edits(refs[r], hyps[h])
    for j, r in enumerate(ref_keys):
        cost[len(hyp_keys) :, j] = len(refs[r])  # a reference speaker nobody matches: all deleted
    rows, cols = linear_sum_assignment(cost)
    errors = int(cost[rows, cols].sum())
    mapping = {
        hyp_keys[i]: ref_keys[j]
        for i, j in zip(rows, cols, strict=True)
        if i < len(hyp_keys) and j < len(ref_keys)
    }
    return (errors / total if total else 0.0), mapping


def der(
    reference: Iterable[SpeakerTurn], hypothesis: Iterable[SpeakerTurn], *, collar: float = 0.25
) -> float:
    """Diarization error rate (pyannote.metrics), overlap scored, with a forgiveness collar."""
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    def annotation(turns: Iterable[SpeakerTurn]) -> Annotation:
        ann = Annotation()
        for i, t in enumerate(turns):
            ann[Segment(t.start, t.end), i] = t.speaker
        return ann

    with warnings.catch_warnings():  # "uem approximated by the union of the extents": as intended
        warnings.simplefilter("ignore", UserWarning)
        return float(DiarizationErrorRate(collar=collar)(annotation(reference), annotation(hypothesis)))
