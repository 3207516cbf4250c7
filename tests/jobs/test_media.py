"""``minutes batch`` (worker processes) on hostile and broken media: a playlist is refused without
opening the recording it names, a cut-short recording is processed and marked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from minutes import db as store
from minutes.db.jobs import Job
from minutes.factory import open_store
from tests import hostile, media
from tests.jobs.conftest import Cli
from tests.openwatch import OpenWatch


def test_a_batch_refuses_a_playlist_and_marks_a_cut_recording(
    cli: Cli, tones: Callable[..., list[Path]], tmp_path: Path
) -> None:
    secret = hostile.secret_recording(tmp_path / "other-team")
    folder = tmp_path / "incoming"
    tones(1, folder=folder)
    (folder / "weekly.wav").write_text(hostile.HLS.format(secret), encoding="utf-8")
    whole = media.tone(tmp_path / "memo.mp3", seconds=6.0, channels=1, codec=("-c:a", "libmp3lame"))
    (folder / "memo.mp3").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])

    with OpenWatch(secret) as watch:
        result = cli("batch", folder, "--workers", "1", "--no-summary")
        assert watch.touched() == []

    assert result.exit_code == 1
    assert f"✗ {folder / 'weekly.wav'}: is an HLS playlist (hls): it names other files" in result.stderr
    assert "  ⚠ incomplete recording: the file says it lasts 6." in result.stdout
    with store.session_scope(open_store()) as s:
        jobs = {Path(j.path).name: j for j in s.scalars(select(Job))}
        assert (jobs["weekly.wav"].status, jobs["weekly.wav"].attempts) == ("failed", 1)  # not retried
        assert jobs["memo.mp3"].status == "done" and jobs["meeting-00.wav"].status == "done"
        assert jobs["memo.mp3"].result["warnings"][0].startswith("incomplete recording")
        assert jobs["meeting-00.wav"].result["warnings"] == []
