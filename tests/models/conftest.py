"""Real models, loaded once per test session (they take seconds to load and hundreds of MB)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from minutes.asr import AsrOptions, WhisperTranscriber
from minutes.diarize import DiarizerOptions, PyannoteDiarizer


@pytest.fixture(scope="session")
def tiny() -> WhisperTranscriber:
    return WhisperTranscriber(AsrOptions(model="tiny.en", threads=2))


@pytest.fixture(scope="session")
def base() -> WhisperTranscriber:
    return WhisperTranscriber(AsrOptions(model="base", threads=2))


@pytest.fixture(scope="session")
def diarizer() -> PyannoteDiarizer:
    return PyannoteDiarizer(DiarizerOptions(threads=2))


@pytest.fixture(scope="session")
def report() -> Iterator[list[str]]:
    """Figures the model tests measured, printed at the end of the session."""
    lines: list[str] = []
    yield lines
    if lines:
        print("\n--- measured quality ---\n" + "\n".join(lines))
