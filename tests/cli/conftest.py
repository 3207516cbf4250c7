"""CLI fixtures: the real command line over fake model stages, a private database, shared test media."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from minutes import db as store
from minutes import factory
from minutes.cli import main
from minutes.db.meeting_store import SqlMeetingStore
from minutes.pipeline import MeetingProcessor
from minutes.settings import Preset
from minutes.summarize.summarizer import Summarizer
from tests import media
from tests.fakes import FakeDiarizer, FakeEmbedder, FakeLLM, FakeTranscriber


@dataclass
class Stages:
    """The fakes every ``minutes process`` in a test gets, and what the CLI asked the factory for."""

    transcriber: FakeTranscriber = field(default_factory=FakeTranscriber)
    diarizer: FakeDiarizer = field(default_factory=FakeDiarizer)
    llm: FakeLLM = field(default_factory=FakeLLM)
    embedder: FakeEmbedder = field(default_factory=FakeEmbedder)
    builds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def calls(self) -> tuple[int, int]:
        return self.transcriber.calls, self.diarizer.calls


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No MINUTES_* option from the developer's shell leaks into a command (the suite's own stay)."""
    for name in list(os.environ):
        if name.startswith("MINUTES_") and name not in {"MINUTES_HOME", "MINUTES_THREADS"}:
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def stages(monkeypatch: pytest.MonkeyPatch) -> Stages:
    """``minutes process`` builds its processor from fakes: no model is ever resolved or loaded here."""
    made = Stages()

    def build_processor(
        preset: Preset,
        *,
        sessions: Any,
        transcribe: dict[str, Any] | None = None,
        diarize: dict[str, Any] | None = None,
        threads: int | None = None,
        parallel: bool = True,
        summarize: dict[str, Any] | None = None,
        summary: bool = True,
    ) -> MeetingProcessor:
        made.builds.append(
            {
                "preset": preset.name,
                "transcribe": transcribe,
                "diarize": diarize,
                "threads": threads,
                "parallel": parallel,
                "summarize": summarize,
                "summary": summary,
            }
        )
        return MeetingProcessor(
            transcriber=made.transcriber,
            diarizer=made.diarizer,
            store=SqlMeetingStore(sessions),
            parallel=parallel,
            summarizer=Summarizer(made.llm) if summary else None,
        )

    monkeypatch.setattr(factory, "build_processor", build_processor)
    # Imports embed their passages for `minutes ask` with the fake embedder, never a real model.
    monkeypatch.setattr(factory, "build_text_embedder", lambda **_: made.embedder)
    return made


@dataclass
class Cli:
    runner: CliRunner

    def __call__(
        self, *args: str | Path, env: dict[str, str] | None = None, input: str | None = None
    ) -> Result:
        return self.runner.invoke(main, [str(a) for a in args], env=env, input=input, catch_exceptions=False)

    def json(self, *args: str | Path) -> Any:
        result = self(*args)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def json_lines(self, *args: str | Path) -> tuple[Result, list[dict[str, Any]]]:
        result = self(*args)
        return result, [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def cli() -> Cli:
    """Runs ``minutes ARGS...`` in this process; stdout and stderr are kept apart."""
    return Cli(CliRunner())


@pytest.fixture(scope="session")
def lib(tmp_path_factory: pytest.TempPathFactory) -> media.Library:
    return media.library(tmp_path_factory.getbasetemp() / "media")


@dataclass(frozen=True)
class Stored:
    recordings: list[tuple[str, str]]  # (original_name, sha256)
    meetings: list[store.MeetingSummary]


@pytest.fixture
def stored() -> Callable[[], Stored]:
    """Reads what the database holds right now, straight from the tables."""

    def read() -> Stored:
        with store.session_scope(factory.open_store()) as s:
            recordings = [(r.original_name, r.sha256) for r in s.scalars(select(store.Recording))]
            return Stored(recordings=recordings, meetings=store.list_meetings(s))

    return read
