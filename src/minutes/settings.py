"""Settings: where data lives, which database, which preset. Read from the environment on demand."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minutes.errors import ConfigError


def home() -> Path:
    """The data directory: ``MINUTES_HOME``, else ``$XDG_DATA_HOME/minutes`` (``~/.local/share/minutes``)."""
    raw = os.environ.get("MINUTES_HOME")
    if raw:
        return Path(raw).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "minutes"


def database_url() -> str:
    """``MINUTES_DATABASE_URL`` (any SQLAlchemy URL), else SQLite in the data directory."""
    url = os.environ.get("MINUTES_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home() / 'minutes.db'}"


def pipelines_dirs() -> list[Path]:
    """Folders searched for presets, first match wins: ``MINUTES_PIPELINES``, the presets shipped in the
    package (``minutes/presets/``, package data, so a non-editable install has them), the data dir's
    ``pipelines/``."""
    dirs: list[Path] = []
    env = os.environ.get("MINUTES_PIPELINES")
    if env:
        dirs.extend(Path(p).expanduser() for p in env.split(os.pathsep) if p)
    dirs.append(Path(__file__).resolve().parent / "presets")
    dirs.append(home() / "pipelines")
    return dirs


# README, "Presets": base fits RTF 0.15 only on a quiet machine (0.144), so tiny.en stays the default.
DEFAULT_PRESET = "cpu-fast"


@dataclass(frozen=True, slots=True)
class Preset:
    """A named pipeline configuration: which models, which options, per stage."""

    name: str
    description: str = ""
    transcribe: dict[str, Any] = field(default_factory=dict)
    diarize: dict[str, Any] = field(default_factory=dict)
    attribute: dict[str, Any] = field(default_factory=dict)
    summarize: dict[str, Any] = field(default_factory=dict)
    recover: dict[str, Any] = field(default_factory=dict)
    source: str = ""


def available_presets() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in pipelines_dirs():
        if d.is_dir():
            for f in sorted(d.glob("*.toml")):
                found.setdefault(f.stem, f)
    return found


def load_preset(name_or_path: str | None) -> Preset:
    """A preset by name (``cpu-fast``) or by the path of a TOML file."""
    name_or_path = name_or_path or os.environ.get("MINUTES_PRESET") or DEFAULT_PRESET
    path = Path(name_or_path).expanduser()
    if not (path.suffix == ".toml" and path.is_file()):
        presets = available_presets()
        if name_or_path not in presets:
            choices = ", ".join(sorted(presets)) or "none found"
            raise ConfigError(f"unknown preset '{name_or_path}'; choose one of: {choices} (or a .toml path)")
        path = presets[name_or_path]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"preset {path}: cannot read ({exc})") from exc
    sections = {"transcribe", "diarize", "attribute", "summarize", "recover"}
    unknown = set(data) - {"name", "description", *sections}
    if unknown:
        raise ConfigError(f"preset {path}: unknown sections {sorted(unknown)}; valid: {sorted(sections)}")
    return Preset(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")),
        transcribe=dict(data.get("transcribe", {})),
        diarize=dict(data.get("diarize", {})),
        attribute=dict(data.get("attribute", {})),
        summarize=dict(data.get("summarize", {})),
        recover=dict(data.get("recover", {})),
        source=str(path),
    )
