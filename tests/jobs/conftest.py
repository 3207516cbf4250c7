"""Job-queue fixtures: databases on both backends, recordings, the CLI over slow fake stages."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session, sessionmaker

from minutes import factory
from minutes.cli import main
from tests import media
from tests.db.conftest import engine, migrated  # noqa: F401  (fixtures: SQLite and PostgreSQL)
from tests.jobs import slow

FAKE_SITE = Path(__file__).parent / "fake_site"


@pytest.fixture
def sessions(migrated: object) -> sessionmaker[Session]:  # noqa: F811
    """A session factory on a migrated database (each backend in turn)."""
    from minutes.db import session_factory

    return session_factory(migrated)  # type: ignore[arg-type]


@pytest.fixture
def tones(tmp_path: Path) -> Callable[[int], list[Path]]:
    """``tones(n)``: n short WAV recordings, each a different tone (so different content)."""

    def make(n: int, *, folder: Path | None = None, seconds: float = 3.0) -> list[Path]:
        out = folder or tmp_path / "recordings"
        out.mkdir(parents=True, exist_ok=True)
        return [
            media.tone(out / f"meeting-{i:02d}.wav", frequency=300 + 40 * i, seconds=seconds, channels=1)
            for i in range(n)
        ]

    return make


@pytest.fixture
def fake_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Worker processes started by this test use the slow fakes and log to the returned file."""
    for name in list(os.environ):  # no option from the developer's shell leaks into a command
        if name.startswith("MINUTES_") and name not in {"MINUTES_HOME", "MINUTES_THREADS"}:
            monkeypatch.delenv(name)
    log = tmp_path / "fake.log"
    paths = [str(FAKE_SITE), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(paths))
    monkeypatch.setenv("MINUTES_FAKE_LOG", str(log))
    monkeypatch.setenv("MINUTES_NETGUARD_LOG", str(tmp_path / "net.log"))
    monkeypatch.setattr(factory, "build_processor", slow.build_processor)
    return log


@dataclass
class Cli:
    runner: CliRunner

    def __call__(self, *args: str | Path) -> Result:
        return self.runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def cli(fake_log: Path) -> Cli:
    """``minutes ARGS...`` in this process; the worker processes it starts use the slow fakes."""
    return Cli(CliRunner())
