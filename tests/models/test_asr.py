"""Real faster-whisper models on real recordings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from minutes.asr import AsrOptions, WhisperTranscriber
from minutes.audio import decoded, load
from minutes.errors import ConfigError
from minutes.evaluation import wer

pytestmark = pytest.mark.models


@pytest.mark.parametrize("model", ["tiny", "base"])
def test_jfk_wer_is_within_ten_percent(
    model: str, request: pytest.FixtureRequest, data_dir: Path, report: list[str]
) -> None:
    transcriber: WhisperTranscriber = request.getfixturevalue(model)
    with decoded(data_dir / "jfk" / "jfk.flac") as (_, pcm):  # as the pipeline gives it: a file on disk
        out = transcriber.transcribe(pcm)
    score = wer((data_dir / "jfk" / "jfk.txt").read_text(), out.text)
    report.append(f"JFK WER {transcriber.model_ref.name}: {score:.1%}")
    assert score <= 0.10, out.text
    assert out.language == "en"
    words = out.words
    assert words and all(0 <= w.start <= w.end <= 11.1 for w in words)
    assert all(0.0 <= w.probability <= 1.0 for w in words)
    assert out.model is not None and len(out.model.sha256) == 64


def test_silence_gives_an_empty_transcript(tiny: WhisperTranscriber) -> None:
    out = tiny.transcribe(np.zeros(16000 * 60, dtype=np.float32))
    assert out.segments == ()


def test_pure_noise_invents_no_sentences(tiny: WhisperTranscriber) -> None:
    rng = np.random.default_rng(0)
    out = tiny.transcribe((0.1 * rng.standard_normal(16000 * 20)).astype(np.float32))
    assert len(out.words) <= 2, out.text


def test_vocabulary_is_used_as_hotwords(data_dir: Path) -> None:
    t = WhisperTranscriber(AsrOptions(model="tiny.en", threads=2, hotwords="Americans, country"))
    _, wave = load(data_dir / "jfk" / "jfk.flac")
    assert wer((data_dir / "jfk" / "jfk.txt").read_text(), t.transcribe(wave).text) <= 0.10


def test_english_only_model_refuses_another_language() -> None:
    with pytest.raises(ConfigError, match="only knows English"):
        WhisperTranscriber(AsrOptions(model="tiny.en", language="de"))


def test_words_at_window_edges_are_neither_lost_nor_doubled(data_dir: Path, report: list[str]) -> None:
    """JFK four times over with 1 s pauses, in 25 s windows: every window ends near speech."""
    _, jfk = load(data_dir / "jfk" / "jfk.flac")
    gap = np.zeros(16000, dtype=np.float32)
    wave = np.concatenate([jfk, gap] * 4)
    t = WhisperTranscriber(AsrOptions(model="tiny.en", threads=2), window_seconds=25.0)
    out = t.transcribe(wave)
    reference = (data_dir / "jfk" / "jfk.txt").read_text()
    span = (jfk.size + gap.size) / 16000
    scores = []
    for k in range(4):
        said = [w.text for w in out.words if k * span <= (w.start + w.end) / 2 < (k + 1) * span]
        scores.append(wer(reference, " ".join(said)))
    report.append("JFK x4 in 25 s windows, WER per repetition: " + ", ".join(f"{s:.1%}" for s in scores))
    assert max(scores) <= 0.10, out.text
    starts = [w.start for w in out.words]
    assert starts == sorted(starts) and out.words[-1].end <= wave.size / 16000 + 0.05
