"""``minutes batch --engine dask`` for real: a Dask LocalCluster on 127.0.0.1 (2 worker processes
× 1 thread) over the slow fake stages, on PostgreSQL and, with a cluster the command starts
itself, SQLite.

The worker processes get the fakes and the network guard the way the local engine's do
(``fake_site`` on ``PYTHONPATH``); ``slow.py``'s log says which process built a processor and
ran which stage, so the tests can count model loads per worker process and stages per file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import dask
import pytest
from distributed import Client, LocalCluster
from sqlalchemy import Engine, select, text

from minutes import db as store
from minutes.db.jobs import Job
from minutes.errors import WorkerPoolError
from minutes.factory import open_store
from minutes.jobs import RetryPolicy, claim_job, enqueue, get_job
from minutes.jobs.dask_cluster import local_cluster
from minutes.jobs.dask_pool import DaskPool
from minutes.jobs.dask_worker import MinutesPlugin, host_identity
from minutes.jobs.local import WorkerConfig
from tests.db.conftest import POSTGRES_URL
from tests.jobs import slow
from tests.jobs.conftest import Cli
from tests.jobs.test_crash import (
    RECORDINGS,
    STAGE_SECONDS,
    Timeline,
    _check_everything_done_once,
    _report,
    _start,
    _wait_for,
    crash_env,  # noqa: F401  (fixture)
)

ONLY_POSTGRES = pytest.mark.parametrize(
    "engine", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def url_of(engine: Engine) -> str:
    """A URL that reaches the test's database from another process (PostgreSQL: its fresh schema)."""
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture
def database(migrated: Engine, fake_log: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test's database (each backend in turn) as MINUTES_DATABASE_URL, for commands too."""
    url = url_of(migrated)
    monkeypatch.setenv("MINUTES_DATABASE_URL", url)
    return url


class Cluster:
    """A Dask cluster on 127.0.0.1 that the test runs (as an operator would), and a client."""

    def __init__(self) -> None:
        self.cluster: LocalCluster = local_cluster(2, 1)
        self.client = Client(self.cluster, set_as_default=False)

    @property
    def address(self) -> str:
        return str(self.cluster.scheduler_address)

    def pids(self) -> set[int]:
        return set(self.client.run(os.getpid).values())

    def close(self) -> None:
        self.client.close()
        self.cluster.close()


@pytest.fixture
def start_cluster(fake_log: Path) -> Iterator[Callable[[], Cluster]]:
    """``start_cluster()``: start it once the test's environment is set (the workers inherit it)."""
    started: list[Cluster] = []

    def start() -> Cluster:
        started.append(Cluster())
        return started[-1]

    yield start
    for cluster in started:
        cluster.close()


@pytest.fixture
def folder(tones: Callable[..., list[Path]]) -> Path:
    """Four recordings, a copy of the first one, and a text file called .wav."""
    first, *_ = tones(4)
    (first.parent / "copy of meeting-00.wav").write_bytes(first.read_bytes())
    (first.parent / "notes.wav").write_text("Agenda\n", encoding="utf-8")
    return first.parent


def _builds(log: Path) -> Counter[int]:
    """Processors built, per process id (the command's own check included)."""
    return Counter(pid for pid, event, _stage, _name in slow.events(log) if event == "build")


def _ends(log: Path) -> Counter[tuple[str, str]]:
    return Counter((stage, name) for _pid, event, stage, name in slow.events(log) if event == "end")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- a cluster someone else runs, PostgreSQL -------------------------------------------------


@ONLY_POSTGRES
def test_a_batch_runs_on_a_dask_cluster_each_file_once_models_loaded_once_per_worker(
    database: str,
    start_cluster: Callable[[], Cluster],
    cli: Cli,
    folder: Path,
    fake_log: Path,
    tmp_path: Path,
) -> None:
    cluster = start_cluster()
    workers = cluster.pids()

    result = cli("batch", folder, "--scheduler", cluster.address, "--no-summary", "--json")

    assert result.exit_code == 1, result.output  # notes.wav failed
    report = json.loads(result.stdout)
    assert report["counts"] == {"queued": 0, "running": 0, "done": 4, "failed": 1, "skipped": 1}
    jobs = {Path(j["path"]).name: j for j in report["jobs"]}
    assert jobs["notes.wav"]["status"] == "failed" and jobs["notes.wav"]["attempts"] == 1
    assert "not a readable audio or video file" in jobs["notes.wav"]["error"]
    assert jobs["meeting-00.wav"]["status"] == "skipped"
    assert jobs["meeting-00.wav"]["meeting_id"] == jobs["copy of meeting-00.wav"]["meeting_id"]
    done = [j for j in jobs.values() if j["status"] == "done"]
    assert {j["worker"] for j in done} <= {f"{socket.gethostname()}:{pid}" for pid in workers}
    ran = {name for _stage, name in _ends(fake_log)}
    assert ran == {"meeting-01.wav", "meeting-02.wav", "meeting-03.wav", "copy of meeting-00.wav"}
    assert set(_ends(fake_log).values()) == {1}  # each stage of each file once
    # Models load once per worker process, not once per job: one build in each worker.
    builds = _builds(fake_log)
    assert {pid: n for pid, n in builds.items() if pid in workers} == dict.fromkeys(workers, 1)
    assert set(builds) - workers == {os.getpid()}  # and the command's own check, here

    again = cli("batch", folder, "--scheduler", cluster.address, "--no-summary", "--json")
    assert json.loads(again.stdout)["counts"] == report["counts"]
    assert {pid: n for pid, n in _builds(fake_log).items() if pid in workers} == dict.fromkeys(workers, 1)
    assert set(_ends(fake_log).values()) == {1}  # nothing ran again, no model loaded again
    assert not (tmp_path / "net.log").exists()


@ONLY_POSTGRES
def test_a_worker_killed_mid_job_loses_nothing_and_does_nothing_twice(
    database: str,
    crash_env: Path,  # noqa: F811
    start_cluster: Callable[[], Cluster],
    tones: Callable[..., list[Path]],
) -> None:
    folder = tones(RECORDINGS)[0].parent
    cluster = start_cluster()
    first = cluster.pids()
    proc = _start(folder, "--scheduler", cluster.address)
    timeline = Timeline(crash_env)

    def diarizing() -> int | None:
        timeline.read()
        return next((p for p in first if timeline.inside("diarize", p, margin=1.0)), None)

    victim = _wait_for("a Dask worker diarizing", diarizing, proc)
    name = timeline.latest[victim][2]
    os.kill(victim, signal.SIGKILL)

    report, _err = _report(proc)
    assert report["counts"]["done"] == RECORDINGS and report["counts"]["failed"] == 0
    jobs = {Path(j["path"]).name: j for j in report["jobs"]}
    assert jobs[name]["attempts"] == 2 and jobs[name]["result"]["stages"]["transcribe"] == "cached"
    assert all(j["attempts"] == 1 for n, j in jobs.items() if n != name)
    _check_everything_done_once(folder, crash_env)
    assert victim not in cluster.pids()  # the nanny started another worker process


@ONLY_POSTGRES
def test_workers_that_cannot_build_the_pipeline_are_one_error_and_the_jobs_stay_queued(
    database: str, start_cluster: Callable[[], Cluster], tones: Callable[..., list[Path]]
) -> None:
    (path,) = tones(1)
    job_id = _queue(path)
    cluster = start_cluster()
    engine = DaskPool(
        WorkerConfig(database_url=database),
        workers=1,
        sessions=open_store(),
        scheduler=cluster.address,
        prepare=("/nowhere/custom.toml", {}),
    )
    with pytest.raises(WorkerPoolError) as raised, engine:
        pass
    message = str(raised.value)
    assert message.startswith(
        "the Dask workers cannot run these jobs (they stay queued; fix the workers and run the same "
        "command again): worker tcp://127.0.0.1:"
    )
    assert message.count("unknown preset '/nowhere/custom.toml'") == 2  # each worker named
    with store.session_scope(open_store()) as s:
        job = get_job(s, job_id)
    assert job.status == "queued" and job.attempts == 0
    assert len(cluster.pids()) == 2  # the cluster is someone else's: left running


# --- a cluster the command starts on this host, SQLite ---------------------------------------


def test_without_a_scheduler_the_command_runs_its_own_cluster_on_this_host(
    cli: Cli, tones: Callable[..., list[Path]], fake_log: Path, tmp_path: Path
) -> None:
    files = tones(3)
    result = cli("batch", files[0].parent, "--engine", "dask", "--workers", "2", "--no-summary")
    assert result.exit_code == 0, result.output
    assert "3 done, 0 skipped as duplicate, 0 failed" in result.stdout
    assert "2 Dask worker(s) on this host" in result.stderr

    builds = {pid: n for pid, n in _builds(fake_log).items() if pid != os.getpid()}
    assert len(builds) == 2 and set(builds.values()) == {1}  # two workers, one build each
    assert {
        stage for pid, event, stage, _n in slow.events(fake_log) if event == "build" and pid in builds
    } == {
        "threads=1,parallel=False,summary=False"  # MINUTES_THREADS=2 shared by 2 workers
    }
    assert set(_ends(fake_log).values()) == {1} and len(_ends(fake_log)) == 6
    assert not any(_alive(pid) for pid in builds)  # the cluster went with the command
    assert not (tmp_path / "net.log").exists()


def test_the_whole_command_killed_resumes_when_run_again(
    crash_env: Path,  # noqa: F811
    tones: Callable[..., list[Path]],
    tmp_path: Path,
) -> None:
    folder = tones(RECORDINGS)[0].parent
    proc = _start(folder, "--engine", "dask")
    timeline = Timeline(crash_env)
    here = {os.getpid(), proc.pid}

    def both_inside_a_stage() -> bool:
        timeline.read()
        busy = [
            p
            for p in timeline.latest
            if p not in here and any(timeline.inside(st, p, margin=0.3) for st in STAGE_SECONDS)
        ]
        return len(busy) == 2

    _wait_for("both Dask workers inside a stage", both_inside_a_stage, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    with store.session_scope(open_store()) as s:
        left = Counter(s.scalars(select(Job.status)))
    assert left["running"] == 2 and left["done"] < RECORDINGS  # killed mid-way, for real

    started = time.monotonic()
    report, err = _report(_start(folder, "--engine", "dask"))
    assert "INFO distributed" not in err  # Dask's chatter only with -v
    assert time.monotonic() - started < 50  # gone workers are noticed at once, not after the lease
    assert report["counts"]["done"] == RECORDINGS
    assert len([j for j in report["jobs"] if j["attempts"] == 2]) == 2
    _check_everything_done_once(folder, crash_env)
    assert not (tmp_path / "net.log").exists()


# --- refusals, before anything is queued -----------------------------------------------------


def _no_jobs() -> bool:
    with store.session_scope(open_store()) as s:
        return s.scalars(select(Job.id)).first() is None


def test_sqlite_with_a_scheduler_is_refused(cli: Cli, tones: Callable[..., list[Path]]) -> None:
    (path,) = tones(1)
    result = cli("batch", path, "--engine", "dask", "--scheduler", "tcp://10.1.2.3:8786", "--no-summary")
    assert result.exit_code == 1
    assert "needs a database every worker can reach, but the database is the SQLite file" in result.stderr
    assert "set MINUTES_DATABASE_URL to PostgreSQL" in result.stderr
    assert _no_jobs()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--engine", "local", "--scheduler", "tcp://h:8786"], "--scheduler is for --engine dask"),
        (["--scheduler", "http://h:8786"], "is not a Dask scheduler address; expected tcp://HOST:8786"),
    ],
)
def test_bad_engine_options_are_refused(
    cli: Cli, tones: Callable[..., list[Path]], args: list[str], message: str
) -> None:
    (path,) = tones(1)
    result = cli("batch", path, *args, "--no-summary")
    assert result.exit_code != 0 and message in result.stderr
    assert _no_jobs()


