"""The diarizer's device option: checked up front, refused clearly where no GPU is visible."""

from __future__ import annotations

import pytest

from minutes.diarize import DiarizerOptions, PyannoteDiarizer
from minutes.errors import ConfigError
from minutes.settings import load_preset


def test_an_unknown_device_is_refused() -> None:
    with pytest.raises(ConfigError, match="device must be cpu, cuda or cuda:N, got 'tpu'"):
        DiarizerOptions(device="tpu").validate()


def test_the_device_is_not_part_of_the_cache_key() -> None:
    cpu = PyannoteDiarizer(DiarizerOptions())
    gpu = PyannoteDiarizer(DiarizerOptions(device="cuda:0"))
    assert cpu.options() == gpu.options()


def test_cuda_without_a_gpu_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ConfigError, match="sees no CUDA GPU"):
        PyannoteDiarizer(DiarizerOptions(device="cuda"))._build()


def test_the_gpu_preset_puts_diarization_on_the_gpu() -> None:
    assert load_preset("gpu-accurate").diarize["device"] == "cuda"
