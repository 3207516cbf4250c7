"""Benchmark: a batch of recordings through ``minutes batch`` vs the plain way, in one run.

    .venv/bin/python bench/batch.py [--n 20] [--workers 2] [--threads 2] [--preset cpu-fast]

N recordings (default 20, 40-60 s each) are cut and joined from the shared data (the AMI
excerpt, the pyannote sample, JFK), each from other offsets and in another order, so no two
have the same content (none is skipped as a duplicate). Then:

* ours:  ``minutes batch DIR --workers W --threads T --preset P --no-summary`` in a fresh data
         directory: W worker processes, the T threads shared out among them, each with its models
         loaded once; jobs claimed from the database;
* plain: one process, one file after another, each through faster-whisper, then pyannote's
         ``SpeakerDiarization``, then a word-to-speaker join on T threads (``bench/pipeline.py``'s
         plain runner, which loads its models for each file as a per-file script does).

Prints, for each: wall time, audio hours processed per wall-clock hour, seconds of each stage
per second of audio (summed over workers), and peak memory (the whole process tree, sampled);
writes ``bench/out/batch.json``.
"""

from __future__ import annotations

import argparse
import json
import os
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
STAGES = ("ingest", "transcribe", "diarize", "attribute")
SR = 16_000


def make_recordings(n: int, out: Path) -> list[Path]:
    """``n`` different recordings from excerpts of the three shared clips."""
    import numpy as np

    from minutes.audio import load
    from minutes.demo import write_audio

    ami = load(DATA / "ami-es2004a-60s" / "mixture.wav")[1]
    sample = load(DATA / "pyannote-sample" / "sample.wav")[1]
    jfk = load(DATA / "jfk" / "jfk.flac")[1]
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        a = (3 * i) % 30 * SR  # a 30 s stretch of the AMI meeting, from another second each time
        b = (2 * i) % 15 * SR  # and 15 s of the two-speaker sample
        pieces = [ami[a : a + 30 * SR], sample[b : b + 15 * SR], jfk[: (i % 3 + 1) * 3 * SR]]
        order = [pieces[(k + i) % 3] for k in range(3)]
        paths.append(out / f"recording-{i:02d}.wav")
        write_audio(paths[-1], np.concatenate(order).astype(np.float32))
    return paths


class TreeMemory:
    """Peak resident memory of a process and all its descendants, summed, sampled every 0.2 s."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_total = 0.0
        self.peak_one = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            sizes = [_rss_mb(p) for p in _tree(self.pid)]
            self.peak_total = max(self.peak_total, sum(sizes))
            self.peak_one = max(self.peak_one, *sizes, 0.0)


def _tree(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return found


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_ours(files: list[Path], args: argparse.Namespace, workers: int) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix="minutes-bench-batch-"))
    env = {**os.environ, "MINUTES_HOME": str(home), "MINUTES_THREADS": str(args.threads)}
    env.pop("MINUTES_DATABASE_URL", None)
    command = [sys.executable, "-m", "minutes.cli", "batch", *map(str, files)]
    command += ["--workers", str(workers), "--threads", str(args.threads), "--preset", args.preset]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*command, "--no-summary", "--json", "-q"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    with TreeMemory(proc.pid) as memory:
        out, _ = proc.communicate()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"minutes batch failed (exit {proc.returncode})")
    report = json.loads(out)
    stages = dict.fromkeys(STAGES, 0.0)
    for job in report["jobs"]:
        for stage, seconds in (job["result"] or {}).get("timings", {}).items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    return {
        "approach": f"ours, {workers} worker(s)",
        "wall": wall,
        "duration": report["audio_seconds"],
        "stages": stages,
        "peak_mb": memory.peak_total,
        "peak_one_mb": memory.peak_one,
        "done": report["counts"]["done"],
    }


def child_plain(files: list[str], model: str) -> None:
    """In a child process: the plain way, one file after another."""
    sys.path.insert(0, str(ROOT / "src"))
    import pipeline as plain

    stages = dict.fromkeys(STAGES, 0.0)
    duration = peak = 0.0
    started = time.perf_counter()
    for path in files:
        result = plain.run_plain(Path(path), model)
        for stage, seconds in result["stages"].items():
            stages[stage] += seconds
        duration += result["duration"]
        peak = max(peak, result["peak_mb"])
    wall = time.perf_counter() - started
    _child.emit({"wall": wall, "duration": duration, "stages": stages, "peak_mb": peak, "done": len(files)})


def run_plain(files: list[Path], args: argparse.Namespace) -> dict[str, Any]:
    argv = ["--child", "--model", args.model, "--files", *map(str, files)]
    result = _child.run(__file__, argv, what="the plain way", threads=args.threads)
    result.update(approach="plain, one process", peak_one_mb=result["peak_mb"])
    return result


def table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    head = f"{'approach':<22}{'wall s':>8}{'audio h/h':>10}" + "".join(f"{s:>11}" for s in STAGES)
    print(head + f"{'peak MB':>9}{'largest':>9}")
    out = []
    for r in rows:
        rate = r["duration"] / r["wall"]
        rtf = {s: r["stages"].get(s, 0.0) / r["duration"] for s in STAGES}
        line = f"{r['approach']:<22}{r['wall']:>8.1f}{rate:>10.2f}" + "".join(
            f"{rtf[s]:>11.4f}" for s in STAGES
        )
        print(line + f"{r['peak_mb']:>9.0f}{r['peak_one_mb']:>9.0f}")
        out.append(
            {
                "approach": r["approach"],
                "wall_s": round(r["wall"], 2),
                "audio_s": round(r["duration"], 1),
                "audio_hours_per_hour": round(rate, 3),
                "rtf_overall": round(r["wall"] / r["duration"], 4),
                "stage_rtf": {s: round(v, 4) for s, v in rtf.items()},
                "peak_mb_total": round(r["peak_mb"]),
                "peak_mb_largest_process": round(r["peak_one_mb"]),
                "recordings_done": r["done"],
            }
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20, help="recordings in the batch")
    ap.add_argument("--workers", default="2", help="worker processes for ours; a comma list runs each")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("MINUTES_THREADS", "2")))
    ap.add_argument("--preset", default="cpu-fast")
    ap.add_argument("--model", default="tiny.en", help="speech model for the plain way (match the preset's)")
    ap.add_argument("--no-plain", action="store_true", help="measure ours only")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "batch.json")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--files", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child_plain(args.files, args.model)
        return
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="minutes-bench-recordings-") as tmp:
        files = make_recordings(args.n, Path(tmp))
        rows = [run_ours(files, args, int(w)) for w in args.workers.split(",")]
        if not args.no_plain:
            rows.append(run_plain(files, args))
    audio = rows[0]["duration"]
    print(
        f"\n== {args.n} recordings, {audio / 60:.1f} min of audio, {args.threads} threads, {args.preset} =="
    )
    print("stage columns: seconds of that stage per second of audio (summed over workers)")
    result = {"n": args.n, "threads": args.threads, "preset": args.preset, "rows": table(rows)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
