"""Which of some files any process opened or read: Linux inotify through ctypes (no strace needed).

A watch sees every open and read of a file by any process, ffprobe and ffmpeg included, and the
kernel queues the event before the call returns: once the child process has exited, its events
are there to read.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys
from pathlib import Path
from types import TracebackType

import pytest

IN_ACCESS = 0x001
IN_OPEN = 0x020
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (then len bytes of name)


class OpenWatch:
    """``with OpenWatch(secret) as watch: ...; assert watch.touched() == []``."""

    def __init__(self, *paths: Path) -> None:
        if not sys.platform.startswith("linux"):
            pytest.skip("inotify is Linux only")
        self._libc = ctypes.CDLL(None, use_errno=True)
        self._fd = self._libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self._fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self._paths: dict[int, Path] = {}
        for path in paths:
            wd = self._libc.inotify_add_watch(self._fd, os.fsencode(path), IN_OPEN | IN_ACCESS)
            if wd < 0:
                raise OSError(ctypes.get_errno(), f"cannot watch {path}")
            self._paths[wd] = path

    def touched(self) -> list[Path]:
        """The watched files opened or read since the last call (each once, in order)."""
        seen: list[Path] = []
        while True:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return seen
            at = 0
            while at < len(data):
                wd, mask, _cookie, length = _EVENT.unpack_from(data, at)
                at += _EVENT.size + length
                path = self._paths.get(wd)
                if path is not None and mask & (IN_OPEN | IN_ACCESS) and path not in seen:
                    seen.append(path)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> OpenWatch:
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.close()
