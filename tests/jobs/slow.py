"""Fake model stages that take real time, for the job tests and the processes they start.

``install()`` replaces :func:`minutes.factory.build_processor` with one that builds a
processor from these fakes. Worker processes get them through ``fake_site/sitecustomize.py``
(put on ``PYTHONPATH``), so a test can start ``minutes batch`` for real, kill its processes
in the middle of a stage and run it again. Set by environment variables:

* ``MINUTES_FAKE_TRANSCRIBE_SECONDS`` / ``MINUTES_FAKE_DIARIZE_SECONDS``: how long each stage
  sleeps (default 0.2 s), reporting progress as it goes;
* ``MINUTES_FAKE_LOG``: a file that gets one line per event, ``<pid> <event> <stage> <file name>``
  (events: ``build``, ``start``, ``end``), appended atomically from every process;
* ``MINUTES_FAKE_FAIL_ONCE``: a file name whose first transcription (in any process) fails with
  a :class:`StageError`, to exercise retries.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from minutes import factory
from minutes.db.meeting_store import SqlMeetingStore
from minutes.errors import StageError
from minutes.pipeline import MeetingProcessor, ProcessResult
from minutes.settings import Preset
from minutes.summarize.summarizer import Summarizer
from tests.fakes import FakeDiarizer, FakeLLM, FakeTranscriber


def log(event: str, stage: str, name: str) -> None:
    path = os.environ.get("MINUTES_FAKE_LOG")
    if path:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{os.getpid()} {event} {stage} {name}\n".encode())
        finally:
            os.close(fd)


def events(path: Path) -> list[tuple[int, str, str, str]]:
    """The log's lines as (pid, event, stage, file name)."""
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        pid, event, stage, name = line.split(" ", 3)
        out.append((int(pid), event, stage, name))
    return out


class _Current:
    """The file the processor is working on (one at a time per worker process)."""

    name = "?"


def _take_time(stage: str, current: _Current, progress: Any) -> None:
    seconds = float(os.environ.get(f"MINUTES_FAKE_{stage.upper()}_SECONDS", "0.2"))
    log("start", stage, current.name)
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        time.sleep(min(0.05, left))
        if progress:
            progress(min(0.99, 1 - left / seconds))


class SlowTranscriber(FakeTranscriber):
    def __init__(self, current: _Current, **options: Any) -> None:
        super().__init__(**options)
        self.current = current

    def transcribe(self, audio: Any, *, progress: Any = None) -> Any:
        _take_time("transcribe", self.current, progress)
        flaky = os.environ.get("MINUTES_FAKE_FAIL_ONCE")
        if flaky == self.current.name and _first_time(f"fail-{flaky}"):
            raise StageError(f"{flaky}: transcription failed (a passing fault)")
        result = super().transcribe(audio, progress=progress)
        log("end", "transcribe", self.current.name)
        return result


class SlowDiarizer(FakeDiarizer):
    def __init__(self, current: _Current, **options: Any) -> None:
        super().__init__(**options)
        self.current = current

    def diarize(self, audio: Any, *, progress: Any = None) -> Any:
        _take_time("diarize", self.current, progress)
        result = super().diarize(audio, progress=progress)
        log("end", "diarize", self.current.name)
        return result


def _first_time(marker: str) -> bool:
    folder = Path(os.environ.get("MINUTES_FAKE_LOG", "/tmp/minutes-fake")).parent
    try:
        fd = os.open(folder / f".{marker}", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


class TracingProcessor(MeetingProcessor):
    """A processor that tells its fake stages which file they are working on."""

    def __init__(self, current: _Current, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.current = current

    def process(self, path: str | Path, **kwargs: Any) -> ProcessResult:
        self.current.name = Path(path).name
        return super().process(path, **kwargs)


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
    """Stands in for :func:`minutes.factory.build_processor`; logs what it was asked for."""
    log("build", f"threads={threads},parallel={parallel},summary={summary}", preset.name)
    current = _Current()
    return TracingProcessor(
        current,
        transcriber=SlowTranscriber(
            current, **{k: v for k, v in (transcribe or {}).items() if v is not None}
        ),
        diarizer=SlowDiarizer(current, **{k: v for k, v in (diarize or {}).items() if v is not None}),
        store=SqlMeetingStore(sessions),
        parallel=parallel,
        summarizer=Summarizer(FakeLLM()) if summary else None,
    )


def install() -> None:
    factory.build_processor = build_processor  # type: ignore[assignment]
