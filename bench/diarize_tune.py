"""Diarization settings tuned with leave-one-out on the public recordings, the plain way beside.

    .venv/bin/python bench/diarize_tune.py dump   # segmentation + CAM++ embeddings, once per hop
    .venv/bin/python bench/diarize_tune.py tune   # offline sweep, leave-one-out tables
    .venv/bin/python bench/diarize_tune.py rtf    # diarize-stage RTF, hop 0.1 vs 0.2, AMI excerpt

``dump`` runs the two model steps (segmentation-3.0 and CAM++, 2 threads) of the product's
pipeline on each recording for each hop in :data:`HOPS`, with and without pyannote's
"exclude overlap" embeddings, and caches the per-chunk results under ``bench/out/diarize-tune/``.
``tune`` then runs everything after them (clustering, reconstruction, annotation) as the product
does, for every setting of :func:`grid`, and scores DER (pyannote.metrics, collar 0.25 s, overlap
scored) against the human RTTMs. The split is the report: for each recording, the setting with
the lowest pooled DER on the *other* recordings is chosen and scored on it. Only those held-out
figures are accuracy; the setting chosen on all recordings is the recommendation.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

THREADS = int(os.environ.get("MINUTES_THREADS", "2"))
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
OUT = Path(__file__).resolve().parent / "out" / "diarize-tune"
HOPS = (0.1, 0.2, 0.3)
COLLAR = 0.25


@dataclass(frozen=True, slots=True)
class Recording:
    name: str
    group: str  # the public set it belongs to
    wav: Path
    rttm: Path


def recordings() -> list[Recording]:
    clips = DATA / "ami-clips-dev"
    recs = [
        Recording(c, "ami-clips-dev", clips / f"{c}.wav", clips / f"{c}.rttm")
        for c in ("trn00", "trn02", "trn04", "trn05", "trn06", "trn09")
    ]
    ami = DATA / "ami-es2004a-60s"
    recs.append(Recording("es2004a-60s", "ami-es2004a-60s", ami / "mixture.wav", ami / "mixture.rttm"))
    sample = DATA / "pyannote-sample"
    recs.append(
        Recording("pyannote-sample", "pyannote-sample", sample / "sample.wav", sample / "sample.rttm")
    )
    return recs


@dataclass(frozen=True, slots=True, order=True)
class Setting:
    """Everything the sweep varies. ``exclude_overlap``: embeddings from non-overlapped frames only
    (pyannote 3.1's choice; pyannote 4's and today's product default is False). ``exclusive``: one
    speaker per frame in the output (pyannote's exclusive diarization) instead of overlap kept."""

    step: float
    exclude_overlap: bool
    method: str
    threshold: float
    min_cluster_size: int
    min_duration_off: float
    exclusive: bool

    def label(self) -> str:
        return (
            f"hop {self.step:g}, {self.method} {self.threshold:g}, mcs {self.min_cluster_size}, "
            f"off {self.min_duration_off:g}, excl-ovl emb {'on' if self.exclude_overlap else 'off'}, "
            f"{'exclusive' if self.exclusive else 'overlap kept'}"
        )

    def product(self) -> bool:
        """Within what a preset can set today (no exclude-overlap embeddings, overlap kept)."""
        return not self.exclude_overlap and not self.exclusive


PYANNOTE_31 = Setting(0.1, True, "centroid", 0.7046, 12, 0.0, False)
TODAY = Setting(0.2, False, "centroid", 0.55, 12, 0.0, False)

# Thresholds per linkage: centroid works on unit-normalised embeddings with euclidean distance
# (sqrt(2 - 2 cos)), average and complete on cosine distance (1 - cos).
THRESHOLDS = {
    "centroid": [round(0.35 + 0.05 * i, 2) for i in range(16)] + [0.7046],
    "average": [round(0.10 + 0.05 * i, 2) for i in range(19)],
    "complete": [round(0.40 + 0.05 * i, 2) for i in range(19)],
}
MIN_CLUSTER_SIZES = (1, 2, 3, 4, 6, 8, 12)
MIN_DURATIONS_OFF = (0.0, 0.1, 0.25, 0.5)


def clusterings() -> Iterator[tuple[str, float, int]]:
    for method, thresholds in THRESHOLDS.items():
        for threshold, mcs in itertools.product(thresholds, MIN_CLUSTER_SIZES):
            yield method, threshold, mcs


# -- the model steps, once ------------------------------------------------------------------


def _pipeline(step: float) -> Any:
    from minutes.diarize import DiarizerOptions, PyannoteDiarizer

    return PyannoteDiarizer(DiarizerOptions(threads=THREADS, step=step))._build()


def _cache(rec: Recording, step: float, exclude_overlap: bool) -> Path:
    return OUT / f"{rec.name}-hop{step:g}-xo{int(exclude_overlap)}.npz"


def dump() -> None:
    import torch

    from minutes.audio import decoded
    from minutes.diarize.blockwise import AUDIO_KEY
    from minutes.runtime import set_torch_threads

    set_torch_threads(THREADS)
    OUT.mkdir(parents=True, exist_ok=True)
    for step in HOPS:
        pipeline = _pipeline(step)
        for rec in recordings():
            if all(_cache(rec, step, x).exists() for x in (False, True)):
                continue
            with decoded(rec.wav) as (_, pcm), torch.inference_mode():
                file = {AUDIO_KEY: pcm, "uri": rec.name}
                t0 = time.perf_counter()
                segmentations = pipeline.get_segmentations(file)
                seg_s = time.perf_counter() - t0
                for exclude_overlap in (False, True):
                    t0 = time.perf_counter()
                    embeddings = pipeline.get_embeddings(file, segmentations, exclude_overlap=exclude_overlap)
                    emb_s = time.perf_counter() - t0
                    np.savez(
                        _cache(rec, step, exclude_overlap),
                        segmentations=segmentations.data,
                        embeddings=embeddings,
                        duration=pcm.duration,
                    )
                    print(
                        f"{rec.name} hop {step:g} exclude-overlap {exclude_overlap}: "
                        f"{len(embeddings)} chunks, segmentation {seg_s:.1f} s, embeddings {emb_s:.1f} s"
                    )


# -- everything after them, per setting -----------------------------------------------------


def _apply_saved(pipeline: Any, saved: Any, uri: str) -> Any:
    """The product's diarization after the model steps (pyannote's ``apply``), on saved results."""
    from pyannote.core import SlidingWindowFeature

    segmentations = SlidingWindowFeature(saved["segmentations"], pipeline._chunks())
    embeddings = saved["embeddings"]
    pipeline.get_segmentations = lambda file, hook=None: segmentations
    pipeline.get_embeddings = lambda file, binary, exclude_overlap=False, hook=None: embeddings.copy()
    return pipeline.apply({"uri": uri})


class Scorer:
    """DER components of a hypothesis, memoised: many settings give the same turns."""

    def __init__(self, reference: Any) -> None:
        from pyannote.metrics.diarization import DiarizationErrorRate

        self.reference = reference
        self.metric = DiarizationErrorRate(collar=COLLAR, skip_overlap=False)
        self.memo: dict[tuple[Any, ...], tuple[float, float]] = {}

    def __call__(self, hypothesis: Any) -> tuple[float, float]:
        key = tuple((round(s.start, 3), round(s.end, 3), str(k)) for s, _, k in hypothesis.itertracks(True))
        if key not in self.memo:
            c = self.metric.compute_components(self.reference, hypothesis)
            error = c["confusion"] + c["missed detection"] + c["false alarm"]
            self.memo[key] = (float(error), float(c["total"]))
        return self.memo[key]


def _reference(rec: Recording) -> Any:
    from pyannote.core import Annotation, Segment

    from minutes.evaluation import read_rttm

    ann = Annotation(uri=rec.name)
    for i, t in enumerate(read_rttm(rec.rttm)):
        ann[Segment(t.start, t.end), i] = t.speaker
    return ann


Scores = dict[Setting, dict[str, tuple[float, float, int]]]  # setting -> recording -> error, total, speakers


def sweep() -> Scores:
    warnings.simplefilter("ignore")
    recs = recordings()
    scorers = {r.name: Scorer(_reference(r)) for r in recs}
    scores: Scores = {}
    for step in HOPS:
        pipeline = _pipeline(step)
        for exclude_overlap in (False, True):
            saved = {r.name: dict(np.load(_cache(r, step, exclude_overlap))) for r in recs}
            t0 = time.perf_counter()
            for method, threshold, mcs in clusterings():
                pipeline.instantiate(
                    {
                        "segmentation": {"min_duration_off": 0.0},
                        "clustering": {"method": method, "threshold": threshold, "min_cluster_size": mcs},
                    }
                )
                for rec in recs:
                    out = _apply_saved(pipeline, saved[rec.name], rec.name)
                    for exclusive in (False, True):
                        ann = out.exclusive_speaker_diarization if exclusive else out.speaker_diarization
                        speakers = len(ann.labels())
                        for off in MIN_DURATIONS_OFF:
                            # pyannote's Binarize fills a speaker's gaps shorter than min_duration_off
                            # with exactly this support(); doing it here saves re-clustering per value.
                            hyp = ann.support(collar=off) if off > 0 else ann
                            s = Setting(step, exclude_overlap, method, threshold, mcs, off, exclusive)
                            scores.setdefault(s, {})[rec.name] = (*scorers[rec.name](hyp), speakers)
            print(
                f"hop {step:g} exclude-overlap {exclude_overlap}: swept in {time.perf_counter() - t0:.0f} s",
                file=sys.stderr,
            )
    return scores


# -- leave-one-out --------------------------------------------------------------------------


def pooled(scores: Scores, setting: Setting, names: list[str]) -> float:
    err = sum(scores[setting][n][0] for n in names)
    tot = sum(scores[setting][n][1] for n in names)
    return err / tot


def best(scores: Scores, names: list[str], allowed: Callable[[Setting], bool]) -> Setting:
    """Lowest pooled DER on ``names``; ties go to the mean per-recording DER, then to the larger
    ``min_cluster_size`` (on 30 s clips pyannote caps it at a tenth of the embeddings, so 1..12
    often tie there, and a long meeting needs the larger one), then grid order."""

    def key(s: Setting) -> tuple[float, float, int, Setting]:
        mean = sum(scores[s][n][0] / scores[s][n][1] for n in names) / len(names)
        return (round(pooled(scores, s, names), 6), round(mean, 6), -s.min_cluster_size, s)

    return min((s for s in scores if allowed(s)), key=key)


@dataclass(frozen=True, slots=True)
class HeldOut:
    name: str
    chosen: Setting
    error: float
    total: float
    speakers: int


def leave_one_out(scores: Scores, allowed: Callable[[Setting], bool]) -> list[HeldOut]:
    names = [r.name for r in recordings()]
    out = []
    for name in names:
        chosen = best(scores, [n for n in names if n != name], allowed)
        err, tot, spk = scores[chosen][name]
        out.append(HeldOut(name, chosen, err, tot, spk))
    return out


def _groups() -> dict[str, list[str]]:
    recs = recordings()
    groups = {g: [r.name for r in recs if r.group == g] for g in dict.fromkeys(r.group for r in recs)}
    groups["all AMI (clips + excerpt)"] = [r.name for r in recs if r.group != "pyannote-sample"]
    groups["all 8"] = [r.name for r in recs]
    return groups


def _holding(field: str, value: Any) -> Callable[[Setting], bool]:
    return lambda s: bool(getattr(s, field) == value)


def report(scores: Scores) -> dict[str, Any]:
    recs = recordings()
    speakers_ref = {r.name: len(_reference(r).labels()) for r in recs}
    loo_all = leave_one_out(scores, lambda s: True)
    loo_product = leave_one_out(scores, Setting.product)
    fixed = {"pyannote 3.1": PYANNOTE_31, "today": TODAY}

    def der_of(rows: dict[str, tuple[float, float]], names: list[str]) -> float:
        return sum(rows[n][0] for n in names) / sum(rows[n][1] for n in names)

    columns: dict[str, dict[str, tuple[float, float]]] = {
        "LOO (all options)": {h.name: (h.error, h.total) for h in loo_all},
        "LOO (preset options)": {h.name: (h.error, h.total) for h in loo_product},
    }
    for label, s in fixed.items():
        columns[label] = {n: scores[s][n][:2] for n in speakers_ref}
    speakers = {
        "LOO (all options)": {h.name: h.speakers for h in loo_all},
        "LOO (preset options)": {h.name: h.speakers for h in loo_product},
        **{label: {n: scores[s][n][2] for n in speakers_ref} for label, s in fixed.items()},
    }

    head = f"{'recording':<17} {'ref spk':>7} " + " ".join(f"{c:>22}" for c in columns)
    print("DER (collar 0.25 s, overlap scored), speakers found in brackets\n" + head)
    for name, nref in speakers_ref.items():
        cells = " ".join(
            f"{columns[c][name][0] / columns[c][name][1]:>17.1%} ({speakers[c][name]})" for c in columns
        )
        print(f"{name:<17} {nref:>7} {cells}")
    print("pooled")
    for group, names in _groups().items():
        print(f"{group:<25} " + " ".join(f"{der_of(columns[c], names):>22.1%}" for c in columns))

    all_names = list(speakers_ref)
    chosen_all = best(scores, all_names, lambda s: True)
    chosen_product = best(scores, all_names, Setting.product)
    print("\nsettings chosen in each leave-one-out fold (all options | preset options)")
    for a, b in zip(loo_all, loo_product, strict=True):
        print(f"  without {a.name:<16} {a.chosen.label()}  |  {b.chosen.label()}")
    print("\nchosen on all 8 recordings (the recommendation; in-sample, not an accuracy figure)")
    for label, s in (("all options", chosen_all), ("preset options", chosen_product)):
        per_rec = " ".join(f"{n} {scores[s][n][0] / scores[s][n][1]:.1%}" for n in all_names)
        print(f"  {label}: {s.label()}: pooled {pooled(scores, s, all_names):.1%} [{per_rec}]")
    print(
        "\nbest in-sample pooled DER (all 8) with one option held at each value (what each option is worth)"
    )
    for field in ("step", "exclude_overlap", "method", "min_cluster_size", "min_duration_off", "exclusive"):
        worth: list[str] = []
        for value in sorted({getattr(s, field) for s in scores}):
            top = best(scores, all_names, _holding(field, value))
            worth.append(f"{value}: {pooled(scores, top, all_names):.1%}")
        print(f"  {field:<17} " + ", ".join(worth))
    return {
        "columns": {c: {n: list(v) for n, v in rows.items()} for c, rows in columns.items()},
        "speakers": speakers,
        "loo_all": [asdict(h) for h in loo_all],
        "loo_product": [asdict(h) for h in loo_product],
        "chosen_all": asdict(chosen_all),
        "chosen_product": asdict(chosen_product),
        "settings_swept": len(scores),
    }


def tune() -> None:
    t0 = time.perf_counter()
    scores = sweep()
    print(f"{len(scores)} settings x {len(recordings())} recordings in {time.perf_counter() - t0:.0f} s\n")
    summary = report(scores)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "loo.json").write_text(json.dumps(summary, indent=1, default=str))


# -- runtime ----------------------------------------------------------------------------------


def rtf(repeats: int = 3) -> None:
    """The whole diarize stage (product code, 2 threads) on the AMI excerpt, best of ``repeats``."""
    from minutes.audio import load
    from minutes.diarize import DiarizerOptions, PyannoteDiarizer

    warnings.simplefilter("ignore")
    _, wave = load(DATA / "ami-es2004a-60s" / "mixture.wav")
    duration = len(wave) / 16000
    for step, exclude_overlap in itertools.product(HOPS, (False, True)):
        diarizer = PyannoteDiarizer(DiarizerOptions(threads=THREADS, step=step))
        diarizer._build().embedding_exclude_overlap = exclude_overlap
        diarizer.diarize(wave)  # build and warm up
        times, cpu = [], []
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            diarizer.diarize(wave)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        took = min(times)
        # On a shared machine wall time swings with the neighbours' load; CPU seconds much less.
        print(
            f"hop {step:g}, exclude-overlap {exclude_overlap}: {took:.2f} s for {duration:.0f} s, "
            f"RTF {took / duration:.3f} (best of {repeats}); "
            f"CPU {min(cpu):.2f} s, {min(cpu) / duration:.3f} per s"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=("dump", "tune", "rtf"))
    args = ap.parse_args()
    {"dump": dump, "tune": tune, "rtf": rtf}[args.command]()


if __name__ == "__main__":
    main()
