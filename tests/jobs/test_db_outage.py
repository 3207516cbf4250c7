"""The database going away: one clear error when it cannot be reached at all, and a batch that
rides out an outage of a few seconds without losing or doubling a job.

A real PostgreSQL outage is simulated with a TCP proxy between the commands and the server
(:class:`tests.db.outage.Proxy`): cutting it closes every connection through it and refuses new
ones, as a server that went down does; restoring it lets connections through again. Model stages are the
slow fakes of ``tests/jobs/slow.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from minutes import db as store
from minutes.db.engine import ride_out, wait_for_reconnect
from minutes.db.jobs import Job
from minutes.db.tables import Meeting, StageRun
from minutes.errors import EXIT_UNAVAILABLE, DatabaseUnavailableError
from minutes.jobs import claim_next, enqueue, get_job, run_claimed
from minutes.pipeline import ProcessResult
from tests.conftest import ROOT
from tests.db.outage import Database, free_port, proxied_database
from tests.jobs import slow

STAGE_SECONDS = {"transcribe": 0.8, "diarize": 1.5}


@pytest.fixture
def pg() -> Iterator[Database]:
    with proxied_database("minutes_outage") as database:
        yield database


def _sessions(url: str) -> sessionmaker[Session]:
    return store.session_factory(store.make_engine(url))


def _minutes(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "minutes.cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def _start(*args: str | Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "minutes.cli", *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


# --- a database that cannot be reached at all --------------------------------------------------


@pytest.mark.parametrize("command", [["jobs"], ["worker"], ["db", "status"], ["list"], ["batch"]])
def test_an_unreachable_server_is_one_line_naming_it_without_the_password(
    command: list[str], tones: Callable[..., list[Path]], fake_log: Path
) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg://minutes:s3cret@127.0.0.1:{port}/test"
    args = [*command, tones(1)[0].parent] if command == ["batch"] else command
    done = _minutes(*args, env={"MINUTES_DATABASE_URL": url})
    assert done.returncode == EXIT_UNAVAILABLE, done.stderr
    assert done.stderr == (
        f"error: cannot reach the database at postgresql+psycopg://minutes:***@127.0.0.1:{port}/test "
        "(connection refused): is PostgreSQL running and reachable there? start it, or set "
        "MINUTES_DATABASE_URL to the right server\n"
    )
    assert "s3cret" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+psycopg://no_such_role_here@127.0.0.1:5432/test",
            '(role "no_such_role_here" does not exist): check the user and password in MINUTES_DATABASE_URL',
        ),
        (
            "postgresql+psycopg://postgres@127.0.0.1:5432/no_such_db_here",
            '(database "no_such_db_here" does not exist): create the database (`createdb no_such_db_here`)',
        ),
        (
            "sqlite:////proc/no-such-folder/minutes.db",
            "cannot open the SQLite database /proc/no-such-folder/minutes.db: its folder "
            "/proc/no-such-folder cannot be created",
        ),
    ],
    ids=["unknown-role", "unknown-database", "sqlite-folder"],
)
def test_a_refused_login_or_an_unusable_file_says_what_to_fix(url: str, expected: str) -> None:
    done = _minutes("jobs", env={"MINUTES_DATABASE_URL": url})
    assert done.returncode == EXIT_UNAVAILABLE
    assert done.stderr.startswith("error: ") and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


def test_a_sqlite_file_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "minutes.db"
    folder.mkdir()  # a folder where the database file should be
    done = _minutes("list", env={"MINUTES_DATABASE_URL": f"sqlite:///{folder}"})
    assert done.returncode == EXIT_UNAVAILABLE
    assert done.stderr == (
        f"error: cannot use the SQLite database {folder} (unable to open database file): check that its "
        "folder exists and is writable (MINUTES_HOME), or set MINUTES_DATABASE_URL to another database\n"
    )


# --- riding out an outage: the pieces ----------------------------------------------------------


def _dropped() -> OperationalError:
    import psycopg

    cause = psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly")
    return OperationalError("SELECT 1", {}, cause)


def test_a_unit_of_work_is_run_again_until_the_database_is_back() -> None:
    calls = []

    def work() -> str:
        calls.append(time.monotonic())
        if len(calls) < 3:
            raise _dropped()
        return "done"

    assert ride_out(work, url="postgresql+psycopg://u:pw@db/x", seconds=30, what="testing") == "done"
    assert len(calls) == 3


def test_a_unit_of_work_gives_up_after_its_time_with_a_clear_error() -> None:
    def work() -> None:
        raise _dropped()

    started = time.monotonic()
    with pytest.raises(DatabaseUnavailableError) as caught:
        ride_out(work, url="postgresql+psycopg://u:pw@db.internal/x", seconds=1.0, what="testing")
    assert 0.9 < time.monotonic() - started < 5
    assert str(caught.value) == (
        "cannot reach the database at postgresql+psycopg://u:***@db.internal/x (server closed the "
        "connection unexpectedly) for 1 s, giving up: is PostgreSQL running and reachable there? start "
        "it, or set MINUTES_DATABASE_URL to the right server"
    )


def test_other_database_errors_are_not_retried() -> None:
    from sqlite3 import OperationalError as SqliteError

    calls = []

    def sqlite_bug() -> None:
        calls.append(1)
        raise OperationalError("SELECT x", {}, SqliteError("no such column: x"))

    with pytest.raises(OperationalError):
        ride_out(sqlite_bug, url="sqlite:///x.db", seconds=30, what="testing")
    assert calls == [1]


@pytest.mark.postgres
def test_a_patient_engine_waits_for_the_server_to_come_back(pg: Database) -> None:
    engine = store.make_engine(pg.proxied)
    wait_for_reconnect(engine, 30)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT 1")) == 1
    pg.proxy.cut()
    threading.Timer(2.0, pg.proxy.restore).start()
    started = time.monotonic()
    with engine.connect() as conn:  # the pooled connection is dead: pre-ping, then wait
        assert conn.scalar(text("SELECT 2")) == 2
    assert time.monotonic() - started > 1.5
    engine.dispose()


@pytest.mark.postgres
def test_a_patient_engine_gives_up_after_its_time_and_then_fails_at_once(pg: Database) -> None:
    engine = store.make_engine(pg.proxied)
    wait_for_reconnect(engine, 1.5)
    pg.proxy.cut()
    started = time.monotonic()
    with pytest.raises(OperationalError), engine.connect():
        pass
    assert 1.4 < time.monotonic() - started < 10
    started = time.monotonic()
    with pytest.raises(OperationalError), engine.connect():
        pass
    assert time.monotonic() - started < 1.0  # still down: no second wait
    pg.proxy.restore()
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT 3")) == 3
    engine.dispose()


def test_a_claim_run_again_after_its_commit_went_through_takes_the_job_once(
    sessions: sessionmaker[Session], tones: Callable[..., list[Path]]
) -> None:
    from minutes.jobs.local import WorkerConfig, _claimer

    (a,) = tones(1)
    with store.session_scope(sessions) as s:
        job_id = enqueue(s, a)
    claim = _claimer(sessions, WorkerConfig(database_url="sqlite://"), "w:1")
    first, _ = claim()  # committed, but the connection broke before the worker heard so
    again, _ = claim()  # ride_out runs it again
    assert first is not None and again is not None and first.id == again.id == job_id
    assert (again.status, again.attempts) == ("running", 1)


# --- leases across an outage -------------------------------------------------------------------


class _Held:
    """A processor whose job takes until the test lets it finish."""

    summarizer = None

    def __init__(self) -> None:
        self.go = threading.Event()

    def process(self, path: str, **_kwargs: Any) -> ProcessResult:
        assert self.go.wait(60)
        return ProcessResult(path=path, status="done", duration=3.0)


def _run_held(
    sessions: sessionmaker[Session], job: Job, *, worker: str, lease_seconds: float
) -> tuple[_Held, dict[str, Any], threading.Thread]:
    """``run_claimed`` of ``job`` in a thread, its processing held until ``held.go`` is set;
    ``outcome["job"]`` is what it returned."""
    held, outcome = _Held(), dict[str, Any]()
    runner = threading.Thread(
        target=lambda: outcome.update(
            job=run_claimed(sessions, job, held, worker=worker, lease_seconds=lease_seconds)  # type: ignore[arg-type]
        )
    )
    runner.start()
    return held, outcome, runner


@pytest.mark.postgres
def test_a_worker_whose_lease_ran_out_in_an_outage_records_nothing_over_the_new_holder(
    pg: Database, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    direct, proxied = _sessions(pg.direct), _sessions(pg.proxied)
    wait_for_reconnect(proxied.kw["bind"], 60)
    with store.session_scope(direct) as s:
        job_id = enqueue(s, a)
    with store.session_scope(proxied) as s:
        job = claim_next(s, worker="gone-quiet:1", lease_seconds=2.0)
    assert job is not None and job.id == job_id
    held, outcome, runner = _run_held(proxied, job, worker="gone-quiet:1", lease_seconds=2.0)
    time.sleep(0.5)
    pg.proxy.cut()
    time.sleep(3.0)  # the lease (2 s) runs out while the holder cannot renew it
    with store.session_scope(direct) as s:
        taken = claim_next(s, worker="other:2", lease_seconds=60.0)
    assert taken is not None and taken.id == job_id and taken.attempts == 2
    pg.proxy.restore()
    held.go.set()
    runner.join(30)
    assert outcome["job"].worker == "other:2" and outcome["job"].status == "running"
    with store.session_scope(direct) as s:
        stored = get_job(s, job_id)
    assert (stored.status, stored.worker, stored.result) == ("running", "other:2", None)


@pytest.mark.postgres
def test_a_worker_keeps_its_lease_through_an_outage_shorter_than_it(
    pg: Database, tones: Callable[..., list[Path]]
) -> None:
    (a,) = tones(1)
    direct, proxied = _sessions(pg.direct), _sessions(pg.proxied)
    wait_for_reconnect(proxied.kw["bind"], 60)
    with store.session_scope(direct) as s:
        enqueue(s, a)
    with store.session_scope(proxied) as s:
        job = claim_next(s, worker="steady:1", lease_seconds=8.0)
    assert job is not None
    held, outcome, runner = _run_held(proxied, job, worker="steady:1", lease_seconds=8.0)
    time.sleep(0.5)
    pg.proxy.cut()
    time.sleep(3.0)
    with store.session_scope(direct) as s:  # another worker looks meanwhile: the job is held
        assert claim_next(s, worker="other:2") is None
    pg.proxy.restore()
    time.sleep(2.5)  # a heartbeat gets through
    with store.session_scope(direct) as s:
        renewed = get_job(s, job.id)
    assert renewed.lease_expires_at is not None and job.lease_expires_at is not None
    assert renewed.lease_expires_at > job.lease_expires_at
    held.go.set()
    runner.join(30)
    assert (outcome["job"].status, outcome["job"].worker, outcome["job"].attempts) == ("done", "steady:1", 1)


# --- a whole batch through an outage ----------------------------------------------------------


@pytest.fixture
def slow_env(fake_log: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for stage, seconds in STAGE_SECONDS.items():
        monkeypatch.setenv(f"MINUTES_FAKE_{stage.upper()}_SECONDS", str(seconds))
    return fake_log


def _wait_for(what: str, check: Callable[[], Any], proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if proc.poll() is not None:
            pytest.fail(f"the command ended before {what}: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"timed out waiting for {what}")


@pytest.mark.postgres
def test_a_batch_rides_out_an_outage_and_does_every_job_once(
    pg: Database,
    slow_env: Path,
    tones: Callable[..., list[Path]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    recordings = tones(5)
    folder = recordings[0].parent
    monkeypatch.setenv("MINUTES_DATABASE_URL", pg.proxied)
    proc = _start(
        "batch", folder, "--workers", "2", "--no-summary", "--json", "--retry-delay", "1", "--db-wait", "60"
    )

    def ended(stage: str) -> int:
        return sum(1 for _p, event, st, _n in slow.events(slow_env) if event == "end" and st == stage)

    _wait_for("a first recording transcribed", lambda: ended("transcribe") >= 1, proc)
    pg.proxy.cut()
    time.sleep(4.0)
    pg.proxy.restore()
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-3000:]
    assert "Traceback" not in err
    assert "unreachable" in err and "reachable again" in err  # the outage was seen, and its end
    report = json.loads(out)
    assert report["counts"]["done"] == 5 and report["counts"]["failed"] == 0

    direct = _sessions(pg.direct)
    with store.session_scope(direct) as s:
        jobs = list(s.scalars(select(Job)))
        assert {j.status for j in jobs} == {"done"} and len(jobs) == 5
        assert all(j.lease_expires_at is None for j in jobs)
        meetings = list(s.scalars(select(Meeting)))
        assert len(meetings) == 5 and {m.status for m in meetings} == {"done"}
        assert sorted(j.meeting_id or 0 for j in jobs) == sorted(m.id for m in meetings)
        per_meeting = Counter(s.scalars(select(StageRun.meeting_id)))
        assert set(per_meeting.values()) == {5}  # ingest, transcribe, diarize, recover, attribute: once each
        first_try = {Path(j.path).name for j in jobs if j.attempts == 1}
    # Only a stage whose write was cut in flight is computed again (then its job shows 2 attempts).
    finished = Counter((stage, name) for _pid, event, stage, name in slow.events(slow_env) if event == "end")
    for name in first_try:
        for stage in STAGE_SECONDS:
            assert finished[(stage, name)] == 1, f"{stage} of {name} finished {finished[(stage, name)]} times"
    assert len(first_try) >= 4
    assert not (tmp_path / "net.log").exists()


@pytest.mark.postgres
def test_an_outage_longer_than_db_wait_ends_the_worker_cleanly_and_the_job_resumes(
    pg: Database,
    slow_env: Path,
    tones: Callable[..., list[Path]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (a,) = tones(1)
    direct = _sessions(pg.direct)
    with store.session_scope(direct) as s:
        job_id = enqueue(s, a, options={"no_summary": True})
    monkeypatch.setenv("MINUTES_DATABASE_URL", pg.proxied)
    proc = _start("worker", "--db-wait", "3")

    def started(stage: str) -> bool:
        return any(e == "start" and st == stage for _p, e, st, _n in slow.events(slow_env))

    _wait_for("the diarization to start", lambda: started("diarize"), proc)
    pg.proxy.cut()
    started_at = time.monotonic()
    _out, err = proc.communicate(timeout=120)
    assert time.monotonic() - started_at < 60
    assert proc.returncode == EXIT_UNAVAILABLE, err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"error: cannot reach the database at {pg.proxied.split('?')[0]}"), err
    assert ", giving up: is PostgreSQL running" in last and "run the same command again" in last
    with store.session_scope(direct) as s:
        assert get_job(s, job_id).status == "running"  # left behind by a process that is gone

    pg.proxy.restore()
    monkeypatch.setenv("MINUTES_DATABASE_URL", pg.direct)
    again = _minutes("worker")
    assert again.returncode == 0, again.stderr
    with store.session_scope(direct) as s:
        job = get_job(s, job_id)
        assert (job.status, job.attempts) == ("done", 2)
        assert s.scalar(select(func.count()).select_from(StageRun)) == 5  # with ingest and recover
