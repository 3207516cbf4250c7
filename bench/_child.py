"""Run one measurement in its own process (so its peak memory is its own) and read its result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

MARK = "RESULT "


def emit(result: dict[str, Any]) -> None:
    """Child side: print the result where :func:`run` finds it."""
    print(MARK + json.dumps(result))


def run(script: str, args: list[str], *, what: str, threads: int) -> dict[str, Any]:
    """Parent side: ``python script args...`` with bounded threads; its last result line."""
    env = {**os.environ, "MINUTES_THREADS": str(threads), "OMP_NUM_THREADS": str(threads)}
    proc = subprocess.run(
        [sys.executable, script, *args], capture_output=True, text=True, env=env, check=False
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"{what} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len(MARK) :])
    return result
