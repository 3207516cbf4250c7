"""Quality figures against human references: WER, cpWER, DER. Used by tests and benchmarks."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

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
    speaker (or none) so that the total errors are fewest. Returns (cpWER, hyp→ref mapping)."""
    refs = {k: normalize(v) for k, v in references.items()}
    hyps = {k: normalize(v) for k, v in hypotheses.items()}
    total = sum(len(v) for v in refs.values())
    ref_keys = list(refs) + [f"<none{i}>" for i in range(max(0, len(hyps) - len(refs)))]
    hyp_keys = list(hyps) + [f"<none{i}>" for i in range(max(0, len(refs) - len(hyps)))]
    best: tuple[int, dict[str, str]] | None = None
    for perm in itertools.permutations(ref_keys, len(hyp_keys)):
        errors = sum(_edits(refs.get(r, []), hyps.get(h, [])) for h, r in zip(hyp_keys, perm, strict=True))
        if best is None or errors < best[0]:
            best = (errors, {h: r for h, r in zip(hyp_keys, perm, strict=True) if h in hyps and r in refs})
    assert best is not None
    return (best[0] / total if total else 0.0), best[1]


def read_rttm(path: str | Path) -> list[SpeakerTurn]:
    turns = []
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER":
            start, dur = float(parts[3]), float(parts[4])
            turns.append(SpeakerTurn(start, start + dur, parts[7]))
    return turns


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

    return float(DiarizationErrorRate(collar=collar)(annotation(reference), annotation(hypothesis)))
