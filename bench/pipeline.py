"""Benchmark: minutes' pipeline vs the plain way, on the same audio and models, in one run.

    .venv/bin/python bench/pipeline.py [--preset cpu-fast] [--long-minutes 10]

For the AMI excerpt (60 s, 4 speakers) and a long recording assembled from the shared data
(≥ 10 min), each approach runs in its own process (so peak memory is its own):

* ours:  ``MeetingProcessor`` — transcription ∥ diarization on split cores, CAM++ trunk shared
         across a chunk's speakers, segmentation hop 0.2, results stored in SQLite;
* plain: faster-whisper transcribe, then pyannote's ``SpeakerDiarization`` (hop 0.1, batch 1,
         one CAM++ pass per (chunk, speaker)), then a word-to-speaker join, all on 2 threads.

Prints real-time factor per stage and overall, peak RSS, DER on the AMI excerpt, and ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _child

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
THREADS = int(os.environ.get("MINUTES_THREADS", "2"))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(path: Path, preset: str) -> dict[str, Any]:
    from minutes.factory import build_processor, open_store
    from minutes.settings import load_preset

    home = Path(tempfile.mkdtemp(prefix="minutes-bench-"))
    os.environ["MINUTES_HOME"] = str(home)
    # Transcript pipeline only: the minutes stage is benchmarked on its own (minutes_qmsum.py).
    sessions = open_store()
    processor = build_processor(load_preset(preset), sessions=sessions, threads=THREADS, summary=False)
    t0 = time.perf_counter()
    result = processor.process(path)
    wall = time.perf_counter() - t0
    from minutes import db as store

    with store.session_scope(sessions) as s:
        doc = store.load_meeting(s, meeting_id=result.meeting_id or 0)
        diar = store.get_stage(s, meeting_id=doc.id, stage="diarize")
    turns = diar[1]["turns"] if diar else []
    return {
        "wall": wall,
        "stages": result.timings,
        "turns": turns,
        "peak_mb": _peak_mb(),
        "duration": result.duration,
    }


def run_plain(path: Path, model: str) -> dict[str, Any]:
    from minutes.runtime import enforce_offline

    enforce_offline()
    import numpy as np
    import torch
    from faster_whisper import WhisperModel
    from pyannote.audio import Model
    from pyannote.audio.pipelines import speaker_diarization as sd

    from minutes.asr import joined_files
    from minutes.audio import load
    from minutes.diarize.campplus import load as load_campplus
    from minutes.registry import campplus_source, resolve_asr, resolve_embedding, resolve_segmentation

    torch.set_num_threads(THREADS)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    _, wave = load(path)
    timings["ingest"] = time.perf_counter() - t0

    t = time.perf_counter()
    ref = resolve_asr(model)
    assert ref.folder is not None
    if len(ref.files) > 1:
        files = joined_files(ref)
        asr = WhisperModel(ref.name, files=files, device="cpu", compute_type="int8", cpu_threads=THREADS)
    else:
        asr = WhisperModel(str(ref.folder), device="cpu", compute_type="int8", cpu_threads=THREADS)
    segments, _ = asr.transcribe(wave, beam_size=5, word_timestamps=True, vad_filter=True)
    words = [(w.start, w.end, w.word) for s in segments for w in (s.words or [])]
    timings["transcribe"] = time.perf_counter() - t

    t = time.perf_counter()
    segmentation = Model.from_pretrained(str(resolve_segmentation().files[0]))
    embedding = load_campplus(resolve_embedding().files[0], campplus_source(), shared_trunk=False)
    from unittest import mock

    with mock.patch.object(sd, "get_plda", lambda *a, **k: None):
        pipeline = sd.SpeakerDiarization(
            segmentation=segmentation,
            embedding=embedding,
            clustering="AgglomerativeClustering",
            embedding_batch_size=32,  # pyannote 3.1's published setting, a fair baseline
            segmentation_batch_size=32,
        )
    pipeline.instantiate(
        {
            "segmentation": {"min_duration_off": 0.0},
            "clustering": {"method": "centroid", "threshold": 0.55, "min_cluster_size": 12},
        }
    )
    out = pipeline({"waveform": torch.from_numpy(wave)[None], "sample_rate": 16000})
    turns = [
        [s.start, s.end, str(label)] for s, _, label in out.speaker_diarization.itertracks(yield_label=True)
    ]
    timings["diarize"] = time.perf_counter() - t

    t = time.perf_counter()
    joined = []
    for ws, we, text in words:  # the usual join: the speaker with the most overlap, scanning all turns
        best = max(turns, key=lambda tr: min(tr[1], we) - max(tr[0], ws), default=None)
        joined.append((ws, we, text, best[2] if best else None))
    timings["attribute"] = time.perf_counter() - t
    wall = sum(timings.values())
    return {
        "wall": wall,
        "stages": timings,
        "turns": turns,
        "peak_mb": _peak_mb(),
        "duration": float(np.asarray(wave).size / 16000),
    }


def assemble_long(minutes: float, out: Path) -> Path:
    """A long meeting from the shared recordings, repeated until it lasts ``minutes``."""
    import numpy as np

    from minutes.audio import load
    from minutes.demo import write_audio

    parts = [
        load(DATA / "ami-es2004a-60s" / "mixture.wav")[1],
        load(DATA / "pyannote-sample" / "sample.wav")[1],
        load(DATA / "jfk" / "jfk.flac")[1],
    ]
    pieces, total = [], 0
    while total < minutes * 60 * 16000:
        for p in parts:
            pieces.append(p)
            total += p.size
    write_audio(out, np.concatenate(pieces))
    return out


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    result = (
        run_ours(Path(args.file), args.preset)
        if args.child == "ours"
        else run_plain(Path(args.file), args.model)
    )
    _child.emit(result)


def measure(kind: str, path: Path, args: argparse.Namespace) -> dict[str, Any]:
    argv = ["--child", kind, "--file", str(path), "--preset", args.preset, "--model", args.model]
    return _child.run(__file__, argv, what=f"{kind} on {path}", threads=THREADS)


def report(
    name: str, ours: dict[str, Any], plain: dict[str, Any] | None, rttm: Path | None
) -> dict[str, Any]:
    """Print and return one recording's figures; without ``plain`` (``--no-plain``) its column is 0."""
    plain = plain or {"stages": {}, "wall": 0.0, "peak_mb": 0.0, "turns": []}
    dur = ours["duration"]
    row: dict[str, Any] = {"recording": name, "duration_s": round(dur, 1)}
    print(f"\n== {name} ({dur / 60:.1f} min) ==")
    print(f"{'stage':<12}{'ours RTF':>10}{'plain RTF':>11}")
    for stage in ("ingest", "transcribe", "diarize", "attribute"):
        o, p = ours["stages"].get(stage, 0.0) / dur, plain["stages"].get(stage, 0.0) / dur
        print(f"{stage:<12}{o:>10.4f}{p:>11.4f}")
        row[f"rtf_{stage}"] = {"ours": round(o, 4), "plain": round(p, 4)}
    o_all, p_all = ours["wall"] / dur, plain["wall"] / dur
    print(f"{'whole':<12}{o_all:>10.4f}{p_all:>11.4f}   plain/ours = {p_all / o_all:.2f}x")
    print(f"{'peak RSS':<12}{ours['peak_mb']:>8.0f}MB{plain['peak_mb']:>9.0f}MB")
    row.update(
        rtf_whole={"ours": round(o_all, 4), "plain": round(p_all, 4)},
        speedup=round(p_all / o_all, 2),
        peak_mb={"ours": round(ours["peak_mb"]), "plain": round(plain["peak_mb"])},
    )
    if rttm is not None:
        from minutes.evaluation import der, read_rttm
        from minutes.types import SpeakerTurn

        ref = read_rttm(rttm)
        d_o = der(ref, [SpeakerTurn(a, b, s) for a, b, s in ours["turns"]])
        d_p = der(ref, [SpeakerTurn(a, b, s) for a, b, s in plain["turns"]]) if plain["turns"] else 0.0
        print(f"{'DER':<12}{d_o:>10.1%}{d_p:>11.1%}")
        row["der"] = {"ours": round(d_o, 4), "plain": round(d_p, 4)}
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default="cpu-fast")
    ap.add_argument("--model", default="tiny.en", help="speech model for the plain way (match the preset's)")
    ap.add_argument("--long-minutes", type=float, default=10.0)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "pipeline.json")
    ap.add_argument("--child", choices=["ours", "plain"], help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument(
        "--no-plain", action="store_true", help="only ours (e.g. to compare presets); plain shows 0"
    )
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    sys.path.insert(0, str(ROOT / "src"))
    rows = []
    ami = DATA / "ami-es2004a-60s"
    rows.append(
        report(
            "AMI ES2004a 60 s",
            measure("ours", ami / "mixture.wav", args),
            None if args.no_plain else measure("plain", ami / "mixture.wav", args),
            ami / "mixture.rttm",
        )
    )
    with tempfile.TemporaryDirectory() as tmp:
        long = assemble_long(args.long_minutes, Path(tmp) / "long.wav")
        rows.append(
            report(
                f"assembled {args.long_minutes:g} min",
                measure("ours", long, args),
                None if args.no_plain else measure("plain", long, args),
                None,
            )
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"threads": THREADS, "preset": args.preset, "rows": rows}, indent=2))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
