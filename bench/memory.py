"""Benchmark: peak memory of a short and a long recording (does memory grow with duration?).

    .venv/bin/python bench/memory.py [--minutes 10 180] [--label after] [--src PATH]

Builds recordings of the given lengths from the shared real speech (the AMI excerpt, the
pyannote sample and JFK, looped; FLAC in bench/out/), then processes each in its own process,
as ``minutes process --no-summary`` would with the ``cpu-fast`` preset on 2 threads, and
reports that process's peak RSS (``ru_maxrss``), the real-time factor of each stage, the
ratio of the longest recording's peak to the shortest's (goal: at most 1.3), and the DER of
the whole recording against the sources' own references, looped the same way (scored on the
AMI and pyannote-sample parts; JFK has no turn reference), so that a memory saving that costs
quality on long recordings shows.

``--src`` runs another checkout of the code (e.g. a ``git worktree`` of an older commit) with
the same environment, so that before/after figures come from the same machine and models;
``--label`` names the run in bench/out/memory.json (runs under other labels are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import _child

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "bench" / "out"
THREADS = int(os.environ.get("MINUTES_THREADS", "2"))
SOURCES = (
    DATA / "ami-es2004a-60s" / "mixture.wav",
    DATA / "pyannote-sample" / "sample.wav",
    DATA / "jfk" / "jfk.flac",
)


def make_recording(minutes: float, out: Path) -> Path:
    """``minutes`` of real speech: the shared recordings one after another, looped (FLAC, 16 kHz)."""
    if out.exists():
        return out
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise SystemExit("ffmpeg is not installed")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="minutes-bench-") as tmp:
        cycle = Path(tmp) / "cycle.wav"
        inputs = [arg for src in SOURCES for arg in ("-i", str(src))]
        # Each source to 16 kHz mono first: concat wants its inputs in one format.
        convert = ";".join(
            f"[{i}:a:0]aformat=sample_rates=16000:channel_layouts=mono[a{i}]" for i in range(len(SOURCES))
        )
        joined = "".join(f"[a{i}]" for i in range(len(SOURCES)))
        graph = f"{convert};{joined}concat=n={len(SOURCES)}:v=0:a=1"
        subprocess.run(
            [ffmpeg, "-nostdin", "-v", "error", "-y", *inputs, "-filter_complex", graph, str(cycle)],
            check=True,
        )
        partial = out.with_suffix(".part.flac")
        subprocess.run(
            [
                ffmpeg,
                "-nostdin",
                "-v",
                "error",
                "-y",
                "-stream_loop",
                "-1",
                "-i",
                str(cycle),
                "-t",
                str(minutes * 60),
                "-c:a",
                "flac",
                str(partial),
            ],
            check=True,
        )
        partial.rename(out)
    return out


def looped_reference(duration: float) -> tuple[Any, Any]:
    """Reference turns and scored region (UEM) of a recording :func:`make_recording` made."""
    from pyannote.core import Annotation, Segment, Timeline

    from minutes.audio import load
    from minutes.evaluation import read_rttm

    lengths = [load(src)[1].size / 16000 for src in SOURCES]
    references = [
        (read_rttm(SOURCES[0].with_suffix(".rttm")), 0.0, "ami"),
        (read_rttm(SOURCES[1].with_suffix(".rttm")), lengths[0], "sample"),
    ]
    reference, scored = Annotation(), Timeline()
    start = 0.0
    while start < duration:
        for turns, offset, tag in references:
            for i, t in enumerate(turns):
                if start + offset + t.end <= duration:
                    reference[Segment(start + offset + t.start, start + offset + t.end), (start, tag, i)] = (
                        f"{tag}:{t.speaker}"
                    )
        scored.add(Segment(start, min(duration, start + lengths[0] + lengths[1])))
        start += sum(lengths)
    return reference, scored


def looped_der(turns: list[list[Any]], duration: float) -> float:
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    reference, scored = looped_reference(duration)
    hypothesis = Annotation()
    for i, (start, end, speaker) in enumerate(turns):
        hypothesis[Segment(start, end), i] = speaker
    return float(DiarizationErrorRate(collar=0.25)(reference, hypothesis, uem=scored))


class _RssSampler:
    """Largest resident set seen while each stage reported progress (for finding where peaks are)."""

    def __init__(self) -> None:
        self.active: set[str] = set()
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def progress(self, stage: str, fraction: float) -> None:
        if fraction >= 1.0:
            self.active.discard(stage)
        else:
            self.active.add(stage)

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            rss = _rss_mb()
            for stage in tuple(self.active):
                self.peaks[stage] = max(self.peaks.get(stage, 0.0), rss)

    def __enter__(self) -> _RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(path: Path, preset: str) -> dict[str, Any]:
    import minutes
    from minutes.factory import build_processor, open_store
    from minutes.settings import load_preset

    home = Path(tempfile.mkdtemp(prefix="minutes-bench-"))
    os.environ["MINUTES_HOME"] = str(home)
    sessions = open_store()
    processor = build_processor(load_preset(preset), sessions=sessions, threads=THREADS, summary=False)
    with _RssSampler() as sampler:
        t0 = time.perf_counter()
        result = processor.process(path, progress=sampler.progress)
        wall = time.perf_counter() - t0
    from minutes import db as store

    with store.session_scope(sessions) as s:
        diarized = store.get_stage(s, meeting_id=result.meeting_id or 0, stage="diarize")
    shutil.rmtree(home, ignore_errors=True)
    return {
        "turns": diarized[1]["turns"] if diarized else [],
        "duration": result.duration,
        "wall": wall,
        "stages": result.timings,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "stage_peak_mb": sampler.peaks,
        "utterances": result.utterances,
        "speakers": result.speakers,
        "code": str(Path(minutes.__file__).parent),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, nargs="+", default=[10.0, 180.0])
    ap.add_argument("--preset", default="cpu-fast")
    ap.add_argument("--label", default="current", help="name of this run in memory.json")
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="the package source to measure")
    ap.add_argument("--out", type=Path, default=OUT / "memory.json")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        sys.path.insert(0, str(args.src.resolve()))
        _child.emit(child(args.child, args.preset))
        return

    rows: list[dict[str, Any]] = []
    for minutes in sorted(args.minutes):
        rec = make_recording(minutes, OUT / f"speech-{minutes:g}min.flac")
        argv = ["--child", str(rec), "--preset", args.preset, "--src", str(args.src)]
        r = _child.run(__file__, argv, what=f"{minutes:g} min", threads=THREADS)
        dur = r["duration"]
        row = {
            "minutes": minutes,
            "duration_s": round(dur, 1),
            "peak_mb": round(r["peak_mb"]),
            "rtf": {k: round(v / dur, 4) for k, v in r["stages"].items()},
            "rtf_whole": round(r["wall"] / dur, 4),
            "stage_peak_mb": {k: round(v) for k, v in r["stage_peak_mb"].items()},
            "utterances": r["utterances"],
            "speakers": r["speakers"],
            "der": round(looped_der(r["turns"], dur), 4),
            "code": r["code"],
        }
        rows.append(row)
        print(json.dumps(row), flush=True)

    stages = ("ingest", "transcribe", "diarize", "attribute")
    print(f"\n== peak memory, {args.label} ({args.preset}, {THREADS} threads, --no-summary) ==")
    print(
        f"{'recording':<12}{'peak RSS':>10}"
        + "".join(f"{s + ' RTF':>16}" for s in stages)
        + f"{'whole RTF':>11}{'DER':>8}{'speakers':>10}"
    )
    for row in rows:
        cells = "".join(f"{row['rtf'].get(s, 0.0):>16.4f}" for s in stages)
        print(
            f"{row['minutes']:>8g} min{row['peak_mb']:>8d}MB{cells}{row['rtf_whole']:>11.4f}"
            f"{row['der']:>8.1%}{row['speakers']:>10d}"
        )
    ratio = rows[-1]["peak_mb"] / rows[0]["peak_mb"]
    print(f"peak ratio {rows[-1]['minutes']:g} min / {rows[0]['minutes']:g} min = {ratio:.2f} (goal <= 1.3)")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(args.out.read_text()).get("runs", {}) if args.out.exists() else {}
    runs[args.label] = {
        "src": str(args.src),
        "preset": args.preset,
        "threads": THREADS,
        "rows": rows,
        "ratio": round(ratio, 3),
        "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    args.out.write_text(json.dumps({"runs": runs}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
