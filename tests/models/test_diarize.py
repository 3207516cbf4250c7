"""Real pyannote segmentation + CAM++ embeddings on real recordings with human references."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from minutes.audio import load
from minutes.diarize import DiarizerOptions, PyannoteDiarizer
from minutes.evaluation import der, read_rttm

pytestmark = pytest.mark.models


def test_ami_excerpt_finds_three_or_four_speakers(
    diarizer: PyannoteDiarizer, data_dir: Path, report: list[str]
) -> None:
    folder = data_dir / "ami-es2004a-60s"
    _, wave = load(folder / "mixture.wav")
    out = diarizer.diarize(wave)
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
