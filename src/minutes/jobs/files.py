"""Which files a batch or a watched folder means: recordings named, found in folders, or globbed.

Folders are searched recursively for files with a media suffix (hidden files and folders are
left out: editors, sync tools and downloads keep their half-written files there). A file named
on its own is taken whatever its suffix: naming it says it is meant.
"""

from __future__ import annotations

import glob
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from minutes.errors import InputError

MEDIA_SUFFIXES = frozenset(
    (  # noqa: SIM905 - one list a person can read at a glance
        "3gp aac aif aifc aiff amr ape au avi caf flac m4a m4b m4v mka mkv mov mp2 mp3 mp4 mpeg mpg mts "
        "oga ogg ogv opus ts wav weba webm wma wmv wv"
    ).split()
)
"""Suffixes (lower case, without the dot) a folder or glob search takes as recordings."""

_SHOWN = ".wav, .mp3, .m4a, .mp4, .webm, ..."


def is_media(path: Path) -> bool:
    return path.suffix[1:].lower() in MEDIA_SUFFIXES and not path.name.startswith(".")


def media_in(folder: Path) -> Iterator[Path]:
    """The recordings under a folder, recursively, in a stable order; hidden entries skipped."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if is_media(path) and path.is_file():
                yield path


def expand(arguments: Sequence[str | Path]) -> list[Path]:
    """Files, folders and globs → the recordings they name, in order, each once.

    Raises :class:`InputError` for an argument that names nothing, or a folder or glob with no
    recordings in it, before anything is queued.
    """
    found: list[Path] = []
    for raw in arguments:
        text = str(raw)
        path = Path(text).expanduser()
        if path.is_dir():
            matches = list(media_in(path))
        elif path.exists():
            matches = [path]
        elif glob.has_magic(text):
            matches = list(_globbed(str(path)))
        else:
            raise InputError(f"{text}: no such file or folder")
        if not matches:
            raise InputError(f"{text}: no recordings found (looked for {_SHOWN})")
        found.extend(matches)
    return _unique(found)


def _globbed(pattern: str) -> Iterator[Path]:
    for match in sorted(glob.glob(pattern, recursive=True)):
        path = Path(match)
        if path.is_dir():
            yield from media_in(path)
        elif is_media(path):
            yield path


def _unique(paths: Iterable[Path]) -> list[Path]:
    seen: set[Path] = set()
    out: list[Path] = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


@dataclass(frozen=True, slots=True)
class _Look:
    size: int
    mtime_ns: int
    since: float  # when (clock) the file was first seen with this size and time


class Watcher:
    """Finds recordings in a folder once they have stopped growing, each once per content.

    A file is ready when it is not empty and its size and modification time have not changed
    for ``settle`` seconds. It is reported once; reported again only if it changes afterwards
    (new content). ``handled`` maps paths queued before (e.g. by an earlier run) to when: such a
    file not modified since is not reported again.
    """

    def __init__(
        self,
        folder: Path,
        *,
        settle: float,
        handled: Mapping[str, datetime] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = folder
        self.settle = settle
        self._clock = clock
        self._handled = dict(handled or {})
        self._looks: dict[Path, _Look] = {}
        self._reported: dict[Path, tuple[int, int]] = {}

    def scan(self) -> list[Path]:
        """The files that became ready since the last scan."""
        now = self._clock()
        ready: list[Path] = []
        present: set[Path] = set()
        for path in media_in(self.folder):
            try:
                stat = path.stat()
            except OSError:  # gone between the listing and now
                continue
            present.add(path)
            shape = (stat.st_size, stat.st_mtime_ns)
            if self._reported.get(path) == shape or self._done_before(path, stat.st_mtime):
                self._reported[path] = shape
                continue
            look = self._looks.get(path)
            if look is None or (look.size, look.mtime_ns) != shape:
                self._looks[path] = _Look(*shape, since=now)
            elif stat.st_size > 0 and now - look.since >= self.settle:
                ready.append(path)
                self._reported[path] = shape
                del self._looks[path]
        for gone in set(self._looks) - present:
            del self._looks[gone]
        for gone in set(self._reported) - present:
            del self._reported[gone]
        return ready

    def _done_before(self, path: Path, mtime: float) -> bool:
        queued = self._handled.pop(str(path.resolve()), None)
        return queued is not None and mtime < queued.timestamp()