@ONLY_POSTGRES
def test_an_unreachable_scheduler_is_one_clear_error(
    database: str, cli: Cli, tones: Callable[..., list[Path]]
) -> None:
    (path,) = tones(1)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = cli("batch", path, "--scheduler", f"127.0.0.1:{port}", "--no-summary")
    assert result.exit_code == 1
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


# --- the worker side, in this process (each backend) -----------------------------------------


@pytest.fixture
def plugin(database: str) -> Iterator[MinutesPlugin]:
    """The worker plugin set up as on a worker with 2 threads and one job slot."""
    plugin = MinutesPlugin(database_url=database, llm_api_key=None, log_level=30, ignore_interrupts=False)
    worker = SimpleNamespace(state=SimpleNamespace(nthreads=2, total_resources={"minutes": 1}))
    plugin.setup(worker)  # type: ignore[arg-type]
    yield plugin
    plugin.teardown(worker)  # type: ignore[arg-type]


def _queue(path: Path, **kwargs: Any) -> int:
    with store.session_scope(open_store()) as s:
        return enqueue(s, path, options={"no_summary": True}, **kwargs)


NOW = RetryPolicy(delay=0.0)


def test_a_task_for_a_job_done_or_held_by_a_live_worker_does_nothing(
    plugin: MinutesPlugin, tones: Callable[..., list[Path]], fake_log: Path
) -> None:
    a, b = tones(2)
    done_id, held_id = _queue(a), _queue(b)
    first = plugin.run(done_id, lease_seconds=60.0, policy=NOW)
    assert first["ran"] and first["status"] == "done"
    with store.session_scope(open_store()) as s:  # another host's worker holds b, lease alive
        assert claim_job(s, held_id, worker="elsewhere.example:4242") is not None

    for job_id in (done_id, held_id):  # Dask running these tasks again, elsewhere
        again = plugin.run(job_id, lease_seconds=60.0, policy=NOW)
        assert not again["ran"]
    with store.session_scope(open_store()) as s:
        assert get_job(s, done_id).attempts == 1 and get_job(s, done_id).status == "done"
        held = get_job(s, held_id)
    assert held.status == "running" and held.worker == "elsewhere.example:4242"
    assert len(_ends(fake_log)) == 2  # a's two stages, once; b never started here


