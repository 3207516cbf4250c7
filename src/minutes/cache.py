"""Stage cache keys, and the cache identity each stage declares from its options dataclass.

A stage's identity is every field of its options that changes its output, minus the fields
its options class declares in ``CACHE_EXCLUDE`` (threads, devices, secrets, and the model
path, which the model's own reference stands for). The key hashes that identity with the
input's hash, the stage's name and its models: a change in any of them redoes the stage.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import fields, is_dataclass
from typing import Any

from minutes.types import ModelRef


def options_identity(options: Any, *, exclude: Collection[str] = ()) -> dict[str, Any]:
    """The fields of an options dataclass that make up its stage's cache identity."""
    if not is_dataclass(options) or isinstance(options, type):
        raise TypeError(f"expected an options dataclass instance, got {type(options).__name__}")
    unknown = set(exclude) - {f.name for f in fields(options)}
    if unknown:  # a renamed field must not silently join the key
        raise ValueError(f"{type(options).__name__} excludes unknown fields {sorted(unknown)}")
    return {f.name: getattr(options, f.name) for f in fields(options) if f.name not in exclude}


def cache_key(*, audio_sha256: str, stage: str, options: dict[str, Any], models: tuple[ModelRef, ...]) -> str:
    """(audio hash, stage, options, model identities) → a key; a change in any of them redoes the stage."""
    blob = json.dumps(
        {
            "audio": audio_sha256,
            "stage": stage,
            "options": options,
            "models": sorted(m.identity for m in models),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()
