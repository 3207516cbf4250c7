"""``minutes batch``, ``worker`` and ``jobs`` for real: worker processes over slow fake stages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from minutes import db as store
from minutes.db.jobs import Job
from minutes.factory import open_store
from minutes.jobs import enqueue, list_jobs
from tests import media
from tests.jobs import slow
from tests.jobs.conftest import Cli


@pytest.fixture
def folder(tones: Callable[..., list[Path]], tmp_path: Path) -> Path:
    """Three recordings, a copy of the first one, and a text file called .wav."""
    first, *_ = tones(3)
    (first.parent / "copy of meeting-00.wav").write_bytes(first.read_bytes())
    (first.parent / "notes.wav").write_text("Agenda\n", encoding="utf-8")
    return first.parent


def _jobs() -> list[Job]:
    with store.session_scope(open_store()) as s:
        return list(s.scalars(select(Job).order_by(Job.id)))


def _by_name() -> dict[str, Job]:
    return {Path(j.path).name: j for j in _jobs()}


def test_a_batch_processes_the_good_skips_the_copy_and_names_the_bad(cli: Cli, folder: Path) -> None:
    result = cli("batch", folder, "--workers", "2", "--no-summary")

    assert result.exit_code == 1
    done_lines = [ln for ln in result.stdout.splitlines() if ln.startswith("✓ meeting")]
    assert len(done_lines) == 3
    assert "= " + str(folder / "meeting-00.wav") + "  skipped: same content as job" in result.stdout
    assert f"✗ {folder / 'notes.wav'}: not a readable audio or video file" in result.stderr
    summary = [ln for ln in result.stdout.splitlines() if ln.startswith("batch batch-")]
    assert len(summary) == 1 and "3 done, 1 skipped as duplicate, 1 failed" in summary[0]
    assert "`minutes jobs retry --failed --batch batch-" in result.stderr

    jobs = _by_name()
    assert {n: j.status for n, j in jobs.items()} == {
        "copy of meeting-00.wav": "done",
        "meeting-00.wav": "skipped",
        "meeting-01.wav": "done",
        "meeting-02.wav": "done",
        "notes.wav": "failed",
    }
    assert jobs["notes.wav"].attempts == 1  # a file that is not media is not retried
    assert jobs["meeting-00.wav"].meeting_id == jobs["copy of meeting-00.wav"].meeting_id
    with store.session_scope(open_store()) as s:
        assert len(store.list_meetings(s)) == 3


def test_running_the_same_batch_again_resumes_it_and_does_nothing_twice(
    cli: Cli, tones: Callable[..., list[Path]], fake_log: Path
) -> None:
    files = tones(2)
    first = cli("batch", files[0].parent, "--no-summary", "--json")
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["counts"] == {"queued": 0, "running": 0, "done": 2, "failed": 0, "skipped": 0}
    assert report["audio_seconds"] == pytest.approx(6.0, abs=0.1)
    assert [j["status"] for j in report["jobs"]] == ["done", "done"]
    runs = [e for e in slow.events(fake_log) if e[1] == "end"]

    again = cli("batch", files[0].parent, "--no-summary", "--json")
    assert again.exit_code == 0
    assert json.loads(again.stdout)["batch"] == report["batch"]
    assert len(_jobs()) == 2
    assert [e for e in slow.events(fake_log) if e[1] == "end"] == runs  # no stage ran again

    other = cli("batch", files[0].parent, "--no-summary", "--language", "de", "--json")
    other_report = json.loads(other.stdout)
    assert other_report["batch"] != report["batch"]  # other options: another batch...
    assert other_report["counts"]["skipped"] == 2  # ...of recordings already processed


def test_a_passing_fault_is_retried_after_a_delay(
    cli: Cli, tones: Callable[..., list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = tones(2)
    monkeypatch.setenv("MINUTES_FAKE_FAIL_ONCE", "meeting-01.wav")
    result = cli("batch", *files, "--no-summary", "--retry-delay", "0.3")
    assert result.exit_code == 0, result.output
    assert "↻ " in result.stderr and "meeting-01.wav: attempt 1 of 3 failed" in result.stderr
    assert "transcription failed (a passing fault)" in result.stderr
    jobs = _by_name()
    assert jobs["meeting-01.wav"].status == "done" and jobs["meeting-01.wav"].attempts == 2
    assert jobs["meeting-00.wav"].attempts == 1


def test_options_reach_the_jobs_and_the_workers(
    cli: Cli, tones: Callable[..., list[Path]], tmp_path: Path, fake_log: Path
) -> None:
    (path,) = tones(1)
    vocabulary = tmp_path / "names.txt"
    vocabulary.write_text("Priya\nKubernetes\n", encoding="utf-8")
    result = cli(
        "batch",
        path,
        "--language",
        "de",
        "--speakers",
        "2",
        "--vocabulary",
        vocabulary,
        "--no-summary",
        "--llm-api-key",
        "secret",
        "--threads",
        "4",
        "--workers",
        "2",
        "--max-attempts",
        "5",
        "--batch",
        "inbox",
    )
    assert result.exit_code == 0, result.output
    (job,) = _jobs()
    assert job.batch == "inbox" and job.max_attempts == 5
    assert job.options == {
        "language": "de",
        "num_speakers": 2,
        "hotwords": "Priya, Kubernetes",
        "no_summary": True,
    }
    assert "secret" not in json.dumps(job.options)
    builds = {e[2] for e in slow.events(fake_log) if e[1] == "build"}
    assert "threads=2,parallel=True,summary=False" in builds  # 4 threads shared by 2 workers


@pytest.mark.parametrize(
    "args,message",
    [
        (["no-such-folder"], "error: no-such-folder: no such file or folder"),
        (["{folder}", "--preset", "nope"], "error: unknown preset 'nope'; choose one of:"),
        (["{folder}", "--language", "de", "--speakers", "0"], "Invalid value for '--speakers'"),
    ],
)
def test_bad_input_is_one_line_and_queues_nothing(
    cli: Cli, tones: Callable[..., list[Path]], args: list[str], message: str
) -> None:
    (path,) = tones(1)
    result = cli("batch", *[a.format(folder=path.parent) for a in args])
    assert result.exit_code != 0
    assert message in result.stderr and "Traceback" not in result.output
    assert _jobs() == []


def test_jobs_lists_and_retries(cli: Cli, folder: Path) -> None:
    cli("batch", folder, "--no-summary", "-q")
    table = cli("jobs")
    assert table.exit_code == 0
    assert table.stdout.splitlines()[0].split() == [
        "ID",
        "STATUS",
        "STAGE",
        "TRIES",
        "MEETING",
        "BATCH",
        "UPDATED",
        "FILE",
        "NOTE",
    ]
    assert len(table.stdout.splitlines()) == 6
    failed = json.loads(cli("jobs", "--status", "failed", "--json").stdout)
    assert [j["path"] for j in failed] == [str(folder / "notes.wav")]

    done_id = _by_name()["meeting-01.wav"].id
    refused = cli("jobs", "retry", str(done_id))
    assert refused.exit_code == 1
    assert f"error: only failed jobs can be retried: job {done_id} is done" in refused.stderr
    assert cli("jobs", "retry").exit_code == 1  # nothing named

    media.tone(folder / "notes.wav", frequency=990, channels=1)  # the user fixes the file
    retried = cli("jobs", "retry", "--failed")
    assert retried.exit_code == 0 and f"queued again: job {failed[0]['id']}" in retried.stdout
    worked = cli("worker")
    assert worked.exit_code == 0, worked.output
    assert "✓ meeting" in worked.stdout and "notes.wav" in worked.stdout
    assert {j.status for j in _jobs()} == {"done", "skipped"}
    assert cli("jobs", "retry", "--failed").stdout.strip() == "no failed jobs to retry"


def test_jobs_before_anything_was_queued(cli: Cli) -> None:
    result = cli("jobs")
    assert result.exit_code == 0 and "no jobs yet" in result.stdout


def test_worker_runs_jobs_queued_through_the_api_each_with_its_options(
    cli: Cli, tones: Callable[..., list[Path]], fake_log: Path
) -> None:
    a, b, c = tones(3)
    with store.session_scope(open_store()) as s:
        enqueue(s, a, options={"no_summary": True}, team_id=None, submitted_by=None)
        enqueue(s, b, options={"no_summary": True, "language": "fr"})
        enqueue(s, c, title="Board meeting")
    result = cli("worker", "--workers", "2", "--json")
    assert result.exit_code == 0, result.output
    lines = [json.loads(ln) for ln in result.stdout.splitlines()]
    assert sorted(j["path"] for j in lines) == sorted(str(p) for p in (a, b, c))
    assert {j["status"] for j in lines} == {"done"}
    with store.session_scope(open_store()) as s:
        jobs = {Path(j.path).name: j for j in list_jobs(s)}
        board = store.load_meeting(s, meeting_id=jobs[c.name].meeting_id or 0)
    assert board.title == "Board meeting" and board.minutes is not None  # summary on for that job
    assert {e[2] for e in slow.events(fake_log) if e[1] == "build"} >= {
        "threads=1,parallel=False,summary=False",
        "threads=1,parallel=False,summary=True",
    }


def test_worker_with_an_empty_queue_exits_at_once(cli: Cli) -> None:
    result = cli("worker")
    assert result.exit_code == 0 and result.output == ""
    with store.session_scope(open_store()) as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 0
