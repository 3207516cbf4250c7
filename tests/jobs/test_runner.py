"""Running claimed jobs with a processor (fake stages, real media, both backends)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from minutes import db as store
from minutes import factory
from minutes.db.jobs import Job
from minutes.db.meeting_store import SqlMeetingStore
from minutes.db.tables import StageRun
from minutes.errors import StageError
from minutes.jobs import (
    Processors,
    RetryPolicy,
    claim_next,
    enqueue,
    get_job,
    interrupt,
    run_claimed,
    run_job,
)
from minutes.jobs.lease import release
from minutes.jobs.queue import JobInfo
from minutes.pipeline import MeetingProcessor
from tests.fakes import FakeDiarizer, FakeTranscriber
from tests.jobs import slow

Sessions = sessionmaker[Session]
NOW = RetryPolicy(delay=0.0)


def _processor(sessions: Sessions, **kwargs: Any) -> MeetingProcessor:
    kwargs.setdefault("transcriber", FakeTranscriber())
    kwargs.setdefault("diarizer", FakeDiarizer())
    return MeetingProcessor(store=SqlMeetingStore(sessions), **kwargs)


def _queue_and_claim(
    sessions: Sessions, path: Path, worker: str = "w:1", lease_seconds: float = 60.0, **kwargs: Any
) -> JobInfo:
    with store.session_scope(sessions) as s:
        enqueue(s, path, **kwargs)
    with store.session_scope(sessions) as s:
        job = claim_next(s, worker=worker, lease_seconds=lease_seconds)
    assert job is not None
    return job


def test_a_job_runs_to_done_with_its_meeting(sessions: Sessions, tones: Callable[..., list[Path]]) -> None:
    (a,) = tones(1)
    job = _queue_and_claim(sessions, a, title="Kick-off", options={"language": "en"})
    done = run_claimed(sessions, job, _processor(sessions), worker="w:1")
    assert done.status == "done" and done.progress == 1.0 and done.stage is None and done.error is None
    assert done.meeting_id is not None and done.result is not None
    assert done.result["status"] == "done" and done.result["meeting_id"] == done.meeting_id
    assert done.lease_expires_at is None and done.finished_at is not None
    with store.session_scope(sessions) as s:
        doc = store.load_meeting(s, meeting_id=done.meeting_id)
    assert doc.title == "Kick-off" and doc.status == "done"


def test_a_corrupt_file_fails_at_once_with_its_reason(sessions: Sessions, tmp_path: Path) -> None:
    bad = tmp_path / "notes.wav"
    bad.write_text("Agenda\n1. budget\n", encoding="utf-8")
    job = _queue_and_claim(sessions, bad)
    failed = run_claimed(sessions, job, _processor(sessions), worker="w:1", policy=NOW)
    assert failed.status == "failed" and failed.attempts == 1
    assert failed.error is not None and "notes.wav" in failed.error and "not a readable audio" in failed.error
    with store.session_scope(sessions) as s:
        assert store.list_meetings(s) == []  # nothing of a bad file is stored


def test_a_failed_stage_is_retried_and_the_finished_stage_reused(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    job = _queue_and_claim(sessions, a)
    diarizer = FakeDiarizer()
    broken = _processor(
        sessions, transcriber=FakeTranscriber(fail=RuntimeError("CUDA out of memory")), diarizer=diarizer
    )
    again = run_claimed(sessions, job, broken, worker="w:1", policy=NOW)
    assert again.status == "queued" and again.attempts == 1
    assert again.error is not None and again.error.endswith("failed (RuntimeError: CUDA out of memory)")

    with store.session_scope(sessions) as s:
        retry = claim_next(s, worker="w:2")
    assert retry is not None and retry.id == job.id and retry.attempts == 2
    transcriber = FakeTranscriber()
    done = run_claimed(
        sessions, retry, _processor(sessions, transcriber=transcriber, diarizer=diarizer), worker="w:2"
    )
    assert done.status == "done"
    assert diarizer.calls == 1 and transcriber.calls == 1  # diarization finished in attempt 1: kept
    assert done.result is not None and done.result["stages"]["diarize"] == "cached"


def test_a_long_stage_keeps_its_lease(
    sessions: Sessions, tones: Callable[..., list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINUTES_FAKE_TRANSCRIBE_SECONDS", "3.5")
    monkeypatch.setenv("MINUTES_FAKE_DIARIZE_SECONDS", "0.1")
    (a,) = tones(1)
    job = _queue_and_claim(sessions, a, lease_seconds=1.5)
    stolen: list[int] = []
    seen: list[tuple[str | None, float]] = []
    running = threading.Event()

    def thief() -> None:
        while not running.is_set():
            with store.session_scope(sessions) as s:
                got = claim_next(s, worker="elsewhere:1")
                seen.append((get_job(s, job.id).stage, get_job(s, job.id).progress))
            if got is not None:
                stolen.append(got.id)
            time.sleep(0.2)

    t = threading.Thread(target=thief)
    t.start()
    try:
        done = run_claimed(
            sessions,
            job,
            slow.build_processor(_preset(), sessions=sessions, summary=False),
            worker="w:1",
            lease_seconds=1.5,
        )
    finally:
        running.set()
        t.join()
    assert stolen == [] and done.status == "done" and done.attempts == 1
    assert any(stage == "transcribe" and 0 < progress < 1 for stage, progress in seen)


def test_progress_is_written_at_most_about_once_a_second(
    sessions: Sessions, tones: Callable[..., list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINUTES_FAKE_TRANSCRIBE_SECONDS", "2.0")
    monkeypatch.setenv("MINUTES_FAKE_DIARIZE_SECONDS", "2.0")
    (a,) = tones(1)
    job = _queue_and_claim(sessions, a)
    with _counting_job_updates(sessions) as updates:
        started = time.monotonic()
        done = run_claimed(
            sessions, job, slow.build_processor(_preset(), sessions=sessions, summary=False), worker="w:1"
        )
        took = time.monotonic() - started
    assert done.status == "done"
    # ~80 progress calls over two seconds: a write a second, plus the outcome.
    assert 1 <= len(updates) <= took + 2, updates


def test_force_redoes_old_results_but_a_retry_keeps_its_own(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    _processor(sessions).process(a)  # processed before: every stage stored
    time.sleep(0.01)
    job = _queue_and_claim(sessions, a, options={"force": True})
    asr1, dia1 = FakeTranscriber(), FakeDiarizer()
    dia1.diarize = _raising(StageError("diarization crashed"))  # type: ignore[method-assign]
    first = run_claimed(
        sessions,
        job,
        _processor(sessions, transcriber=asr1, diarizer=dia1, parallel=False),
        worker="w:1",
        policy=NOW,
    )
    assert first.status == "queued" and asr1.calls == 1  # the old transcript was not reused

    with store.session_scope(sessions) as s:
        retry = claim_next(s, worker="w:1")
    assert retry is not None
    asr2, dia2 = FakeTranscriber(), FakeDiarizer()
    done = run_claimed(sessions, retry, _processor(sessions, transcriber=asr2, diarizer=dia2), worker="w:1")
    assert done.status == "done" and (asr2.calls, dia2.calls) == (0, 1)
    assert done.result is not None and done.result["stages"]["transcribe"] == "cached"


def test_processors_are_built_once_per_options_and_bad_ones_fail_the_job(
    sessions: Sessions, tones: Callable[..., list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[dict[str, Any]] = []

    def build(preset: Any, **kwargs: Any) -> MeetingProcessor:
        builds.append(kwargs)
        return _processor(kwargs["sessions"], summarizer=None)

    monkeypatch.setattr(factory, "build_processor", build)
    a, b, c, d = tones(4)
    processors = Processors(sessions, threads=1, llm_api_key="k")
    for path, options in ((a, {"language": "en"}), (b, {"language": "en"}), (c, {"language": "de"})):
        job = _queue_and_claim(sessions, path, options=options)
        assert run_claimed(sessions, job, processors, worker="w:1").status == "done"
    assert len(builds) == 2
    assert builds[1]["transcribe"] == {"language": "de"} and builds[1]["threads"] == 1
    assert builds[1]["parallel"] is False  # one thread: stages one after the other
    assert builds[1]["summarize"] == {"api_key": "k"}

    job = _queue_and_claim(sessions, d, preset="no-such-preset")
    failed = run_claimed(sessions, job, processors, worker="w:1")
    assert failed.status == "failed" and failed.attempts == 1
    assert failed.error is not None and failed.error.startswith(
        "unknown preset 'no-such-preset'; choose one of:"
    )


def test_run_job_claims_the_job_it_is_given(sessions: Sessions, tones: Callable[..., list[Path]]) -> None:
    a, b = tones(2)
    with store.session_scope(sessions) as s:
        first = enqueue(s, a)
        second = enqueue(s, b)
    done = run_job(sessions, second, _processor(sessions), worker="dask:1")
    assert done.status == "done" and done.worker == "dask:1"
    with store.session_scope(sessions) as s:
        assert get_job(s, first).status == "queued"
        held = claim_next(s, worker="w:9")
    assert held is not None and held.id == first
    untouched = run_job(sessions, first, _processor(sessions), worker="dask:1")
    assert untouched.status == "running" and untouched.worker == "w:9"


def _preset() -> Any:
    from minutes.settings import Preset

    return Preset(name="fake")


def _raising(exc: Exception) -> Callable[..., Any]:
    def raise_(*_args: Any, **_kwargs: Any) -> Any:
        raise exc

    return raise_


@contextmanager
def _counting_job_updates(sessions: Sessions) -> Iterator[list[str]]:
    engine = sessions.kw["bind"]
    found: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("UPDATE JOBS"):
            found.append(statement.split("WHERE")[0][:60])

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_job_table_is_left_consistent(sessions: Sessions, tones: Callable[..., list[Path]]) -> None:
    a, b = tones(2)
    for path in (a, b):
        job = _queue_and_claim(sessions, path)
        run_claimed(sessions, job, _processor(sessions), worker="w:1")
    with store.session_scope(sessions) as s:
        rows = list(s.scalars(select(Job)))
    assert all(r.status == "done" and r.lease_expires_at is None and r.meeting_id for r in rows)
    assert len({r.meeting_id for r in rows}) == 2


class _StopAsItFinishes(FakeTranscriber):
    """A transcription that ends just as the worker is asked to stop (SIGTERM from Ctrl-C)."""

    def transcribe(self, audio: Any, *, progress: Any = None) -> Any:
        if progress:
            progress(0.5)
        interrupt.request()
        return super().transcribe(audio, progress=progress)  # reports 1.0: finished, so stored


class _DiarizeUntilAsked(FakeDiarizer):
    """A diarization still running when the stop is asked (it reports progress afterwards)."""

    def diarize(self, audio: Any, *, progress: Any = None) -> Any:
        self.calls += 1
        deadline = time.monotonic() + 10.0
        while not interrupt.requested() and time.monotonic() < deadline:
            time.sleep(0.01)
        if progress:
            progress(0.5)
        raise AssertionError("the stop request was not honoured at the progress report")


def test_a_stop_keeps_the_stage_that_just_finished_and_leaves_the_job_to_be_resumed(
    sessions: Sessions, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    job = _queue_and_claim(sessions, a)
    transcriber = _StopAsItFinishes()
    try:
        with pytest.raises(interrupt.Interrupted):
            run_claimed(
                sessions,
                job,
                _processor(sessions, transcriber=transcriber, diarizer=_DiarizeUntilAsked()),
                worker="w:1",
            )
    finally:
        interrupt.reset()
    with store.session_scope(sessions) as s:
        stored = set(s.scalars(select(StageRun.stage)))
        held = s.get(Job, job.id)
        assert held is not None and held.status == "running" and held.attempts == 1  # nothing recorded
        assert release(s, worker="w:1", reason="stopped", count_attempt=False) == [job.id]
    assert "transcribe" in stored and "diarize" not in stored

    with store.session_scope(sessions) as s:
        again = claim_next(s, worker="w:2")
    assert again is not None and again.id == job.id
    done = run_claimed(sessions, again, _processor(sessions, transcriber=transcriber), worker="w:2")
    assert done.status == "done" and done.attempts == 1
    assert (
        transcriber.calls == 1 and done.result is not None and done.result["stages"]["transcribe"] == "cached"
    )