def test_a_worker_that_cannot_read_the_recording_says_so_and_the_queue_retries_elsewhere(
    plugin: MinutesPlugin, tones: Callable[..., list[Path]]
) -> None:
    (path,) = tones(1)
    job_id = _queue(path, max_attempts=2)
    path.rename(path.with_suffix(".moved"))  # not on this worker's filesystem

    first = plugin.run(job_id, lease_seconds=60.0, policy=NOW)
    assert first["ran"] and first["status"] == "queued"  # another worker may see it
    assert f"{path}: cannot be read on Dask worker {socket.gethostname()} (No such file" in first["error"]
    assert "every worker must see the recordings at the same path" in first["error"]
    last = plugin.run(job_id, lease_seconds=60.0, policy=NOW)
    assert last["status"] == "failed" and last["error"].endswith("(gave up after 2 attempts)")


def test_a_worker_on_another_database_is_refused_before_any_job(
    plugin: MinutesPlugin, tones: Callable[..., list[Path]]
) -> None:
    (path,) = tones(1)
    job_id = _queue(path)
    assert plugin.prepare(None, {"no_summary": True}, (job_id, str(path.resolve()))).endswith(
        f":{os.getpid()}"
    )
    with pytest.raises(
        WorkerPoolError, match="reaches another database than the machine that queued the jobs"
    ):
        plugin.prepare(None, {"no_summary": True}, (job_id, "/elsewhere/other.wav"))


def test_two_machines_under_one_host_name_are_refused() -> None:
    """Leases are ``host:pid``: a twin host name would let one machine reap the other's live jobs."""
    name, _identity = host_identity()
    engine = DaskPool(WorkerConfig(database_url="sqlite://"), workers=1, sessions=None)  # type: ignore[arg-type]
    twins = {"tcp://10.0.0.5:4000": [name, "another-boot/1"], "tcp://10.0.0.6:4000": ["gpu-1", "b/1"]}
    engine._client = SimpleNamespace(run=lambda _f: twins)  # type: ignore[assignment]
    with pytest.raises(
        WorkerPoolError, match=f"this machine and worker tcp://10.0.0.5:4000 have the same host name {name!r}"
    ):
        engine._check_hosts()
    twins["tcp://10.0.0.5:4000"] = ["gpu-0", "another-boot/1"]
    engine._check_hosts()  # distinct names: fine
