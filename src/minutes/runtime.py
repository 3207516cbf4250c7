"""Process-wide settings the product enforces itself: no telemetry, no hub access, bounded threads.

Nothing here runs at import time; :func:`enforce_offline` is called by every entry point
(CLI, pipeline factory, workers) before any vendor library is imported.
"""

from __future__ import annotations

import contextlib
import os

from minutes.errors import ConfigError

# Each of these makes a vendor library stay on this host. They are forced, not defaulted:
# a user's shell that says otherwise must not make the product phone home.
OFFLINE_ENV: dict[str, str] = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_IMPLICIT_TOKEN": "1",
    "PYANNOTE_METRICS_ENABLED": "0",
    "ORT_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "OTEL_SDK_DISABLED": "true",
    "OTEL_TRACES_EXPORTER": "none",
    "OTEL_METRICS_EXPORTER": "none",
    "OTEL_LOGS_EXPORTER": "none",
    "TOKENIZERS_PARALLELISM": "false",
    "DISABLE_TQDM": "1",
    # not the network: transformers' "Loading weights" bar, drawn on stderr between our own lines
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}

# Thread pools that default to "all cores" and oversubscribe a small machine.
_THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def enforce_offline() -> None:
    """Set the environment variables that keep every vendor library off the network."""
    os.environ.update(OFFLINE_ENV)


def cpu_count() -> int:
    """Cores this process may use (respects CPU affinity and cgroup pinning)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def default_threads() -> int:
    """Threads per stage when the user gives none: ``MINUTES_THREADS`` or the usable cores."""
    raw = os.environ.get("MINUTES_THREADS", "").strip()
    if not raw:
        return cpu_count()
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ConfigError(
            f"MINUTES_THREADS={raw!r} is not a whole number of threads (1 or more); "
            f"set it to e.g. {cpu_count()} or unset it to use the usable cores"
        )
    return value


def limit_native_threads(threads: int) -> None:
    """Cap OpenMP/BLAS pools before they start (they read these once, at first use)."""
    for name in _THREAD_ENV:
        os.environ.setdefault(name, str(threads))


def set_torch_threads(threads: int) -> None:
    """Set torch's intra-op threads; inter-op threads can only be set once per process."""
    import torch

    torch.set_num_threads(max(1, threads))
    # Inter-op threads can be set once per process; later calls raise and keep what is there.
    with contextlib.suppress(RuntimeError):
        torch.set_num_interop_threads(1)
