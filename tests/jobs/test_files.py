"""Which files a batch takes (files, folders, globs) and when a watched file is ready."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from minutes.errors import InputError
from minutes.jobs import Watcher, expand


def _files(root: Path, *names: str) -> list[Path]:
    out = []
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 10)
        out.append(path)
    return out


def test_folders_are_searched_recursively_for_media_only(tmp_path: Path) -> None:
    _files(
        tmp_path,
        "b.wav",
        "a.MP3",
        "notes.txt",
        "sub/c.m4a",
        "sub/c.rttm",
        ".hidden.wav",
        ".sync/d.wav",
        "e.wav.part",
    )
    found = expand([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.MP3", "b.wav", "sub/c.m4a"]


def test_a_named_file_is_taken_whatever_its_suffix_and_duplicates_once(tmp_path: Path) -> None:
    (named,) = _files(tmp_path, "recording-without-suffix")
    (wav,) = _files(tmp_path, "x.wav")
    found = expand([named, wav, tmp_path / "x.wav", str(tmp_path / "." / "x.wav")])
    assert found == [named, wav]


def test_globs_are_expanded_recursively(tmp_path: Path) -> None:
    _files(tmp_path, "2026/jan/a.wav", "2026/feb/b.wav", "2026/feb/b.txt", "2025/c.wav")
    found = expand([str(tmp_path / "2026" / "**" / "*")])
    assert sorted(p.name for p in found) == ["a.wav", "b.wav"]
    assert [p.name for p in expand([str(tmp_path / "2025" / "*.wav")])] == ["c.wav"]


@pytest.mark.parametrize(
    "arg,message",
    [
        ("missing.wav", r"missing.wav: no such file or folder"),
        ("empty", r"empty: no recordings found \(looked for \.wav, \.mp3"),
        ("*.flac", r"\*\.flac: no recordings found"),
    ],
)
def test_an_argument_that_names_nothing_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arg: str, message: str
) -> None:
    (tmp_path / "empty").mkdir()
    _files(tmp_path, "empty-notes.txt")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=message):
        expand(["empty-notes.txt", arg])


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _grow(path: Path, data: bytes) -> None:
    with path.open("ab") as fh:
        fh.write(data)
    stamp = os.stat(path).st_mtime_ns + 1_000_000
    os.utime(path, ns=(stamp, stamp))  # a new mtime even within one clock tick


def test_a_file_is_ready_once_it_stops_growing_and_only_once(tmp_path: Path) -> None:
    clock = Clock()
    watcher = Watcher(tmp_path, settle=5.0, clock=clock)
    path = tmp_path / "call.wav"
    path.write_bytes(b"")
    assert watcher.scan() == []  # empty: a recorder has only opened it
    for _ in range(4):
        _grow(path, b"data" * 100)
        clock.now += 3
        assert watcher.scan() == []  # still being written
    clock.now += 3
    assert watcher.scan() == []  # 3 s unchanged is not enough
    clock.now += 3
    assert watcher.scan() == [path]
    clock.now += 60
    assert watcher.scan() == []
    _grow(path, b"more")  # new content later: reported again once it settles
    clock.now += 1
    assert watcher.scan() == []
    clock.now += 5
    assert watcher.scan() == [path]


def test_files_queued_by_an_earlier_run_are_not_reported_again(tmp_path: Path) -> None:
    old, changed, new = _files(tmp_path, "old.wav", "changed.wav", "new.wav")
    later = datetime.now(UTC) + timedelta(minutes=1)
    earlier = datetime.now(UTC) - timedelta(minutes=1)
    clock = Clock()
    watcher = Watcher(
        tmp_path,
        settle=1.0,
        clock=clock,
        handled={str(old.resolve()): later, str(changed.resolve()): earlier},
    )
    assert watcher.scan() == []
    clock.now += 2
    assert sorted(watcher.scan()) == [changed, new]


def test_a_file_that_disappears_is_forgotten(tmp_path: Path) -> None:
    clock = Clock()
    watcher = Watcher(tmp_path, settle=1.0, clock=clock)
    (path,) = _files(tmp_path, "a.wav")
    watcher.scan()
    path.unlink()
    clock.now += 2
    assert watcher.scan() == []
    _files(tmp_path, "a.wav")
    assert watcher.scan() == []
    clock.now += 2
    assert watcher.scan() == [path]
