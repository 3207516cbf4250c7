"""Real pyannote segmentation + CAM++ embeddings on real recordings with human references."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import torch

from minutes.audio import InMemoryAudio, decoded, load
from minutes.diarize import DiarizerOptions, PyannoteDiarizer
from minutes.diarize.blockwise import AUDIO_KEY
from minutes.evaluation import der, read_rttm

pytestmark = pytest.mark.models


def test_ami_excerpt_finds_three_or_four_speakers(
    diarizer: PyannoteDiarizer, data_dir: Path, report: list[str]
) -> None:
    folder = data_dir / "ami-es2004a-60s"
    with decoded(folder / "mixture.wav") as (_, pcm):  # as the pipeline gives it: a file on disk
        out = diarizer.diarize(pcm)
    score = der(read_rttm(folder / "mixture.rttm"), out.turns)
    report.append(f"AMI DER: {score:.1%} with {len(out.speakers)} speakers (reference 4)")
    assert 3 <= len(out.speakers) <= 4
    assert score <= 0.25
    assert set(out.embeddings) <= set(out.speakers) and out.embeddings
    assert all(len(v) == 192 for v in out.embeddings.values())
    # overlapping speech is kept: some turns of different speakers overlap in this excerpt
    turns = sorted(out.turns, key=lambda t: t.start)
    assert any(a.speaker != b.speaker and b.start < a.end for a, b in itertools.pairwise(turns))


def test_pyannote_sample(diarizer: PyannoteDiarizer, data_dir: Path, report: list[str]) -> None:
    folder = data_dir / "pyannote-sample"
    _, wave = load(folder / "sample.wav")
    out = diarizer.diarize(wave)
    score = der(read_rttm(folder / "sample.rttm"), out.turns)
    report.append(f"pyannote sample DER: {score:.1%} with {len(out.speakers)} speakers (reference 2)")
    assert len(out.speakers) == 2
    assert score <= 0.15


def test_speaker_count_hint_is_obeyed(data_dir: Path) -> None:
    _, wave = load(data_dir / "ami-es2004a-60s" / "mixture.wav")
    out = PyannoteDiarizer(DiarizerOptions(threads=2, num_speakers=2)).diarize(wave)
    assert len(out.speakers) == 2


def test_reading_in_blocks_gives_the_whole_file_results(diarizer: PyannoteDiarizer, data_dir: Path) -> None:
    """Per-chunk scores and embeddings, block by block, are those of pyannote's whole-waveform pass."""
    from pyannote.audio.pipelines.speaker_diarization import SpeakerDiarization

    _, ami = load(data_dir / "ami-es2004a-60s" / "mixture.wav")
    _, sample = load(data_dir / "pyannote-sample" / "sample.wav")
    wave = np.concatenate([ami, sample, ami[: 16000 * 17 + 123]])  # 107 s, a ragged end
    pipeline = diarizer._build()
    whole = {"waveform": torch.from_numpy(wave)[None], "sample_rate": 16000}
    blocks, pipeline.block_chunks = pipeline.block_chunks, 8  # 50 chunks: 7 blocks, the last short
    try:
        with torch.inference_mode():
            want = pipeline._segmentation.slide(whole["waveform"], 16000, None)
            want_embeddings = SpeakerDiarization.get_embeddings(pipeline, whole, want)
            got = pipeline.get_segmentations({AUDIO_KEY: InMemoryAudio(wave)})
            got_embeddings = pipeline.get_embeddings({AUDIO_KEY: InMemoryAudio(wave)}, got)
    finally:
        pipeline.block_chunks = blocks
    assert got.data.shape == want.data.shape == (50, 589, 3)
    np.testing.assert_array_equal(got.data, want.data)
    np.testing.assert_allclose(got_embeddings, want_embeddings, atol=1e-5, equal_nan=True)
