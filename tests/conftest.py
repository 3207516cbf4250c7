"""Suite-wide fixtures: no network, a private data directory per test, bounded threads."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
import netguard

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
NETGUARD_SITE = Path(__file__).parent / "netguard_site"


def pytest_configure(config: pytest.Config) -> None:
    netguard.install()
    os.environ.setdefault("MINUTES_THREADS", "2")
    from minutes.runtime import enforce_offline

    enforce_offline()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if netguard.ATTEMPTS:
        print(
            "\nnetwork access attempted during tests:\n  " + "\n  ".join(netguard.ATTEMPTS), file=sys.stderr
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def minutes_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets its own MINUTES_HOME (and so its own SQLite database)."""
    home = tmp_path / "minutes-home"
    monkeypatch.setenv("MINUTES_HOME", str(home))
    monkeypatch.delenv("MINUTES_DATABASE_URL", raising=False)
    monkeypatch.delenv("MINUTES_PRESET", raising=False)
    yield home


@pytest.fixture
def no_network_attempts() -> Iterator[None]:
    """Fail the test if anything inside it tried to reach the network."""
    before = len(netguard.ATTEMPTS)
    yield
    assert netguard.ATTEMPTS[before:] == [], f"network access attempted: {netguard.ATTEMPTS[before:]}"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.fail(
            f"evaluation data not found at {DATA}; the tests expect ../shared/data beside the checkout"
        )
    return DATA


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    """A 7 s sine tone as a WAV file: real media for tests that use fake model stages."""
    from minutes.demo import write_audio

    t = np.arange(16000 * 7) / 16000
    path = tmp_path / "tone.wav"
    write_audio(path, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))
    return path
