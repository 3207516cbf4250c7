"""Benchmark: how many speakers long looped recordings get, and their DER, clustering offline.

    .venv/bin/python bench/speakers.py dump bench/out/speech-60min.flac /tmp/notes/60min.npz
    .venv/bin/python bench/speakers.py score /tmp/notes/60min.npz [/tmp/notes/10min.npz ...]

``dump`` runs the expensive part of diarization once (segmentation and CAM++ embeddings of a
recording :mod:`memory` made, ``cpu-fast`` settings, 2 threads) and saves the per-chunk
results. ``score`` then runs everything after them (clustering, reconstruction) as the product
does, on the saved arrays, in seconds, and prints the number of speakers found and the DER
against the looped references (``memory.looped_der``): the AMI excerpt (4 voices), the
pyannote sample (2) and JFK (1, not scored) make 7 distinct voices.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

THREADS = int(os.environ.get("MINUTES_THREADS", "2"))


def _pipeline(**opts: Any) -> Any:
    from minutes.diarize import DiarizerOptions, PyannoteDiarizer

    return PyannoteDiarizer(DiarizerOptions(threads=THREADS, **opts))._build()


def dump(recording: Path, out: Path) -> None:
    import torch

    from minutes.audio import decoded
    from minutes.diarize.blockwise import AUDIO_KEY
    from minutes.runtime import set_torch_threads

    set_torch_threads(THREADS)
    pipeline = _pipeline()
    t0 = time.perf_counter()
    with decoded(recording) as (_, pcm), torch.inference_mode():
        file = {AUDIO_KEY: pcm, "uri": "meeting"}
        segmentations = pipeline.get_segmentations(file)
        embeddings = pipeline.get_embeddings(
            file, segmentations, exclude_overlap=pipeline.embedding_exclude_overlap
        )
        duration = pcm.duration
    np.savez(out, segmentations=segmentations.data, embeddings=embeddings, duration=duration)
    print(f"{recording}: {len(embeddings)} chunks in {time.perf_counter() - t0:.0f} s -> {out}")


def diarize_saved(pipeline: Any, saved: Any) -> list[list[Any]]:
    """The product's diarization after the two model steps, on saved per-chunk results."""
    from pyannote.core import SlidingWindowFeature

    segmentations = SlidingWindowFeature(saved["segmentations"], pipeline._chunks())
    embeddings = saved["embeddings"]
    pipeline.get_segmentations = lambda file, hook=None: segmentations
    pipeline.get_embeddings = lambda file, binary, exclude_overlap=False, hook=None: embeddings.copy()
    output = pipeline.apply({"uri": "meeting"})
    return [
        [seg.start, seg.end, str(label)]
        for seg, _, label in output.speaker_diarization.itertracks(yield_label=True)
    ]


def score(saved_paths: list[Path], opts: dict[str, Any]) -> None:
    import warnings

    sys.path.insert(0, str(Path(__file__).parent))
    from memory import looped_der

    warnings.simplefilter("ignore")
    pipeline = _pipeline(**opts)
    for path in saved_paths:
        saved = np.load(path)
        t0 = time.perf_counter()
        turns = diarize_saved(pipeline, saved)
        took = time.perf_counter() - t0
        duration = float(saved["duration"])
        speakers = len({t[2] for t in turns})
        der = looped_der(turns, duration)
        print(f"{path.name}: {duration / 60:.0f} min, {speakers} speakers, DER {der:.1%} ({took:.1f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="segmentation and embeddings of a recording, saved")
    d.add_argument("recording", type=Path)
    d.add_argument("out", type=Path)
    s = sub.add_parser("score", help="speakers and DER of saved per-chunk results")
    s.add_argument("saved", type=Path, nargs="+")
    s.add_argument("--threshold", type=float)
    s.add_argument("--min-cluster-size", type=int)
    args = ap.parse_args()
    if args.command == "dump":
        dump(args.recording, args.out)
    else:
        opts = {"threshold": args.threshold, "min_cluster_size": args.min_cluster_size}
        score(args.saved, {k: v for k, v in opts.items() if v is not None})


if __name__ == "__main__":
    main()
