"""The worker loop and the local engine's watch over its processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from minutes import db as store
from minutes.factory import open_store
from minutes.jobs import (
    LocalPool,
    Processors,
    WorkerConfig,
    WorkerPoolError,
    enqueue,
    list_jobs,
    threads_per_worker,
    work,
)
from minutes.settings import database_url
from tests.jobs import slow


@pytest.mark.parametrize(
    ("threads", "workers", "each"), [(2, 1, 2), (2, 2, 1), (2, 3, 1), (16, 3, 5), (1, 4, 1)]
)
def test_threads_are_shared_out_among_workers(threads: int, workers: int, each: int) -> None:
    assert threads_per_worker(threads, workers) == each


def test_a_worker_runs_its_batch_only_then_stops(
    tones: Callable[..., list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("minutes.factory.build_processor", slow.build_processor)
    a, b, c = tones(3)
    sessions = open_store()
    with store.session_scope(sessions) as s:
        enqueue(s, a, batch="mine")
        enqueue(s, b, batch="mine", options={"no_summary": True})
        enqueue(s, c, batch="theirs")
    config = WorkerConfig(database_url=database_url(), batch="mine", poll=0.1)
    ran = work(sessions, Processors(sessions, threads=1), config, worker="w:1", stop=threading.Event())
    assert ran == 2
    with store.session_scope(sessions) as s:
        assert {j.batch: j.status for j in list_jobs(s) if j.status != "done"} == {"theirs": "queued"}


def test_a_worker_forever_waits_for_new_jobs_until_stopped(
    tones: Callable[..., list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("minutes.factory.build_processor", slow.build_processor)
    (a,) = tones(1)
    sessions = open_store()
    stop = threading.Event()
    config = WorkerConfig(database_url=database_url(), forever=True, poll=0.05)
    ran: list[int] = []
    t = threading.Thread(
        target=lambda: ran.append(
            work(sessions, Processors(sessions, threads=1), config, worker="w:1", stop=stop)
        )
    )
    t.start()
    time.sleep(0.3)
    with store.session_scope(sessions) as s:
        job_id = enqueue(s, a)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with store.session_scope(sessions) as s:
            if list_jobs(s)[0].status == "done":
                break
        time.sleep(0.1)
    assert t.is_alive()
    stop.set()
    t.join(10)
    assert ran == [1]
    with store.session_scope(sessions) as s:
        assert list_jobs(s)[0].id == job_id


def test_workers_that_cannot_start_stop_the_engine_and_the_job_waits(
    tones: Callable[..., list[Path]], tmp_path: Path
) -> None:
    (a,) = tones(1)
    sessions = open_store()
    with store.session_scope(sessions) as s:
        enqueue(s, a)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    broken = WorkerConfig(database_url=f"sqlite:///{blocker / 'minutes.db'}", poll=0.1)
    refused = "worker processes keep failing before taking a job"
    with (
        pytest.raises(WorkerPoolError, match=refused),
        LocalPool(broken, workers=1, sessions=sessions) as engine,
    ):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            engine.tick()
            time.sleep(0.1)
    with store.session_scope(sessions) as s:
        (job,) = list_jobs(s)
    assert (job.status, job.attempts) == ("queued", 0)
