"""``minutes watch`` for real: a file arriving slowly is queued once, when complete, and only once."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from minutes import db as store
from minutes.audio import content_hash
from minutes.db.jobs import Job
from minutes.factory import open_store
from tests import media
from tests.conftest import ROOT


def _watch(folder: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "minutes.cli",
            "watch",
            str(folder),
            "--settle",
            "1",
            "--interval",
            "0.2",
            "--no-summary",
            "--json",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _jobs() -> dict[str, Job]:
    with store.session_scope(open_store()) as s:
        return {Path(j.path).name: j for j in s.scalars(select(Job))}


def _until(check: Callable[[], bool], proc: subprocess.Popen[str], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"watch ended or timed out: {proc.communicate()[1][-2000:]}")
        time.sleep(0.1)


def _stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-2000:]
    return out, err


def test_watch_takes_each_file_once_and_never_half_written(fake_log: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    media.tone(inbox / "already-there.wav", frequency=500, channels=1)
    whole = media.tone(tmp_path / "arriving.wav", frequency=700, seconds=4, channels=1).read_bytes()
    proc = _watch(inbox)
    _until(
        lambda: (
            _jobs().get("already-there.wav") is not None and _jobs()["already-there.wav"].status == "done"
        ),
        proc,
    )

    target = inbox / "arriving.wav"
    step = len(whole) // 6 + 1
    for start in range(0, len(whole), step):  # a copy over a slow link: a piece every 0.4 s
        with target.open("ab") as fh:
            fh.write(whole[start : start + step])
        time.sleep(0.4)
        assert "arriving.wav" not in _jobs() or start + step >= len(whole), "queued while still being written"
    _until(lambda: "arriving.wav" in _jobs() and _jobs()["arriving.wav"].status == "done", proc)
    time.sleep(1.5)  # several more looks at the folder

    jobs = _jobs()
    assert sorted(jobs) == ["already-there.wav", "arriving.wav"]
    assert jobs["arriving.wav"].sha256 == content_hash(target)  # the complete file, not a part
    out, err = _stop(proc)
    finished = [json.loads(line) for line in out.splitlines()]
    assert sorted(Path(j["path"]).name for j in finished) == ["already-there.wav", "arriving.wav"]
    assert f"queued {target}" in err and "stopped watching" in err and "2 processed" in err

    again = _watch(inbox)  # a restart does not process the same files again
    time.sleep(3)
    out, _err = _stop(again)
    assert out == "" and len(_jobs()) == 2
